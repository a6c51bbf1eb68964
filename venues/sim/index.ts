/**
 * The venue simulator as one unit: Kalshi, Polymarket and Coinbase,
 * each on its own loopback port. What `legwork sim` prints and `npm start` starts in PAPER mode.
 */
import { generatePrivateKey } from 'viem/accounts';
import { startCoinbaseSim, type CoinbaseSeedBook, type CoinbaseSim } from './coinbase/server';
import { startKalshiSim, type KalshiSeedBook, type KalshiSim } from './kalshi/server';
import { startPolymarketSim, type PolymarketSeedBook, type PolymarketSim } from './polymarket/server';

export interface VenueSimulator {
  kalshi: KalshiSim;
  polymarket: PolymarketSim;
  coinbase: CoinbaseSim;
  /** Base URLs and test credentials, as JSON for clients and operators (test keys only). */
  describe(): SimulatorDescription;
  stop(): Promise<void>;
}

export interface SimulatorDescription {
  kalshi: { restBaseUrl: string; wsUrl: string; adminUrl: string; apiKeyId: string; privateKeyPem: string };
  /** walletPrivateKey: a throwaway key generated at start that signs the paper orders (EIP-712). */
  polymarket: { restBaseUrl: string; adminUrl: string; apiKey: string; apiSecret: string; apiPassphrase: string; walletPrivateKey: `0x${string}` };
  coinbase: { restBaseUrl: string; adminUrl: string; apiKeyName: string; apiPrivateKeyPem: string };
}

export interface VenueSimulatorOptions {
  coinbasePort?: number;
  kalshiPort?: number;
  polymarketPort?: number;
  /** Seed books per venue (tests shape them per path); each venue has a default market otherwise. */
  books?: { kalshi?: Record<string, KalshiSeedBook>; polymarket?: Record<string, PolymarketSeedBook>; coinbase?: Record<string, CoinbaseSeedBook> };
}

export async function startVenueSimulator(opts: VenueSimulatorOptions = {}): Promise<VenueSimulator> {
  const [kalshi, polymarket, coinbase] = await Promise.all([
    startKalshiSim({ port: opts.kalshiPort, books: opts.books?.kalshi }),
    startPolymarketSim({ port: opts.polymarketPort, books: opts.books?.polymarket }),
    startCoinbaseSim({ port: opts.coinbasePort, books: opts.books?.coinbase }),
  ]);
  const walletPrivateKey = generatePrivateKey();
  return {
    kalshi,
    polymarket,
    coinbase,
    describe: () => ({
      kalshi: { restBaseUrl: kalshi.restBaseUrl, wsUrl: kalshi.wsUrl, adminUrl: `${new URL(kalshi.restBaseUrl).origin}/_sim`, apiKeyId: kalshi.key.keyId, privateKeyPem: kalshi.key.privateKeyPem },
      polymarket: {
        restBaseUrl: polymarket.restBaseUrl,
        adminUrl: `${polymarket.restBaseUrl}/_sim`,
        apiKey: polymarket.credentials.key,
        apiSecret: polymarket.credentials.secret,
        apiPassphrase: polymarket.credentials.passphrase,
        walletPrivateKey,
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
