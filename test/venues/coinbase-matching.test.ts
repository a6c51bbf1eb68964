/**
 * The Coinbase simulator's one price-time book per product (venues/sim/matching.ts), over real HTTP
 * and WebSocket on loopback: our resting orders sit in the book with other traders' quotes, so they
 * show in `GET /product_book` and on `level2`; other traders' orders and quotes take them in
 * price-time order (maker fee 0.6 %); the market world's whole-book liquidity replace trades with
 * them when it moves through them; an edit that shrinks an order keeps its place; FOK is all or
 * nothing; our orders never trade with each other.
 */
import { levels } from '../../domain/book';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import type { CoinbaseAdapter } from '../../venues/coinbase/adapter';
import { coinbaseBookStream } from '../../venues/coinbase/stream';
import type { CoinbaseSim } from '../../venues/sim/coinbase/server';
import { nextEvent } from '../helpers/streams';
import { coinbaseWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

const PRODUCT = 'BTC-USD';
let sim: CoinbaseSim;
let adapter: CoinbaseAdapter;
let n = 0;

beforeEach(async () => {
  ({ sim, adapter } = await coinbaseWithAdapter({ books: { [PRODUCT]: { bids: [['96000', '0.5']], asks: [['97100', '0.5'], ['97200', '1']] } } }));
});
afterEach(() => stopWithAdapter(sim, adapter));

const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'coinbase', market: PRODUCT, action: 'buy', price: '96000', quantity: '0.1', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-cbm-${++n}`, 'A', 1), ...over });

async function admin<T>(path: 'trade' | 'liquidity', body: object): Promise<T> {
  const res = await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/${path}`, { method: 'POST', body: JSON.stringify({ product_id: PRODUCT, ...body }) });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}
const trade = (body: { side: 'BUY' | 'SELL'; size: string; price: string }) => admin<{ traded: string; oursTraded: string }>('trade', body);

describe('Coinbase simulator: our resting orders in the book', () => {
  it('show in product_book and on level2, joined with other traders at a price; a cancel takes them out again', async () => {
    const stream = coinbaseBookStream({ wsUrl: sim.wsUrl, credentials: sim.key, products: [PRODUCT] });
    const events = stream.events();
    try {
      const snap = await nextEvent(events, (e) => e.type === 'book' && e.from === 'snapshot');
      if (snap.type !== 'book') throw new Error('unreachable');
      expect(levels(snap.book, 'bid')).toEqual([['96000', '0.5']]);

      const joined = await adapter.submitOrder(order({ price: '96000', quantity: '0.1' }));
      const alone = await adapter.submitOrder(order({ action: 'sell', price: '97150', quantity: '0.2' }));
      expect([joined.state, alone.state]).toEqual(['open', 'open']);
      const seen = await nextEvent(events, (e) => e.type === 'book' && levels(e.book, 'ask').some(([p]) => p === '97150'));
      if (seen.type !== 'book') throw new Error('unreachable');
      expect(levels(seen.book, 'bid')).toEqual([['96000', '0.6']]);
      expect(levels(seen.book, 'ask')).toEqual([['97100', '0.5'], ['97150', '0.2'], ['97200', '1']]);
      expect(await adapter.orderBook(PRODUCT)).toEqual({ bids: [['96000', '0.6']], asks: [['97100', '0.5'], ['97150', '0.2'], ['97200', '1']] });

      expect(await adapter.cancelOrder(alone.venueOrderId!)).toMatchObject({ cancelled: true });
      const gone = await nextEvent(events, (e) => e.type === 'book' && !levels(e.book, 'ask').some(([p]) => p === '97150'));
      if (gone.type !== 'book') throw new Error('unreachable');
      expect(levels(gone.book, 'ask')).toEqual([['97100', '0.5'], ['97200', '1']]);
      expect((await adapter.orderBook(PRODUCT)).asks).toEqual([['97100', '0.5'], ['97200', '1']]);
    } finally {
      stream.close();
    }
  });

  it('another trader fills a level first in first: the older quote, then ours, then a quote added after ours', async () => {
    const ours = order({ price: '96000', quantity: '0.2' });
    const placed = await adapter.submitOrder(ours);
    // Other traders add 0.3 at 96000: it queues behind our order.
    await admin('liquidity', { bids: [['96000', '0.8']], asks: [['97100', '0.5'], ['97200', '1']] });
    expect((await adapter.orderBook(PRODUCT)).bids).toEqual([['96000', '1']]);

    expect(await trade({ side: 'SELL', size: '0.6', price: '96000' })).toEqual({ traded: '0.6', oursTraded: '0.1' });
    expect(await adapter.getOrder(ours, placed.venueOrderId!)).toMatchObject({ state: 'partially_filled', filledQuantity: '0.1' });
    expect(await trade({ side: 'SELL', size: '0.2', price: '96000' })).toEqual({ traded: '0.2', oursTraded: '0.1' });
    expect(await adapter.getOrder(ours, placed.venueOrderId!)).toMatchObject({ state: 'filled', filledQuantity: '0.2', fees: '115.2' }); // 0.2 × 96000 × 0.6 % maker
    expect((await adapter.orderBook(PRODUCT)).bids).toEqual([['96000', '0.2']]);
  });

  it('the market world moving its quotes through our resting order trades with it, as maker', async () => {
    const ours = order({ action: 'sell', price: '97150', quantity: '0.4' });
    const placed = await adapter.submitOrder(ours);
    // The walk moves up: other traders now bid 97160 (0.25), above our ask.
    const moved = await admin<{ traded?: string }>('liquidity', { bids: [['97160', '0.25'], ['97000', '1']], asks: [['97300', '1']] });
    expect(moved.traded).toBe('0.25');
    expect(await adapter.getOrder(ours, placed.venueOrderId!)).toMatchObject({ state: 'partially_filled', filledQuantity: '0.25', averageFillPrice: '97150' });
    const fills = await adapter.fillsSince();
    expect(fills.fills.map((f) => [f.quantity, f.price, f.fee, f.liquidity])).toEqual([['0.25', '97150', '145.725', 'maker']]); // 0.25 × 97150 × 0.6 %
    // Their bid at 97160 traded away whole: the book is uncrossed, our remaining 0.15 still rests.
    expect(await adapter.orderBook(PRODUCT)).toEqual({ bids: [['97000', '1']], asks: [['97150', '0.15'], ['97300', '1']] });
    // Quotes taken away leave ours: an empty replace keeps only our order.
    await admin('liquidity', { bids: [], asks: [] });
    expect(await adapter.orderBook(PRODUCT)).toEqual({ bids: [], asks: [['97150', '0.15']] });
  });

  it('an edit to a smaller size keeps the order ahead of a later quote; a larger one sends it behind', async () => {
    const ours = order({ price: '95000', quantity: '0.3' });
    const placed = await adapter.submitOrder(ours);
    await admin('liquidity', { bids: [['96000', '0.5'], ['95000', '1']], asks: [['97100', '0.5']] });
    await adapter.replaceOrder(ours, placed.venueOrderId!, { quantity: '0.2' });
    expect((await adapter.orderBook(PRODUCT)).bids).toEqual([['96000', '0.5'], ['95000', '1.2']]);
    // A sell down to 95000 takes 96000 first, then ours (ahead of their 1 at 95000).
    expect(await trade({ side: 'SELL', size: '0.6', price: '95000' })).toEqual({ traded: '0.6', oursTraded: '0.1' });

    await adapter.replaceOrder(ours, placed.venueOrderId!, { quantity: '0.5' }); // grows: behind their quote now
    expect(await trade({ side: 'SELL', size: '1', price: '95000' })).toEqual({ traded: '1', oursTraded: '0' });
    expect(await adapter.getOrder(ours, placed.venueOrderId!)).toMatchObject({ state: 'partially_filled', filledQuantity: '0.1' });
    expect((await adapter.orderBook(PRODUCT)).bids).toEqual([['95000', '0.4']]);
  });

  it('FOK fills whole or not at all; our orders never trade with each other', async () => {
    const killed = await adapter.submitOrder(order({ price: '97200', quantity: '1.6', timeInForce: 'FOK' }));
    expect(killed).toMatchObject({ state: 'cancelled', filledQuantity: '0' });
    expect((await adapter.orderBook(PRODUCT)).asks).toEqual([['97100', '0.5'], ['97200', '1']]);
    expect(await adapter.submitOrder(order({ price: '97200', quantity: '1.5', timeInForce: 'FOK' }))).toMatchObject({ state: 'filled', filledQuantity: '1.5' });

    // Our ask at 96500; our own buy at 96600 passes over it (nothing else there) and does not rest crossing it.
    await adapter.submitOrder(order({ action: 'sell', price: '96500', quantity: '0.1' }));
    const own = await adapter.submitOrder(order({ price: '96600', quantity: '0.1' }));
    expect(own).toMatchObject({ state: 'cancelled', filledQuantity: '0' });
    expect(await adapter.orderBook(PRODUCT)).toEqual({ bids: [['96000', '0.5']], asks: [['96500', '0.1']] });
  });
});
