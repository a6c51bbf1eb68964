/** Polymarket's public market channel: the simulator's `/ws/market` and the client stream, over real WebSockets on loopback. */
import type { AddressInfo } from 'node:net';
import { privateKeyToAccount } from 'viem/accounts';
import WebSocket, { WebSocketServer } from 'ws';
import { levels, type Book } from '../../domain/book';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { PolymarketAdapter } from '../../venues/polymarket/adapter';
import { createPolymarketBookTracker, polymarketBookStream, type PolymarketBookEvent } from '../../venues/polymarket/stream';
import { startPolymarketSim } from '../../venues/sim/polymarket/server';
import { nextEvent } from '../helpers/streams';

const TOKEN = '7132104567925221259'; // the simulator's default book: bids 0.52×100, asks 0.55×40 and 0.56×200
const account = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'); // test key only
let n = 0;

const order = (over: Partial<OrderRequest>): OrderRequest =>
  orderRequestSchema.parse({ venue: 'polymarket', market: TOKEN, outcome: 'yes', action: 'buy', price: '0.55', quantity: '10', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-pm-stream-${++n}`, 'B', 1), ...over });

const sides = (book: Book) => ({ bids: levels(book, 'bid'), asks: levels(book, 'ask') });
type BookEvent = Extract<PolymarketBookEvent, { type: 'book' }>;
const isBook = (from: 'snapshot' | 'delta', pred: (e: BookEvent) => boolean = () => true) => (e: PolymarketBookEvent) => e.type === 'book' && e.from === from && pred(e);
const asBook = (e: PolymarketBookEvent): BookEvent => {
  if (e.type !== 'book') throw new Error(`expected a book event, got ${JSON.stringify(e)}`);
  return e;
};
const restHash = async (restBaseUrl: string) => ((await (await fetch(`${restBaseUrl}/book?token_id=${TOKEN}`)).json()) as { hash: string }).hash;

/** A raw client of the simulator's channel, reading its frames in order. */
async function rawClient(url: string) {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (d) => {
    frames.push(d.toString());
    wake?.();
  });
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  return {
    ws,
    async next(): Promise<string> {
      while (frames.length === 0) await new Promise<void>((r) => (wake = r));
      return frames.shift()!;
    },
  };
}

describe('Polymarket market channel', () => {
  it('snapshot + price_change deltas rebuild the REST book as orders trade through POST /order', async () => {
    const sim = await startPolymarketSim();
    const adapter = new PolymarketAdapter({ restBaseUrl: sim.restBaseUrl, account, credentials: sim.credentials });
    const stream = polymarketBookStream({ wsUrl: sim.wsUrl, assetIds: [TOKEN] });
    const events = stream.events();
    try {
      const snapshot = asBook(await nextEvent(events, isBook('snapshot')));
      expect(snapshot).toMatchObject({ market: TOKEN, conditionId: TOKEN, hash: await restHash(sim.restBaseUrl) });
      expect(sides(snapshot.book)).toEqual(await adapter.orderBook(TOKEN));

      // A buy through two ask levels: 0.55 is emptied (size 0 removes it), 0.56 shrinks; one message.
      expect(await adapter.submitOrder(order({ price: '0.56', quantity: '60' }))).toMatchObject({ state: 'filled', filledQuantity: '60' });
      const afterBuy = asBook(await nextEvent(events, isBook('delta')));
      expect(sides(afterBuy.book)).toEqual(await adapter.orderBook(TOKEN));
      expect(sides(afterBuy.book)).toEqual({ bids: [['0.52', '100']], asks: [['0.56', '180']] });

      // A sell into the bid; then a buy below the ask that matches nothing and sends nothing.
      await adapter.submitOrder(order({ action: 'sell', price: '0.52', quantity: '30.5' }));
      const afterSell = asBook(await nextEvent(events, isBook('delta')));
      expect(sides(afterSell.book)).toEqual({ bids: [['0.52', '69.5']], asks: [['0.56', '180']] });
      expect(afterSell.hash).toBe(await restHash(sim.restBaseUrl));
      // A bid below the book rests in it: a new 0.50 level of our 5.
      const resting = await adapter.submitOrder(order({ price: '0.50', quantity: '5' }));
      expect(resting.state).toBe('open');
      const afterRest = asBook(await nextEvent(events, isBook('delta')));
      expect(sides(afterRest.book)).toEqual({ bids: [['0.52', '69.5'], ['0.5', '5']], asks: [['0.56', '180']] });
      await adapter.submitOrder(order({ price: '0.56', quantity: '1' }));
      const afterLast = asBook(await nextEvent(events, isBook('delta')));
      expect(sides(afterLast.book)).toEqual({ bids: [['0.52', '69.5'], ['0.5', '5']], asks: [['0.56', '179']] });
      expect(sides(afterLast.book)).toEqual(await adapter.orderBook(TOKEN));
      expect(stream.invalid).toBe(0);
    } finally {
      stream.close();
      await adapter.close();
      await sim.stop();
    }
  });

  it('the simulator answers PING with PONG, refuses unknown shapes with INVALID OPERATION and keeps serving', async () => {
    const sim = await startPolymarketSim();
    const c = await rawClient(sim.wsUrl);
    try {
      c.ws.send('PING');
      expect(await c.next()).toBe('PONG');
      for (const bad of ['not json', JSON.stringify({ assets_ids: TOKEN, type: 'market' }), JSON.stringify({ assets_ids: [TOKEN], type: 'user' }), JSON.stringify({ cmd: 'subscribe' })]) {
        c.ws.send(bad);
        expect(await c.next()).toBe('INVALID OPERATION');
      }
      c.ws.send(JSON.stringify({ assets_ids: [TOKEN, 'no-such-token'], type: 'market' }));
      const dump = JSON.parse(await c.next()) as unknown[];
      expect(dump).toEqual([expect.objectContaining({ event_type: 'book', asset_id: TOKEN, market: TOKEN, bids: [{ price: '0.52', size: '100' }], asks: [{ price: '0.55', size: '40' }, { price: '0.56', size: '200' }], hash: expect.any(String), timestamp: expect.stringMatching(/^\d+$/) })]);
      // The initial subscription cannot be sent twice; an update can.
      c.ws.send(JSON.stringify({ assets_ids: [TOKEN], type: 'market' }));
      expect(await c.next()).toBe('INVALID OPERATION');
      c.ws.send(JSON.stringify({ assets_ids: [TOKEN], operation: 'unsubscribe' }));
      c.ws.send(JSON.stringify({ assets_ids: [TOKEN], operation: 'subscribe' }));
      expect(JSON.parse(await c.next())).toEqual([expect.objectContaining({ event_type: 'book', asset_id: TOKEN })]);
      expect((await fetch(`${sim.restBaseUrl}/book?token_id=${TOKEN}`)).status).toBe(200);
    } finally {
      c.ws.terminate();
      await sim.stop();
    }
  });

  it('malformed messages are reported invalid with a reason and never half-applied', () => {
    const t = createPolymarketBookTracker();
    const book = (asset: string, over: object = {}) => ({ event_type: 'book', asset_id: asset, market: '0xc0', bids: [{ price: '.48', size: '30' }], asks: [{ price: '0.52', size: '25.0' }], hash: 'h1', timestamp: '1700000000000', ...over });
    const change = (asset: string, price: string, side: string, size: string) => ({ event_type: 'price_change', market: '0xc0', price_changes: [{ asset_id: asset, price, side, size, hash: 'h2', best_bid: '0.48', best_ask: '0.52' }], timestamp: '1700000000001' });

    expect(t.handle('{"event_type": "bo')).toEqual([{ type: 'invalid', reason: expect.stringContaining('not JSON') }]);
    expect(t.handle(JSON.stringify(change('A', '0.5', 'BUY', '10')))).toEqual([]); // no snapshot for A yet: ignored
    expect(t.books.size).toBe(0);

    // An array frame with one bad element is rejected whole: A's good snapshot is not applied either.
    const [bad] = t.handle(JSON.stringify([book('A'), book('B', { asks: [{ price: '0.52', size: 'lots' }] })]));
    expect(bad).toEqual({ type: 'invalid', reason: expect.stringMatching(/size/) });
    expect(t.books.size).toBe(0);

    const [snap] = t.handle(JSON.stringify([book('A')]));
    expect(snap).toMatchObject({ type: 'book', market: 'A', conditionId: '0xc0', hash: 'h1', from: 'snapshot' });
    expect(sides(asBook(snap!).book)).toEqual({ bids: [['0.48', '30']], asks: [['0.52', '25']] }); // ".48" and "25.0" made canonical

    // Bad deltas change nothing: a price above 1, an unknown side, a message mixing both shapes, an unknown event.
    const before = JSON.stringify(sides(t.books.get('A')!));
    for (const m of [
      change('A', '1.5', 'BUY', '10'),
      change('A', '0.5', 'BID', '10'),
      { ...change('A', '0.5', 'BUY', '10'), asset_id: 'A', changes: [{ price: '0.5', side: 'BUY', size: '1' }] },
      { event_type: 'price_change', market: '0xc0', timestamp: '1' },
      { event_type: 'mystery', market: '0xc0' },
      { ...change('A', '0.49', 'BUY', '5'), price_changes: [change('A', '0.49', 'BUY', '5').price_changes[0], { asset_id: 'A', price: '0.47', side: 'BUY', size: -1 }] },
    ]) {
      const out = t.handle(JSON.stringify(m));
      expect(out).toEqual([{ type: 'invalid', reason: expect.any(String) }]);
      const [first] = out;
      expect(first?.type === 'invalid' && first.reason.length).toBeGreaterThan(0);
    }
    expect(JSON.stringify(sides(t.books.get('A')!))).toBe(before);

    // Good deltas, both shapes: a new level, a removed level (size 0), and an ask update.
    expect(t.handle(JSON.stringify(change('A', '0.49', 'BUY', '5')))).toEqual([expect.objectContaining({ type: 'book', market: 'A', from: 'delta', hash: 'h2' })]);
    const [legacy] = t.handle(JSON.stringify({ event_type: 'price_change', asset_id: 'A', market: '0xc0', changes: [{ price: '.48', side: 'BUY', size: '0' }, { price: '0.52', side: 'SELL', size: '12.5' }], hash: 'h3', timestamp: 1700000000002 }));
    expect(legacy).toMatchObject({ type: 'book', market: 'A', hash: 'h3', timestamp: '1700000000002', from: 'delta' });
    expect(sides(t.books.get('A')!)).toEqual({ bids: [['0.49', '5']], asks: [['0.52', '12.5']] });


    // A handed-out book is never changed by later frames; duplicate levels and oversized frames are refused.
    const held = legacy?.type === 'book' ? legacy.book : undefined;
    expect(held).toBeDefined();
    t.handle(JSON.stringify({ ...change('A', '0.3', 'BUY', '1'), timestamp: '1700000000003' }));
    expect(held && sides(held)).toEqual({ bids: [['0.49', '5']], asks: [['0.52', '12.5']] });
    expect(t.handle(JSON.stringify(book('A', { bids: [{ price: '0.4', size: '1' }, { price: '.40', size: '2' }] })))).toEqual([{ type: 'invalid', reason: expect.stringContaining('listed twice') }]);
    expect(t.handle(JSON.stringify(book('A', { hash: 'x'.repeat(1024 * 1024) })))).toEqual([{ type: 'invalid', reason: expect.stringContaining('oversized') }]);
    expect(sides(t.books.get('A')!).bids).toEqual([['0.49', '5'], ['0.3', '1']]);

    // A message older than one already applied to the asset arrived out of order: a gap, not applied.
    expect(t.handle(JSON.stringify(change('A', '0.3', 'BUY', '7')))).toEqual([{ type: 'gap', market: 'A', reason: 'message of 1700000000001 after one of 1700000000003: out of order' }]);
    expect(sides(t.books.get('A')!).bids).toEqual([['0.49', '5'], ['0.3', '1']]);

    // Recognised events the tracker does not use, and heartbeats, produce nothing; the venue's refusal is an error.
    expect(t.handle(JSON.stringify({ event_type: 'last_trade_price', asset_id: 'A', market: '0xc0', price: '0.5', side: 'BUY', size: '1', timestamp: '1' }))).toEqual([]);
    expect(t.handle('PONG')).toEqual([]);
    expect(t.handle('INVALID OPERATION')).toEqual([{ type: 'error', message: 'INVALID OPERATION' }]);
  });

  it('the stream survives a venue that sends garbage: invalid events, counted, then books', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const subscriptions: unknown[] = [];
    wss.on('connection', (ws) => {
      ws.on('message', (d) => {
        if (d.toString() === 'PING') return ws.send('PONG');
        subscriptions.push(JSON.parse(d.toString()));
        ws.send('garbage');
        ws.send(JSON.stringify({ event_type: 'book', asset_id: TOKEN }));
        ws.send(JSON.stringify([{ event_type: 'book', asset_id: TOKEN, market: '0xc0', bids: [], asks: [{ price: '0.6', size: '3' }], hash: 'x', timestamp: '1' }]));
      });
    });
    const stream = polymarketBookStream({ wsUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws/market`, assetIds: [TOKEN] });
    const events = stream.events();
    try {
      expect(await events.next()).toEqual({ done: false, value: { type: 'invalid', reason: expect.stringContaining('not JSON') } });
      expect(await events.next()).toEqual({ done: false, value: { type: 'invalid', reason: expect.any(String) } });
      const book = asBook(await nextEvent(events, isBook('snapshot')));
      expect(sides(book.book)).toEqual({ bids: [], asks: [['0.6', '3']] });
      expect(stream.invalid).toBe(2);
      expect(subscriptions).toEqual([{ assets_ids: [TOKEN], type: 'market' }]);
    } finally {
      stream.close();
      await new Promise<void>((r) => wss.close(() => r()));
    }
  });

  it('after an admin ws_disconnect the stream reconnects, resubscribes and yields a fresh snapshot', async () => {
    const sim = await startPolymarketSim();
    const adapter = new PolymarketAdapter({ restBaseUrl: sim.restBaseUrl, account, credentials: sim.credentials });
    const stream = polymarketBookStream({ wsUrl: sim.wsUrl, assetIds: [TOKEN], reconnectDelayMs: 50 });
    const events = stream.events();
    try {
      await nextEvent(events, isBook('snapshot'));
      await adapter.submitOrder(order({ price: '0.55', quantity: '15' }));
      const changed = asBook(await nextEvent(events, isBook('delta')));
      expect(levels(changed.book, 'ask')[0]).toEqual(['0.55', '25']);

      const res = await fetch(`${sim.restBaseUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify({ endpoint: 'WS /ws/market', kind: 'ws_disconnect' }) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ disconnected: 1 });
      await nextEvent(events, (e) => e.type === 'disconnected');
      const fresh = asBook(await nextEvent(events, isBook('snapshot')));
      expect(sides(fresh.book)).toEqual(await adapter.orderBook(TOKEN));
      expect(sides(fresh.book)).toEqual({ bids: [['0.52', '100']], asks: [['0.55', '25'], ['0.56', '200']] });

      // The new connection carries deltas again.
      await adapter.submitOrder(order({ price: '0.55', quantity: '25' }));
      const after = asBook(await nextEvent(events, isBook('delta')));
      expect(sides(after.book)).toEqual(await adapter.orderBook(TOKEN));
      expect(stream.invalid).toBe(0);
    } finally {
      stream.close();
      await adapter.close();
      await sim.stop();
    }
  });
});
