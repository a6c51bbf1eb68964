/**
 * The Coinbase adapter's account operations and amend against the Coinbase simulator, over real
 * HTTP on loopback: open orders and accounts across cursor pages, fills since a cursor, product
 * metadata, and `POST /orders/edit` (in place, time priority, refusals).
 */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { VenueError } from '../../domain/venue-errors';
import type { CoinbaseAdapter } from '../../venues/coinbase/adapter';
import type { CoinbaseSim } from '../../venues/sim/coinbase/server';
import { coinbaseWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

let sim: CoinbaseSim;
let adapter: CoinbaseAdapter;
let n = 0;

beforeEach(async () => {
  // Other traders bid only at 90000: a sell down to our bids (95000–96500) meets ours first.
  // Pages of two, so every listing here spans several pages.
  ({ sim, adapter } = await coinbaseWithAdapter({ books: { 'BTC-USD': { bids: [['90000', '1']], asks: [['97100', '0.5'], ['97200', '1']] } } }, { pageSize: 2 }));
});
afterEach(() => stopWithAdapter(sim, adapter));

const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'coinbase', market: 'BTC-USD', action: 'buy', price: '96000', quantity: '0.1', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-cbops-${++n}`, 'A', 1), ...over });

/** Another trader's immediate-or-cancel order (admin API): it takes resting liquidity, ours included. */
async function externalTrade(body: { side: 'BUY' | 'SELL'; size: string; price: string }): Promise<{ traded: string; oursTraded: string }> {
  const res = await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/trade`, { method: 'POST', body: JSON.stringify({ product_id: 'BTC-USD', ...body }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { traded: string; oursTraded: string };
}

describe('Coinbase account operations', () => {
  it('lists every open order across cursor pages, and accounts show what open orders hold', async () => {
    const resting = [];
    for (let i = 0; i < 5; i++) resting.push(await adapter.submitOrder(order({ price: String(95000 + i) })));
    const filled = await adapter.submitOrder(order({ price: '97100', quantity: '0.2' }));
    expect(filled.state).toBe('filled');

    const open = await adapter.openOrders();
    expect(open.map((o) => o.venueOrderId).sort()).toEqual(resting.map((o) => o.venueOrderId!).sort());
    expect(open[0]).toMatchObject({ market: 'BTC-USD', action: 'buy', state: 'open', filledQuantity: '0', quantity: '0.1' });

    // Held for the five bids: 0.1 × (95000 + … + 95004) × 1.012 (room for the taker fee).
    // Total USD: 100000 − 0.2 × 97100 × 1.012 = 80346.96; held: 47501 × 1.012 = 48071.012.
    const usd = (await adapter.balances()).find((b) => b.asset === 'USD');
    expect(usd).toEqual({ asset: 'USD', hold: '48071.012', available: '32275.948' });
  });

  it('returns only the fills after a cursor, and the same cursor when nothing is new', async () => {
    const first = await adapter.fillsSince();
    expect(first.fills).toEqual([]);

    await adapter.submitOrder(order({ price: '97200', quantity: '0.7' })); // two fills: 0.5 @ 97100, 0.2 @ 97200
    await adapter.submitOrder(order({ action: 'sell', price: '90000', quantity: '0.3' })); // one fill @ 90000
    const all = await adapter.fillsSince(first.cursor || undefined);
    expect(all.fills.map((f) => [f.action, f.quantity, f.price, f.fee, f.liquidity])).toEqual([
      ['buy', '0.5', '97100', '582.6', 'taker'],
      ['buy', '0.2', '97200', '233.28', 'taker'],
      ['sell', '0.3', '90000', '324', 'taker'],
    ]);

    const none = await adapter.fillsSince(all.cursor);
    expect(none).toEqual({ fills: [], cursor: all.cursor });

    const resting = await adapter.submitOrder(order({ price: '96000', quantity: '0.4' }));
    await externalTrade({ side: 'SELL', size: '0.25', price: '96000' });
    const next = await adapter.fillsSince(all.cursor);
    expect(next.fills).toHaveLength(1);
    expect(next.fills[0]).toMatchObject({ venue: 'coinbase', venueOrderId: resting.venueOrderId, action: 'buy', quantity: '0.25', price: '96000', fee: '144', liquidity: 'maker' }); // 0.6 % maker
  });

  it('reads product metadata, and an unknown product is a permanent 404', async () => {
    expect(await adapter.product('BTC-USD')).toEqual({
      productId: 'BTC-USD',
      baseIncrement: '0.00000001',
      quoteIncrement: '0.01',
      baseMinSize: '0.00000001',
      baseMaxSize: '3400',
      status: 'online',
      tradingDisabled: false,
    });
    await expect(adapter.product('DOGE-EUR')).rejects.toMatchObject({ details: { errorClass: 'permanent', httpStatus: 404 } });
  });
});

describe('Coinbase amend (POST /orders/edit)', () => {
  it('changes the price in place: the same order, one entry in the venue log, an edit history', async () => {
    const req = order();
    const placed = await adapter.submitOrder(req);
    const amended = await adapter.replaceOrder(req, placed.venueOrderId!, { price: '96500' });
    expect(amended).toMatchObject({ venueOrderId: placed.venueOrderId, clientOrderId: req.clientOrderId, price: '96500', quantity: '0.1', state: 'open' });

    expect(sim.orderLog).toHaveLength(1);
    expect(sim.orderLog[0]).toMatchObject({ order_id: placed.venueOrderId, limit_price: '96500', base_size: '0.1' });
    expect(sim.orderLog[0]!.edit_history).toEqual([expect.objectContaining({ price: '96500', size: '0.1' })]);

    // The new price is the one that trades: a sell at 96400 reaches it, the old 96000 would not.
    expect(await externalTrade({ side: 'SELL', size: '0.1', price: '96400' })).toEqual({ traded: '0.1', oursTraded: '0.1' });
    expect((await adapter.getOrder(req, placed.venueOrderId!)).state).toBe('filled');
  });

  it('a larger size loses time priority; a smaller size keeps it', async () => {
    const a = order();
    const b = order();
    const placedA = await adapter.submitOrder(a);
    const placedB = await adapter.submitOrder(b);

    // A shrinks: still first in the queue.
    await adapter.replaceOrder(a, placedA.venueOrderId!, { quantity: '0.05' });
    await externalTrade({ side: 'SELL', size: '0.05', price: '96000' });
    expect(await adapter.getOrder(a, placedA.venueOrderId!)).toMatchObject({ state: 'filled', filledQuantity: '0.05' });
    expect((await adapter.getOrder(b, placedB.venueOrderId!)).filledQuantity).toBe('0');

    // C rests after B; B grows and goes behind C.
    const c = order();
    const placedC = await adapter.submitOrder(c);
    const grown = await adapter.replaceOrder(b, placedB.venueOrderId!, { quantity: '0.3' });
    expect(grown).toMatchObject({ quantity: '0.3', state: 'open' });
    await externalTrade({ side: 'SELL', size: '0.1', price: '96000' });
    expect((await adapter.getOrder(c, placedC.venueOrderId!)).state).toBe('filled');
    expect((await adapter.getOrder(b, placedB.venueOrderId!)).filledQuantity).toBe('0');
    expect(sim.orderLog).toHaveLength(3);
  });

  it('a partly filled order can grow; its size cannot go down to what has filled', async () => {
    const req = order({ quantity: '0.4' });
    const placed = await adapter.submitOrder(req);
    await externalTrade({ side: 'SELL', size: '0.1', price: '96000' });
    const err = await adapter.replaceOrder(req, placed.venueOrderId!, { quantity: '0.1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).details).toMatchObject({ errorClass: 'permanent', venueCode: 'CANNOT_EDIT_TO_BELOW_FILLED_SIZE' });
    const grown = await adapter.replaceOrder(req, placed.venueOrderId!, { quantity: '0.6' });
    expect(grown).toMatchObject({ state: 'partially_filled', filledQuantity: '0.1', quantity: '0.6' });
  });

  it('a new price that crosses the book trades at once, as a taker', async () => {
    const req = order({ quantity: '0.2' });
    const placed = await adapter.submitOrder(req);
    const crossed = await adapter.replaceOrder(req, placed.venueOrderId!, { price: '97100' });
    expect(crossed).toMatchObject({ state: 'filled', filledQuantity: '0.2', averageFillPrice: '97100', fees: '233.04' }); // 19420 × 1.2 %
    expect(sim.orderLog).toHaveLength(1);
  });

  it('an amend of a filled order is refused with the venue reason, and the order is unchanged', async () => {
    const req = order({ price: '97100', quantity: '0.3' });
    const filled = await adapter.submitOrder(req);
    expect(filled.state).toBe('filled');
    const err = await adapter.replaceOrder(req, filled.venueOrderId!, { price: '97000' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).details).toMatchObject({ errorClass: 'permanent', venueCode: 'ONLY_OPEN_ORDERS_CAN_BE_EDITED', endpoint: 'POST /orders/edit' });
    expect(sim.orderLog).toHaveLength(1);
    expect(sim.orderLog[0]).toMatchObject({ limit_price: '97100', status: 'FILLED', edit_history: [] });

    const missing = await adapter.replaceOrder(req, 'no-such-order', { price: '97000' }).catch((e: unknown) => e);
    expect((missing as VenueError).details).toMatchObject({ errorClass: 'permanent', venueCode: 'ORDER_NOT_FOUND' });
  });
});
