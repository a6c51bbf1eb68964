/**
 * Kalshi venue reconciliation over real HTTP (the simulator on loopback) and real PostgreSQL: drift
 * injected at the venue is detected, classified, repaired where safe, and escalated otherwise.
 * On its own migrated database, for the reasons test/helpers/reconciliation.ts gives.
 */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { upsertOrder } from '../../ledger';
import { sql } from '../helpers/db';
import { venueReconciliationFixture } from '../helpers/reconciliation';

const MARKET = 'FED-25DEC-T4.25';

const order = (over: Partial<OrderRequest>): OrderRequest =>
  orderRequestSchema.parse({ venue: 'kalshi', market: MARKET, outcome: 'yes', action: 'buy', timeInForce: 'GTC', price: '0.41', quantity: '10', clientOrderId: 'unset', ...over });

describe('Kalshi venue reconciliation', () => {
  const recon = venueReconciliationFixture('kalshi', { dbPrefix: 'venuerecon', runPrefix: 'venue-recon' });

  it('detects a missed fill, an unknown order fill and a balance change; repairs the first, escalates the rest, and is idempotent', async () => {
    const { sim, adapter, ledger, url, run, admin } = recon;

    // First run: nothing to compare against yet; the balance (and empty positions) are recorded.
    expect(await run(1)).toMatchObject({ differences: [], findings: [] });
    expect(await sql(url, `SELECT venue, asset, available::text, total::text FROM balances`)).toEqual([
      { venue: 'kalshi', asset: 'USD', available: '100000.000000000000000000', total: '100000.000000000000000000' },
    ]);

    // (i) Our resting YES bid at 41¢, in the ledger as open, filled by another trader: the ledger misses the fill.
    const ours = order({ clientOrderId: clientOrderId('intent-venue-recon', 'A', 1) });
    const placed = await adapter.submitOrder(ours);
    expect(placed.state).toBe('open');
    await upsertOrder(ledger.db, { clientOrderId: ours.clientOrderId, venue: 'kalshi', venueOrderId: placed.venueOrderId, intentId: 'intent-venue-recon', market: MARKET, outcome: 'yes', action: 'buy', price: '0.41', quantity: '10', state: 'open' });
    expect(await admin('trade', { ticker: MARKET, side: 'yes', action: 'sell', count: 10, price: 41 })).toEqual({ traded: 10 });

    // (ii) An order Legwork never placed, taking 5 YES at 43¢ (taker fee ceil(0.07×5×0.43×0.57) = 0.09).
    const stray = order({ clientOrderId: 'placed-by-hand-1', price: '0.43', quantity: '5', timeInForce: 'IOC' });
    expect(await adapter.submitOrder(stray)).toMatchObject({ state: 'filled', filledQuantity: '5' });

    // (iii) Cash moves with no fill to explain it.
    expect(await admin('balance', { deltaCents: -1234 })).toEqual({ balance: 9_998_132 });

    const second = await run(2);
    const ourFill = sim.kalshi.fills.find((f) => f.client_order_id === ours.clientOrderId)!;
    const strayFill = sim.kalshi.fills.find((f) => f.client_order_id === stray.clientOrderId)!;
    expect(second.differences).toHaveLength(4);
    expect(second.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missed_fill', severity: 'low', repaired: true, details: expect.objectContaining({ tradeId: ourFill.trade_id, clientOrderId: ours.clientOrderId, price: '0.41', quantity: '10', fee: '0' }) }),
        expect.objectContaining({ kind: 'order_state_lag', severity: 'low', repaired: true, details: expect.objectContaining({ clientOrderId: ours.clientOrderId, ledgerState: 'open', venueState: 'filled', ledgerStateNow: 'filled' }) }),
        expect.objectContaining({ kind: 'unknown_order_fill', severity: 'high', repaired: false, details: expect.objectContaining({ tradeId: strayFill.trade_id, clientOrderId: stray.clientOrderId, quantity: '5', price: '0.43', fee: '0.09' }) }),
        // 100000 − 10×0.41 − (5×0.43 + 0.09) = 99993.66 explained; the venue says 99981.32.
        expect.objectContaining({ kind: 'balance_drift', severity: 'high', repaired: false, details: expect.objectContaining({ ledgerBalance: '100000', expected: '99993.66', venueBalance: '99981.32', drift: '-12.34' }) }),
      ]),
    );
    expect(second.findings.map((f) => f.id).sort()).toEqual([`recon:balance_drift:kalshi-USD`, `recon:unknown_order_fill:${strayFill.trade_id}`]);

    // The ledger, by direct SQL: the missed fill imported against our order, the stray one not; the new balance and position.
    expect(await sql(url, `SELECT venue_trade_id, client_order_id, intent_id, price::text, quantity::text, fee::text, liquidity FROM fills`)).toEqual([
      { venue_trade_id: ourFill.trade_id, client_order_id: ours.clientOrderId, intent_id: 'intent-venue-recon', price: '0.410000000000000000', quantity: '10.000000000000000000', fee: '0.000000000000000000', liquidity: 'maker' },
    ]);
    expect(await sql(url, `SELECT state, filled_quantity::text FROM venue_orders WHERE client_order_id = $1`, [ours.clientOrderId])).toEqual([{ state: 'filled', filled_quantity: '10.000000000000000000' }]);
    expect(await sql(url, `SELECT available::text FROM balances WHERE id = 'kalshi:USD'`)).toEqual([{ available: '99981.320000000000000000' }]);
    expect(await sql(url, `SELECT outcome, quantity::text FROM positions WHERE venue = 'kalshi' AND market = $1 ORDER BY outcome`, [MARKET])).toEqual([
      { outcome: 'no', quantity: '0.000000000000000000' },
      { outcome: 'yes', quantity: '15.000000000000000000' },
    ]);
    expect(await adapter.positions()).toEqual([{ market: MARKET, outcome: 'yes', quantity: '15' }]);

    // Nothing new: the only difference is the stray fill, still standing (same finding), so the governor keeps it.
    const third = await run(3);
    expect(third.differences).toEqual([expect.objectContaining({ kind: 'unknown_order_fill', repaired: false, details: expect.objectContaining({ tradeId: strayFill.trade_id, firstSeenMark: 2 }) })]);
    expect(third.findings.map((f) => f.id)).toEqual([`recon:unknown_order_fill:${strayFill.trade_id}`]);
    expect(await sql(url, `SELECT count(*)::int AS n FROM fills`)).toEqual([{ n: 1 }]);

    // An operator adopts the stray order into the ledger: the next run imports its fill and the finding is gone.
    await upsertOrder(ledger.db, { clientOrderId: stray.clientOrderId, venue: 'kalshi', market: MARKET, outcome: 'yes', action: 'buy', price: '0.43', quantity: '5', filledQuantity: '5', state: 'filled' });
    const fourth = await run(4);
    expect(fourth.differences).toEqual([expect.objectContaining({ kind: 'missed_fill', repaired: true, details: expect.objectContaining({ tradeId: strayFill.trade_id }) })]);
    expect(fourth.findings).toEqual([]);
    expect(await run(5)).toMatchObject({ differences: [], findings: [] });
    expect(await sql(url, `SELECT count(*)::int AS n FROM fills`)).toEqual([{ n: 2 }]);
    expect(await sql(url, `SELECT count(*)::int AS n FROM reconciliation_runs WHERE status = 'FINISHED'`)).toEqual([{ n: 5 }]);
  });

  it('the simulator filters orders by status', async () => {
    const { adapter } = recon;
    const resting = order({ clientOrderId: clientOrderId('intent-venue-recon-status', 'A', 1), price: '0.30', quantity: '3' });
    const placed = await adapter.submitOrder(resting);
    expect((await adapter.openOrders()).map((o) => o.clientOrderId)).toContain(resting.clientOrderId);
    await adapter.cancelOrder(placed.venueOrderId!);
    expect((await adapter.openOrders()).map((o) => o.clientOrderId)).not.toContain(resting.clientOrderId);
    expect(await adapter.orderView(placed.venueOrderId!)).toMatchObject({ state: 'cancelled', filledQuantity: '0', quantity: '3' });
  });
});
