/**
 * Polymarket venue reconciliation over real HTTP (the simulator on loopback) and real PostgreSQL:
 * a missed maker fill is imported against our order (found by its hash: Polymarket fills carry no
 * client order id), a fill of an order Legwork never placed is escalated, order state lag is
 * repaired, cash and token balances moved with no trade to explain them are flagged high — even
 * when the `balances` table was already refreshed to the venue's value. Mirrors the Kalshi test.
 */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { upsertBalance, upsertOrder } from '../../ledger';
import { sql } from '../helpers/db';
import { venueReconciliationFixture } from '../helpers/reconciliation';

const TOKEN = '7132104567925221259'; // asks 0.55 × 40, 0.56 × 200; bids 0.52 × 100

const order = (over: Partial<OrderRequest>): OrderRequest =>
  orderRequestSchema.parse({ venue: 'polymarket', market: TOKEN, action: 'buy', timeInForce: 'GTC', price: '0.41', quantity: '10', clientOrderId: 'unset', ...over });

describe('Polymarket venue reconciliation', () => {
  const recon = venueReconciliationFixture('polymarket', { dbPrefix: 'pmrecon', runPrefix: 'pm-recon' });

  it('imports a missed fill, escalates an unknown order fill and cash/token drift, repairs state lag, and is idempotent', async () => {
    const { sim, adapter, ledger, url, run, admin } = recon;

    // First run: nothing to compare against yet; the USDC balance is recorded.
    expect(await run(1)).toMatchObject({ differences: [], findings: [] });
    expect(await sql(url, `SELECT venue, asset, available::text FROM balances`)).toEqual([{ venue: 'polymarket', asset: 'USDC', available: '100000.000000000000000000' }]);

    // (i) Our resting bid for 10 at 0.41, in the ledger as open, taken by another trader: the ledger misses the fill.
    const ours = order({ clientOrderId: clientOrderId('intent-pm-recon', 'A', 1) });
    const placed = await adapter.submitOrder(ours);
    expect(placed.state).toBe('open');
    await upsertOrder(ledger.db, { clientOrderId: ours.clientOrderId, venue: 'polymarket', venueOrderId: placed.venueOrderId, intentId: 'intent-pm-recon', market: TOKEN, action: 'buy', price: '0.41', quantity: '10', state: 'open' });
    expect(await admin('trade', { token_id: TOKEN, side: 'SELL', size: '10', price: '0.41' })).toEqual({ traded: '10' });

    // (ii) An order Legwork never placed, taking 5 at 0.55.
    const stray = order({ clientOrderId: 'placed-by-hand-1', price: '0.55', quantity: '5', timeInForce: 'IOC' });
    const strayPlaced = await adapter.submitOrder(stray);
    expect(strayPlaced).toMatchObject({ state: 'filled', filledQuantity: '5' });

    // (iii) A resting order the ledger has as open, without the venue's id yet; cancelled at the venue.
    const quiet = order({ clientOrderId: clientOrderId('intent-pm-recon', 'A', 2), price: '0.3', quantity: '5' });
    const quietPlaced = await adapter.submitOrder(quiet);
    await upsertOrder(ledger.db, { clientOrderId: quiet.clientOrderId, venue: 'polymarket', intentId: 'intent-pm-recon', market: TOKEN, action: 'buy', price: '0.3', quantity: '5', state: 'open' });
    expect(await adapter.cancelOrder(quietPlaced.venueOrderId!)).toEqual({ cancelled: true });

    // (iv) Cash and tokens move with no trade to explain them; a balance refresh has already copied the venue's cash to `balances`.
    expect(await admin('balance', { delta: '-12.34' })).toEqual({ balance: '99980.81' });
    expect(await admin('balance', { token_id: TOKEN, delta: '-1' })).toEqual({ token_id: TOKEN, balance: '14' });
    await upsertBalance(ledger.db, { venue: 'polymarket', asset: 'USDC', available: await adapter.balance(), total: await adapter.balance() });

    const second = await run(2);
    const ourTrade = sim.polymarket.account.trades.find((t) => t.maker_orders.some((m) => m.order_id === placed.venueOrderId))!;
    const strayTrade = sim.polymarket.account.trades.find((t) => t.taker_order_id === strayPlaced.venueOrderId)!;
    const ourTradeId = `${ourTrade.id}/${placed.venueOrderId}`;
    expect(second.differences).toHaveLength(6);
    expect(second.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missed_fill', severity: 'low', repaired: true, details: expect.objectContaining({ tradeId: ourTradeId, clientOrderId: ours.clientOrderId, venueOrderId: placed.venueOrderId, price: '0.41', quantity: '10', fee: '0' }) }),
        expect.objectContaining({ kind: 'order_state_lag', severity: 'low', repaired: true, details: expect.objectContaining({ clientOrderId: ours.clientOrderId, ledgerState: 'open', venueState: 'filled', ledgerStateNow: 'filled' }) }),
        expect.objectContaining({ kind: 'order_state_lag', severity: 'low', repaired: true, details: expect.objectContaining({ clientOrderId: quiet.clientOrderId, ledgerState: 'open', venueState: 'cancelled', ledgerStateNow: 'cancelled' }) }),
        expect.objectContaining({ kind: 'unknown_order_fill', severity: 'high', repaired: false, details: expect.objectContaining({ tradeId: strayTrade.id, venueOrderId: strayPlaced.venueOrderId, clientOrderId: null, quantity: '5', price: '0.55' }) }),
        // 100000 − 10 × 0.41 − 5 × 0.55 = 99993.15 explained; the venue says 99980.81.
        expect.objectContaining({ kind: 'balance_drift', severity: 'high', repaired: false, details: expect.objectContaining({ asset: 'USDC', ledgerBalance: '100000', expected: '99993.15', venueBalance: '99980.81', drift: '-12.34' }) }),
        expect.objectContaining({ kind: 'position_drift', severity: 'high', repaired: false, details: expect.objectContaining({ market: TOKEN, expected: '15', venuePosition: '14' }) }),
      ]),
    );
    expect(second.findings.map((f) => f.id).sort()).toEqual([`recon:balance_drift:polymarket-USDC`, `recon:position_drift:polymarket-${TOKEN}`, `recon:unknown_order_fill:${strayTrade.id}`].sort());

    // The ledger, by direct SQL: the missed fill imported against our order, the stray one not; the new balance, position and venue id.
    expect(await sql(url, `SELECT venue_trade_id, client_order_id, intent_id, price::text, quantity::text, liquidity FROM fills`)).toEqual([
      { venue_trade_id: ourTradeId, client_order_id: ours.clientOrderId, intent_id: 'intent-pm-recon', price: '0.410000000000000000', quantity: '10.000000000000000000', liquidity: 'maker' },
    ]);
    expect(await sql(url, `SELECT state, venue_order_id FROM venue_orders WHERE client_order_id = $1`, [quiet.clientOrderId])).toEqual([{ state: 'cancelled', venue_order_id: quietPlaced.venueOrderId }]);
    expect(await sql(url, `SELECT available::text FROM balances WHERE id = 'polymarket:USDC'`)).toEqual([{ available: '99980.810000000000000000' }]);
    expect(await sql(url, `SELECT market, outcome, quantity::text FROM positions WHERE venue = 'polymarket'`)).toEqual([{ market: TOKEN, outcome: '', quantity: '14.000000000000000000' }]);

    // Nothing new: the stray fill stands (same finding); drift measured against the new mark is gone.
    const third = await run(3);
    expect(third.differences).toEqual([expect.objectContaining({ kind: 'unknown_order_fill', repaired: false, details: expect.objectContaining({ tradeId: strayTrade.id, firstSeenMark: 2 }) })]);
    expect(third.findings.map((f) => f.id)).toEqual([`recon:unknown_order_fill:${strayTrade.id}`]);

    // An operator adopts the stray order (by its hash): the next run imports its fill and the finding is gone.
    await upsertOrder(ledger.db, { clientOrderId: stray.clientOrderId, venue: 'polymarket', venueOrderId: strayPlaced.venueOrderId, market: TOKEN, action: 'buy', price: '0.55', quantity: '5', filledQuantity: '5', state: 'filled' });
    const fourth = await run(4);
    expect(fourth.differences).toEqual([expect.objectContaining({ kind: 'missed_fill', repaired: true, details: expect.objectContaining({ tradeId: strayTrade.id, clientOrderId: stray.clientOrderId }) })]);
    expect(fourth.findings).toEqual([]);
    expect(await run(5)).toMatchObject({ differences: [], findings: [] });
    expect(await sql(url, `SELECT count(*)::int AS n FROM fills`)).toEqual([{ n: 2 }]);
  });
});
