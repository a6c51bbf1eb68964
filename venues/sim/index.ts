/**
 * The venue simulator as one unit: Kalshi and Coinbase today (Polymarket joins here),
 * each on its own loopback port. What `legwork sim` prints and `npm start` starts in PAPER mode.
 */
import { startCoinbaseSim, type CoinbaseSim } from './coinbase/server';
import { startKalshiSim, type KalshiSim } from './kalshi/server';

export interface VenueSimulator {
  kalshi: KalshiSim;
  coinbase: CoinbaseSim;
  /** Base URLs and test credentials, as JSON for clients and operators (test keys only). */
  describe(): SimulatorDescription;
  stop(): Promise<void>;
}

export interface SimulatorDescription {
  kalshi: { restBaseUrl: string; adminUrl: string; apiKeyId: string; privateKeyPem: string };
  coinbase: { restBaseUrl: string; adminUrl: string; apiKeyName: string; apiPrivateKeyPem: string };
}

export async function startVenueSimulator(opts: { coinbasePort?: number; kalshiPort?: number } = {}): Promise<VenueSimulator> {
  const [kalshi, coinbase] = await Promise.all([startKalshiSim({ port: opts.kalshiPort }), startCoinbaseSim({ port: opts.coinbasePort })]);
  return {
    kalshi,
    coinbase,
    describe: () => ({
      kalshi: { restBaseUrl: kalshi.restBaseUrl, adminUrl: `${new URL(kalshi.restBaseUrl).origin}/_sim`, apiKeyId: kalshi.key.keyId, privateKeyPem: kalshi.key.privateKeyPem },
      coinbase: {
        restBaseUrl: coinbase.restBaseUrl,
        adminUrl: `${new URL(coinbase.restBaseUrl).origin}/_sim`,
        apiKeyName: coinbase.key.keyName,
        apiPrivateKeyPem: coinbase.key.privateKeyPem,
      },
    }),
    stop: async () => {
      await Promise.all([kalshi.stop(), coinbase.stop()]);
    },
  };
}
