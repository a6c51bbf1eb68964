/**
 * One venue's market-data feed: its stream's snapshots and deltas applied to the feed store, the
 * markets the stream does not serve polled over REST at a bounded rate, and every applied book
 * event recorded (when a recorder is given). The store decides stream vs poll per market with
 * hysteresis (venues/feed-store.ts); this runner makes the stream honest:
 *
 * - a sequence gap or a disconnect reported by the stream client loses its connection's books at
 *   once (the client resubscribes or reconnects for fresh snapshots by itself);
 * - a burst beyond the stream's bounded queue (events dropped) or a stream silent for
 *   `staleAfterMs` forces a resync: the books are lost and the stream is reopened, with back-off
 *   (doubling from `reconnectMs` to `maxReconnectMs`, reset by the next snapshot);
 * - while the recorder's buffer is full the runner stops reading the stream (backpressure), so
 *   nothing grows without bound: the queue overflows and a resync follows instead.
 */
import type { Book } from '../domain/book';
import type { FeedStore, FeedVenue, Levels } from './feed-store';
import type { MarketDataRecord, Recorder } from './recording';

export type FeedEvent =
  | { type: 'book'; market: string; book: Book; from: 'snapshot' | 'delta'; seq?: number }
  /** The stream lost one market's book, or all of them (`market` undefined). */
  | { type: 'lost'; market?: string; why: 'gap' | 'disconnect' }
  | { type: 'invalid'; reason: string };

/** A venue stream client seen through one event shape (venues/feed-streams.ts adapts each venue's). */
export interface FeedStream {
  events(): AsyncGenerator<FeedEvent>;
  close(): void;
  /** Events dropped so far because the consumer fell behind the queue bound. */
  readonly dropped: number;
}

export interface VenueFeedOptions {
  venue: FeedVenue;
  markets: string[];
  store: FeedStore;
  /** Opens the venue's stream for the markets with an event queue of `queueLimit`. */
  openStream(markets: string[], queueLimit: number): FeedStream;
  /** REST book of one market; absent where the venue has none (its markets are then stream-only). */
  poll?: (market: string) => Promise<Levels>;
  recorder?: Recorder;
  queueLimit?: number;
  pollIntervalMs?: number;
  staleAfterMs?: number;
  reconnectMs?: number;
  maxReconnectMs?: number;
  /**
   * Markets per connection (default: all on one). More connections bound what one failure costs:
   * a gap or an overflow loses only its connection's markets (the venue goes hybrid, not poll).
   */
  marketsPerStream?: number;
  /** Why a resync was forced (logs). */
  onResync?: (reason: string) => void;
  now?: () => number;
}

export interface VenueFeed {
  /** Resyncs this feed forced (queue overflow, silence). */
  readonly forcedResyncs: number;
  close(): Promise<void>;
}

export function startVenueFeed(opts: VenueFeedOptions): VenueFeed {
  const { venue, markets, store, recorder } = opts;
  const now = opts.now ?? Date.now;
  const queueLimit = opts.queueLimit ?? 1_000;
  const pollIntervalMs = opts.pollIntervalMs ?? 1_000;
  const staleAfterMs = opts.staleAfterMs ?? 15_000;
  const reconnectMs = opts.reconnectMs ?? 250;
  const maxReconnectMs = opts.maxReconnectMs ?? 10_000;
  const perStream = Math.max(1, opts.marketsPerStream ?? markets.length);
  let closed = false;
  let forcedResyncs = 0;
  let pollTimer: NodeJS.Timeout | undefined;

  store.track(venue, markets);
  store.feedStarted(venue);

  const record = async (r: Omit<MarketDataRecord, 'v' | 't' | 'venue'>) => {
    if (recorder && !recorder.append({ v: 1, t: now(), venue, ...r })) await recorder.drain();
  };
  const recordLost = async (lost: string[]) => {
    for (const m of lost) await record({ market: m, kind: 'lost', source: 'stream', seq: null, bids: [], asks: [] });
  };
  // A new file starts with every known book, so each file of a rotated recording stands alone.
  const unsubscribe = recorder?.onRotate(() => {
    for (const { market, levels } of store.knownStreamBooks(venue)) recorder.append({ v: 1, t: now(), venue, market, kind: 'snapshot', source: 'stream', seq: null, ...levels });
  });

  /** One connection and the markets it carries; a loss without a market name is all of them. */
  interface Shard {
    markets: string[];
    stream?: FeedStream;
    attempt: number;
    lastEventAt: number;
    reopen?: NodeJS.Timeout;
  }
  const shards: Shard[] = [];
  for (let i = 0; i < markets.length; i += perStream) shards.push({ markets: markets.slice(i, i + perStream), attempt: 0, lastEventAt: now() });

  const open = (shard: Shard) => {
    if (closed) return;
    const s = opts.openStream(shard.markets, queueLimit);
    shard.stream = s;
    shard.lastEventAt = now();
    void consume(shard, s);
  };

  const resync = async (shard: Shard, reason: string) => {
    const s = shard.stream;
    shard.stream = undefined;
    s?.close();
    forcedResyncs += 1;
    opts.onResync?.(reason);
    store.lost(venue, shard.markets, 'resync');
    await recordLost(shard.markets);
    const delay = Math.min(maxReconnectMs, reconnectMs * 2 ** shard.attempt);
    shard.attempt += 1;
    clearTimeout(shard.reopen);
    shard.reopen = setTimeout(() => open(shard), delay);
    shard.reopen.unref();
  };

  const consume = async (shard: Shard, s: FeedStream) => {
    let seenDropped = 0;
    for await (const e of s.events()) {
      if (closed || shard.stream !== s) return;
      shard.lastEventAt = now();
      if (e.type === 'book') {
        const change = store.applyStream(venue, e.market, e.book, e.from);
        if (e.from === 'snapshot') shard.attempt = 0;
        if (change) await record({ market: e.market, kind: change.kind, source: 'stream', seq: e.seq ?? null, bids: change.bids, asks: change.asks });
      } else if (e.type === 'lost') {
        const lost = e.market === undefined ? shard.markets : [e.market];
        store.lost(venue, lost, e.why);
        await recordLost(lost);
      } else store.count(venue, 'invalid');
      if (s.dropped > seenDropped) {
        // Deltas were dropped (conflated away) by the bounded queue: the books cannot be trusted.
        store.dropped(venue, s.dropped - seenDropped);
        seenDropped = s.dropped;
        if (shard.stream === s) await resync(shard, `queue overflow: ${seenDropped} events dropped past ${queueLimit}`);
        return;
      }
    }
  };

  const staleness = setInterval(() => {
    for (const shard of shards) if (shard.stream && now() - shard.lastEventAt > staleAfterMs) void resync(shard, `no stream message for ${now() - shard.lastEventAt} ms`);
  }, Math.max(50, Math.min(1_000, Math.floor(staleAfterMs / 4))));
  staleness.unref();

  const poll = async () => {
    if (closed || !opts.poll) return;
    // One market at a time, every market at most once per interval: a bounded REST rate.
    for (const m of store.needsPoll(venue)) {
      if (closed) return;
      try {
        const levels = await opts.poll(m);
        if (closed) return;
        store.polled(venue, m, levels);
        await record({ market: m, kind: 'snapshot', source: 'rest', seq: null, ...levels });
      } catch {
        store.count(venue, 'pollErrors');
      }
    }
  };
  const schedulePoll = () => {
    if (closed) return;
    pollTimer = setTimeout(() => void poll().finally(schedulePoll), pollIntervalMs);
    pollTimer.unref();
  };
  // Markets without a stream book are polled from the start, so a loop never waits on a slow snapshot.
  void poll().finally(schedulePoll);
  for (const shard of shards) open(shard);

  return {
    get forcedResyncs() {
      return forcedResyncs;
    },
    async close() {
      closed = true;
      clearInterval(staleness);
      clearTimeout(pollTimer);
      unsubscribe?.();
      for (const shard of shards) {
        clearTimeout(shard.reopen);
        shard.stream?.close();
        shard.stream = undefined;
      }
      store.feedStopped(venue);
    },
  };
}
