/**
 * Prometheus metrics of a worker process, served at /metrics. One registry per process; the
 * parts that observe something (activities, the governor poller) get the typed metrics injected.
 */
import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface LegworkMetrics {
  registry: Registry;
  intents: Counter<'outcome'>;
  activityDuration: Histogram<'activity' | 'result'>;
  governorLevel: Gauge<'scope'>;
  killSwitches: Gauge<'scope'>;
  breakerOpen: Gauge<'breaker' | 'scope'>;
  safeMode: Gauge;
  orderOutcomes: Counter<'venue' | 'outcome'>;
  intentsByState: Gauge<'state'>;
  rateTokens: Gauge<'venue' | 'endpoint'>;
  rateBlockedMs: Gauge<'venue' | 'endpoint'>;
  rateInFlight: Gauge<'venue'>;
  feedUnknownMarkets: Gauge<'venue'>;
  feedReads: Counter<'source'>;
  feedMode: Gauge<'venue'>;
  feedStaleness: Gauge<'venue'>;
  feedGaps: Counter<'venue'>;
  feedResyncs: Counter<'venue'>;
  feedDropped: Counter<'venue'>;
  reconciliationDifferences: Counter<'kind' | 'severity' | 'repaired'>;
  venueBalance: Gauge<'venue' | 'asset' | 'kind'>;
  balanceRefreshAge: Gauge<'venue'>;
}

export function createMetrics(): LegworkMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'legwork_process_' });
  const reg = { registers: [registry] };
  return {
    registry,
    intents: new Counter({ name: 'legwork_intents_total', help: 'Intents by outcome (accepted, rejected, completed)', labelNames: ['outcome'], ...reg }),
    activityDuration: new Histogram({
      name: 'legwork_activity_duration_seconds',
      help: 'Activity run time by activity and result',
      labelNames: ['activity', 'result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ...reg,
    }),
    governorLevel: new Gauge({ name: 'legwork_governor_level', help: 'Risk governor level per scope: 0 ACTIVE, 1 REDUCING, 2 HALTED, 3 SAFE_MODE', labelNames: ['scope'], ...reg }),
    killSwitches: new Gauge({ name: 'legwork_kill_switch_engaged', help: '1 while a kill switch is engaged on the scope', labelNames: ['scope'], ...reg }),
    breakerOpen: new Gauge({ name: 'legwork_breaker_open', help: '0 CLOSED, 1 HALF_OPEN, 2 OPEN', labelNames: ['breaker', 'scope'], ...reg }),
    safeMode: new Gauge({ name: 'legwork_safe_mode', help: '1 while SAFE_MODE is active', ...reg }),
    intentsByState: new Gauge({ name: 'legwork_intents', help: 'Intents in the ledger by state (LEG_A, LEG_B, UNWINDING, SETTLING, COMPLETED, REJECTED, UNHEDGED, FLATTENED)', labelNames: ['state'], ...reg }),
    rateTokens: new Gauge({ name: 'legwork_rate_tokens', help: 'Requests the rate governor may send now, per venue endpoint (token bucket)', labelNames: ['venue', 'endpoint'], ...reg }),
    rateBlockedMs: new Gauge({ name: 'legwork_rate_blocked_ms', help: 'How long the endpoint is still held back after a 429 (Retry-After / AIMD)', labelNames: ['venue', 'endpoint'], ...reg }),
    feedUnknownMarkets: new Gauge({ name: 'legwork_feed_unknown_markets', help: 'Mapped markets whose stream book is unknown (never synced, or dropped by a gap or disconnect)', labelNames: ['venue'], ...reg }),
    feedReads: new Counter({ name: 'legwork_feed_reads_total', help: 'Signal-loop book reads by source: stream, or REST (fallback)', labelNames: ['source'], ...reg }),
    feedMode: new Gauge({ name: 'legwork_feed_mode', help: "A venue feed's mode: 0 stream, 1 hybrid (some markets polled), 2 poll (stream down)", labelNames: ['venue'], ...reg }),
    feedStaleness: new Gauge({ name: 'legwork_feed_staleness_seconds', help: "Seconds since the venue's stream last delivered a book", labelNames: ['venue'], ...reg }),
    feedGaps: new Counter({ name: 'legwork_feed_gaps_total', help: 'Sequence gaps and disconnects on the venue stream (its books lost until fresh snapshots)', labelNames: ['venue'], ...reg }),
    feedResyncs: new Counter({ name: 'legwork_feed_resyncs_total', help: 'Resyncs the feed forced (queue overflow, silent stream)', labelNames: ['venue'], ...reg }),
    feedDropped: new Counter({ name: 'legwork_feed_dropped_total', help: 'Stream events dropped by a full feed queue', labelNames: ['venue'], ...reg }),
    rateInFlight: new Gauge({ name: 'legwork_rate_in_flight', help: 'Venue requests in flight', labelNames: ['venue'], ...reg }),
    orderOutcomes: new Counter({ name: 'legwork_order_outcomes_total', help: 'Leg orders submitted, by venue and the state the venue answered with', labelNames: ['venue', 'outcome'], ...reg }),
    reconciliationDifferences: new Counter({
      name: 'legwork_reconciliation_differences_total',
      help: 'Reconciliation differences by kind, severity and whether they were repaired',
      labelNames: ['kind', 'severity', 'repaired'],
      ...reg,
    }),
    // Prometheus samples are floats: an export for dashboards; decisions read the ledger's exact decimals.
    venueBalance: new Gauge({ name: 'legwork_venue_balance', help: 'Venue balance per asset from the last balance refresh (kind: available or total)', labelNames: ['venue', 'asset', 'kind'], ...reg }),
    balanceRefreshAge: new Gauge({ name: 'legwork_venue_balance_age_seconds', help: "Seconds since the venue's balances were last read successfully (updated at every refresh)", labelNames: ['venue'], ...reg }),
  };
}

/** Wraps every activity so its duration and outcome are measured, whatever it does. */
export function measuredActivities<A extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: A, metrics: LegworkMetrics): A {
  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      const end = metrics.activityDuration.startTimer({ activity: name });
      try {
        const result = await fn(...args);
        end({ result: 'ok' });
        return result;
      } catch (err) {
        end({ result: 'error' });
        throw err;
      }
    };
  }
  return wrapped as A;
}

export async function startMetricsServer(port: number, metrics: LegworkMetrics): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('try /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { url: `http://127.0.0.1:${port}/metrics`, close: () => new Promise((r) => server.close(() => r())) };
}
