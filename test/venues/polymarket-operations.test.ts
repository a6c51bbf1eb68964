/**
 * Polymarket account operations against the simulator over real HTTP: open orders (paged), fills
 * as taker and maker since a cursor, USDC and token balances, market rules, replace = cancel + new.
 * Our resting orders are filled by another trader through the simulator's admin API.
 */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import type { PolymarketAdapter } from '../../venues/polymarket/adapter';
import type { PolymarketSim } from '../../venues/sim/polymarket/server';
import { polymarketWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

const YES = '7132104567925221259';
const NO = '4821049582019485730';
let sim: PolymarketSim;
let adapter: PolymarketAdapter;
let n = 0;

beforeEach(async () => {
  // Two rows per page, so three orders already page.
  ({ sim, adapter } = await polymarketWithAdapter({ pageSize: 2, books: { [YES]: { bids: [['0.52', '100']], asks: [['0.55', '40'], ['0.56', '200']] }, [NO]: { bids: [['0.44', '50']], asks: [['0.47', '50']] } } }));
});
afterEach(() => stopWithAdapter(sim, adapter));

const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'polymarket', market: YES, action: 'buy', price: '0.50', quantity: '10', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-pm-ops-${++n}`, 'A', 1), ...over });

/** Another trader's immediate-or-cancel order against our resting ones. */
async function otherTrader(body: { token_id: string; side: 'BUY' | 'SELL'; size: string; price: string }): Promise<unknown> {
  const res = await fetch(`${sim.restBaseUrl}/_sim/trade`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}

describe('Polymarket account operations', () => {
  it('lists open orders across pages, filtered by token', async () => {
    const a = await adapter.submitOrder(order({ price: '0.50' }));
    const b = await adapter.submitOrder(order({ price: '0.49' }));
    const c = await adapter.submitOrder(order({ market: NO, price: '0.40' }));
    await adapter.submitOrder(order({ price: '0.55', quantity: '5' })); // fills at once: not open
    expect((await adapter.openOrders()).map((o) => o.venueOrderId).sort()).toEqual([a.venueOrderId, b.venueOrderId, c.venueOrderId].sort());
    expect(await adapter.openOrders({ assetId: NO })).toEqual([{ venueOrderId: c.venueOrderId, market: NO, action: 'buy', state: 'open', price: '0.4', filledQuantity: '0', quantity: '10' }]);
    expect(await adapter.orderView(a.venueOrderId!)).toMatchObject({ state: 'open', quantity: '10' });
    expect(await adapter.orderView(`0x${'ab'.repeat(32)}`)).toBeUndefined();
  });

  it('reads fills as taker and maker since a cursor, and the cash and tokens they moved, exactly', async () => {
    expect(await adapter.balance()).toBe('100000');
    const first = await adapter.fillsSince();
    expect(first.fills).toEqual([]);

    // Taker: 50 YES through two ask levels (40 at 0.55, 10 at 0.56): two trades at the levels' prices.
    const taken = await adapter.submitOrder(order({ price: '0.56', quantity: '50' }));
    // Maker: our bid for 10 at 0.50 rests; someone sells 4 into it.
    const resting = await adapter.submitOrder(order({ price: '0.5', quantity: '10' }));
    expect(await otherTrader({ token_id: YES, side: 'SELL', size: '4', price: '0.48' })).toEqual({ traded: '4' });

    const second = await adapter.fillsSince(first.cursor);
    expect(second.fills.map((f) => [f.venueOrderId, f.action, f.price, f.quantity, f.liquidity, f.fee])).toEqual([
      [taken.venueOrderId, 'buy', '0.55', '40', 'taker', '0'],
      [taken.venueOrderId, 'buy', '0.56', '10', 'taker', '0'],
      [resting.venueOrderId, 'buy', '0.5', '4', 'maker', '0'],
    ]);
    expect(second.fills[2]!.venueTradeId).toBe(`${sim.account.trades[2]!.id}/${resting.venueOrderId}`);
    expect(second.fills.every((f) => f.clientOrderId === undefined && f.market === YES)).toBe(true);
    // Nothing new since: the cursor holds its place past the venue's end marker.
    expect(await adapter.fillsSince(second.cursor)).toEqual({ fills: [], cursor: second.cursor });
    // A fill on a later page (two rows per page) is found from the same cursor.
    await otherTrader({ token_id: YES, side: 'SELL', size: '6', price: '0.5' });
    const third = await adapter.fillsSince(second.cursor);
    expect(third.fills.map((f) => [f.venueOrderId, f.quantity])).toEqual([[resting.venueOrderId, '6']]);
    expect(await adapter.orderView(resting.venueOrderId!)).toMatchObject({ state: 'filled', filledQuantity: '10' });

    // 100000 − 40×0.55 − 10×0.56 − 10×0.50 = 99967.4; 60 YES held, no NO.
    expect(await adapter.balance()).toBe('99967.4');
    expect(await adapter.tokenBalance(YES)).toBe('60');
    expect(await adapter.positions([NO, YES, YES])).toEqual([{ market: YES, quantity: '60' }]);
  });

  it('states the market rules and tick size', async () => {
    expect(await adapter.marketRules(YES)).toEqual({ conditionId: YES, closed: false, minimumOrderSize: '5', tickSize: '0.01', makerBaseFeeBps: 0, takerBaseFeeBps: 0, tokenIds: [YES] });
    expect(await adapter.tickSize(YES)).toBe('0.01');
    await expect(adapter.tickSize('999')).rejects.toMatchObject({ details: { httpStatus: 404 } });
  });

  it('replaces an order: cancels it and places the rest at the new price; a retry finds the same new order', async () => {
    const old = order({ price: '0.5', quantity: '10' });
    await adapter.submitOrder(old);
    await otherTrader({ token_id: YES, side: 'SELL', size: '4', price: '0.5' });
    const next = order({ price: '0.51', quantity: '10', clientOrderId: clientOrderId(`intent-pm-ops-${n}`, 'A', 2) });

    const replaced = await adapter.replaceOrder(old, next);
    expect(replaced.old).toMatchObject({ state: 'cancelled', filledQuantity: '4' });
    expect(replaced.replacement).toMatchObject({ state: 'open', price: '0.51', quantity: '6', filledQuantity: '0' });
    const again = await adapter.replaceOrder(old, next);
    expect(again.replacement?.venueOrderId).toBe(replaced.replacement?.venueOrderId);
    expect(sim.orderLog.map((o) => [o.price, o.original_size, o.status])).toEqual([
      ['0.5', '10', 'CANCELED'],
      ['0.51', '6', 'LIVE'],
    ]);

    // An order filled in full is not replaced (the best bid, above the replacement's 0.51, is filled first).
    const full = order({ price: '0.52', quantity: '5' });
    await adapter.submitOrder(full);
    await otherTrader({ token_id: YES, side: 'SELL', size: '5', price: '0.52' });
    expect(await adapter.replaceOrder(full, order({ price: '0.49', quantity: '5' }))).toEqual({ old: expect.objectContaining({ state: 'filled', filledQuantity: '5' }) });
  });
});
