/**
 * The signal loop as a long-running, heartbeating activity: it reads the mapped markets' books
 * from the venues (REST polling), runs the cross-venue strategy over every pair, appends one scan
 * record per evaluated opportunity to a JSONL file, and starts an intent for each opportunity
 * taken. Opportunity ids are deterministic, so the same dislocation seen on the next scan is a
 * duplicate start Temporal refuses: never two intents for one dislocation.
 */
import fs from 'node:fs';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { DuplicateIntentError, startIntent } from '../clients/intents';
import type { BookSnapshot } from '../domain/quote-firewall';
import { evaluatePair, type ScanRecord } from '../domain/strategies/cross-venue';
import type { MarketMapping } from '../venues/sim/world';
import type { FeedHealth } from '../venues/streaming-books';
import type { BreakerConfig } from '../domain/breakers';
import type { LegworkMetrics } from '../infra/metrics';

/** Skip reasons that mean the prices no longer offer an edge. */
const EDGE_GONE = new Set<string>(['no_edge', 'fees_exceed_edge', 'edge_below_min']);

type Levels = { bids: [string, string][]; asks: [string, string][] };

/** Where the loop reads books (REST): Kalshi YES books by ticker, Polymarket token books. */
export interface BookSource {
  kalshiYesBook(ticker: string): Promise<Levels>;
  polymarketBook(tokenId: string): Promise<Levels>;
}

export interface SignalLoopDeps {
  mapping: MarketMapping;
  books: BookSource;
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
  metrics?: Pick<LegworkMetrics, 'feedUnknownMarkets' | 'feedReads'>;
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
    async runSignalLoop(input: { intervalMs: number }): Promise<SignalLoopStats> {
      const ctx = Context.current();
      const stats: SignalLoopStats = { scans: 0, taken: 0, started: 0, duplicates: 0, skipped: {} };
      // Per (pair, direction): the dislocation epoch, bumped when a dislocation closes, so the same
      // prices seen again later are a new opportunity while a lasting one keeps its id.
      const epochs = new Map<string, { epoch: number; open: boolean }>();
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
          deps.metrics?.feedUnknownMarkets.set({ venue }, v.unknown);
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
          for (const pair of deps.mapping.pairs) {
            let books: [Levels, Levels, Levels];
            try {
              books = await Promise.all([deps.books.kalshiYesBook(pair.kalshi.ticker), deps.books.polymarketBook(pair.polymarket.yesTokenId), deps.books.polymarketBook(pair.polymarket.noTokenId)]);
            } catch (err) {
              ctx.log.warn('books unavailable this scan', { pair: pair.id, error: (err as Error).message });
              continue;
            }
            // One instant for the books' receipt and the evaluation: a book is never "from the future".
            const receivedAtMs = Date.now();
            const nowMs = receivedAtMs;
            const snap = (venue: 'kalshi' | 'polymarket', market: string, l: Levels): BookSnapshot => ({ venue, market, bids: l.bids, asks: l.asks, receivedAtMs });
            const records: ScanRecord[] = evaluatePair({
              pair,
              kalshiBook: snap('kalshi', pair.kalshi.ticker, books[0]),
              polyYesBook: snap('polymarket', pair.polymarket.yesTokenId, books[1]),
              polyNoBook: snap('polymarket', pair.polymarket.noTokenId, books[2]),
              nowMs,
              dislocationEpoch: (direction) => epochs.get(`${pair.id}:${direction}`)?.epoch ?? 0,
            });
            for (const record of records) {
              stats.scans += 1;
              out?.write(`${JSON.stringify(record)}\n`);
              const key = `${pair.id}:${record.direction}`;
              const state = epochs.get(key) ?? { epoch: 0, open: false };
              if (record.decision !== 'take' || !record.intent) {
                stats.skipped[record.reason] = (stats.skipped[record.reason] ?? 0) + 1;
                // Only an edge that is gone closes the dislocation (the next one is a new opportunity);
                // a momentary quote rejection must not, or one dislocation could start two intents.
                if (state.open && EDGE_GONE.has(record.reason)) epochs.set(key, { epoch: state.epoch + 1, open: false });
                continue;
              }
              stats.taken += 1;
              epochs.set(key, { epoch: state.epoch, open: true });
              try {
                await startIntent(deps.client, record.intent, { taskQueue: deps.taskQueue });
                stats.started += 1;
              } catch (err) {
                if (!(err instanceof DuplicateIntentError)) throw err;
                stats.duplicates += 1; // the same dislocation, already being traded
              }
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
