/**
 * The signal loop as a long-running, heartbeating activity: each scan it reads every book its
 * strategies need (cross-venue arbitrage, same-venue parity, BTC short-window fair value; see
 * domain/strategies) through the `BookSource`, runs the pure scan step over that one snapshot,
 * appends one scan record per evaluated opportunity to a JSONL file, and starts an intent for each
 * opportunity taken. Opportunity ids are deterministic, so the same dislocation seen on a later
 * scan is a duplicate start Temporal refuses: never two intents for one dislocation.
 */
import fs from 'node:fs';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { DuplicateIntentError, startIntent } from '../clients/intents';
import { nonNegativeDecimalString } from '../domain/money';
import type { BookSnapshot } from '../domain/quote-firewall';
import { marketsOf, strategiesForMapping, type StrategiesParamsInput } from '../domain/strategies';
import { emptyScanState, scanStep, type ScanStepParamsInput } from '../domain/strategies/scan-step';
import { bookKey, type Strategy } from '../domain/strategies/strategy';
import type { Venue } from '../domain/venue';
import type { MarketMapping } from '../venues/sim/world';
import type { FeedHealth } from '../venues/streaming-books';
import type { BreakerConfig } from '../domain/breakers';
import type { LegworkMetrics } from '../infra/metrics';
import { createFeedHostActivities, exportFeedMetrics, type FeedHostInfo, type FeedMetrics } from './feeds';

type Levels = { bids: [string, string][]; asks: [string, string][] };

/**
 * THE SEAM between the signal loop and wherever books come from (REST: venues/execution.ts
 * `bookSourceForSimulator`; streams: venues/streaming-books.ts; a recording in a replay). Keep it
 * this small. `market` is the venue's market key: a Kalshi ticker (its YES book: bids are YES
 * bids, asks YES asks), a Polymarket token id (that token's book), a Coinbase product id.
 * Levels are [price, size] decimal strings, best first. A read that fails rejects.
 */
export interface BookSource {
  book(venue: Venue, market: string): Promise<Levels>;
}

export interface SignalLoopDeps {
  /** The mapped markets; the default strategies are built from it. */
  mapping: MarketMapping;
  books: BookSource;
  /** The strategies to run (default: every strategy over `mapping`, with `strategyParams`). */
  strategies?: Strategy[];
  strategyParams?: StrategiesParamsInput;
  /** Pacing: per-market cooldown after a take, takes per scan (domain/strategies/scan-step.ts). */
  scan?: ScanStepParamsInput;
  /** The capital to size with now; overrides the strategies' configured bankroll when it gives one. */
  bankroll?: () => Promise<string | undefined>;
  client: Client;
  taskQueue: string;
  /** Scan records, one JSON object per line (appended). */
  scansFile?: string;
  /** The feeds' health (stream vs REST reads, resyncs), reported with every heartbeat. */
  feedHealth?: () => FeedHealth;
  /**
   * Feeds the governor's data-health breakers (`data:<venue>`, scope `venue:<venue>`, REDUCING):
   * how long each venue's stream has had markets it does not know, every `everyMs` and at once
   * when that changes. The breaker trips past its threshold and recovers only well below it.
   */
  dataHealth?: { governorId: string; everyMs?: number; config?: BreakerConfig };
  metrics?: Pick<LegworkMetrics, 'feedReads'> & FeedMetrics;
  /** This worker's feed host (workers/feed-host.ts), named by `signalLoopHost`; none: the loop owns its feeds. */
  feedHost?: FeedHostInfo;
}

export interface SignalLoopStats {
  scans: number;
  taken: number;
  started: number;
  duplicates: number;
  skipped: Record<string, number>;
}

export function createSignalLoopActivities(deps: SignalLoopDeps) {
  return {
    ...createFeedHostActivities(deps.feedHost),
    async runSignalLoop(input: { intervalMs: number }): Promise<SignalLoopStats> {
      const ctx = Context.current();
      const stats: SignalLoopStats = { scans: 0, taken: 0, started: 0, duplicates: 0, skipped: {} };
      const strategies = deps.strategies ?? strategiesForMapping(deps.mapping, deps.strategyParams);
      // Each book once per scan, however many strategies read it.
      const markets = marketsOf(strategies);
      // Epochs and cooldowns, carried from scan to scan (see the scan step).
      let state = emptyScanState();
      // A bankroll that cannot be read or is not an amount leaves the configured one in force.
      const liveBankroll = async (): Promise<string | undefined> => {
        if (!deps.bankroll) return undefined;
        try {
          const value = await deps.bankroll();
          if (value === undefined || nonNegativeDecimalString.safeParse(value).success) return value;
          ctx.log.warn('bankroll is not an amount; using the configured one', { bankroll: value });
        } catch (err) {
          ctx.log.warn('bankroll unavailable; using the configured one', { error: (err as Error).message });
        }
        return undefined;
      };
      const out = deps.scansFile ? fs.createWriteStream(deps.scansFile, { flags: 'a' }) : undefined;
      let stop = false;
      ctx.cancelled.catch(() => (stop = true));
      const lastSent: Record<string, { at: number; healthy: boolean }> = {};
      let readsSeen = { stream: 0, rest: 0 };
      const reportFeedHealth = (feeds: FeedHealth) => {
        deps.metrics?.feedReads.inc({ source: 'stream' }, feeds.streamReads - readsSeen.stream);
        deps.metrics?.feedReads.inc({ source: 'rest' }, feeds.restReads - readsSeen.rest);
        readsSeen = { stream: feeds.streamReads, rest: feeds.restReads };
        for (const [venue, v] of Object.entries(feeds.venues)) {
          if (deps.metrics) exportFeedMetrics(deps.metrics, venue, v);
          if (!deps.dataHealth) continue;
          const now = Date.now();
          const last = lastSent[venue];
          const healthy = v.unhealthyMs === 0;
          if (last && last.healthy === healthy && now - last.at < (deps.dataHealth.everyMs ?? 5_000)) continue;
          lastSent[venue] = { at: now, healthy };
          deps.client.workflow
            .getHandle(deps.dataHealth.governorId)
            .signal('breakerEvent', { breaker: `data:${venue}`, scope: `venue:${venue}`, level: 'REDUCING', event: { type: 'measure', value: String(v.unhealthyMs) }, ...(deps.dataHealth.config ? { config: deps.dataHealth.config } : {}) })
            .catch((err: unknown) => ctx.log.warn('feed health not delivered to the governor', { error: (err as Error).message }));
        }
      };
      try {
        while (!stop) {
          const reads = await Promise.allSettled(markets.map((m) => deps.books.book(m.venue, m.market)));
          // One instant for the books' receipt and the evaluation: a book is never "from the future".
          const receivedAtMs = Date.now();
          const books = new Map<string, BookSnapshot>();
          const failed: string[] = [];
          reads.forEach((r, i) => {
            const m = markets[i]!;
            if (r.status === 'fulfilled') books.set(bookKey(m.venue, m.market), { venue: m.venue, market: m.market, bids: r.value.bids, asks: r.value.asks, receivedAtMs });
            else failed.push(`${bookKey(m.venue, m.market)}: ${(r.reason as Error).message}`);
          });
          // What needs a missing book is not evaluated this scan.
          if (failed.length) ctx.log.warn('books unavailable this scan', { books: failed.slice(0, 5), count: failed.length });
          const bankroll = await liveBankroll();
          const step = scanStep({ strategies, books, nowMs: receivedAtMs, state, ...(deps.scan ? { params: deps.scan } : {}), scanParams: bankroll !== undefined ? { bankroll } : {} });
          state = step.state;
          for (const record of step.records) {
            stats.scans += 1;
            out?.write(`${JSON.stringify(record)}\n`);
            if (record.decision === 'take') stats.taken += 1;
            else stats.skipped[record.reason] = (stats.skipped[record.reason] ?? 0) + 1;
          }
          for (const intent of step.intents) {
            try {
              await startIntent(deps.client, intent, { taskQueue: deps.taskQueue });
              stats.started += 1;
            } catch (err) {
              if (!(err instanceof DuplicateIntentError)) throw err;
              stats.duplicates += 1; // the same dislocation, already being traded
            }
          }
          const feeds = deps.feedHealth?.();
          if (feeds) reportFeedHealth(feeds);
          ctx.heartbeat({ ...stats, ...(feeds ? { feeds } : {}) });
          await new Promise((resolve) => setTimeout(resolve, input.intervalMs));
        }
      } finally {
        out?.end();
      }
      return stats;
    },
  };
}

export type SignalLoopActivities = ReturnType<typeof createSignalLoopActivities>;
