/**
 * Each venue's book stream client seen through the feed's one event shape (venues/venue-feed.ts),
 * and where each venue's REST books come from, for the simulator (PAPER and tests) or any venue
 * described the same way.
 */
import type { KalshiCredentials } from './kalshi/auth';
import { kalshiBookStream } from './kalshi/stream';
import { polymarketBookStream } from './polymarket/stream';
import { coinbaseBookStream } from './coinbase/stream';
import type { CoinbaseCredentials } from './coinbase/auth';
import type { FeedVenue, Levels } from './feed-store';
import type { FeedEvent, FeedStream } from './venue-feed';
import type { SimulatorDescription } from './sim';
import { BTC_PRODUCT, type MarketMapping } from './sim/world';
import type { BookSource } from '../activities/signal-loop';

/** Wraps a client's events in the feed's shape; `map` returns undefined for events the feed ignores. */
function adapt<E>(client: { events(): AsyncGenerator<E>; close(): void; readonly dropped: number }, map: (e: E) => FeedEvent | undefined): FeedStream {
  return {
    async *events() {
      for await (const e of client.events()) {
        const mapped = map(e);
        if (mapped) yield mapped;
      }
    },
    close: () => client.close(),
    get dropped() {
      return client.dropped;
    },
  };
}

export function kalshiFeedStream(opts: { wsUrl: string; credentials: KalshiCredentials }) {
  return (markets: string[], queueLimit: number): FeedStream =>
    adapt(kalshiBookStream({ ...opts, markets, queueLimit }), (e) =>
      e.type === 'book'
        ? { type: 'book', market: e.market, book: e.book, from: e.from, seq: e.seq }
        : // A gap abandons the whole subscription (every market on it) and resubscribes.
          e.type === 'gap'
          ? { type: 'lost', why: 'gap' }
          : e.type === 'disconnected'
            ? { type: 'lost', why: 'disconnect' }
            : { type: 'invalid', reason: e.reason },
    );
}

export function polymarketFeedStream(opts: { wsUrl: string }) {
  return (markets: string[], queueLimit: number): FeedStream =>
    adapt(polymarketBookStream({ wsUrl: opts.wsUrl, assetIds: markets, queueLimit }), (e) =>
      e.type === 'book'
        ? { type: 'book', market: e.market, book: e.book, from: e.from }
        : e.type === 'disconnected'
          ? { type: 'lost', why: 'disconnect' }
          : { type: 'invalid', reason: e.type === 'error' ? e.message : e.reason },
    );
}

export function coinbaseFeedStream(opts: { wsUrl: string; credentials: CoinbaseCredentials }) {
  return (markets: string[], queueLimit: number): FeedStream =>
    adapt(coinbaseBookStream({ ...opts, products: markets, queueLimit }), (e) =>
      e.type === 'book'
        ? { type: 'book', market: e.product, book: e.book, from: e.from === 'snapshot' ? 'snapshot' : 'delta' }
        : e.type === 'gap'
          ? { type: 'lost', why: 'gap' }
          : e.type === 'disconnected'
            ? { type: 'lost', why: 'disconnect' }
            : { type: 'invalid', reason: e.type === 'error' ? e.message : e.reason },
    );
}

export interface VenueFeedSource {
  openStream(markets: string[], queueLimit: number): FeedStream;
  poll?: (market: string) => Promise<Levels>;
}

/**
 * The simulator's streams per venue, and its REST books (`rest`, the loop's REST BookSource) as
 * each venue's polls: Kalshi YES books, Polymarket token books, Coinbase product books.
 */
export function feedSourcesForSimulator(sim: SimulatorDescription, rest: BookSource): Record<FeedVenue, VenueFeedSource> {
  return {
    kalshi: { openStream: kalshiFeedStream({ wsUrl: sim.kalshi.wsUrl, credentials: { keyId: sim.kalshi.apiKeyId, privateKeyPem: sim.kalshi.privateKeyPem } }), poll: (m) => rest.book('kalshi', m) },
    polymarket: { openStream: polymarketFeedStream({ wsUrl: sim.polymarket.wsUrl }), poll: (m) => rest.book('polymarket', m) },
    coinbase: {
      openStream: coinbaseFeedStream({ wsUrl: sim.coinbase.wsUrl, credentials: { keyName: sim.coinbase.apiKeyName, privateKeyPem: sim.coinbase.apiPrivateKeyPem } }),
      poll: (m) => rest.book('coinbase', m),
    },
  };
}

/**
 * The markets each venue's feed serves for a mapping: every mapped Kalshi ticker (pairs and BTC
 * contracts) and Polymarket token, and the Coinbase reference products (BTC-USD at least).
 */
export function feedMarketsFor(mapping: MarketMapping): Record<FeedVenue, string[]> {
  const btc = mapping.btcMarkets ?? [];
  return {
    kalshi: [...mapping.pairs.map((p) => p.kalshi.ticker), ...btc.map((b) => b.kalshi.ticker)],
    polymarket: mapping.pairs.flatMap((p) => [p.polymarket.yesTokenId, p.polymarket.noTokenId]),
    coinbase: [...new Set([BTC_PRODUCT, ...btc.map((b) => b.reference.product)])],
  };
}
