/**
 * The signal loop's books from the venues' market-data streams (Kalshi `orderbook_delta`,
 * Polymarket's market channel), with the REST books as the fallback: a book is served from the
 * stream only while it is known (snapshot received, no gap or disconnect since) and fresh (a
 * message within `maxAgeMs`); otherwise the loop reads it over REST. So a dropped or gapped stream
 * degrades to polling for just the markets it affects, and recovers once a fresh snapshot arrives.
 */
import { levels, type Book } from '../domain/book';
import type { BookSource } from '../activities/signal-loop';
import type { KalshiCredentials } from './kalshi/auth';
import { kalshiBookStream } from './kalshi/stream';
import { polymarketBookStream } from './polymarket/stream';

interface Entry {
  book: Book;
  at: number;
}

export interface FeedHealth {
  /** Reads served from a stream book, and from REST (fallback or never synced). */
  streamReads: number;
  restReads: number;
  /** Gaps, disconnects and invalid messages seen on the streams. */
  resyncs: number;
  invalid: number;
  /** Markets whose stream book is known and fresh right now. */
  synced: number;
  /** Age of the oldest stream book among the markets (ms; Infinity while one has none). */
  oldestAgeMs: number;
  /**
   * Per venue: markets with no known stream book (never snapshotted, or dropped by a gap or a
   * disconnect), and for how long the venue has had any (0 when none): the data-health measure.
   * A quiet market's book is still known, so quiet is never unhealthy.
   */
  venues: Record<'kalshi' | 'polymarket', { unknown: number; unhealthyMs: number }>;
}

export function streamingBookSource(opts: {
  kalshi: { wsUrl: string; credentials: KalshiCredentials; tickers: string[] };
  polymarket: { wsUrl: string; tokenIds: string[] };
  fallback: BookSource;
  maxAgeMs?: number;
  now?: () => number;
}): { books: BookSource; health(): FeedHealth; close(): void } {
  const maxAgeMs = opts.maxAgeMs ?? 5_000;
  const now = opts.now ?? Date.now;
  const kalshi = new Map<string, Entry>();
  const poly = new Map<string, Entry>();
  const health = { streamReads: 0, restReads: 0, resyncs: 0, invalid: 0 };
  const unhealthySince: Record<'kalshi' | 'polymarket', number | undefined> = { kalshi: undefined, polymarket: undefined };
  const venueHealth = (venue: 'kalshi' | 'polymarket', known: Map<string, Entry>, markets: string[]) => {
    const unknown = markets.filter((m) => !known.has(m)).length;
    if (unknown === 0) unhealthySince[venue] = undefined;
    else unhealthySince[venue] ??= now();
    const since = unhealthySince[venue];
    return { unknown, unhealthyMs: since === undefined ? 0 : now() - since };
  };

  const kStream = kalshiBookStream({ wsUrl: opts.kalshi.wsUrl, credentials: opts.kalshi.credentials, markets: opts.kalshi.tickers });
  const pStream = polymarketBookStream({ wsUrl: opts.polymarket.wsUrl, assetIds: opts.polymarket.tokenIds });
  void (async () => {
    for await (const e of kStream.events()) {
      if (e.type === 'book') kalshi.set(e.market, { book: e.book, at: now() });
      else if (e.type === 'gap') {
        health.resyncs += 1;
        // The subscription's books are unknown until its fresh snapshot.
        if (e.market) kalshi.delete(e.market);
        else kalshi.clear();
      } else health.invalid += 1;
    }
  })();
  void (async () => {
    for await (const e of pStream.events()) {
      if (e.type === 'book') poly.set(e.market, { book: e.book, at: now() });
      else if (e.type === 'disconnected') {
        health.resyncs += 1;
        poly.clear();
      } else if (e.type === 'invalid') health.invalid += 1;
    }
  })();

  const fresh = (entry: Entry | undefined) => entry !== undefined && now() - entry.at <= maxAgeMs;
  const asLevels = (b: Book) => ({ bids: levels(b, 'bid'), asks: levels(b, 'ask') });
  const read = async (entry: Entry | undefined, rest: () => Promise<{ bids: [string, string][]; asks: [string, string][] }>) => {
    if (fresh(entry)) {
      health.streamReads += 1;
      return asLevels(entry!.book);
    }
    health.restReads += 1;
    return rest();
  };

  return {
    books: {
      kalshiYesBook: (ticker) => read(kalshi.get(ticker), () => opts.fallback.kalshiYesBook(ticker)),
      polymarketBook: (token) => read(poly.get(token), () => opts.fallback.polymarketBook(token)),
    },
    health() {
      const entries = [...opts.kalshi.tickers.map((t) => kalshi.get(t)), ...opts.polymarket.tokenIds.map((t) => poly.get(t))];
      const synced = entries.filter(fresh).length;
      const oldest = entries.reduce((m, e) => Math.max(m, e ? now() - e.at : Number.POSITIVE_INFINITY), 0);
      const venues = { kalshi: venueHealth('kalshi', kalshi, opts.kalshi.tickers), polymarket: venueHealth('polymarket', poly, opts.polymarket.tokenIds) };
      return { ...health, synced, oldestAgeMs: oldest, venues };
    },
    close() {
      kStream.close();
      pStream.close();
    },
  };
}
