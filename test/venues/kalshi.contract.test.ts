/** The Kalshi adapter against the Kalshi simulator, over real HTTP on loopback. */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { VenueError } from '../../domain/venue-errors';
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import { generateSimKalshiKey } from '../../venues/sim/kalshi/auth';
import type { KalshiSim } from '../../venues/sim/kalshi/server';
import { kalshiWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

let sim: KalshiSim;
let adapter: KalshiAdapter;
let n = 0;

beforeEach(async () => ({ sim, adapter } = await kalshiWithAdapter()));
afterEach(() => stopWithAdapter(sim, adapter));

const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'kalshi', market: 'FED-25DEC-T4.25', outcome: 'yes', action: 'buy', price: '0.45', quantity: '50', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-k-${++n}`, 'A', 1), ...over });

async function fault(body: object): Promise<void> {
  const res = await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

describe('Kalshi adapter ↔ simulator', () => {
  it('reads the book as YES bids and YES asks derived from NO bids', async () => {
    expect(await adapter.orderBook('FED-25DEC-T4.25')).toEqual({ bids: [['0.4', '100']], asks: [['0.43', '30'], ['0.45', '100']] });
  });

  it('a YES buy at 45¢ takes NO bids at 57¢ and 55¢, pays Kalshi taker fees, and the rest rests', async () => {
    const submitted = await adapter.submitOrder(order({ quantity: '150' }));
    expect(submitted).toMatchObject({ state: 'partially_filled', filledQuantity: '130' });
    // 30 at 43¢: fee ceil(0.07×30×0.43×0.57)=0.52; 100 at 45¢: ceil(0.07×100×0.45×0.55)=1.74
    expect(submitted.fees).toBe('2.26');
    // 100000 − 30×0.43 − 100×0.45 − 2.26
    expect(await adapter.balance()).toBe('99939.84');
    await adapter.cancelOrder(submitted.venueOrderId!);
    expect((await adapter.getOrder(order(), submitted.venueOrderId!)).state).toBe('cancelled');
  });

  it('lookup-then-submit: a second submit of the same client order id returns the first order', async () => {
    const req = order({ price: '0.30' });
    const a = await adapter.submitOrder(req);
    const b = await adapter.submitOrder(req);
    expect(b.venueOrderId).toBe(a.venueOrderId);
    expect(sim.orderLog.filter((o) => o.client_order_id === req.clientOrderId)).toHaveLength(1);
  });

  it('accept-then-drop: the lost response is resolved by lookup; exactly one order at the venue', async () => {
    await fault({ endpoint: 'POST /trade-api/v2/portfolio/orders', kind: 'accept_then_drop' });
    const req = order({ quantity: '10' });
    const result = await adapter.submitOrder(req);
    expect(result).toMatchObject({ state: 'filled', filledQuantity: '10' });
    expect(sim.orderLog.filter((o) => o.client_order_id === req.clientOrderId)).toHaveLength(1);
  });

  it('classifies 429 (retryable, Retry-After), 5xx (retryable), rejections (permanent) and bad signatures (401 permanent)', async () => {
    await fault({ endpoint: 'POST /trade-api/v2/portfolio/orders', kind: 'http_429', retryAfterSeconds: 2 });
    await expect(adapter.submitOrder(order())).rejects.toMatchObject({ details: { errorClass: 'retryable', httpStatus: 429, retryAfterMs: 2000 } });
    await fault({ endpoint: 'GET /trade-api/v2/portfolio/balance', kind: 'http_5xx' });
    await expect(adapter.balance()).rejects.toMatchObject({ details: { errorClass: 'retryable', httpStatus: 503 } });
    await fault({ endpoint: 'POST /trade-api/v2/portfolio/orders', kind: 'reject' });
    await expect(adapter.submitOrder(order())).rejects.toMatchObject({ details: { errorClass: 'permanent', venueCode: 'insufficient_balance' } });

    const stranger = new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: { ...generateSimKalshiKey(), keyId: sim.key.keyId } });
    const err = (await stranger.balance().catch((e: unknown) => e)) as VenueError;
    expect(err.details).toMatchObject({ errorClass: 'permanent', httpStatus: 401, venueCode: 'authentication_error' });
    await stranger.close();
    expect(sim.orderLog).toHaveLength(0);
  });
});
