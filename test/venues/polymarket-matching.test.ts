/**
 * The Polymarket simulator's matching engine over real sockets: our GTC/GTD remainders rest in the
 * token's price-time book (venues/sim/matching.ts), show in `GET /book` and on the market channel,
 * and are filled by later crossing orders — another trader's (`/_sim/trade`, or the market world's
 * liquidity) and our own — with fills on REST (`fillsSince`) and on the user channel; cancel and
 * GTD expiry take them off the book. FOK fills whole or is killed. The adapter signs the market's
 * fee rate (`GET /fee-rate`, read once per token) and the simulator takes only that one.
 */
import { once } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import WebSocket from 'ws';
import { levels } from '../../domain/book';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import { VenueError } from '../../domain/venue-errors';
import { PolymarketAdapter } from '../../venues/polymarket/adapter';
import { polymarketBookStream, type PolymarketBookEvent } from '../../venues/polymarket/stream';
import type { PolymarketSim } from '../../venues/sim/polymarket/server';
import { eventually } from '../helpers/db';
import { nextEvent } from '../helpers/streams';
import { polymarketTestAccount, polymarketWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

const TOKEN = '7132104567925221259'; // the default book: bids 0.52×100, asks 0.55×40 and 0.56×200
let sim: PolymarketSim;
let adapter: PolymarketAdapter;
let market: ReturnType<typeof polymarketBookStream>;
let marketEvents: AsyncGenerator<PolymarketBookEvent>;
let n = 0;

beforeEach(async () => {
  // No GTD security threshold here (the venue's is 60 s), so an order can expire within a test.
  ({ sim, adapter } = await polymarketWithAdapter({ gtdSecurityThresholdSeconds: 0 }));
  market = polymarketBookStream({ wsUrl: sim.wsUrl, assetIds: [TOKEN] });
  marketEvents = market.events();
  await nextEvent(marketEvents, (e) => e.type === 'book' && e.from === 'snapshot');
});
afterEach(async () => {
  market.close();
  await stopWithAdapter(sim, adapter);
});

const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'polymarket', market: TOKEN, action: 'buy', price: '0.5', quantity: '10', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-pm-match-${++n}`, 'A', 1), ...over });

type Sides = { bids: [string, string][]; asks: [string, string][] };
/** Waits for the market channel to show `want` (one order may send a `price_change` per side), then checks REST agrees. */
async function bookShows(want: Sides): Promise<void> {
  await nextEvent(marketEvents, (e) => e.type === 'book' && isDeepStrictEqual({ bids: levels(e.book, 'bid'), asks: levels(e.book, 'ask') }, want));
  expect(await adapter.orderBook(TOKEN)).toEqual(want);
}

async function admin(path: string, body: object): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.restBaseUrl}/_sim/${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}
const trade = async (body: object) => {
  const r = await admin('trade', { token_id: TOKEN, ...body });
  expect(r.status).toBe(200);
  return r.body;
};

/** A raw client of the user channel, keeping every event it is sent. */
async function userChannel() {
  const ws = new WebSocket(sim.wsUrl.replace('/ws/market', '/ws/user'));
  const events: Record<string, unknown>[] = [];
  ws.on('message', (d) => events.push(JSON.parse(d.toString()) as Record<string, unknown>));
  await once(ws, 'open');
  ws.send(JSON.stringify({ auth: { apiKey: sim.credentials.key, secret: sim.credentials.secret, passphrase: sim.credentials.passphrase }, type: 'user' }));
  await eventually('user channel subscribed', async () => sim.account.subscribedUserClients() === 1);
  return {
    /** The first event so far that matches (polled until one arrives). */
    next: (what: string, pred: (e: Record<string, unknown>) => boolean) => eventually(what, async () => events.find(pred)),
    close: () => ws.close(),
  };
}

const fillRows = (fills: Awaited<ReturnType<PolymarketAdapter['fillsSince']>>['fills']) => fills.map((f) => [f.venueOrderId, f.action, f.price, f.quantity, f.liquidity, f.fee]);

describe('Polymarket simulator: our orders rest in a price-time book', () => {
  it('a resting bid shows in the book and the market channel; another trader fills it partially, then fully', async () => {
    const user = await userChannel();
    try {
      const req = order({ price: '0.5', quantity: '10' });
      const resting = await adapter.submitOrder(req);
      expect(resting).toMatchObject({ state: 'open', filledQuantity: '0' });
      const id = resting.venueOrderId!;
      await bookShows({ bids: [['0.52', '100'], ['0.5', '10']], asks: [['0.55', '40'], ['0.56', '200']] });

      // Partly: 4 of 10. The order stays LIVE with 4 matched; the level shrinks to 6.
      expect(await trade({ side: 'SELL', size: '4', price: '0.5' })).toEqual({ traded: '4' });
      await bookShows({ bids: [['0.52', '100'], ['0.5', '6']], asks: [['0.55', '40'], ['0.56', '200']] });
      expect(await adapter.findByClientOrderId(req)).toMatchObject({ state: 'partially_filled', filledQuantity: '4' });
      const partial = await user.next('order UPDATE with 4 matched', (e) => e.event_type === 'order' && e.type === 'UPDATE' && e.size_matched === '4');
      expect(partial).toMatchObject({ id, original_size: '10', price: '0.5', side: 'BUY' });
      expect(await user.next('maker trade of 4', (e) => e.event_type === 'trade' && (e.maker_orders as { order_id: string; matched_amount: string }[]).some((m) => m.order_id === id && m.matched_amount === '4'))).toMatchObject({ status: 'MATCHED' });

      // Fully: the other trader wants 10, our order has 6 left; MATCHED and the level is gone.
      expect(await trade({ side: 'SELL', size: '10', price: '0.49' })).toEqual({ traded: '6' });
      await bookShows({ bids: [['0.52', '100']], asks: [['0.55', '40'], ['0.56', '200']] });
      expect(await adapter.findByClientOrderId(req)).toMatchObject({ state: 'filled', filledQuantity: '10' });
      await user.next('order UPDATE with 10 matched', (e) => e.event_type === 'order' && e.type === 'UPDATE' && e.id === id && e.size_matched === '10');

      // Both maker fills at our price (not the other trader's limit), fee-free as makers.
      expect(fillRows((await adapter.fillsSince()).fills)).toEqual([
        [id, 'buy', '0.5', '4', 'maker', '0'],
        [id, 'buy', '0.5', '6', 'maker', '0'],
      ]);
      expect(await adapter.balance()).toBe('99995');
      expect(await adapter.tokenBalance(TOKEN)).toBe('10');
    } finally {
      user.close();
    }
  });

  it('price-time priority: two of our orders at one price fill in arrival order; better prices and earlier entries first across the book', async () => {
    const first = order({ price: '0.5', quantity: '10' });
    const second = order({ price: '0.5', quantity: '10' });
    const a = (await adapter.submitOrder(first)).venueOrderId!;
    const b = (await adapter.submitOrder(second)).venueOrderId!;
    expect(await trade({ side: 'SELL', size: '12', price: '0.5' })).toEqual({ traded: '12' });
    expect(await adapter.findByClientOrderId(first)).toMatchObject({ state: 'filled', filledQuantity: '10' });
    expect(await adapter.findByClientOrderId(second)).toMatchObject({ state: 'partially_filled', filledQuantity: '2' });
    expect(fillRows((await adapter.fillsSince()).fills)).toEqual([
      [a, 'buy', '0.5', '10', 'maker', '0'],
      [b, 'buy', '0.5', '2', 'maker', '0'],
    ]);

    // Other traders join the 0.50 level behind us. A seller walking the whole book takes the 0.52
    // bid first, then our 8 (ahead of them in time), then 2 of theirs.
    expect((await admin('liquidity', { token_id: TOKEN, side: 'BUY', price: '0.5', size: '5' })).body).toEqual({ token_id: TOKEN, side: 'BUY', price: '0.5', size: '5' });
    await bookShows({ bids: [['0.52', '100'], ['0.5', '13']], asks: [['0.55', '40'], ['0.56', '200']] });
    expect(await trade({ side: 'SELL', size: '110', price: '0.5', scope: 'book' })).toEqual({ traded: '110', oursTraded: '8' });
    await bookShows({ bids: [['0.5', '3']], asks: [['0.55', '40'], ['0.56', '200']] });
    expect(await adapter.findByClientOrderId(second)).toMatchObject({ state: 'filled', filledQuantity: '10' });
  });

  it('our own later order crossing our resting one trades with it: a taker and a maker fill of ours, cash and tokens net out', async () => {
    const ask = await adapter.submitOrder(order({ action: 'sell', price: '0.54', quantity: '10' }));
    await bookShows({ bids: [['0.52', '100']], asks: [['0.54', '10'], ['0.55', '40'], ['0.56', '200']] });
    const bid = await adapter.submitOrder(order({ price: '0.55', quantity: '15' }));
    expect(bid).toMatchObject({ state: 'filled', filledQuantity: '15' });
    await bookShows({ bids: [['0.52', '100']], asks: [['0.55', '35'], ['0.56', '200']] });
    expect(fillRows((await adapter.fillsSince()).fills)).toEqual([
      [bid.venueOrderId, 'buy', '0.54', '10', 'taker', '0'],
      [ask.venueOrderId, 'sell', '0.54', '10', 'maker', '0'],
      [bid.venueOrderId, 'buy', '0.55', '5', 'taker', '0'],
    ]);
    // Only the 5 bought from someone else moved anything: 100000 − 5 × 0.55.
    expect(await adapter.balance()).toBe('99997.25');
    expect(await adapter.tokenBalance(TOKEN)).toBe('5');
  });

  it('cancel and GTD expiry take a resting order off the book, with a CANCELLATION on the user channel', async () => {
    const user = await userChannel();
    try {
      const gtc = await adapter.submitOrder(order({ price: '0.5', quantity: '10' }));
      await bookShows({ bids: [['0.52', '100'], ['0.5', '10']], asks: [['0.55', '40'], ['0.56', '200']] });
      expect(await adapter.cancelOrder(gtc.venueOrderId!)).toEqual({ cancelled: true });
      await bookShows({ bids: [['0.52', '100']], asks: [['0.55', '40'], ['0.56', '200']] });
      await user.next('CANCELLATION of the GTC order', (e) => e.event_type === 'order' && e.type === 'CANCELLATION' && e.id === gtc.venueOrderId);
      // Nothing left to fill: a seller finds none of ours.
      expect(await trade({ side: 'SELL', size: '10', price: '0.5' })).toEqual({ traded: '0' });

      const gtdRequest = order({ price: '0.51', quantity: '10', timeInForce: 'GTD', expiresAt: new Date(Date.now() + 3000).toISOString() });
      const gtd = await adapter.submitOrder(gtdRequest);
      expect(gtd.state).toBe('open');
      await bookShows({ bids: [['0.52', '100'], ['0.51', '10']], asks: [['0.55', '40'], ['0.56', '200']] });
      // The venue's clock takes it off at its expiration: the market channel is the signal.
      await bookShows({ bids: [['0.52', '100']], asks: [['0.55', '40'], ['0.56', '200']] });
      expect(await adapter.findByClientOrderId(gtdRequest)).toMatchObject({ state: 'cancelled', filledQuantity: '0' });
      await user.next('CANCELLATION of the GTD order', (e) => e.event_type === 'order' && e.type === 'CANCELLATION' && e.id === gtd.venueOrderId);
    } finally {
      user.close();
    }
  });

  it("the market world's liquidity that reaches our resting order trades with it; liquidity crossing other traders is refused", async () => {
    const req = order({ price: '0.53', quantity: '10' });
    const resting = await adapter.submitOrder(req);
    await bookShows({ bids: [['0.53', '10'], ['0.52', '100']], asks: [['0.55', '40'], ['0.56', '200']] });
    // An ask of 25 at 0.53 from other traders: 10 trade with our bid, 15 rest.
    expect((await admin('liquidity', { token_id: TOKEN, side: 'SELL', price: '0.53', size: '25' })).body).toEqual({ token_id: TOKEN, side: 'SELL', price: '0.53', size: '15', traded: '10' });
    await bookShows({ bids: [['0.52', '100']], asks: [['0.53', '15'], ['0.55', '40'], ['0.56', '200']] });
    expect(await adapter.findByClientOrderId(req)).toMatchObject({ state: 'filled', filledQuantity: '10' });
    expect(fillRows((await adapter.fillsSince()).fills)).toEqual([[resting.venueOrderId, 'buy', '0.53', '10', 'maker', '0']]);
    // Other traders' bid at 0.53 would meet other traders' ask: no one there would let it rest.
    expect(await admin('liquidity', { token_id: TOKEN, side: 'BUY', price: '0.53', size: '1' })).toMatchObject({ status: 409 });
  });

  it('FOK fills its whole size at once or is killed: CANCELED, nothing traded, the book untouched', async () => {
    const book = { bids: [['0.52', '100']], asks: [['0.55', '40'], ['0.56', '200']] } as Sides;
    // 50 at 0.55: only 40 there. Killed whole (FAK would have taken the 40).
    const tooBig = order({ price: '0.55', quantity: '50', timeInForce: 'FOK' });
    const killed = await adapter.submitOrder(tooBig);
    expect(killed).toMatchObject({ state: 'cancelled', filledQuantity: '0' });
    expect(sim.orderLog.find((o) => o.id === killed.venueOrderId)).toMatchObject({ status: 'CANCELED', size_matched: '0', order_type: 'FOK' });
    expect(await adapter.orderBook(TOKEN)).toEqual(book);
    expect((await adapter.fillsSince()).fills).toEqual([]);
    expect(await adapter.balance()).toBe('100000');

    // 60 up to 0.56: 40 at 0.55 and 20 at 0.56 are there, so all of it fills, across both levels.
    const fits = await adapter.submitOrder(order({ price: '0.56', quantity: '60', timeInForce: 'FOK' }));
    expect(fits).toMatchObject({ state: 'filled', filledQuantity: '60' });
    await bookShows({ bids: [['0.52', '100']], asks: [['0.56', '180']] });
    expect(fillRows((await adapter.fillsSince()).fills)).toEqual([
      [fits.venueOrderId, 'buy', '0.55', '40', 'taker', '0'],
      [fits.venueOrderId, 'buy', '0.56', '20', 'taker', '0'],
    ]);
  });

  it('the adapter signs the market fee rate it reads once per token; the sim takes only that rate and charges it', async () => {
    expect(await admin('fee-rate', { token_id: TOKEN, base_fee: 200 })).toEqual({ status: 200, body: { token_id: TOKEN, base_fee: 200 } });
    const req = order({ price: '0.55', quantity: '10' });
    const { order: signed, hash } = await adapter.orderFor(req);
    expect(signed.feeRateBps).toBe(200n);
    const placed = await adapter.submitOrder(req);
    // The venue's id is the hash of the order signed at 200 bps: that is the order it accepted.
    expect(placed).toMatchObject({ venueOrderId: hash, state: 'filled', filledQuantity: '10' });
    // Taker fee by Polymarket's rule: 10 × 0.02 × 0.55 × 0.45.
    expect(fillRows((await adapter.fillsSince()).fills)).toEqual([[hash, 'buy', '0.55', '10', 'taker', '0.0495']]);
    expect(await adapter.balance()).toBe('99994.4505');

    // The venue raises the rate. This adapter keeps the rate it read (a retry of an order it may
    // already have sent must hash the same), so its new order is signed at 200 and refused...
    await admin('fee-rate', { token_id: TOKEN, base_fee: 300 });
    expect(await adapter.feeRateBps(TOKEN)).toBe(200n);
    expect(await adapter.findByClientOrderId(req)).toMatchObject({ venueOrderId: hash, state: 'filled' });
    const refused = await adapter.submitOrder(order({ price: '0.5', quantity: '10' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(VenueError);
    expect((refused as VenueError).message).toMatch(/invalid fee rate \(200\).*300/);
    // ...while a new adapter (a restarted worker) reads 300 and its order is taken.
    const fresh = new PolymarketAdapter({ restBaseUrl: sim.restBaseUrl, account: polymarketTestAccount, credentials: sim.credentials });
    try {
      const next = order({ price: '0.5', quantity: '10' });
      expect((await fresh.orderFor(next)).order.feeRateBps).toBe(300n);
      expect(await fresh.submitOrder(next)).toMatchObject({ state: 'open' });
    } finally {
      await fresh.close();
    }
  });
});
