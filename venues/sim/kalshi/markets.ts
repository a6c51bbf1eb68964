/**
 * What the Kalshi simulator knows about each market beyond its book: the listing (when, under
 * which title, when it resolves), the result once published, and the trading statistics Kalshi's
 * market object reports (last price, volume, open interest), kept from the trades the sim matches.
 * venues/sim/kalshi/wire-fields.ts turns it into Kalshi's Market.
 */
import { z } from 'zod';

const DAY_MS = 24 * 3600_000;

/** A listing's metadata from the admin API (`POST /_sim/markets`); the market world sends its events' titles and resolution times. */
export const marketListingSchema = z.object({
  title: z.string().min(1).max(500).optional(),
  /** When the market resolves, ms since the epoch (the world's `resolvesAt`): Kalshi's close and expected expiration time. */
  resolvesAt: z.number().int().positive().optional(),
});
export type KalshiMarketListing = z.infer<typeof marketListingSchema>;

export interface KalshiSimMarket {
  ticker: string;
  title?: string;
  /** ms since the epoch: when the sim listed it (seeded books: when the sim started). */
  listedAt: number;
  /** The last change of listing metadata (Kalshi's `updated_time`: non-trading updates). */
  updatedAt: number;
  resolvesAt?: number;
  result?: 'yes' | 'no';
  resolvedAt?: number;
  /** The YES price of the last trade, in cents. */
  lastYesPrice?: number;
  /** Contracts traded since listing. */
  volume: number;
  /** Contracts outstanding: a trade between two buyers creates them, one between two sellers retires them. */
  openInterest: number;
  /** The last 24 hours' trades, oldest first: [ms, contracts]. */
  recent: [number, number][];
}

export function newMarket(ticker: string, at: number, listing: KalshiMarketListing = {}): KalshiSimMarket {
  return { ticker, ...listing, listedAt: at, updatedAt: at, volume: 0, openInterest: 0, recent: [] };
}

/** Listing an existing market again (a restarted world) keeps its state; new metadata replaces the old. */
export function relist(m: KalshiSimMarket, listing: KalshiMarketListing, at: number): void {
  const changed = (listing.title !== undefined && listing.title !== m.title) || (listing.resolvesAt !== undefined && listing.resolvesAt !== m.resolvesAt);
  if (!changed) return;
  if (listing.title !== undefined) m.title = listing.title;
  if (listing.resolvesAt !== undefined) m.resolvesAt = listing.resolvesAt;
  m.updatedAt = at;
}

/**
 * One match of `count` contracts at a YES price. Each side of a Kalshi trade either opens a
 * position (a buy) or closes one (a sell): two buys create contracts, two sells retire them, a
 * buy against a sell passes them on. Open interest seeded before the sim started is unknown, so
 * it never goes below 0.
 */
export function recordTrade(m: KalshiSimMarket, t: { yesPrice: number; count: number; takerBuys: boolean; makerBuys: boolean; at: number }): void {
  m.lastYesPrice = t.yesPrice;
  m.volume += t.count;
  if (t.takerBuys && t.makerBuys) m.openInterest += t.count;
  else if (!t.takerBuys && !t.makerBuys) m.openInterest = Math.max(0, m.openInterest - t.count);
  m.recent.push([t.at, t.count]);
  pruneRecent(m, t.at);
}

/** Contracts traded in the 24 hours before `now`. */
export function volume24h(m: KalshiSimMarket, now: number): number {
  pruneRecent(m, now);
  return m.recent.reduce((sum, [, n]) => sum + n, 0);
}

function pruneRecent(m: KalshiSimMarket, now: number): void {
  let drop = 0;
  while (drop < m.recent.length && m.recent[drop]![0] <= now - DAY_MS) drop++;
  if (drop > 0) m.recent.splice(0, drop);
}
