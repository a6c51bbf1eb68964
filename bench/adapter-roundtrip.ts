/**
 * Adapter submit → venue acknowledgement over loopback, per venue, against the simulator: the
 * baseline the durable path (workflow + activities) is compared with. Each submit is a fresh
 * client order id; orders rest (far from the touch) so the book does not run out.
 */
import { clientOrderId } from '../domain/client-order-id';
import { orderRequestSchema } from '../domain/order';
import { CoinbaseAdapter } from '../venues/coinbase/adapter';
import { KalshiAdapter } from '../venues/kalshi/adapter';
import { RateGovernor } from '../venues/rate-governor';
import { startVenueSimulator } from '../venues/sim';
import { summarize } from './stats';

const N = 300;
const WARMUP = 30;
// The bench measures the round trip, not our pacing: a budget far above what it sends.
const unpaced = (venue: string) => new RateGovernor({ venue, limits: { default: { ratePerSecond: 1_000_000, burst: 1_000_000 } }, maxInFlight: 64 });

export async function benchAdapterRoundTrip(): Promise<Record<string, unknown>> {
  const sim = await startVenueSimulator();
  const d = sim.describe();
  const kalshi = new KalshiAdapter({ restBaseUrl: d.kalshi.restBaseUrl, credentials: { keyId: d.kalshi.apiKeyId, privateKeyPem: d.kalshi.privateKeyPem }, rate: unpaced('kalshi') });
  const coinbase = new CoinbaseAdapter({ restBaseUrl: d.coinbase.restBaseUrl, credentials: { keyName: d.coinbase.apiKeyName, privateKeyPem: d.coinbase.apiPrivateKeyPem }, rate: unpaced('coinbase') });
  const tag = Date.now().toString(36);
  try {
    const measure = async (submit: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < WARMUP; i++) await submit(-1 - i);
      const samples: number[] = [];
      for (let i = 0; i < N; i++) {
        const t = performance.now();
        await submit(i);
        samples.push(performance.now() - t);
      }
      return summarize(samples);
    };
    const kalshiStats = await measure((i) =>
      kalshi.submitOrder(orderRequestSchema.parse({ venue: 'kalshi', market: 'FED-25DEC-T4.25', outcome: 'yes', action: 'buy', price: '0.05', quantity: '1', timeInForce: 'GTC', clientOrderId: clientOrderId(`bench-${tag}`, 'A', i + 1000) })),
    );
    const coinbaseStats = await measure((i) =>
      coinbase.submitOrder(orderRequestSchema.parse({ venue: 'coinbase', market: 'BTC-USD', action: 'buy', price: '50000.00', quantity: '0.001', timeInForce: 'GTC', clientOrderId: clientOrderId(`bench-${tag}`, 'B', i + 1000) })),
    );
    return {
      what: 'adapter submitOrder -> acknowledged order, over loopback HTTP against the simulator, ms (Kalshi: lookup + POST; Coinbase: POST + GET)',
      kalshi: kalshiStats,
      coinbase: coinbaseStats,
    };
  } finally {
    await kalshi.close();
    await coinbase.close();
    await sim.stop();
  }
}
