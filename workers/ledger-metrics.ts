/**
 * Mirrors what only the ledger and the adapters know into the worker's Prometheus gauges, on a
 * timer: intents by state (from the ledger, the operators' source of truth) and each venue
 * endpoint's rate-governor budget (tokens left, how long it is held back after a 429, requests in
 * flight). Polling keeps order flow free of metrics work.
 */
import type { LegworkMetrics } from '../infra/metrics';
import type { LedgerClient } from '../ledger';
import type { ExecutionVenues } from '../venues/execution';

export async function recordLedgerAndRateMetrics(metrics: LegworkMetrics, db: LedgerClient, venues: ExecutionVenues): Promise<void> {
  const byState = await db.intent.groupBy({ by: ['state'], _count: { _all: true } });
  metrics.intentsByState.reset();
  for (const row of byState) metrics.intentsByState.set({ state: row.state }, row._count._all);
  for (const venue of Object.values(venues)) {
    const snapshot = venue.rate?.snapshot();
    if (!snapshot) continue;
    metrics.rateInFlight.set({ venue: snapshot.venue }, snapshot.inFlight);
    for (const e of snapshot.endpoints) {
      metrics.rateTokens.set({ venue: snapshot.venue, endpoint: e.endpoint }, e.tokens);
      metrics.rateBlockedMs.set({ venue: snapshot.venue, endpoint: e.endpoint }, e.blockedForMs);
    }
  }
}

export function pollLedgerAndRateMetrics(metrics: LegworkMetrics, db: LedgerClient, venues: ExecutionVenues, everyMs = 5_000): { stop(): void } {
  const poll = () => recordLedgerAndRateMetrics(metrics, db, venues).catch(() => undefined); // the next poll tries again
  void poll();
  const timer = setInterval(poll, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
