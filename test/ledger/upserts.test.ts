/**
 * Every ledger write is idempotent under concurrency: 20 callers with the same key at once write
 * exactly one row, no unique violation escapes, and exactly one caller reports having created it.
 */
import { parseIntent } from '../../domain/intent';
import {
  closeLedgerClient,
  createLedgerClient,
  finishReconciliationRun,
  fromDb,
  recordAudit,
  recordIntent,
  recordPnlEvent,
  recordPreflight,
  recordQuarantine,
  recordReconciliationDifference,
  releaseCapital,
  reserveCapital,
  startReconciliationRun,
  upsertBalance,
  upsertOrder,
  upsertPosition,
  type LedgerClient,
} from '../../ledger';
import { sampleIntent } from '../helpers/intents';
import { concurrently, countRows, uniqueId, useLedgerDatabase } from './database';

const N = 20;
const database = useLedgerDatabase();
let db: LedgerClient;
beforeAll(() => {
  db = createLedgerClient(database.url(), { poolSize: N });
});
afterAll(async () => {
  await closeLedgerClient(db);
});

const count = (table: string, where: string, params: unknown[]) => countRows(database.url(), table, where, params);
const createdCount = (results: { created: boolean }[]) => results.filter((r) => r.created).length;

describe('idempotent ledger writes under 20 concurrent callers with one key', () => {
  it('recordIntent: one intent, its legs once, one "created"', async () => {
    const intent = parseIntent(sampleIntent('upsert'));
    const intentId = `intent-${intent.opportunityId}`;
    const results = await concurrently(N, (i) => recordIntent(db, { intentId, intent, workflowId: intentId, runId: `run-${i}`, state: 'RECORDED' }));
    expect(createdCount(results)).toBe(1);
    expect(await count('intents', 'id = $1', [intentId])).toBe(1);
    expect(await count('legs', 'intent_id = $1', [intentId])).toBe(2);
    const leg = await db.leg.findUniqueOrThrow({ where: { intentId_legId: { intentId, legId: 'A' } } });
    expect([fromDb(leg.limitPrice), fromDb(leg.quantity)]).toEqual([intent.legs[0]!.limitPrice, '25']);
    const row = await db.intent.findUniqueOrThrow({ where: { id: intentId } });
    expect(row.runId).toMatch(/^run-\d+$/);
    expect(row.payload).toMatchObject({ opportunityId: intent.opportunityId, legs: [{ legId: 'A' }, { legId: 'B' }] });
  });

  it('recordAudit', async () => {
    const id = uniqueId('audit');
    const results = await concurrently(N, () => recordAudit(db, { id, actor: 'test', action: 'submit', reason: 'because', intentId: 'i', executionId: 'run-1', data: { n: 1 } }));
    expect(createdCount(results)).toBe(1);
    expect(await count('audit_events', 'id = $1', [id])).toBe(1);
  });

  it('recordQuarantine', async () => {
    const id = uniqueId('q');
    const results = await concurrently(N, () => recordQuarantine(db, { id, source: 'kalshi.ws', reason: 'price: not a decimal', payload: '{"price":1e5}' }));
    expect(createdCount(results)).toBe(1);
    expect(await count('quarantine_records', 'id = $1', [id])).toBe(1);
  });

  it('upsertOrder', async () => {
    const clientOrderId = uniqueId('coid');
    const results = await concurrently(N, (i) =>
      upsertOrder(db, { clientOrderId, venue: 'kalshi', market: 'M', outcome: 'yes', action: 'buy', price: '0.42', quantity: '10', state: 'open', executionId: `run-${i}` }),
    );
    expect(createdCount(results)).toBe(1);
    expect(await count('venue_orders', 'client_order_id = $1', [clientOrderId])).toBe(1);
  });

  it('reserveCapital, then releaseCapital (released once, released_at set)', async () => {
    const id = uniqueId('cap');
    const reserved = await concurrently(N, () => reserveCapital(db, { id, intentId: 'i', venue: 'kalshi', asset: 'USD', amount: '10.5' }));
    expect(createdCount(reserved)).toBe(1);
    const released = await concurrently(N, () => releaseCapital(db, id, 'intent finished'));
    expect(released.filter((r) => r.released)).toHaveLength(1);
    const row = await db.capitalReservation.findUniqueOrThrow({ where: { id } });
    expect([row.state, fromDb(row.amount), row.releasedAt instanceof Date]).toEqual(['RELEASED', '10.5', true]);
    // Reserving the same id again after release does not resurrect it.
    expect(await reserveCapital(db, { id, intentId: 'i', venue: 'kalshi', asset: 'USD', amount: '10.5' })).toEqual({ created: false });
    expect((await db.capitalReservation.findUniqueOrThrow({ where: { id } })).state).toBe('RELEASED');
  });

  it('upsertPosition (spot and binary keys) keeps one row per key holding a caller\'s snapshot', async () => {
    const market = uniqueId('mkt');
    const quantities = Array.from({ length: N }, (_, i) => `${i + 1}.5`);
    const results = await concurrently(N, (i) => upsertPosition(db, { venue: 'kalshi', market, outcome: 'yes', quantity: quantities[i]!, averagePrice: '0.41' }));
    expect(createdCount(results)).toBe(1);
    expect(await count('positions', 'market = $1', [market])).toBe(1);
    const row = await db.position.findUniqueOrThrow({ where: { venue_market_outcome: { venue: 'kalshi', market, outcome: 'yes' } } });
    expect(quantities).toContain(fromDb(row.quantity));

    await concurrently(N, () => upsertPosition(db, { venue: 'coinbase', market, quantity: '0.001' }));
    expect(await count('positions', 'market = $1 AND outcome = $2', [market, ''])).toBe(1);
  });

  it('upsertBalance', async () => {
    const asset = uniqueId('USD');
    const results = await concurrently(N, (i) => upsertBalance(db, { venue: 'polymarket', asset, available: `${i}`, total: '100' }));
    expect(createdCount(results)).toBe(1);
    expect(await count('balances', 'asset = $1', [asset])).toBe(1);
    const later = await upsertBalance(db, { venue: 'polymarket', asset, available: '7.25', total: '99.75' });
    expect(later).toEqual({ created: false });
    const row = await db.balance.findUniqueOrThrow({ where: { venue_asset: { venue: 'polymarket', asset } } });
    expect([fromDb(row.available), fromDb(row.total)]).toEqual(['7.25', '99.75']);
  });

  it('recordPnlEvent', async () => {
    const id = uniqueId('pnl');
    const results = await concurrently(N, () => recordPnlEvent(db, { id, kind: 'realized', amount: '-1.25', fees: '0.07', currency: 'USD', intentId: 'i' }));
    expect(createdCount(results)).toBe(1);
    expect(await count('pnl_events', 'id = $1', [id])).toBe(1);
  });

  it('reconciliation runs and differences', async () => {
    const runId = uniqueId('recon');
    await concurrently(N, () => startReconciliationRun(db, { id: runId, trigger: 'manual', startedAt: new Date() }));
    expect(await count('reconciliation_runs', 'id = $1', [runId])).toBe(1);
    const difference = { id: `${runId}:d1`, venue: 'kalshi', kind: 'missing_order', severity: 'high' as const, details: { clientOrderId: 'x' }, repaired: false };
    const recorded = await concurrently(N, () => recordReconciliationDifference(db, runId, difference));
    expect(createdCount(recorded)).toBe(1);
    await concurrently(N, () => finishReconciliationRun(db, runId, [difference, { ...difference, id: `${runId}:d2`, repaired: true }], { differences: 2 }));
    const run = await db.reconciliationRun.findUniqueOrThrow({ where: { id: runId }, include: { differences: { orderBy: { id: 'asc' } } } });
    expect([run.status, run.differences.map((d) => [d.id.slice(runId.length), d.repaired])]).toEqual(['FINISHED', [[':d1', false], [':d2', true]]]);
  });

  it('recordPreflight', async () => {
    const id = uniqueId('pf');
    const results = await concurrently(N, () => recordPreflight(db, { id, venue: 'kalshi', method: 'POST', path: '/orders', headers: { authorization: '[redacted]' } }));
    expect(createdCount(results)).toBe(1);
    expect(await count('preflight_payloads', 'id = $1', [id])).toBe(1);
  });
});
