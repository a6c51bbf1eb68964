/** The Kalshi adapter against the Kalshi simulator, over real HTTP on loopback: every operation and every failure class. */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { dec } from '../../domain/money';
import { VenueError } from '../../domain/venue-errors';
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import { toCreateOrderBody } from '../../venues/kalshi/mapping';
import { generateSimKalshiKey } from '../../venues/sim/kalshi/auth';
import { startKalshiSim, type KalshiSim } from '../../venues/sim/kalshi/server';

const FED = 'FED-25DEC-T4.25';
let sim: KalshiSim;
let adapter: KalshiAdapter;
let n = 0;

beforeEach(async () => {
  sim = await startKalshiSim();
  adapter = new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key });
});
afterEach(async () => {
  await adapter.close();
  await sim.stop();
});

const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'kalshi', market: FED, outcome: 'yes', action: 'buy', price: '0.45', quantity: '50', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-k-${++n}`, 'A', 1), ...over });

async function admin(path: string, body?: object): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sim.adminUrl}${path}`, body ? { method: 'POST', body: JSON.stringify(body) } : {});
  return { status: res.status, json: await res.json() };
}
async function fault(body: object): Promise<void> {
  const r = await admin('/faults', body);
  expect(r.status).toBe(200);
}
const logged = (req: OrderRequest) => sim.orderLog.filter((o) => o.clientOrderId === req.clientOrderId);

describe('Kalshi adapter ↔ simulator', () => {
  it('reads markets and the book (YES bids; YES asks derived from NO bids)', async () => {
    expect(await adapter.orderBook(FED)).toEqual({ bids: [['0.4', '100']], asks: [['0.43', '30'], ['0.45', '100']] });
    expect(await adapter.market(FED)).toMatchObject({ market: FED, status: 'active', yesBid: '0.4', yesAsk: '0.43', tickSize: '0.01' });
    const { markets } = await adapter.rest.getMarkets();
    expect(markets.map((m) => m.ticker)).toContain(FED);
    expect(markets.length).toBeGreaterThan(1);
    await expect(adapter.market('NOPE')).rejects.toMatchObject({ details: { errorClass: 'permanent', httpStatus: 404 } });
  });

  it('a YES buy at 45¢ takes the 43¢ and 45¢ asks, pays taker fees, rests the rest; cancel; positions, fills, balance agree', async () => {
    const req = order({ quantity: '150' });
    const submitted = await adapter.submitOrder(req);
    expect(submitted).toMatchObject({ state: 'partially_filled', filledQuantity: '130', clientOrderId: req.clientOrderId });
    // Kalshi's fee rounding (domain/fees kalshiFillFee): 30 at 43¢: trade fee 0.5148, balance floored
    // to the cent → 0.52 (0.0052 accumulated); 100 at 45¢: 1.7325 → 1.74, but the accumulator
    // reaches 0.0127 and refunds a cent → 1.73. Total 2.25 (naive per-fill ceil would say 2.26).
    expect(submitted.fees).toBe('2.25');
    // (30×0.43 + 100×0.45) / 130, a repeating decimal: exact to the Dec precision.
    expect(dec(submitted.averageFillPrice!).times(130).toDecimalPlaces(20).toFixed()).toBe('57.9');
    // Available: 100000 − 30×0.43 − 100×0.45 − 2.25, less 20×0.45 held for the resting rest.
    expect(await adapter.balance()).toBe('99930.85');
    expect((await adapter.openOrders(FED)).map((o) => o.venueOrderId)).toEqual([submitted.venueOrderId]);
    expect(await adapter.positions()).toEqual([{ market: FED, position: '130', exposure: '57.9', realizedPnl: '-2.25', feesPaid: '2.25' }]);

    const { fills, cursor } = await adapter.fillsSince();
    expect(fills.map((f) => [f.price, f.quantity, f.fee, f.liquidity, f.venueOrderId])).toEqual([
      ['0.43', '30', '0.52', 'taker', submitted.venueOrderId],
      ['0.45', '100', '1.73', 'taker', submitted.venueOrderId],
    ]);
    expect((await adapter.fillsSince(cursor)).fills).toEqual([]);

    const cancelled = await adapter.cancelOrder(submitted.venueOrderId!, req);
    expect(cancelled).toMatchObject({ state: 'cancelled', filledQuantity: '130' });
    expect((await adapter.getOrder(req, submitted.venueOrderId!)).state).toBe('cancelled');
    expect(await adapter.openOrders()).toEqual([]);
    expect(await adapter.balance()).toBe('99939.85');
    await expect(adapter.cancelOrder(submitted.venueOrderId!)).rejects.toMatchObject({ details: { errorClass: 'permanent', venueCode: 'order_not_cancelable' } });
  });

  it('the current order API (POST /portfolio/events/orders, bid/ask on the YES book) places the same order', async () => {
    const events = new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key, orderApi: 'events' });
    try {
      // Buying NO at 0.58 is a YES ask at 0.42: it takes the 40¢ YES bid? No — 0.42 > 0.40, so it rests.
      const rests = await events.submitOrder(order({ outcome: 'no', price: '0.58', quantity: '5' }));
      expect(rests).toMatchObject({ state: 'open', filledQuantity: '0' });
      expect((await events.orderBook(FED)).asks[0]).toEqual(['0.42', '5']);
      const takes = await events.submitOrder(order({ outcome: 'no', price: '0.60', quantity: '10' }));
      expect(takes).toMatchObject({ state: 'filled', filledQuantity: '10', averageFillPrice: '0.6', fees: '0.17' });
      const cancelled = await events.cancelOrder(rests.venueOrderId!);
      expect(cancelled.state).toBe('cancelled');
      expect(await events.positions()).toEqual([expect.objectContaining({ market: FED, position: '-10' })]);
      // A fill whose average fee is a repeating decimal: the fees still come out exact (read back from the order).
      const odd = await events.submitOrder(order({ outcome: 'yes', price: '0.45', quantity: '30' }));
      expect(odd).toMatchObject({ state: 'filled', filledQuantity: '30', fees: '0.52', averageFillPrice: '0.43' });
    } finally {
      await events.close();
    }
  });

  it('lookup-then-submit: a second submit of the same client order id returns the first order', async () => {
    const req = order({ price: '0.30' });
    const a = await adapter.submitOrder(req);
    const b = await adapter.submitOrder(req);
    expect(b.venueOrderId).toBe(a.venueOrderId);
    expect(logged(req)).toHaveLength(1);
    // Posting it again by hand gets Kalshi's answer for a reused client_order_id.
    await expect(adapter.rest.createOrder(toCreateOrderBody(req))).rejects.toMatchObject({ details: { errorClass: 'permanent', httpStatus: 409, venueCode: 'order_already_exists' } });
    expect(logged(req)).toHaveLength(1);
  });

  it('accept-then-drop: the lost response is resolved by lookup; exactly one order at the venue', async () => {
    await fault({ endpoint: 'POST /trade-api/v2/portfolio/orders', kind: 'accept_then_drop' });
    const req = order({ quantity: '10' });
    const result = await adapter.submitOrder(req);
    expect(result).toMatchObject({ state: 'filled', filledQuantity: '10' });
    expect(logged(req)).toHaveLength(1);
    const { json } = await admin(`/orders?client_order_id=${req.clientOrderId}`);
    expect(json).toMatchObject({ orders: [expect.objectContaining({ clientOrderId: req.clientOrderId })], duplicateClientOrderIds: [] });
  });

  it('a timeout is UNKNOWN; the retry looks up first and places exactly one order', async () => {
    const impatient = new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key, requestTimeoutMs: 300 });
    try {
      await fault({ endpoint: 'POST /trade-api/v2/portfolio/orders', kind: 'timeout' });
      const req = order({ price: '0.20' });
      await expect(impatient.submitOrder(req)).rejects.toMatchObject({ details: { errorClass: 'unknown' } });
      expect(logged(req)).toHaveLength(0);
      const placed = await impatient.submitOrder(req);
      expect(placed.state).toBe('open');
      expect(logged(req)).toHaveLength(1);
    } finally {
      await impatient.close();
    }
  });

  it('classifies 429 (retryable, Retry-After), 5xx (retryable), rejections (permanent) and bad signatures (401 permanent)', async () => {
    // Its own adapter: the rate governor then holds that endpoint for the Retry-After, as it should.
    const throttled = new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key });
    await fault({ endpoint: 'POST /trade-api/v2/portfolio/orders', kind: 'http_429', retryAfterSeconds: 2 });
    await expect(throttled.submitOrder(order())).rejects.toMatchObject({ details: { errorClass: 'retryable', httpStatus: 429, retryAfterMs: 2000 } });
    await throttled.close();
    await fault({ endpoint: 'GET /trade-api/v2/portfolio/balance', kind: 'http_5xx' });
    await expect(adapter.balance()).rejects.toMatchObject({ details: { errorClass: 'retryable', httpStatus: 503 } });
    // A 500 on a submit: whatever its class, the retry (lookup first) places exactly one order.
    await fault({ endpoint: 'POST /trade-api/v2/portfolio/orders', kind: 'http_5xx', status: 500 });
    const once = order({ price: '0.05' });
    await expect(adapter.submitOrder(once)).rejects.toMatchObject({ details: { httpStatus: 500 } });
    expect((await adapter.submitOrder(once)).state).toBe('open');
    expect(logged(once)).toHaveLength(1);
    await adapter.cancelOrder((await adapter.getOrderByClientId(once))!.venueOrderId!);
    await fault({ venue: 'kalshi', endpoint: 'POST /trade-api/v2/portfolio/*', kind: 'reject', code: 'market_closed', message: 'trading is halted' });
    await expect(adapter.submitOrder(order())).rejects.toMatchObject({ details: { errorClass: 'permanent', httpStatus: 400, venueCode: 'market_closed' } });
    // A real insufficient-funds refusal from the engine, not a fault.
    const poor = await adapter.submitOrder(order({ quantity: '999999' })).catch((e: unknown) => e);
    expect(poor).toBeInstanceOf(VenueError);
    expect((poor as VenueError).details).toMatchObject({ errorClass: 'permanent', venueCode: 'insufficient_balance' });

    const stranger = new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: { ...generateSimKalshiKey(), keyId: sim.key.keyId } });
    const err = (await stranger.balance().catch((e: unknown) => e)) as VenueError;
    expect(err.details).toMatchObject({ errorClass: 'permanent', httpStatus: 401, venueCode: 'authentication_error' });
    expect(JSON.stringify(err)).not.toContain('PRIVATE KEY');
    await stranger.close();
    expect(sim.orderLog).toHaveLength(1); // only the one placed after the 500
  });

  it('GTD: an expiring order is placed with its expiration and reported expired once the venue clock passes it', async () => {
    let offset = 0;
    const clocked = new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key, now: () => Date.now() + offset });
    try {
      const req = order({ price: '0.10', timeInForce: 'GTD', expiresAt: new Date(Date.now() + 60_000).toISOString() });
      expect((await clocked.submitOrder(req)).state).toBe('open');
      expect((await admin('/clock', { advanceMs: 61_000 })).status).toBe(200);
      offset = 61_000;
      expect((await clocked.getOrderByClientId(req))!.state).toBe('expired');
      expect(await clocked.openOrders()).toEqual([]);
    } finally {
      await clocked.close();
    }
  });

  it('admin API: liquidity changes the book; bad input is refused naming the field', async () => {
    expect((await admin(`/markets/${FED}/liquidity`, { side: 'no', price: '0.58', count: '7' })).status).toBe(200);
    expect((await adapter.orderBook(FED)).asks[0]).toEqual(['0.42', '7']);
    const bad = await admin('/faults', { endpoint: 'GET /x', kind: 'explode' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/kind/);
    const badLiquidity = await admin(`/markets/${FED}/liquidity`, { side: 'maybe', price: '0.5', count: '1' });
    expect(badLiquidity.status).toBe(400);
    expect(JSON.stringify(badLiquidity.json)).toMatch(/side/);
    expect((await admin('/markets/NOPE/liquidity', { side: 'yes', price: '0.5', count: '1' })).status).toBe(404);
    const { json } = await admin('/accounts');
    expect(json).toMatchObject({ kalshi: expect.arrayContaining([expect.objectContaining({ id: sim.venue.userAccountId, cash: '100000' })]) });
  });
});
