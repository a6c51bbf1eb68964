/**
 * The venue simulator as one unit: today the Coinbase protocol (Kalshi and Polymarket join here),
 * each on its own loopback port. What `legwork sim` prints and `npm start` starts in PAPER mode.
 */
import { startCoinbaseSim, type CoinbaseSim } from './coinbase/server';

export interface VenueSimulator {
  coinbase: CoinbaseSim;
  /** Base URLs and test credentials, as JSON for clients and operators (test keys only). */
  describe(): SimulatorDescription;
  stop(): Promise<void>;
}

export interface SimulatorDescription {
  coinbase: { restBaseUrl: string; adminUrl: string; apiKeyName: string; apiPrivateKeyPem: string };
}

export async function startVenueSimulator(opts: { coinbasePort?: number } = {}): Promise<VenueSimulator> {
  const coinbase = await startCoinbaseSim({ port: opts.coinbasePort });
  return {
    coinbase,
    describe: () => ({
      coinbase: {
        restBaseUrl: coinbase.restBaseUrl,
        adminUrl: `${new URL(coinbase.restBaseUrl).origin}/_sim`,
        apiKeyName: coinbase.key.keyName,
        apiPrivateKeyPem: coinbase.key.privateKeyPem,
      },
    }),
    stop: () => coinbase.stop(),
  };
}
