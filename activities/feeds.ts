/**
 * Feed activities: one long-running `runFeed` per venue keeps that venue's market-data feed
 * (venues/venue-feed.ts) writing into the process-local feed store the signal loop reads,
 * heartbeating the feed's health (mode, messages, gaps, resyncs, staleness) and stopping when
 * cancelled. The feeds and the loop share memory, so they must run in one process: each worker
 * that can host them also polls a task queue of its own (workers/feed-host.ts), which
 * `signalLoopHost` — run on the shared queue — names; the keeper workflow then schedules the feeds
 * and the loop there (workflows/signal-loop.ts). When that host dies their heartbeats time out and
 * the workflow asks for another host.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import { formatZodError } from '../domain/validation';
import { VENUES } from '../domain/venue';
import { FEED_MODE_VALUE, type FeedHealth, type FeedStore, type FeedVenue, type VenueFeedHealth } from '../venues/feed-store';
import type { VenueFeedSource } from '../venues/feed-streams';
import type { Recorder } from '../venues/recording';
import type { FeedTuning } from '../venues/streaming-books';
import { startVenueFeed } from '../venues/venue-feed';
import type { LegworkMetrics } from '../infra/metrics';

/** Where the feeds and the loop run: a worker's own task queue and the feeds to start there. */
export interface FeedHostInfo {
  taskQueue: string;
  feeds: { venue: FeedVenue; markets: string[] }[];
}

const runFeedInput = z.object({ venue: z.enum(VENUES), markets: z.array(z.string().min(1)).min(1) });

export type FeedMetrics = Pick<LegworkMetrics, 'feedMode' | 'feedStaleness' | 'feedGaps' | 'feedResyncs' | 'feedDropped' | 'feedUnknownMarkets'>;

/** Cumulative counts already exported, per metrics registry and venue (the loop and the feeds both export). */
const exported = new WeakMap<FeedMetrics, Map<string, { gaps: number; resyncs: number; dropped: number }>>();

/** Exports a venue feed's health as metrics; counters move by what is new since the last export. */
export function exportFeedMetrics(metrics: FeedMetrics, venue: string, h: VenueFeedHealth): void {
  metrics.feedMode.set({ venue }, FEED_MODE_VALUE[h.mode]);
  metrics.feedStaleness.set({ venue }, h.stalenessMs < 0 ? 0 : h.stalenessMs / 1000);
  metrics.feedUnknownMarkets.set({ venue }, h.unknown);
  let seen = exported.get(metrics);
  if (!seen) exported.set(metrics, (seen = new Map()));
  const last = seen.get(venue) ?? { gaps: 0, resyncs: 0, dropped: 0 };
  const now = { gaps: h.gaps + h.disconnects, resyncs: h.resyncs, dropped: h.dropped };
  // A store restarted in the same process starts its counts again: never a negative increment.
  if (now.gaps > last.gaps) metrics.feedGaps.inc({ venue }, now.gaps - last.gaps);
  if (now.resyncs > last.resyncs) metrics.feedResyncs.inc({ venue }, now.resyncs - last.resyncs);
  if (now.dropped > last.dropped) metrics.feedDropped.inc({ venue }, now.dropped - last.dropped);
  seen.set(venue, now);
}

/** Every tracked venue of a store's health. */
export function exportAllFeedMetrics(metrics: FeedMetrics, health: FeedHealth): void {
  for (const [venue, h] of Object.entries(health.venues)) if (h) exportFeedMetrics(metrics, venue, h);
}

export interface FeedActivityDeps {
  store: FeedStore;
  sources: Partial<Record<FeedVenue, VenueFeedSource>>;
  recorder?: Recorder;
  tuning?: FeedTuning;
  /** Heartbeat (and metrics) interval; well under the workflow's heartbeat timeout. */
  heartbeatEveryMs?: number;
  metrics?: FeedMetrics;
}

export function createFeedActivities(deps: FeedActivityDeps) {
  return {
    /** Runs one venue's feed until cancelled, heartbeating its health; returns the health it ended with. */
    async runFeed(raw: { venue: FeedVenue; markets: string[] }): Promise<VenueFeedHealth | undefined> {
      const parsed = runFeedInput.safeParse(raw);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid feed input: ${formatZodError(parsed.error)}`, 'InvalidFeedInput');
      const { venue, markets } = parsed.data;
      const source = deps.sources[venue];
      if (!source) throw ApplicationFailure.nonRetryable(`no feed source for ${venue} in this worker`, 'NoFeedSource');
      const ctx = Context.current();
      const feed = startVenueFeed({
        venue,
        markets,
        store: deps.store,
        ...source,
        ...(deps.recorder ? { recorder: deps.recorder } : {}),
        ...deps.tuning,
        onResync: (reason) => ctx.log.warn('feed resync', { venue, reason }),
      });
      try {
        for (;;) {
          const health = deps.store.venueHealth(venue);
          if (health && deps.metrics) exportFeedMetrics(deps.metrics, venue, health);
          // The venue in the details too: they are what the Web UI and the live summary read.
          ctx.heartbeat(health ? { venue, ...health } : undefined);
          // Rejects with a CancelledFailure when the workflow cancels the feed (or its heartbeat is refused).
          await ctx.sleep(deps.heartbeatEveryMs ?? 1_000);
        }
      } finally {
        await feed.close();
      }
    },
  };
}

/** `signalLoopHost`, on the shared queue: this worker's feed host, or null when it has none (the loop then owns its feeds). */
export function createFeedHostActivities(host: FeedHostInfo | undefined) {
  return {
    async signalLoopHost(): Promise<FeedHostInfo | null> {
      return host ?? null;
    },
  };
}

export type FeedActivities = ReturnType<typeof createFeedActivities>;
export type FeedHostActivities = ReturnType<typeof createFeedHostActivities>;
