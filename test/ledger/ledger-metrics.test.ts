/** The worker's polled gauges: intents by state from the ledger, rate-governor budgets from the adapters. */
import { parseIntent } from '../../domain/intent';
import { createMetrics } from '../../infra/metrics';
import { createLedgerClient, recordIntent, setIntentState } from '../../ledger';
import { closeExecutionVenues, executionVenuesForSimulator } from '../../venues/execution';
import { startVenueSimulator } from '../../venues/sim';
import { recordLedgerAndRateMetrics } from '../../workers/ledger-metrics';
import { freshDatabase } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';

describe('ledger and rate metrics', () => {
  it('exports intents by state and each endpoint budget after requests', async () => {
    const db = createLedgerClient(await freshDatabase('metrics'));
    const sim = await startVenueSimulator();
    const venues = executionVenuesForSimulator(sim.describe());
    try {
      for (const [tag, state] of [['m-1', 'COMPLETED'], ['m-2', 'COMPLETED'], ['m-3', 'LEG_A']] as const) {
        const intent = parseIntent(sampleIntent(tag));
        await recordIntent(db, { intentId: `intent-${intent.opportunityId}`, intent, workflowId: `intent-${intent.opportunityId}`, runId: 'r', state: 'RECORDED' });
        await setIntentState(db, `intent-${intent.opportunityId}`, state);
      }
      // One real request, so the Kalshi lookup endpoint has a bucket.
      await venues.kalshi!.touch!('FED-25DEC-T4.25', 'yes', 'buy');
      const metrics = createMetrics();
      await recordLedgerAndRateMetrics(metrics, db, venues);
      const text = await metrics.registry.metrics();
      expect(text).toContain('legwork_intents{state="COMPLETED"} 2');
      expect(text).toContain('legwork_intents{state="LEG_A"} 1');
      expect(text).toMatch(/legwork_rate_tokens\{venue="kalshi",endpoint="GET \/markets\/\{ticker\}\/orderbook"\} \d+(\.\d+)?/);
      expect(text).toMatch(/legwork_rate_blocked_ms\{venue="kalshi",endpoint="GET \/markets\/\{ticker\}\/orderbook"\} 0/);
      expect(text).toContain('legwork_rate_in_flight{venue="kalshi"} 0');
    } finally {
      await closeExecutionVenues(venues);
      await sim.stop();
      await db.$disconnect();
    }
  });
});
