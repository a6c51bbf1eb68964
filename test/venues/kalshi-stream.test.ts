/** Kalshi order book stream against the simulator over a real WebSocket. */
import { levels } from '../../domain/book';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema } from '../../domain/order';
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import { kalshiBookStream, type KalshiBookEvent } from '../../venues/kalshi/stream';
import { startKalshiSim } from '../../venues/sim/kalshi/server';
import { nextEvent } from '../helpers/streams';

const MARKET = 'FED-25DEC-T4.25';

const next = nextEvent;

describe('Kalshi order book stream', () => {
  it('snapshot + deltas rebuild the REST book; a sequence gap is detected and a fresh snapshot resumes it', async () => {
    const sim = await startKalshiSim();
    const adapter = new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key });
    const stream = kalshiBookStream({ wsUrl: sim.wsUrl, credentials: sim.key, markets: [MARKET] });
    const events = stream.events();
    try {
      const snapshot = await next(events, (e) => e.type === 'book' && e.from === 'snapshot');
      const rest = await adapter.orderBook(MARKET);
      if (snapshot.type !== 'book') throw new Error('unreachable');
      expect({ bids: levels(snapshot.book, 'bid'), asks: levels(snapshot.book, 'ask') }).toEqual(rest);

      // A YES buy that takes the 43¢ ask and rests the rest at 44¢: deltas on both sides.
      const order = orderRequestSchema.parse({ venue: 'kalshi', market: MARKET, outcome: 'yes', action: 'buy', price: '0.44', quantity: '40', timeInForce: 'GTC', clientOrderId: clientOrderId('intent-stream', 'A', 1) });
      await adapter.submitOrder(order);
      const afterRest = await adapter.orderBook(MARKET);
      const rebuilt = await next(events, (e) => e.type === 'book' && e.from === 'delta' && levels(e.book, 'bid')[0]?.[0] === '0.44');
      if (rebuilt.type !== 'book') throw new Error('unreachable');
      expect({ bids: levels(rebuilt.book, 'bid'), asks: levels(rebuilt.book, 'ask') }).toEqual(afterRest);
      expect(afterRest).toEqual({ bids: [['0.44', '10'], ['0.4', '100']], asks: [['0.45', '100']] });

      // Arm a gap, then change the book: the stream reports the gap and recovers from a new snapshot.
      await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/faults`, { method: 'POST', body: JSON.stringify({ endpoint: 'WS orderbook_delta', kind: 'ws_seq_gap' }) });
      await adapter.cancelOrder((await adapter.findByClientOrderId(order))!.venueOrderId!);
      const gap = await next(events, (e) => e.type === 'gap');
      expect(gap).toMatchObject({ type: 'gap', market: MARKET });
      const fresh = await next(events, (e) => e.type === 'book' && e.from === 'snapshot');
      if (fresh.type !== 'book') throw new Error('unreachable');
      expect({ bids: levels(fresh.book, 'bid'), asks: levels(fresh.book, 'ask') }).toEqual(await adapter.orderBook(MARKET));
    } finally {
      stream.close();
      await adapter.close();
      await sim.stop();
    }
  });

  it('refuses an unsigned WebSocket upgrade with 401', async () => {
    const sim = await startKalshiSim();
    const WebSocket = (await import('ws')).default;
    const status = await new Promise<number | undefined>((resolve) => {
      const ws = new WebSocket(sim.wsUrl);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('error', () => resolve(undefined));
    });
    expect(status).toBe(401);
    await sim.stop();
  });
});
