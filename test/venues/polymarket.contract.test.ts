/** The Polymarket adapter against the Polymarket simulator, over real HTTP on loopback. */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { PolymarketAdapter } from '../../venues/polymarket/adapter';
import type { PolymarketSim } from '../../venues/sim/polymarket/server';
import { polymarketTestAccount as account, polymarketWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

let sim: PolymarketSim;
let adapter: PolymarketAdapter;
let n = 0;

beforeEach(async () => ({ sim, adapter } = await polymarketWithAdapter()));
afterEach(() => stopWithAdapter(sim, adapter));

const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'polymarket', market: '7132104567925221259', outcome: 'no', action: 'buy', price: '0.55', quantity: '25', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-pm-${++n}`, 'B', 1), ...over });

async function fault(body: object): Promise<void> {
  expect((await fetch(`${sim.restBaseUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) })).status).toBe(200);
}

describe('Polymarket adapter ↔ simulator', () => {
  it('posts a signed order the venue verifies; it fills against the book and is found by its hash', async () => {
    const filled = await adapter.submitOrder(order());
    expect(filled).toMatchObject({ state: 'filled', filledQuantity: '25', venueOrderId: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    const resting = await adapter.submitOrder(order({ price: '0.50', quantity: '10' }));
    expect(resting.state).toBe('open');
    expect(await adapter.cancelOrder(resting.venueOrderId!)).toEqual({ cancelled: true });
    expect(await adapter.cancelOrder(resting.venueOrderId!)).toEqual({ cancelled: false, reason: 'order is CANCELED' });
  });

  it('the same leg attempt is the same order: a second submit finds it, one order at the venue', async () => {
    const req = order({ price: '0.50' });
    const a = await adapter.submitOrder(req);
    const b = await adapter.submitOrder(req);
    expect(b.venueOrderId).toBe(a.venueOrderId);
    expect(sim.orderLog.filter((o) => o.id === a.venueOrderId)).toHaveLength(1);
  });

  it('accept-then-drop is resolved by the hash lookup: exactly one order', async () => {
    await fault({ endpoint: 'POST /order', kind: 'accept_then_drop' });
    const result = await adapter.submitOrder(order({ quantity: '10' }));
    expect(result.state).toBe('filled');
    expect(sim.orderLog).toHaveLength(1);
  });

  it('wrong API secret → 401 permanent; 429 retryable; rejection permanent', async () => {
    const stranger = new PolymarketAdapter({ restBaseUrl: sim.restBaseUrl, account, credentials: { ...sim.credentials, secret: Buffer.from('nope').toString('base64') } });
    await expect(stranger.submitOrder(order())).rejects.toMatchObject({ details: { errorClass: 'permanent', httpStatus: 401 } });
    await stranger.close();
    await fault({ endpoint: 'POST /order', kind: 'http_429', retryAfterSeconds: 1 });
    await expect(adapter.submitOrder(order())).rejects.toMatchObject({ details: { errorClass: 'retryable', retryAfterMs: 1000 } });
    await fault({ endpoint: 'POST /order', kind: 'reject' });
    await expect(adapter.submitOrder(order())).rejects.toMatchObject({ details: { errorClass: 'permanent', message: 'not enough balance / allowance' } });
    expect(sim.orderLog).toHaveLength(0);
  });
});
