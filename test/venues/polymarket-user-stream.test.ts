/**
 * Polymarket's user channel: the simulator's `/ws/user` and the client stream over real WebSockets
 * on loopback. Fills of our orders, as taker and as maker (another trader through the admin API),
 * arrive named by the order hash; bad credentials are refused; the client reconnects after a drop.
 */
import WebSocket from 'ws';
import type { UserStreamEvent } from '../../activities/user-stream-router';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import type { PolymarketAdapter } from '../../venues/polymarket/adapter';
import { parsePolymarketUserMessage, polymarketUserStream } from '../../venues/polymarket/user-stream';
import type { PolymarketSim } from '../../venues/sim/polymarket/server';
import { eventually } from '../helpers/db';
import { nextEvent } from '../helpers/streams';
import { polymarketWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

const TOKEN = '7132104567925221259'; // default book: bids 0.52×100, asks 0.55×40 and 0.56×200
let sim: PolymarketSim;
let adapter: PolymarketAdapter;
let n = 0;

beforeEach(async () => ({ sim, adapter } = await polymarketWithAdapter()));
afterEach(() => stopWithAdapter(sim, adapter));

const userUrl = () => sim.wsUrl.replace('/ws/market', '/ws/user');
const order = (over: Partial<OrderRequest> = {}): OrderRequest =>
  orderRequestSchema.parse({ venue: 'polymarket', market: TOKEN, action: 'buy', price: '0.5', quantity: '10', timeInForce: 'GTC', clientOrderId: clientOrderId(`intent-pm-user-${++n}`, 'A', 1), ...over });
const isFill = (e: UserStreamEvent) => e.type === 'fill';
const asFill = (e: UserStreamEvent) => {
  if (e.type !== 'fill') throw new Error(`expected a fill, got ${JSON.stringify(e)}`);
  return e.fill;
};

async function admin(path: string, body: object): Promise<unknown> {
  const res = await fetch(`${sim.restBaseUrl}/_sim/${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}

describe('Polymarket user channel', () => {
  it('yields our fills as taker and as maker, named by the order hash, with exact prices', async () => {
    const stream = polymarketUserStream({ wsUrl: userUrl(), credentials: sim.credentials });
    const events = stream.events();
    try {
      await nextEvent(events, (e) => e.type === 'connected');
      await eventually('subscribed', async () => sim.account.subscribedUserClients() === 1);

      const taken = await adapter.submitOrder(order({ price: '0.55', quantity: '15' }));
      expect(asFill(await nextEvent(events, isFill))).toMatchObject({ venue: 'polymarket', venueTradeId: sim.account.trades[0]!.id, venueOrderId: taken.venueOrderId, market: TOKEN, action: 'buy', price: '0.55', quantity: '15', fee: '0', liquidity: 'taker' });

      const resting = await adapter.submitOrder(order({ price: '0.51', quantity: '10' }));
      expect(await admin('trade', { token_id: TOKEN, side: 'SELL', size: '4', price: '0.5' })).toEqual({ traded: '4' });
      const made = asFill(await nextEvent(events, isFill));
      expect(made).toMatchObject({ venueTradeId: `${sim.account.trades[1]!.id}/${resting.venueOrderId}`, venueOrderId: resting.venueOrderId, action: 'buy', price: '0.51', quantity: '4', liquidity: 'maker' });
      expect(made.clientOrderId).toBeUndefined();
      // The same fills as REST reports them (the reconciler's path): the same ids, so nothing counts twice.
      expect((await adapter.fillsSince()).fills.map((f) => f.venueTradeId)).toEqual([sim.account.trades[0]!.id, made.venueTradeId]);
    } finally {
      stream.close();
    }
  });

  it('reconnects after the connection drops and goes on delivering fills', async () => {
    const stream = polymarketUserStream({ wsUrl: userUrl(), credentials: sim.credentials, reconnectDelayMs: 20 });
    const events = stream.events();
    try {
      await nextEvent(events, (e) => e.type === 'connected');
      await eventually('subscribed', async () => sim.account.subscribedUserClients() === 1);
      expect(await admin('faults', { endpoint: 'WS /ws/user', kind: 'ws_disconnect' })).toMatchObject({ disconnected: 1 });
      await nextEvent(events, (e) => e.type === 'connected');
      await eventually('subscribed again', async () => sim.account.subscribedUserClients() === 1);
      const resting = await adapter.submitOrder(order({ price: '0.5', quantity: '10' }));
      await admin('trade', { token_id: TOKEN, side: 'SELL', size: '10', price: '0.5' });
      expect(asFill(await nextEvent(events, isFill))).toMatchObject({ venueOrderId: resting.venueOrderId, quantity: '10', liquidity: 'maker' });
    } finally {
      stream.close();
    }
  });

  it('wrong credentials: the venue closes the connection and the client says why', async () => {
    const stream = polymarketUserStream({ wsUrl: userUrl(), credentials: { ...sim.credentials, secret: Buffer.from('nope').toString('base64') }, reconnectDelayMs: 1_000 });
    const events = stream.events();
    try {
      expect(await nextEvent(events, (e) => e.type === 'invalid')).toEqual({ type: 'invalid', reason: 'user channel refused the subscription: Unauthorized' });
      expect(sim.account.subscribedUserClients()).toBe(0);
    } finally {
      stream.close();
    }
  });

  it('answers PING with PONG and keeps markets filters: a fill on another market is not sent', async () => {
    const ws = new WebSocket(userUrl());
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(d.toString()));
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    const { key, secret, passphrase } = sim.credentials;
    ws.send(JSON.stringify({ auth: { apiKey: key, secret, passphrase }, markets: ['999'], type: 'user' }));
    await eventually('subscribed', async () => sim.account.subscribedUserClients() === 1);
    await adapter.submitOrder(order({ price: '0.55', quantity: '5' }));
    ws.send('PING');
    await eventually('PONG', async () => frames.includes('PONG'));
    expect(frames).toEqual(['PONG']); // the trade on TOKEN was not for a subscribed market; the PONG came after it
    ws.close();
  });

  it('parses frames: later trade statuses add no fill, malformed ones are rejected with the field named', () => {
    const trade = { event_type: 'trade', id: 't1', taker_order_id: '0xabc', market: TOKEN, asset_id: TOKEN, side: 'SELL', size: '3', price: '0.4', owner: 'me', maker_orders: [], matchtime: '1700000000' };
    expect(parsePolymarketUserMessage(JSON.stringify({ ...trade, status: 'MATCHED' }), 'me')).toEqual([
      { type: 'fill', fill: { venue: 'polymarket', venueTradeId: 't1', venueOrderId: '0xabc', market: TOKEN, action: 'sell', price: '0.4', quantity: '3', fee: '0', liquidity: 'taker', at: '2023-11-14T22:13:20.000Z' } },
    ]);
    expect(parsePolymarketUserMessage(JSON.stringify({ ...trade, status: 'CONFIRMED' }), 'me')).toEqual([]);
    expect(parsePolymarketUserMessage(JSON.stringify({ ...trade, status: 'MATCHED' }), 'someone-else')).toEqual([]);
    expect(parsePolymarketUserMessage(JSON.stringify({ ...trade, status: 'MATCHED', size: 3 }), 'me')).toEqual([{ type: 'invalid', reason: expect.stringContaining('size') }]);
    expect(parsePolymarketUserMessage('PONG', 'me')).toEqual([]);
    expect(parsePolymarketUserMessage('{oops', 'me')).toEqual([{ type: 'invalid', reason: 'not JSON: {oops' }]);
  });
});
