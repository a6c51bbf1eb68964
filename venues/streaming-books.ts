/**
 * The signal loop's books from the venues' market-data feeds, in one process: a feed store
 * (venues/feed-store.ts) written by one feed per venue (venues/venue-feed.ts: Kalshi
 * `orderbook_delta`, Polymarket's market channel, Coinbase `level2`), read through the loop's
 * `BookSource`. Each market is served from its stream while the stream book is known (and, after a
 * loss, has been known again for the hold time), from the feed's REST polls otherwise; a venue no
 * feed serves here is read over REST on demand (`fallback`).
 *
 * Used where the loop owns its feeds (a worker without a feed host, tests); with a feed host
 * (workers/feed-host.ts) the feeds run as their own activities on the same store instead.
 */
import type { BookSource } from '../activities/signal-loop';
import { createFeedStore, type FeedHealth, type FeedStore, type FeedStoreOptions, type FeedVenue } from './feed-store';
import type { VenueFeedSource } from './feed-streams';
import type { Recorder } from './recording';
import { startVenueFeed, type VenueFeed, type VenueFeedOptions } from './venue-feed';

export type { FeedHealth } from './feed-store';

/** Feed tuning shared by every venue's feed (see venues/venue-feed.ts). */
export type FeedTuning = Pick<VenueFeedOptions, 'queueLimit' | 'pollIntervalMs' | 'staleAfterMs' | 'reconnectMs' | 'maxReconnectMs' | 'marketsPerStream'> & Pick<FeedStoreOptions, 'holdMs' | 'maxPollAgeMs'>;

export function streamingBookSource(opts: {
  sources: Partial<Record<FeedVenue, VenueFeedSource>>;
  /** The markets each venue's feed serves. */
  markets: Partial<Record<FeedVenue, string[]>>;
  fallback: BookSource;
  recorder?: Recorder;
  tuning?: FeedTuning;
  store?: FeedStore;
}): { books: BookSource; store: FeedStore; health(): FeedHealth; close(): Promise<void> } {
  const store = opts.store ?? createFeedStore(opts.tuning);
  const feeds: VenueFeed[] = [];
  for (const [venue, markets] of Object.entries(opts.markets) as [FeedVenue, string[]][]) {
    const source = opts.sources[venue];
    if (!source || markets.length === 0) continue;
    feeds.push(startVenueFeed({ venue, markets, store, ...source, ...(opts.recorder ? { recorder: opts.recorder } : {}), ...opts.tuning }));
  }
  return {
    books: store.bookSource(opts.fallback),
    store,
    health: () => store.health(),
    close: async () => void (await Promise.all(feeds.map((f) => f.close()))),
  };
}
