/**
 * Modes and the live gate at the adapter: DRY_RUN builds and signs the real request and records
 * it (secrets redacted) without sending; LIVE refuses, naming the gate, until every gate is open.
 * The Kalshi simulator stands in for the venue; the ledger is the harness's real PostgreSQL.
 */
import { clientOrderId } from '../../domain/client-order-id';
import { LIVE_CONFIRM_ACTION } from '../../domain/live-gate';
import { orderRequestSchema } from '../../domain/order';
import { createLedgerClient, recordOperatorConfirmation, type LedgerClient } from '../../ledger';
import { PreflightRecorded } from '../../venues/http/client';
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import { startKalshiSim, type KalshiSim } from '../../venues/sim/kalshi/server';
import { ledgerPostingPolicy } from '../../workers/posting-policy';
import { freshDatabase } from '../helpers/db';

let sim: KalshiSim;
let db: LedgerClient;
beforeEach(async () => {
  sim = await startKalshiSim();
  db = createLedgerClient(await freshDatabase('gate'), { poolSize: 2 });
});
afterEach(async () => {
  await db.$disconnect();
  await sim.stop();
});

let n = 0;
const order = () => orderRequestSchema.parse({ venue: 'kalshi', market: 'FED-25DEC-T4.25', outcome: 'yes', action: 'buy', price: '0.30', quantity: '5', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-gate-${++n}`, 'A', 1) });
const adapterIn = (mode: 'PAPER' | 'DRY_RUN' | 'LIVE', flag?: string) =>
  new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key, posting: ledgerPostingPolicy({ mode, liveOrderPostingEnabled: flag, db }) });

describe('posting gate', () => {
  it('DRY_RUN records the signed request, secrets redacted, and sends nothing', async () => {
    const adapter = adapterIn('DRY_RUN', 'true');
    const req = order();
    const err = await adapter.submitOrder(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreflightRecorded);
    expect(sim.orderLog).toHaveLength(0);
    const [row] = await db.preflightPayload.findMany({ where: { clientOrderId: req.clientOrderId } });
    expect(row).toMatchObject({ venue: 'kalshi', method: 'POST', path: '/trade-api/v2/portfolio/orders' });
    expect(JSON.parse(row!.body!)).toMatchObject({ ticker: 'FED-25DEC-T4.25', client_order_id: req.clientOrderId, yes_price: 30, count: 5 });
    expect(row!.headers).toMatchObject({ 'KALSHI-ACCESS-SIGNATURE': '[redacted]', 'KALSHI-ACCESS-KEY': '[redacted]' });
    expect(JSON.stringify(row!.headers)).not.toContain(sim.key.keyId);
    await adapter.close();
  });

  it('LIVE refuses while LIVE_ORDER_POSTING_ENABLED is not "true", then while no operator confirmation is recorded, then sends', async () => {
    const noFlag = adapterIn('LIVE', undefined);
    await expect(noFlag.submitOrder(order())).rejects.toMatchObject({ details: { errorClass: 'permanent', venueCode: 'gate:LIVE_ORDER_POSTING_ENABLED', message: expect.stringMatching(/LIVE_ORDER_POSTING_ENABLED is unset/) } });
    const noConfirmation = adapterIn('LIVE', 'true');
    await expect(noConfirmation.submitOrder(order())).rejects.toMatchObject({ details: { venueCode: 'gate:operator confirmation', message: expect.stringMatching(/legwork live confirm/) } });
    expect(sim.orderLog).toHaveLength(0);

    await recordOperatorConfirmation(db, { operator: 'ana', action: LIVE_CONFIRM_ACTION, note: 'limits set' });
    const placed = await noConfirmation.submitOrder(order());
    expect(placed.venueOrderId).toBeDefined();
    expect(sim.orderLog).toHaveLength(1);
    await noFlag.close();
    await noConfirmation.close();
  });
});
