/**
 * One venue's reconciliation against the simulator on loopback and real PostgreSQL, as the
 * per-venue reconciliation tests (test/workflows/*-reconciliation.test.ts) set it up.
 *
 * Each file gets its own migrated database on the harness server (not the shared harness
 * database): reconcileLedger also releases stale reservations and reads every open order of the
 * ledger, which on the shared database would touch rows other test files are making.
 */
import { createReconciliationActivities, type ReconciliationResult, type VenueReconciler } from '../../activities/reconciliation';
import { coinbaseReconciler } from '../../venues/coinbase/reconciler';
import { paperAdapters, type PaperAdapters } from '../../venues/execution';
import { kalshiReconciler } from '../../venues/kalshi/reconciler';
import { polymarketReconciler } from '../../venues/polymarket/reconciler';
import { startVenueSimulator, type VenueSimulator, type VenueSimulatorOptions } from '../../venues/sim';
import { openIntentLedger } from '../../workers/ledger-wiring';
import { freshDatabase } from './db';
import { simAdmin, type SimVenue } from './sim';

const RECONCILERS: { [V in SimVenue]: (adapter: PaperAdapters[V]) => VenueReconciler } = {
  kalshi: kalshiReconciler,
  polymarket: polymarketReconciler,
  coinbase: coinbaseReconciler,
};

export interface VenueReconciliationFixture<V extends SimVenue> {
  sim: VenueSimulator;
  /** The venue's adapter, on the simulator's test credentials (what PAPER mode uses). */
  adapter: PaperAdapters[V];
  ledger: ReturnType<typeof openIntentLedger>;
  /** The file's own database. */
  url: string;
  /** reconcileLedger with only this venue's reconciler, as run `<runPrefix>-<n>` (trigger `manual`); every workflow counts as running. */
  run(n: number): Promise<ReconciliationResult>;
  /** POSTs to this venue's simulator admin API (see `simAdmin`). */
  admin(path: string, body: object): Promise<unknown>;
}

/**
 * Registers beforeAll/afterAll for the enclosing describe block and returns the fixture, filled
 * in before the first test runs (read its fields inside tests, not at describe time).
 */
export function venueReconciliationFixture<V extends SimVenue>(venue: V, opts: { dbPrefix: string; runPrefix: string; simulator?: VenueSimulatorOptions }): VenueReconciliationFixture<V> {
  const fixture = {} as VenueReconciliationFixture<V>;
  let adapters: PaperAdapters | undefined;
  beforeAll(async () => {
    fixture.url = await freshDatabase(opts.dbPrefix);
    fixture.sim = await startVenueSimulator(opts.simulator);
    adapters = paperAdapters(fixture.sim.describe());
    fixture.adapter = adapters[venue];
    fixture.ledger = openIntentLedger(fixture.url);
    const { reconcileLedger } = createReconciliationActivities({ db: fixture.ledger.db, workflowFate: async () => ({ status: 'RUNNING' }), venues: [RECONCILERS[venue](fixture.adapter)] });
    fixture.run = (n) => reconcileLedger({ runId: `${opts.runPrefix}-${n}`, trigger: 'manual' });
    fixture.admin = (path, body) => simAdmin(fixture.sim, venue, path, body);
  });
  afterAll(async () => {
    await fixture.ledger?.close();
    await Promise.all([adapters?.kalshi.close(), adapters?.polymarket.close(), adapters?.coinbase.close()]);
    await fixture.sim?.stop();
  });
  return fixture;
}
