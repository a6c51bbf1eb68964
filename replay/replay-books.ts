/**
 * The books a replay's scan reads, rebuilt from recorded events, mirroring what the live loop's
 * feed store serves (venues/feed-store.ts `read`): a market's stream book while the stream knows it
 * (a snapshot seen, no `lost` since); otherwise its last REST poll when at most `maxPollAgeMs` old;
 * otherwise nothing, and what needs that book is not evaluated (as when the live read fails).
 * The live store's short hold after a loss is not modelled: a stream book counts again from its
 * next snapshot.
 *
 * Every book served is stamped with the scan instant as its receipt time, as the live loop does
 * (one instant for the books' receipt and the evaluation).
 */
import { levels, type Book } from '../domain/book';
import type { BookSnapshot } from '../domain/quote-firewall';
import { bookKey, type MarketRef } from '../domain/strategies/strategy';
import { applyRecord, type MarketDataRecord } from '../venues/recording';

/** The feed store's default for how old a poll may be and still be served (FeedStoreOptions.maxPollAgeMs). */
export const DEFAULT_MAX_POLL_AGE_MS = 10_000;

export type Levels = { bids: [string, string][]; asks: [string, string][] };

export interface ReplayBooks {
  apply(record: MarketDataRecord): void;
  /** The book of one market as the loop would read it at `nowMs`, or undefined. */
  levelsAt(market: MarketRef, nowMs: number): Levels | undefined;
  /** The scan's snapshot of `markets`, keyed by `bookKey`; markets without a book are left out. */
  snapshot(markets: readonly MarketRef[], nowMs: number): Map<string, BookSnapshot>;
}

const levelsOf = (book: Book): Levels => ({ bids: levels(book, 'bid'), asks: levels(book, 'ask') });

export function createReplayBooks(opts: { maxPollAgeMs?: number } = {}): ReplayBooks {
  const maxPollAgeMs = opts.maxPollAgeMs ?? DEFAULT_MAX_POLL_AGE_MS;
  const stream = new Map<string, Book>();
  const polled = new Map<string, Book>();
  const polledAt = new Map<string, number>();
  const levelsAt = (m: MarketRef, nowMs: number): Levels | undefined => {
    const key = bookKey(m.venue, m.market);
    const s = stream.get(key);
    if (s) return levelsOf(s);
    const p = polled.get(key);
    const at = polledAt.get(key);
    return p && at !== undefined && nowMs - at <= maxPollAgeMs ? levelsOf(p) : undefined;
  };
  return {
    apply(record) {
      if (record.source === 'stream') return applyRecord(stream, record);
      // A poll is a whole book (recorded as a snapshot) with its own receive time.
      applyRecord(polled, record);
      polledAt.set(bookKey(record.venue, record.market), record.t);
    },
    levelsAt,
    snapshot(markets, nowMs) {
      const out = new Map<string, BookSnapshot>();
      for (const m of markets) {
        const l = levelsAt(m, nowMs);
        if (l) out.set(bookKey(m.venue, m.market), { venue: m.venue, market: m.market, bids: l.bids, asks: l.asks, receivedAtMs: nowMs });
      }
      return out;
    },
  };
}
