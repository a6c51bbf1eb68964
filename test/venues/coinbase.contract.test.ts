/** The Coinbase adapter against the Coinbase simulator, over real HTTP on loopback. */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { VenueError } from '../../domain/venue-errors';
import { CoinbaseAdapter } from '../../venues/coinbase/adapter';
import { generateSimCoinbaseKey } from '../../venues/sim/coinbase/auth';
import type { CoinbaseSim } from '../../venues/sim/coinbase/server';
import { coinbaseWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

let sim: CoinbaseSim;
let adapter: CoinbaseAdapter;
let n = 0;

beforeEach(async () => ({ sim, adapter } = await coinbaseWithAdapter()));
afterEach(() => stopWithAdapter(sim, adapter));

const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'coinbase', market: 'BTC-USD', action: 'buy', price: '97150.00', quantity: '0.3', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-cb-${++n}`, 'A', 1), ...over });

async function fault(body: object): Promise<void> {
  const res = await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

describe('Coinbase adapter ↔ simulator', () => {
  it('submits a marketable limit order: filled at the book price, with taker fees and balances', async () => {
    const filled = await adapter.submitOrder(order());
    expect(filled).toMatchObject({ state: 'filled', filledQuantity: '0.3', averageFillPrice: '97100', fees: '349.56' }); // 29130 × 1.2%
    const balances = Object.fromEntries((await adapter.balances()).map((b) => [b.asset, b.available]));
    expect(balances).toEqual({ USD: '70520.44', BTC: '10.3' }); // 100000 − 29130 − 349.56
  });

  it('IOC fills what the book has and cancels the rest; GTC rests and can be cancelled once', async () => {
    const ioc = await adapter.submitOrder(order({ quantity: '1', timeInForce: 'IOC' }));
    expect(ioc).toMatchObject({ state: 'cancelled', filledQuantity: '0.5' });
    const resting = await adapter.submitOrder(order({ price: '96000.00', quantity: '0.1' }));
    expect(resting.state).toBe('open');
    expect(await adapter.cancelOrder(resting.venueOrderId!)).toEqual({ cancelled: true, reason: undefined });
    expect(await adapter.cancelOrder(resting.venueOrderId!)).toEqual({ cancelled: false, reason: 'INVALID_CANCEL_REQUEST' });
    expect((await adapter.getOrder(order(), resting.venueOrderId!)).state).toBe('cancelled');
  });

  it('re-posting a client order id returns the same order: one order at the venue', async () => {
    const req = order({ price: '96000.00' });
    const a = await adapter.submitOrder(req);
    const b = await adapter.submitOrder(req);
    expect(b.venueOrderId).toBe(a.venueOrderId);
    expect(sim.orderLog.filter((o) => o.client_order_id === req.clientOrderId)).toHaveLength(1);
  });

  it('accept-then-drop: the response never arrives, the adapter resolves it, and the venue holds exactly one order', async () => {
    await fault({ endpoint: 'POST /api/v3/brokerage/orders', kind: 'accept_then_drop', count: 1 });
    const req = order();
    const result = await adapter.submitOrder(req);
    expect(result.state).toBe('filled');
    expect(sim.orderLog.filter((o) => o.client_order_id === req.clientOrderId)).toHaveLength(1);
  });

  it('429 is retryable with Retry-After and blocks the endpoint in the rate governor; 5xx is retryable', async () => {
    await fault({ endpoint: 'POST /api/v3/brokerage/orders', kind: 'http_429', retryAfterSeconds: 7 });
    const err = await adapter.submitOrder(order()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).details).toMatchObject({ errorClass: 'retryable', httpStatus: 429, retryAfterMs: 7000, venueCode: 'RATE_LIMIT_EXCEEDED' });
    const budget = adapter.rate.snapshot().endpoints.find((e) => e.endpoint === 'POST /orders');
    expect(budget).toMatchObject({ throttled: 1 });
    expect(budget!.blockedForMs).toBeGreaterThan(6000);
    expect(sim.orderLog).toHaveLength(0);

    const other = new CoinbaseAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key });
    await fault({ endpoint: 'GET /api/v3/brokerage/accounts', kind: 'http_5xx' });
    await expect(other.balances()).rejects.toMatchObject({ details: { errorClass: 'retryable', httpStatus: 503 } });
    await other.close();
  });

  it('a wrong key gets the venue 401, classified permanent, and leaks no key material', async () => {
    const stranger = new CoinbaseAdapter({ restBaseUrl: sim.restBaseUrl, credentials: generateSimCoinbaseKey(sim.key.keyName) });
    const err = (await stranger.balances().catch((e: unknown) => e)) as VenueError;
    expect(err.details).toMatchObject({ errorClass: 'permanent', httpStatus: 401, venueCode: 'UNAUTHENTICATED' });
    expect(JSON.stringify(err.details)).not.toContain('PRIVATE KEY');
    await stranger.close();
  });

  it('a venue rejection is permanent and names the reason', async () => {
    await fault({ endpoint: 'POST /api/v3/brokerage/orders', kind: 'reject' });
    await expect(adapter.submitOrder(order())).rejects.toMatchObject({ details: { errorClass: 'permanent', venueCode: 'INSUFFICIENT_FUND' } });
  });
});
