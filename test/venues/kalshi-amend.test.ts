/**
 * Kalshi amend (`POST /portfolio/orders/{id}/amend`) through the adapter's `replaceOrder`, against
 * the Kalshi simulator over real HTTP on loopback: the order changes in place (one order in the
 * venue's log), keeps its queue place only when it shrinks, and a finished order is refused.
 * The default book: other traders' YES bids at 40¢ and NO bids at 57¢ (30) and 55¢ (100).
 */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { VenueError } from '../../domain/venue-errors';
import type { KalshiAdapter } from '../../venues/kalshi/adapter';
import type { KalshiSim } from '../../venues/sim/kalshi/server';
import { kalshiWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

let sim: KalshiSim;
let adapter: KalshiAdapter;
let n = 0;

beforeEach(async () => ({ sim, adapter } = await kalshiWithAdapter()));
afterEach(() => stopWithAdapter(sim, adapter));

const TICKER = 'FED-25DEC-T4.25';
const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'kalshi', market: TICKER, outcome: 'yes', action: 'buy', price: '0.41', quantity: '10', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-kamend-${++n}`, 'A', 1), ...over });

/** Someone else buys NO at `price` cents: it takes YES bids at 100 − price or better, ours included. */
async function otherBuysNo(count: number, price: number): Promise<number> {
  const res = await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/trade`, { method: 'POST', body: JSON.stringify({ ticker: TICKER, side: 'no', action: 'buy', count, price }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { traded: number }).traded;
}

describe('Kalshi amend', () => {
  it('changes the price in place: the same order at the new level, one order in the venue log', async () => {
    const req = order();
    const placed = await adapter.submitOrder(req);
    expect(placed.state).toBe('open');
    const amended = await adapter.replaceOrder(req, placed.venueOrderId!, { price: '0.42' });
    expect(amended).toMatchObject({ venueOrderId: placed.venueOrderId, price: '0.42', quantity: '10', state: 'open' });
    expect(await adapter.orderBook(TICKER)).toMatchObject({ bids: [['0.42', '10'], ['0.4', '100']] });
    expect(sim.orderLog).toHaveLength(1);
    expect(sim.orderLog[0]).toMatchObject({ order_id: placed.venueOrderId, yes_price: 42, no_price: 58, remaining_count: 10 });

    // A NO buy at 58¢ reaches YES bids at 42¢: ours, at its new price, as a maker.
    expect(await otherBuysNo(10, 58)).toBe(10);
    expect(await adapter.getOrder(req, placed.venueOrderId!)).toMatchObject({ state: 'filled', filledQuantity: '10', averageFillPrice: '0.42' });
  });

  it('a smaller count keeps the queue place; a larger count goes to the back', async () => {
    const a = order();
    const b = order();
    const placedA = await adapter.submitOrder(a);
    const placedB = await adapter.submitOrder(b);

    await adapter.replaceOrder(a, placedA.venueOrderId!, { quantity: '5' });
    expect(await otherBuysNo(5, 59)).toBe(5);
    expect(await adapter.getOrder(a, placedA.venueOrderId!)).toMatchObject({ state: 'filled', filledQuantity: '5' });
    expect((await adapter.getOrder(b, placedB.venueOrderId!)).filledQuantity).toBe('0');

    const c = order();
    const placedC = await adapter.submitOrder(c);
    const grown = await adapter.replaceOrder(b, placedB.venueOrderId!, { quantity: '20' });
    expect(grown).toMatchObject({ quantity: '20', state: 'open' });
    expect(await otherBuysNo(10, 59)).toBe(10);
    expect((await adapter.getOrder(c, placedC.venueOrderId!)).state).toBe('filled');
    expect((await adapter.getOrder(b, placedB.venueOrderId!)).filledQuantity).toBe('0');
    expect(sim.orderLog).toHaveLength(3);
  });

  it('count is the new total: a partly filled order keeps its fills, and cannot go down to them', async () => {
    const req = order({ quantity: '10' });
    const placed = await adapter.submitOrder(req);
    expect(await otherBuysNo(4, 59)).toBe(4);
    const refused = await adapter.replaceOrder(req, placed.venueOrderId!, { quantity: '4' }).catch((e: unknown) => e);
    expect((refused as VenueError).details).toMatchObject({ errorClass: 'permanent', httpStatus: 400, venueCode: 'invalid_parameters' });
    const amended = await adapter.replaceOrder(req, placed.venueOrderId!, { quantity: '6' });
    expect(amended).toMatchObject({ state: 'partially_filled', filledQuantity: '4', quantity: '6' });
    expect(sim.orderLog[0]).toMatchObject({ fill_count: 4, remaining_count: 2 });
  });

  it('takes a new client order id when given one; the old one no longer finds the order', async () => {
    const req = order();
    const placed = await adapter.submitOrder(req);
    const next = clientOrderId(`intent-kamend-${n}`, 'A', 2);
    const amended = await adapter.replaceOrder(req, placed.venueOrderId!, { price: '0.39', clientOrderId: next });
    expect(amended).toMatchObject({ clientOrderId: next, venueOrderId: placed.venueOrderId });
    expect(await adapter.findByClientOrderId(req)).toBeUndefined();
    expect((await adapter.findByClientOrderId({ ...req, clientOrderId: next }))?.venueOrderId).toBe(placed.venueOrderId);
  });

  it('a new price that crosses the book trades at once, as a taker', async () => {
    const req = order();
    const placed = await adapter.submitOrder(req);
    const crossed = await adapter.replaceOrder(req, placed.venueOrderId!, { price: '0.43' });
    // 10 at 43¢ against the NO bid at 57¢; taker fee ceil(0.07 × 10 × 0.43 × 0.57) = 0.18
    expect(crossed).toMatchObject({ state: 'filled', filledQuantity: '10', averageFillPrice: '0.43', fees: '0.18' });
    expect(sim.orderLog).toHaveLength(1);
  });

  it('an amend of a filled order is refused with the venue error, and changes nothing', async () => {
    const req = order({ price: '0.45' });
    const filled = await adapter.submitOrder(req);
    expect(filled.state).toBe('filled');
    const err = await adapter.replaceOrder(req, filled.venueOrderId!, { price: '0.44' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).details).toMatchObject({ errorClass: 'permanent', httpStatus: 400, venueCode: 'invalid_order', endpoint: 'POST /portfolio/orders/{id}/amend' });
    expect(sim.orderLog).toHaveLength(1);
    expect(sim.orderLog[0]).toMatchObject({ status: 'executed', yes_price: 45, fill_count: 10 });
  });
});
