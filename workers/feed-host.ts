/**
 * A worker process's feed host: a second Temporal worker, activities only, polling a task queue of
 * this process alone (`<shared queue>-host-<pid>-<random>`), where the signal-loop keeper runs one
 * feed per venue and the loop itself (workflows/signal-loop.ts). They share this process's feed
 * store: the feeds write it, the loop reads it. The shared queue's `signalLoopHost` activity names
 * this queue (pass `info` as the signal loop's `feedHost`).
 */
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createFeedActivities, type FeedHostInfo } from '../activities/feeds';
import { createSignalLoopActivities, type SignalLoopDeps } from '../activities/signal-loop';
import { measuredActivities, type LegworkMetrics } from '../infra/metrics';
import { feedMarketsFor, feedSourcesForSimulator, type VenueFeedSource } from '../venues/feed-streams';
import { createFeedStore, type FeedStore, type FeedVenue } from '../venues/feed-store';
import type { Recorder } from '../venues/recording';
import type { FeedTuning } from '../venues/streaming-books';
import { bookSourceForSimulator, type PaperAdapters } from '../venues/execution';
import type { SimulatorDescription } from '../venues/sim';
import type { MarketMapping } from '../venues/sim/world';
import type { LegworkConfig } from '../infra/config';

/** The feeds' tuning from the configuration (LEGWORK_FEED_*). */
export function feedTuningFrom(config: Pick<LegworkConfig, 'LEGWORK_FEED_HOLD_MS' | 'LEGWORK_FEED_POLL_MS' | 'LEGWORK_FEED_STALE_MS' | 'LEGWORK_FEED_QUEUE_LIMIT'>): FeedTuning {
  return { holdMs: config.LEGWORK_FEED_HOLD_MS, pollIntervalMs: config.LEGWORK_FEED_POLL_MS, staleAfterMs: config.LEGWORK_FEED_STALE_MS, queueLimit: config.LEGWORK_FEED_QUEUE_LIMIT };
}

export interface FeedHost {
  info: FeedHostInfo;
  store: FeedStore;
  /** Drains the host worker (its feeds and loop are cancelled by the shutdown). */
  stop(): Promise<void>;
}

export async function startFeedHostWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  sharedTaskQueue: string;
  store: FeedStore;
  sources: Partial<Record<FeedVenue, VenueFeedSource>>;
  markets: Partial<Record<FeedVenue, string[]>>;
  /** The loop's dependencies (its books should read `store`). */
  loop: Omit<SignalLoopDeps, 'feedHost'>;
  recorder?: Recorder;
  tuning?: FeedTuning;
  metrics?: LegworkMetrics;
  identity?: string;
}): Promise<FeedHost> {
  const taskQueue = `${opts.sharedTaskQueue}-host-${process.pid}-${randomUUID().slice(0, 8)}`;
  const activities = {
    ...createFeedActivities({ store: opts.store, sources: opts.sources, ...(opts.recorder ? { recorder: opts.recorder } : {}), ...(opts.tuning ? { tuning: opts.tuning } : {}), ...(opts.metrics ? { metrics: opts.metrics } : {}) }),
    ...createSignalLoopActivities(opts.loop),
  };
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue,
    activities: opts.metrics ? measuredActivities(activities, opts.metrics) : activities,
    // A few long-running activities: their heartbeats reach the server every second (not 80 % of
    // the heartbeat timeout), so a cancellation reaches a feed within about a second.
    maxHeartbeatThrottleInterval: '1 second',
    defaultHeartbeatThrottleInterval: '1 second',
    ...(opts.identity ? { identity: opts.identity } : {}),
  });
  const running = worker.run();
  // A failed run surfaces in stop(); until then it must not be an unhandled rejection.
  running.catch(() => undefined);
  const feeds = (Object.entries(opts.markets) as [FeedVenue, string[]][]).filter(([venue, markets]) => opts.sources[venue] && markets.length > 0).map(([venue, markets]) => ({ venue, markets }));
  return {
    info: { taskQueue, feeds },
    store: opts.store,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/**
 * PAPER mode: a feed host over the simulator's streams for `mapping` (and Coinbase's BTC-USD), with
 * the simulator's REST books as the polls and, where no feed runs, the loop's fallback. Returns the
 * host and the loop's book reads and health over its store, for the shared-queue loop too.
 */
export async function startFeedHostForSimulator(opts: {
  connection: NativeConnection;
  namespace: string;
  sharedTaskQueue: string;
  sim: SimulatorDescription;
  mapping: MarketMapping;
  adapters?: PaperAdapters;
  /** The loop's other dependencies (client, task queue, scans file, data health, bankroll …). */
  loop: Omit<SignalLoopDeps, 'feedHost' | 'books' | 'feedHealth' | 'mapping'>;
  recorder?: Recorder;
  tuning?: FeedTuning;
  metrics?: LegworkMetrics;
  identity?: string;
}): Promise<FeedHost & { loop: Omit<SignalLoopDeps, 'feedHost'>; close(): Promise<void> }> {
  const rest = bookSourceForSimulator(opts.sim, opts.adapters);
  const store = createFeedStore(opts.tuning);
  const loop: Omit<SignalLoopDeps, 'feedHost'> = { ...opts.loop, mapping: opts.mapping, books: store.bookSource(rest.books), feedHealth: () => store.health() };
  const host = await startFeedHostWorker({
    connection: opts.connection,
    namespace: opts.namespace,
    sharedTaskQueue: opts.sharedTaskQueue,
    store,
    sources: feedSourcesForSimulator(opts.sim, rest.books),
    markets: feedMarketsFor(opts.mapping),
    loop,
    ...(opts.recorder ? { recorder: opts.recorder } : {}),
    ...(opts.tuning ? { tuning: opts.tuning } : {}),
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.identity ? { identity: opts.identity } : {}),
  });
  return {
    ...host,
    loop,
    close: async () => {
      await host.stop();
      await rest.close();
    },
  };
}
