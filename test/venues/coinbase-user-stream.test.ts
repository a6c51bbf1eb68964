/**
 * Coinbase's `user` channel: the simulator's channel and our client (venues/coinbase/user-stream.ts)
 * over a real WebSocket on loopback, and the client's parsing of frames (fills as increments of
 * the cumulative quantity, duplicates yield nothing, bad frames are rejected with a reason).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest } from '../../domain/order';
import type { CoinbaseAdapter } from '../../venues/coinbase/adapter';
import { coinbaseUserStream, createCoinbaseUserParser, type CoinbaseUserEvent } from '../../venues/coinbase/user-stream';
import { readSimulatorDescription, writeSimulatorDescription } from '../../venues/execution';
import { startVenueSimulator } from '../../venues/sim';
import type { CoinbaseSim } from '../../venues/sim/coinbase/server';
import { nextEvent } from '../helpers/streams';
import { coinbaseWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

const frame = (seq: number, orders: object[], type: 'snapshot' | 'update' = 'update') =>
  JSON.stringify({ channel: 'user', client_id: '', timestamp: '2026-11-30T12:00:00Z', sequence_num: seq, events: [{ type, orders }] });
const report = (cumulative: string, value: string, fees: string, status = 'OPEN') => ({
  order_id: 'o-1',
  client_order_id: 'c-1',
  product_id: 'BTC-USD',
  order_side: 'BUY',
  status,
  cumulative_quantity: cumulative,
  leaves_quantity: '0',
  avg_price: cumulative === '0' ? '0' : '1',
  total_fees: fees,
  filled_value: value,
});

describe('Coinbase user channel parsing', () => {
  it('a fill is the increase of the cumulative quantity, priced from the filled value; a duplicate yields nothing', () => {
    const parser = createCoinbaseUserParser();
    expect(parser.parse(frame(0, [report('0', '0', '0')], 'snapshot'))).toEqual({ events: [] });
    const first = parser.parse(frame(1, [report('0.3', '28800', '172.8')]));
    expect(first.events).toEqual([
      { type: 'fill', fill: { venue: 'coinbase', venueTradeId: 'o-1:0.3', venueOrderId: 'o-1', clientOrderId: 'c-1', market: 'BTC-USD', action: 'buy', price: '96000', quantity: '0.3', fee: '172.8', at: '2026-11-30T12:00:00.000Z' } },
    ]);
    // The same report again (a duplicate on a new sequence number): nothing new.
    expect(parser.parse(frame(2, [report('0.3', '28800', '172.8')])).events).toEqual([]);
    // 0.2 more at 96100: (28800 + 19220) / 0.5 overall, the increment at its own price.
    const second = parser.parse(frame(3, [report('0.5', '48020', '288.12', 'FILLED')]));
    expect(second.events).toMatchObject([{ type: 'fill', fill: { quantity: '0.2', price: '96100', fee: '115.32', venueTradeId: 'o-1:0.5' } }]);
    // After a reconnect the snapshot repeats what we know: no fill twice.
    parser.resetConnection();
    expect(parser.parse(frame(0, [report('0.5', '48020', '288.12', 'FILLED')], 'snapshot')).events).toEqual([]);
  });

  it('reports a sequence gap, ignores an old sequence number, and rejects a malformed frame whole', () => {
    const parser = createCoinbaseUserParser();
    expect(parser.parse(frame(0, [])).events).toEqual([]);
    expect(parser.parse(frame(3, [report('0.1', '9600', '0')]))).toEqual({ events: [], gap: { expected: 1, got: 3 } });
    expect(parser.parse(frame(2, [])).events).toEqual([{ type: 'invalid', reason: expect.stringContaining('sequence_num 2, expected 4') }]);
    const bad = parser.parse(frame(4, [{ ...report('0.1', '9600', '0'), cumulative_quantity: 0.1 }]));
    expect(bad.events).toEqual([{ type: 'invalid', reason: expect.stringContaining('cumulative_quantity') }]);
    expect(parser.parse('not json').events).toEqual([{ type: 'invalid', reason: 'not JSON' }]);
    // Nothing of the bad frame was applied: the same fill, well formed, is still new.
    expect(parser.parse(frame(5, [report('0.1', '9600', '0')])).events).toMatchObject([{ type: 'fill', fill: { quantity: '0.1' } }]);
  });
});

describe('Coinbase user channel over the simulator', () => {
  let sim: CoinbaseSim;
  let adapter: CoinbaseAdapter;
  // Other traders bid only at 90000, so a sell down to 96000 meets our resting bid.
  beforeEach(async () => ({ sim, adapter } = await coinbaseWithAdapter({ books: { 'BTC-USD': { bids: [['90000', '1']], asks: [['97100', '1']] } } })));
  afterEach(() => stopWithAdapter(sim, adapter));

  const admin = async (path: string, body: object) => {
    const res = await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  };
  const sellInto = (size: string) => admin('trade', { product_id: 'BTC-USD', side: 'SELL', size, price: '96000' });
  const isFill = (e: CoinbaseUserEvent) => e.type === 'fill';

  it('a fill on a resting order reaches the stream; after a dropped connection fills keep coming, none twice', async () => {
    const req: OrderRequest = orderRequestSchema.parse({ venue: 'coinbase', market: 'BTC-USD', action: 'buy', price: '96000', quantity: '0.5', timeInForce: 'GTC', clientOrderId: clientOrderId('intent-cb-user', 'A', 1) });
    const placed = await adapter.submitOrder(req);
    const stream = coinbaseUserStream({ wsUrl: sim.wsUrl, credentials: sim.key, reconnectMs: 20 });
    const events = stream.events();
    try {
      await nextEvent(events, (e) => e.type === 'connected');
      await sellInto('0.1');
      const first = await nextEvent(events, isFill);
      expect(first).toMatchObject({ fill: { venue: 'coinbase', venueOrderId: placed.venueOrderId, clientOrderId: req.clientOrderId, action: 'buy', quantity: '0.1', price: '96000', fee: '57.6' } });

      // The venue drops the connection: the client reconnects, and the new connection's snapshot
      // (or the update after it, if the trade comes later) brings the next fill exactly once.
      await admin('faults', { endpoint: 'WS user', kind: 'ws_disconnect' });
      await sellInto('0.15');
      const seen: CoinbaseUserEvent[] = [];
      const second = await nextEvent(events, (e) => (seen.push(e), isFill(e)));
      expect(seen.filter((e) => e.type === 'connected')).toHaveLength(1);
      expect(second).toMatchObject({ fill: { quantity: '0.15', venueTradeId: `${placed.venueOrderId}:0.25` } });

      await sellInto('0.25');
      const third = await nextEvent(events, isFill);
      expect(third).toMatchObject({ fill: { quantity: '0.25', venueTradeId: `${placed.venueOrderId}:0.5` } });
      expect(await adapter.getOrder(req, placed.venueOrderId!)).toMatchObject({ state: 'filled', filledQuantity: '0.5' });
    } finally {
      stream.close();
    }
  });
});

describe('the simulator description', () => {
  it('carries the Coinbase WebSocket URL through the file workers read, and a user stream opens on it', async () => {
    const sim = await startVenueSimulator();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-desc-'));
    try {
      const file = path.join(dir, 'simulator.json');
      writeSimulatorDescription(file, sim.describe());
      const read = readSimulatorDescription(file).coinbase;
      expect(read.wsUrl).toBe(sim.coinbase.wsUrl);
      const stream = coinbaseUserStream({ wsUrl: read.wsUrl, credentials: { keyName: read.apiKeyName, privateKeyPem: read.apiPrivateKeyPem } });
      try {
        expect(await nextEvent(stream.events(), () => true)).toEqual({ type: 'connected' });
      } finally {
        stream.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await sim.stop();
    }
  });
});
