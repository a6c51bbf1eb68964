/**
 * The venue simulator as one unit: Kalshi, Polymarket and Coinbase,
 * each on its own loopback port. What `legwork sim` prints and `npm start` starts in PAPER mode.
 */
import { generatePrivateKey } from 'viem/accounts';
import { startCoinbaseSim, type CoinbaseSeedBook, type CoinbaseSim } from './coinbase/server';
import { startKalshiSim, type KalshiSeedBook, type KalshiSim } from './kalshi/server';
import { startPolymarketSim, type PolymarketSeedBook, type PolymarketSim } from './polymarket/server';
import { startMarketWorld, type MarketMapping, type MarketWorld, type MarketWorldOptions } from './world';

export interface VenueSimulator {
  kalshi: KalshiSim;
  polymarket: PolymarketSim;
  coinbase: CoinbaseSim;
  /** The market world, when one was asked for (`world` option). */
  world?: MarketWorld;
  /** Base URLs and test credentials, as JSON for clients and operators (test keys only). */
  describe(): SimulatorDescription;
  stop(): Promise<void>;
}

export interface SimulatorDescription {
  kalshi: { restBaseUrl: string; wsUrl: string; adminUrl: string; apiKeyId: string; privateKeyPem: string };
  /** walletPrivateKey: a throwaway key generated at start that signs the paper orders (EIP-712). */
  polymarket: { restBaseUrl: string; wsUrl: string; adminUrl: string; apiKey: string; apiSecret: string; apiPassphrase: string; walletPrivateKey: `0x${string}` };
  coinbase: { restBaseUrl: string; wsUrl: string; adminUrl: string; apiKeyName: string; apiPrivateKeyPem: string };
  /** Only when a market world runs: which Kalshi and Polymarket listings are the same outcome. */
  world?: { mapping: MarketMapping };
}

export interface VenueSimulatorOptions {
  coinbasePort?: number;
  kalshiPort?: number;
  polymarketPort?: number;
  /** Seed books per venue (tests shape them per path); each venue has a default market otherwise. */
  books?: { kalshi?: Record<string, KalshiSeedBook>; polymarket?: Record<string, PolymarketSeedBook>; coinbase?: Record<string, CoinbaseSeedBook> };
  /**
   * A market world on top (venues/sim/world.ts): seeded events on both binary venues, synthetic
   * traders, dislocations, resolutions. None unless asked. It lists its own markets through the
   * admin API, next to the `books` (or default) ones.
   */
  world?: Omit<MarketWorldOptions, 'sim'>;
}

export async function startVenueSimulator(opts: VenueSimulatorOptions = {}): Promise<VenueSimulator> {
  const [kalshi, polymarket, coinbase] = await Promise.all([
    startKalshiSim({ port: opts.kalshiPort, books: opts.books?.kalshi }),
    startPolymarketSim({ port: opts.polymarketPort, books: opts.books?.polymarket }),
    startCoinbaseSim({ port: opts.coinbasePort, books: opts.books?.coinbase }),
  ]);
  const walletPrivateKey = generatePrivateKey();
  const venues = (): SimulatorDescription => ({
    kalshi: { restBaseUrl: kalshi.restBaseUrl, wsUrl: kalshi.wsUrl, adminUrl: `${new URL(kalshi.restBaseUrl).origin}/_sim`, apiKeyId: kalshi.key.keyId, privateKeyPem: kalshi.key.privateKeyPem },
    polymarket: {
      restBaseUrl: polymarket.restBaseUrl,
      wsUrl: polymarket.wsUrl,
      adminUrl: `${polymarket.restBaseUrl}/_sim`,
      apiKey: polymarket.credentials.key,
      apiSecret: polymarket.credentials.secret,
      apiPassphrase: polymarket.credentials.passphrase,
      walletPrivateKey,
    },
    coinbase: {
      restBaseUrl: coinbase.restBaseUrl,
      wsUrl: coinbase.wsUrl,
      adminUrl: `${new URL(coinbase.restBaseUrl).origin}/_sim`,
      apiKeyName: coinbase.key.keyName,
      apiPrivateKeyPem: coinbase.key.privateKeyPem,
    },
  });
  const stopVenues = () => Promise.all([kalshi.stop(), polymarket.stop(), coinbase.stop()]);
  let world: MarketWorld | undefined;
  try {
    // The world drives the venues over their admin HTTP API, as it would from another process.
    world = opts.world ? await startMarketWorld({ ...opts.world, sim: { describe: venues } }) : undefined;
  } catch (err) {
    await stopVenues();
    throw err;
  }
  return {
    kalshi,
    polymarket,
    coinbase,
    ...(world ? { world } : {}),
    describe: () => ({ ...venues(), ...(world ? { world: { mapping: world.mapping } } : {}) }),
    stop: async () => {
      await world?.stop(); // no tick may reach a venue that is closing
      await stopVenues();
    },
  };
}
