/** Coinbase level2 stream against the simulator over a real WebSocket. */
import { levels } from '../../domain/book';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema } from '../../domain/order';
import { CoinbaseAdapter } from '../../venues/coinbase/adapter';
import { coinbaseBookStream, type CoinbaseBookEvent } from '../../venues/coinbase/stream';
import { generateSimCoinbaseKey } from '../../venues/sim/coinbase/auth';
import { startCoinbaseSim } from '../../venues/sim/coinbase/server';
import { nextEvent } from '../helpers/streams';

const next = nextEvent;

describe('Coinbase level2 stream', () => {
  it('snapshot then absolute updates track the book; a sequence gap reconnects to a fresh snapshot', async () => {
    const sim = await startCoinbaseSim();
    const adapter = new CoinbaseAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key });
    const stream = coinbaseBookStream({ wsUrl: sim.wsUrl, credentials: sim.key, products: ['BTC-USD'] });
    const events = stream.events();
    try {
      const snap = await next(events, (e) => e.type === 'book' && e.from === 'snapshot');
      if (snap.type !== 'book') throw new Error('unreachable');
      expect(levels(snap.book, 'ask')).toEqual([['97100', '0.5'], ['97200', '1']]);

      await adapter.submitOrder(orderRequestSchema.parse({ venue: 'coinbase', market: 'BTC-USD', action: 'buy', price: '97100.00', quantity: '0.2', timeInForce: 'IOC', clientOrderId: clientOrderId('intent-cb-stream', 'A', 1) }));
      const updated = await next(events, (e) => e.type === 'book' && e.from === 'update');
      if (updated.type !== 'book') throw new Error('unreachable');
      expect(levels(updated.book, 'ask')).toEqual([['97100', '0.3'], ['97200', '1']]);

      await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/faults`, { method: 'POST', body: JSON.stringify({ endpoint: 'WS level2', kind: 'ws_seq_gap' }) });
      await adapter.submitOrder(orderRequestSchema.parse({ venue: 'coinbase', market: 'BTC-USD', action: 'buy', price: '97100.00', quantity: '0.3', timeInForce: 'IOC', clientOrderId: clientOrderId('intent-cb-stream', 'A', 2) }));
      expect(await next(events, (e) => e.type === 'gap')).toMatchObject({ type: 'gap' });
      const fresh = await next(events, (e) => e.type === 'book' && e.from === 'snapshot');
      if (fresh.type !== 'book') throw new Error('unreachable');
      expect(levels(fresh.book, 'ask')).toEqual([['97200', '1']]);
    } finally {
      stream.close();
      await adapter.close();
      await sim.stop();
    }
  });

  it('a subscription with a foreign key is refused with an error message', async () => {
    const sim = await startCoinbaseSim();
    const stream = coinbaseBookStream({ wsUrl: sim.wsUrl, credentials: generateSimCoinbaseKey(sim.key.keyName), products: ['BTC-USD'] });
    try {
      expect(await next(stream.events(), (e) => e.type === 'error')).toMatchObject({ message: expect.stringMatching(/authentication failure/) });
    } finally {
      stream.close();
      await sim.stop();
    }
  });
});
