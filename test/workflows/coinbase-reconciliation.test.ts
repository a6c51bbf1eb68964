/**
 * Coinbase venue reconciliation over real HTTP (the simulator on loopback) and real PostgreSQL:
 * drift injected at the venue is detected, classified, repaired where safe, and escalated
 * otherwise; money on hold for an open order is not drift. Mirrors venue-reconciliation.test.ts
 * (Kalshi), on its own migrated database for the same reasons.
 */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { upsertOrder } from '../../ledger';
import { sql } from '../helpers/db';
import { venueReconciliationFixture } from '../helpers/reconciliation';

const PRODUCT = 'BTC-USD';

const order = (over: Partial<OrderRequest>): OrderRequest =>
  orderRequestSchema.parse({ venue: 'coinbase', market: PRODUCT, action: 'buy', timeInForce: 'GTC', price: '96000', quantity: '0.1', clientOrderId: 'unset', ...over });

describe('Coinbase venue reconciliation', () => {
  // Other traders bid only at 90000: another trader's sell at 96000 meets our bids first.
  const recon = venueReconciliationFixture('coinbase', { dbPrefix: 'cbrecon', runPrefix: 'cb-recon', simulator: { books: { coinbase: { [PRODUCT]: { bids: [['90000', '1']], asks: [['97100', '1']] } } } } });

  it('imports a missed fill, escalates an unknown order fill and cash or holdings drift, ignores holds, and is idempotent', async () => {
    const { adapter, ledger, url, run, admin } = recon;

    // First run: nothing to compare against yet; cash (USD total) and holdings (BTC) are recorded.
    expect(await run(1)).toMatchObject({ differences: [], findings: [] });
    expect(await sql(url, `SELECT venue, asset, available::text FROM balances`)).toEqual([{ venue: 'coinbase', asset: 'USD', available: '100000.000000000000000000' }]);
    expect(await sql(url, `SELECT market, quantity::text FROM positions WHERE venue = 'coinbase'`)).toEqual([{ market: 'BTC', quantity: '10.000000000000000000' }]);

    // (i) Our resting bid, in the ledger as open, filled by another trader (maker fee 0.6 % = 57.6): the ledger misses the fill.
    const ours = order({ clientOrderId: clientOrderId('intent-cb-recon', 'A', 1) });
    const placed = await adapter.submitOrder(ours);
    expect(placed.state).toBe('open');
    await upsertOrder(ledger.db, { clientOrderId: ours.clientOrderId, venue: 'coinbase', venueOrderId: placed.venueOrderId, intentId: 'intent-cb-recon', market: PRODUCT, action: 'buy', price: '96000', quantity: '0.1', state: 'open' });
    expect(await admin('trade', { product_id: PRODUCT, side: 'SELL', size: '0.1', price: '96000' })).toEqual({ traded: '0.1', oursTraded: '0.1' });

    // (ii) Another order of ours, resting and known to the ledger: its hold (0.2 × 95000 × 1.012) is not drift.
    const resting = order({ clientOrderId: clientOrderId('intent-cb-recon-rest', 'A', 1), price: '95000', quantity: '0.2' });
    const rested = await adapter.submitOrder(resting);
    await upsertOrder(ledger.db, { clientOrderId: resting.clientOrderId, venue: 'coinbase', venueOrderId: rested.venueOrderId, intentId: 'intent-cb-recon-rest', market: PRODUCT, action: 'buy', price: '95000', quantity: '0.2', state: 'open' });
    expect((await adapter.balances()).find((b) => b.asset === 'USD')?.hold).toBe('19228');

    // (iii) An order Legwork never placed: 0.05 BTC at 97100, taker fee 1.2 % = 58.26.
    const stray = order({ clientOrderId: 'placed-by-hand-1', price: '97100', quantity: '0.05', timeInForce: 'IOC' });
    const strayPlaced = await adapter.submitOrder(stray);
    expect(strayPlaced).toMatchObject({ state: 'filled', filledQuantity: '0.05' });

    // (iv) Cash and BTC move with no fill to explain them.
    expect(await admin('balance', { currency: 'USD', delta: '-12.34' })).toEqual({ currency: 'USD', balance: '85416.8' });
    expect(await admin('balance', { currency: 'BTC', delta: '-0.01' })).toEqual({ currency: 'BTC', balance: '10.14' });

    const second = await run(2);
    const { fills } = await adapter.fillsSince();
    const ourFill = fills.find((f) => f.venueOrderId === placed.venueOrderId)!;
    const strayFill = fills.find((f) => f.venueOrderId === strayPlaced.venueOrderId)!;
    expect(second.differences).toHaveLength(5);
    expect(second.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missed_fill', severity: 'low', repaired: true, details: expect.objectContaining({ tradeId: ourFill.venueTradeId, clientOrderId: ours.clientOrderId, price: '96000', quantity: '0.1', fee: '57.6' }) }),
        expect.objectContaining({ kind: 'order_state_lag', severity: 'low', repaired: true, details: expect.objectContaining({ clientOrderId: ours.clientOrderId, ledgerState: 'open', venueState: 'filled', ledgerStateNow: 'filled' }) }),
        expect.objectContaining({ kind: 'unknown_order_fill', severity: 'high', repaired: false, details: expect.objectContaining({ tradeId: strayFill.venueTradeId, venueOrderId: strayPlaced.venueOrderId, quantity: '0.05', price: '97100', fee: '58.26' }) }),
        // 100000 − (9600 + 57.6) − (4855 + 58.26) = 85429.14 explained; the venue says 85416.8.
        expect.objectContaining({ kind: 'balance_drift', severity: 'high', repaired: false, details: expect.objectContaining({ ledgerBalance: '100000', expected: '85429.14', venueBalance: '85416.8', drift: '-12.34' }) }),
        // 10 + 0.1 + 0.05 explained; the venue holds 10.14.
        expect.objectContaining({ kind: 'position_drift', severity: 'high', repaired: false, details: expect.objectContaining({ market: 'BTC', expected: '10.15', venuePosition: '10.14' }) }),
      ]),
    );
    expect(second.findings.map((f) => f.id).sort()).toEqual([`recon:balance_drift:coinbase-USD`, `recon:position_drift:coinbase-BTC`, `recon:unknown_order_fill:${strayFill.venueTradeId}`].sort());

    // The ledger, by direct SQL: the missed fill imported against our order, the stray one not; the new cash and holdings.
    expect(await sql(url, `SELECT venue_trade_id, client_order_id, intent_id, price::text, quantity::text, fee::text, liquidity FROM fills`)).toEqual([
      { venue_trade_id: ourFill.venueTradeId, client_order_id: ours.clientOrderId, intent_id: 'intent-cb-recon', price: '96000.000000000000000000', quantity: '0.100000000000000000', fee: '57.600000000000000000', liquidity: 'maker' },
    ]);
    expect(await sql(url, `SELECT state, filled_quantity::text FROM venue_orders WHERE client_order_id = $1`, [ours.clientOrderId])).toEqual([{ state: 'filled', filled_quantity: '0.100000000000000000' }]);
    expect(await sql(url, `SELECT available::text FROM balances WHERE id = 'coinbase:USD'`)).toEqual([{ available: '85416.800000000000000000' }]);
    expect(await sql(url, `SELECT market, quantity::text FROM positions WHERE venue = 'coinbase'`)).toEqual([{ market: 'BTC', quantity: '10.140000000000000000' }]);

    // Nothing new: the only difference is the stray fill, still standing (same finding).
    const third = await run(3);
    expect(third.differences).toEqual([expect.objectContaining({ kind: 'unknown_order_fill', repaired: false, details: expect.objectContaining({ tradeId: strayFill.venueTradeId, firstSeenMark: 2 }) })]);
    expect(third.findings.map((f) => f.id)).toEqual([`recon:unknown_order_fill:${strayFill.venueTradeId}`]);

    // An operator adopts the stray order (with Coinbase's order id: its fills name only that): imported, finding gone.
    await upsertOrder(ledger.db, { clientOrderId: stray.clientOrderId, venue: 'coinbase', venueOrderId: strayPlaced.venueOrderId, market: PRODUCT, action: 'buy', price: '97100', quantity: '0.05', filledQuantity: '0.05', state: 'filled' });
    const fourth = await run(4);
    expect(fourth.differences).toEqual([expect.objectContaining({ kind: 'missed_fill', repaired: true, details: expect.objectContaining({ tradeId: strayFill.venueTradeId, clientOrderId: stray.clientOrderId }) })]);
    expect(fourth.findings).toEqual([]);
    expect(await run(5)).toMatchObject({ differences: [], findings: [] });
    expect(await sql(url, `SELECT count(*)::int AS n FROM fills`)).toEqual([{ n: 2 }]);
  });
});
