/** Kalshi WebSocket (order book + fills) against the simulator over a real, signed WebSocket. */
import WebSocket from 'ws';
import { crossedOrLocked, levels, type Book } from '../../domain/book';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema } from '../../domain/order';
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import { kalshiHeaders } from '../../venues/kalshi/auth';
import { createKalshiBookTracker, kalshiStream, type KalshiStreamEvent } from '../../venues/kalshi/stream';
import { startKalshiSim, type KalshiSim } from '../../venues/sim/kalshi/server';
import { nextEvent as next } from '../helpers/streams';

const MARKET = 'FED-25DEC-T4.25';
const view = (book: Book) => ({ bids: levels(book, 'bid'), asks: levels(book, 'ask') });
let n = 0;
const buy = (price: string, quantity: string, outcome: 'yes' | 'no' = 'yes') =>
  orderRequestSchema.parse({ venue: 'kalshi', market: MARKET, outcome, action: 'buy', price, quantity, timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-stream-${++n}`, 'A', 1) });

let sim: KalshiSim;
let adapter: KalshiAdapter;
let stream: ReturnType<typeof kalshiStream>;
let events: AsyncGenerator<KalshiStreamEvent>;

async function fault(body: object): Promise<void> {
  const res = await fetch(`${sim.adminUrl}/faults`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}
const book = (from?: 'snapshot' | 'delta') => next(events, (e) => e.type === 'book' && (!from || e.from === from)) as Promise<Extract<KalshiStreamEvent, { type: 'book' }>>;
/** Waits until the streamed book equals the REST book (each delta is one event; the last one must match). */
async function converges(): Promise<void> {
  const rest = await adapter.orderBook(MARKET);
  await next(events, (e) => e.type === 'book' && JSON.stringify(view(e.book)) === JSON.stringify(rest));
}

beforeEach(async () => {
  sim = await startKalshiSim({ pingIntervalMs: 50 });
  adapter = new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key });
  stream = kalshiStream({ wsUrl: sim.wsUrl, credentials: sim.key, markets: [MARKET], channels: ['orderbook_delta', 'fill'], reconnect: { initialMs: 20 } });
  events = stream.events();
});
afterEach(async () => {
  stream.close();
  await adapter.close();
  await sim.stop();
});

describe('Kalshi stream', () => {
  it('snapshot + deltas rebuild the REST book; the account\'s fills arrive on the fill channel', async () => {
    const snapshot = await book('snapshot');
    expect(view(snapshot.book)).toEqual(await adapter.orderBook(MARKET));

    // Takes the 43¢ ask and rests the rest at 44¢: deltas on both sides, and a fill.
    const placed = await adapter.submitOrder(buy('0.44', '40'));
    const fill = await next(events, (e) => e.type === 'fill');
    expect(fill).toMatchObject({ type: 'fill', fill: { venueOrderId: placed.venueOrderId, clientOrderId: placed.clientOrderId, price: '0.43', quantity: '30', fee: '0.52', liquidity: 'taker' } });
    const { fills } = await adapter.fillsSince();
    expect(fills.map((f) => f.venueTradeId)).toEqual([fill.type === 'fill' && fill.fill.venueTradeId]);
    await converges();
    expect(await adapter.orderBook(MARKET)).toEqual({ bids: [['0.44', '10'], ['0.4', '100']], asks: [['0.45', '100']] });
  });

  it('an injected seq gap is detected; the book is rebuilt from a fresh snapshot', async () => {
    await book('snapshot');
    await fault({ endpoint: 'WS orderbook_delta', kind: 'ws_seq_gap' });
    await adapter.submitOrder(buy('0.30', '5')); // one delta: lost, its seq spent
    await adapter.submitOrder(buy('0.31', '5')); // the next delta reveals the gap
    const gap = await next(events, (e) => e.type === 'gap');
    expect(gap).toMatchObject({ type: 'gap', market: MARKET });
    const fresh = await book('snapshot');
    expect(view(fresh.book)).toEqual(await adapter.orderBook(MARKET));
  });

  it('a duplicated message is ignored; a message out of order is a gap', async () => {
    await book('snapshot');
    await fault({ endpoint: 'WS orderbook_delta', kind: 'ws_duplicate' });
    await adapter.submitOrder(buy('0.30', '5'));
    await adapter.submitOrder(buy('0.31', '5'));
    const after = await next(events, (e) => e.type === 'book' && e.book.bids.has('0.31'));
    // A double-applied delta would have left 10 at 0.30.
    expect(after.type === 'book' && view(after.book)).toEqual(await adapter.orderBook(MARKET));
    expect(after.type === 'book' && after.book.bids.get('0.3')).toBe('5');
    await fault({ endpoint: 'WS orderbook_delta', kind: 'ws_out_of_order' });
    await adapter.submitOrder(buy('0.32', '5'));
    await adapter.submitOrder(buy('0.33', '5'));
    expect(await next(events, (e) => e.type === 'gap')).toMatchObject({ type: 'gap' });
    const fresh = await book('snapshot');
    expect(view(fresh.book)).toEqual(await adapter.orderBook(MARKET));
    expect(levels(fresh.book, 'bid').map(([p]) => p)).toEqual(['0.4', '0.33', '0.32', '0.31', '0.3']);
  });

  it('a dropped connection reconnects with back-off and resumes from a fresh snapshot', async () => {
    await book('snapshot');
    await fault({ endpoint: 'WS orderbook_delta', kind: 'ws_disconnect' });
    await adapter.submitOrder(buy('0.30', '5'));
    expect(await next(events, (e) => e.type === 'disconnected')).toMatchObject({ reconnectInMs: 20 });
    await next(events, (e) => e.type === 'connected');
    const fresh = await book('snapshot');
    expect(view(fresh.book)).toEqual(await adapter.orderBook(MARKET));
  });

  it('a crossed_book fault yields a crossed book the consumer can see', async () => {
    await book('snapshot');
    await fault({ endpoint: 'WS orderbook_delta', kind: 'crossed_book' });
    await adapter.submitOrder(buy('0.30', '5'));
    // The bogus level is a well-formed message: the book goes crossed, which domain/book detects.
    const crossed = await next(events, (e) => e.type === 'book' && crossedOrLocked(e.book) !== undefined);
    expect(crossed.type === 'book' && crossedOrLocked(crossed.book)).toBe('crossed');
  });

  it('stale_book withholds a delta without spending seq: no gap is visible, only the REST comparison shows it', async () => {
    await book('snapshot');
    await fault({ endpoint: 'WS orderbook_delta', kind: 'stale_book' });
    await adapter.submitOrder(buy('0.30', '5')); // withheld
    await adapter.submitOrder(buy('0.31', '5'));
    const seen = await next(events, (e) => e.type === 'gap' || (e.type === 'book' && e.book.bids.has('0.31')));
    expect(seen.type).toBe('book');
    expect(seen.type === 'book' && seen.book.bids.has('0.3')).toBe(false);
    expect((await adapter.orderBook(MARKET)).bids).toContainEqual(['0.3', '5']);
  });

  it('a malformed message is reported with its reason, never applied', () => {
    const tracker = createKalshiBookTracker(() => undefined);
    tracker.handle(JSON.stringify({ type: 'orderbook_snapshot', sid: 1, seq: 1, msg: { market_ticker: 'M', yes_dollars_fp: [['0.4000', '10.00']], no_dollars_fp: [] } }));
    const bad = tracker.handle(JSON.stringify({ type: 'orderbook_delta', sid: 1, seq: 2, msg: { market_ticker: 'M', side: 'yes', delta_fp: '5.00' } }));
    expect(bad).toMatchObject({ type: 'invalid', reason: expect.stringMatching(/price_dollars/) });
    expect(levels(tracker.books.get('M')!, 'bid')).toEqual([['0.4', '10']]);
    const ok = tracker.handle(JSON.stringify({ type: 'orderbook_delta', sid: 1, seq: 2, msg: { market_ticker: 'M', side: 'no', price_dollars: '0.5500', delta_fp: '3.00' } }));
    expect(ok).toMatchObject({ type: 'book', from: 'delta' });
    expect(levels(tracker.books.get('M')!, 'ask')).toEqual([['0.45', '3']]);
    // A delta that takes a level below zero: our copy diverged — dropped, and a resync asked for.
    const resyncs: number[] = [];
    const strict = createKalshiBookTracker((sid) => resyncs.push(sid));
    strict.handle(JSON.stringify({ type: 'orderbook_snapshot', sid: 4, seq: 1, msg: { market_ticker: 'M', yes_dollars_fp: [['0.4000', '10.00']], no_dollars_fp: [] } }));
    const diverged = strict.handle(JSON.stringify({ type: 'orderbook_delta', sid: 4, seq: 2, msg: { market_ticker: 'M', side: 'yes', price_dollars: '0.4000', delta_fp: '-11.00' } }));
    expect(diverged).toMatchObject({ type: 'invalid', reason: expect.stringMatching(/negative/) });
    expect([resyncs, strict.books.has('M')]).toEqual([[4], false]);
    expect(strict.handle(JSON.stringify({ type: 'orderbook_snapshot', sid: 5, seq: 1, msg: { market_ticker: 'M', yes_dollars_fp: [['1.5000', '1.00']] } }))).toMatchObject({ type: 'invalid' });
  });

  it('the server pings on its interval; an unsigned upgrade is refused with 401', async () => {
    const signed = new WebSocket(sim.wsUrl, { headers: kalshiHeaders(sim.key, { method: 'GET', path: '/trade-api/ws/v2' }) });
    await new Promise<void>((resolve) => signed.once('ping', () => resolve()));
    signed.close();
    const status = await new Promise<number | undefined>((resolve) => {
      const ws = new WebSocket(sim.wsUrl);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('error', () => resolve(undefined));
    });
    expect(status).toBe(401);
  });
});
