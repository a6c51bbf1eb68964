/**
 * Kalshi order listings are paged (`limit`, an opaque `cursor`, newest first): the adapter's
 * lookup-then-submit, open orders and client-id lookups must follow every page, and a listing it
 * could not finish must fail UNKNOWN rather than read as "no such order". The simulator here serves
 * at most 3 orders a page (`ordersPageLimit`), so a dozen orders span several pages.
 */
import { z } from 'zod';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { VenueError } from '../../domain/venue-errors';
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import { kalshiHeaders } from '../../venues/kalshi/auth';
import type { KalshiSim } from '../../venues/sim/kalshi/server';
import { kalshiWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

const TICKER = 'FED-25DEC-T4.25';
const PAGE = 3;
const ORDERS_PATH = '/trade-api/v2/portfolio/orders';

let sim: KalshiSim;
let adapter: KalshiAdapter;
let n = 0;

beforeEach(async () => ({ sim, adapter } = await kalshiWithAdapter({ ordersPageLimit: PAGE })));
afterEach(() => stopWithAdapter(sim, adapter));

/** A YES bid at 30¢: below every NO-derived ask (43¢), so it rests. */
const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'kalshi', market: TICKER, outcome: 'yes', action: 'buy', price: '0.30', quantity: '1', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-kp-${++n}`, 'A', 1), ...over });

/** Submits `count` resting orders one after another (oldest first), as the adapter would. */
async function restingOrders(count: number): Promise<{ request: OrderRequest; venueOrderId: string }[]> {
  const out: { request: OrderRequest; venueOrderId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const request = order();
    const snapshot = await adapter.submitOrder(request);
    expect(snapshot.state).toBe('open');
    out.push({ request, venueOrderId: snapshot.venueOrderId! });
  }
  return out;
}

/** Venue requests by endpoint while `run` runs (the sim reports each one it receives). */
async function countingRequests<T>(run: () => Promise<T>): Promise<{ result: T; requests: Map<string, number> }> {
  const requests = new Map<string, number>();
  const onRequest = ({ endpoint }: { endpoint: string }) => requests.set(endpoint, (requests.get(endpoint) ?? 0) + 1);
  sim.requests.on('request', onRequest);
  try {
    return { result: await run(), requests };
  } finally {
    sim.requests.off('request', onRequest);
  }
}

/** The listing's answer, or Kalshi's error body: the fields these tests read. */
const listAnswer = z.object({
  orders: z.array(z.object({ order_id: z.string() })).optional(),
  cursor: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

/** `GET /portfolio/orders` signed as Kalshi wants it (the signature covers the path, not the query). */
async function listOrders(query: Record<string, string>): Promise<{ status: number; body: z.infer<typeof listAnswer> }> {
  const origin = new URL(sim.restBaseUrl).origin;
  const res = await fetch(`${origin}${ORDERS_PATH}?${new URLSearchParams(query)}`, { headers: kalshiHeaders(sim.key, { method: 'GET', path: ORDERS_PATH }) });
  return { status: res.status, body: listAnswer.parse(await res.json()) };
}

describe('Kalshi paged order listings', () => {
  it('finds an order on a later page, so resubmitting its request posts nothing', async () => {
    const placed = await restingOrders(10); // 4 pages of at most 3, newest first: the oldest is on the last
    const logged = sim.orderLog.length;
    const oldest = placed[0]!;

    const { result: found, requests } = await countingRequests(() => adapter.findByClientOrderId(oldest.request));
    expect(found).toMatchObject({ venueOrderId: oldest.venueOrderId, state: 'open' });
    expect(requests.get(`GET ${ORDERS_PATH}`)).toBe(Math.ceil(placed.length / PAGE));

    const resubmit = await countingRequests(() => adapter.submitOrder(oldest.request));
    expect(resubmit.result.venueOrderId).toBe(oldest.venueOrderId);
    expect(resubmit.requests.get(`POST ${ORDERS_PATH}`)).toBeUndefined();
    expect(sim.orderLog).toHaveLength(logged);
  });

  it('stops at the first page that holds the order', async () => {
    const placed = await restingOrders(7);
    const newest = placed[placed.length - 1]!;
    const { result, requests } = await countingRequests(() => adapter.orderViewByClientOrderId(TICKER, newest.request.clientOrderId));
    expect(result).toMatchObject({ venueOrderId: newest.venueOrderId, clientOrderId: newest.request.clientOrderId, state: 'open' });
    expect(requests.get(`GET ${ORDERS_PATH}`)).toBe(1);
  });

  it('lists every open order across pages', async () => {
    const placed = await restingOrders(8);
    await adapter.cancelOrder(placed[2]!.venueOrderId);
    const open = await adapter.openOrders();
    const expected = placed.filter((_, i) => i !== 2).map((p) => p.venueOrderId);
    expect(open.map((o) => o.venueOrderId).sort()).toEqual([...expected].sort());
    expect(open.every((o) => o.state === 'open' && o.market === TICKER)).toBe(true);
  });

  it('a listing it cannot finish fails UNKNOWN, and a submit then posts nothing', async () => {
    await restingOrders(7); // 3 pages
    const capped = new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key, maxOrderPages: 2 });
    try {
      const unseen = order();
      const lookup = capped.findByClientOrderId(unseen);
      await expect(lookup).rejects.toBeInstanceOf(VenueError);
      await expect(lookup).rejects.toMatchObject({ errorClass: 'unknown', details: { endpoint: 'GET /portfolio/orders' } });
      const logged = sim.orderLog.length;
      await expect(capped.submitOrder(unseen)).rejects.toMatchObject({ errorClass: 'unknown' });
      expect(sim.orderLog).toHaveLength(logged);
      await expect(capped.openOrders()).rejects.toMatchObject({ errorClass: 'unknown' });
    } finally {
      await capped.close();
    }
  });
});

describe('the Kalshi simulator pages GET /portfolio/orders', () => {
  it('newest first, at most `limit` a page, the cursor empty on the last page', async () => {
    const placed = await restingOrders(5);
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const { status, body } = await listOrders({ ticker: TICKER, limit: '2', ...(cursor ? { cursor } : {}) });
      expect(status).toBe(200);
      expect(body.orders!.length).toBeLessThanOrEqual(2);
      seen.push(...body.orders!.map((o) => o.order_id));
      cursor = body.cursor!;
      if (!cursor) break;
    }
    expect(seen).toEqual(placed.map((p) => p.venueOrderId).reverse());
  });

  it('an order created between pages neither repeats nor hides an older one', async () => {
    const placed = await restingOrders(4);
    const first = await listOrders({ ticker: TICKER, limit: '2' });
    await restingOrders(1);
    const second = await listOrders({ ticker: TICKER, limit: '2', cursor: first.body.cursor! });
    expect([...first.body.orders!, ...second.body.orders!].map((o) => o.order_id)).toEqual(placed.map((p) => p.venueOrderId).reverse());
    expect(second.body.cursor).toBe('');
  });

  it('filters on status and on created time (min_ts / max_ts, unix seconds)', async () => {
    const placed = await restingOrders(4);
    await adapter.cancelOrder(placed[0]!.venueOrderId);
    const canceled = await listOrders({ status: 'canceled' });
    expect(canceled.body.orders!.map((o) => o.order_id)).toEqual([placed[0]!.venueOrderId]);
    const createdSeconds = sim.orderLog.map((o) => Math.floor(Date.parse(o.created_time) / 1000));
    const all = await listOrders({ min_ts: String(Math.min(...createdSeconds)), max_ts: String(Math.max(...createdSeconds)) });
    expect(all.body.orders).toHaveLength(PAGE);
    expect(all.body.cursor).not.toBe('');
    expect((await listOrders({ min_ts: String(Math.max(...createdSeconds) + 1) })).body).toEqual({ orders: [], cursor: '' });
    expect((await listOrders({ max_ts: String(Math.min(...createdSeconds) - 1) })).body).toEqual({ orders: [], cursor: '' });
  });

  it.each([
    ['limit 0', { limit: '0' }, /^limit: /],
    ['limit above 1000', { limit: '1001' }, /^limit: /],
    ['a limit that is not a number', { limit: 'ten' }, /^limit: /],
    ['a cursor that is not ours', { cursor: 'not-a-cursor' }, /^cursor: /],
    ['a cursor past the listing', { cursor: Buffer.from('orders:99').toString('base64url') }, /^cursor: /],
    ['a min_ts that is not unix seconds', { min_ts: '2026-01-01' }, /^min_ts: /],
  ])('refuses %s with a 400 naming the field', async (_what, query, message) => {
    const { status, body } = await listOrders(query);
    expect(status).toBe(400);
    expect(body.error?.code).toBe('invalid_parameters');
    expect(body.error?.message).toMatch(message);
  });
});
