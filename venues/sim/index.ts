/**
 * The venue simulator as one unit: Kalshi, Polymarket and Coinbase,
 * each on its own loopback port. What `legwork sim` prints and `npm start` starts in PAPER mode.
 */
import { startCoinbaseSim, type CoinbaseSim } from './coinbase/server';
import { startKalshiSim, type KalshiSim } from './kalshi/server';
import { startPolymarketSim, type PolymarketSim } from './polymarket/server';

export interface VenueSimulator {
  kalshi: KalshiSim;
  polymarket: PolymarketSim;
  coinbase: CoinbaseSim;
  /** Base URLs and test credentials, as JSON for clients and operators (test keys only). */
  describe(): SimulatorDescription;
  stop(): Promise<void>;
}

export interface SimulatorDescription {
  kalshi: { restBaseUrl: string; adminUrl: string; apiKeyId: string; privateKeyPem: string };
  polymarket: { restBaseUrl: string; adminUrl: string; apiKey: string; apiSecret: string; apiPassphrase: string };
  coinbase: { restBaseUrl: string; adminUrl: string; apiKeyName: string; apiPrivateKeyPem: string };
}

export async function startVenueSimulator(opts: { coinbasePort?: number; kalshiPort?: number; polymarketPort?: number } = {}): Promise<VenueSimulator> {
  const [kalshi, polymarket, coinbase] = await Promise.all([
    startKalshiSim({ port: opts.kalshiPort }),
    startPolymarketSim({ port: opts.polymarketPort }),
    startCoinbaseSim({ port: opts.coinbasePort }),
  ]);
  return {
    kalshi,
    polymarket,
    coinbase,
    describe: () => ({
      kalshi: { restBaseUrl: kalshi.restBaseUrl, adminUrl: `${new URL(kalshi.restBaseUrl).origin}/_sim`, apiKeyId: kalshi.key.keyId, privateKeyPem: kalshi.key.privateKeyPem },
      polymarket: {
        restBaseUrl: polymarket.restBaseUrl,
        adminUrl: `${polymarket.restBaseUrl}/_sim`,
        apiKey: polymarket.credentials.key,
        apiSecret: polymarket.credentials.secret,
        apiPassphrase: polymarket.credentials.passphrase,
      },
      coinbase: {
        restBaseUrl: coinbase.restBaseUrl,
        adminUrl: `${new URL(coinbase.restBaseUrl).origin}/_sim`,
        apiKeyName: coinbase.key.keyName,
        apiPrivateKeyPem: coinbase.key.privateKeyPem,
      },
    }),
    stop: async () => {
      await Promise.all([kalshi.stop(), polymarket.stop(), coinbase.stop()]);
    },
  };
}
