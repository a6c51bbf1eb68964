/**
 * The three operations the intent workflow's leg activities need from any venue, over the
 * adapters: submit (lookup-then-submit on the deterministic client order id), look up by client
 * order id, and cancel. Venue differences (Kalshi's 400 for a finished order, Polymarket's
 * `not_canceled` map, Coinbase's batch cancel) stay behind this seam.
 */
import fs from 'node:fs';
import { privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';
import { parseOrThrow } from '../domain/validation';
import { isTerminal, type MarketResolution, type OrderRequest, type OrderSnapshot } from '../domain/order';
import type { Action, Outcome } from '../domain/venue';
import { dec, decStr, ONE } from '../domain/money';
import type { Venue } from '../domain/venue';
import { VenueError } from '../domain/venue-errors';
import { CoinbaseAdapter } from './coinbase/adapter';
import { coinbaseReconciler } from './coinbase/reconciler';
import { coinbaseUserStream } from './coinbase/user-stream';
import type { EndpointOutcome, PostingPolicy } from './http/client';
import type { RateGovernor } from './rate-governor';
import { KalshiAdapter } from './kalshi/adapter';
import { kalshiUserStream } from './kalshi/user-stream';
import { polymarketUserStream } from './polymarket/user-stream';
import type { RouterDeps } from '../activities/user-stream-router';
import type { VenueReconciler } from '../activities/reconciliation';
import { kalshiReconciler } from './kalshi/reconciler';
import { polymarketReconciler } from './polymarket/reconciler';
import { marketMappingSchema, type MarketMapping } from './sim/world';
import { streamingBookSource, type FeedHealth, type FeedTuning } from './streaming-books';
import { feedMarketsFor, feedSourcesForSimulator } from './feed-streams';
import type { FeedStore } from './feed-store';
import type { Recorder } from './recording';
import type { BookSource } from '../activities/signal-loop';
import { PolymarketAdapter } from './polymarket/adapter';
import type { SimulatorDescription } from './sim';

export interface ExecutionVenue {
  readonly venue: Venue;
  /** Idempotent: the order with this client order id is returned if the venue has it, never posted twice. */
  submit(request: OrderRequest): Promise<OrderSnapshot>;
  /** The order with this client order id as the venue has it now, or undefined when the venue has none. */
  lookup(request: OrderRequest): Promise<OrderSnapshot | undefined>;
  /**
   * Cancels what is left of the order, if it is still working, and returns the order as the venue
   * has it afterwards (undefined: the venue never had it). Cancelling a finished order is not an error.
   */
  cancel(request: OrderRequest): Promise<OrderSnapshot | undefined>;
  /**
   * The price an order would trade at now: the best ask to buy, the best bid to sell (for the
   * outcome on binary venues), with the size there; undefined when that side is empty.
   */
  touch?(market: string, outcome: Outcome | undefined, action: Action): Promise<{ price: string; size: string } | undefined>;
  /** The adapter's rate governor (budgets for metrics). */
  rate?: RateGovernor;
  /** Binary venues: whether the market has resolved and what a contract of `outcome` pays. */
  resolution?(market: string, outcome: Outcome | undefined): Promise<MarketResolution>;
  close(): Promise<void>;
}

export type ExecutionVenues = Partial<Record<Venue, ExecutionVenue>>;

interface AdapterLike {
  readonly rate: RateGovernor;
  submitOrder(request: OrderRequest): Promise<OrderSnapshot>;
  findByClientOrderId(request: OrderRequest): Promise<OrderSnapshot | undefined>;
  close(): Promise<void>;
}

/** One wrapper for all three: only "how to cancel a venue order id" differs. */
function executionVenue(
  venue: Venue,
  adapter: AdapterLike,
  cancelById: (venueOrderId: string) => Promise<unknown>,
  resolution?: ExecutionVenue['resolution'],
  touch?: ExecutionVenue['touch'],
): ExecutionVenue {
  return {
    venue,
    rate: adapter.rate,
    ...(resolution ? { resolution } : {}),
    ...(touch ? { touch } : {}),
    submit: (request) => adapter.submitOrder(request),
    lookup: (request) => adapter.findByClientOrderId(request),
    async cancel(request) {
      const before = await adapter.findByClientOrderId(request);
      if (!before || isTerminal(before.state) || !before.venueOrderId) return before;
      try {
        await cancelById(before.venueOrderId);
      } catch (err) {
        // A fill can finish the order between our lookup and the cancel: the venue refuses the
        // cancel (permanent 4xx) and the lookup below tells what happened. Anything else propagates.
        if (!(err instanceof VenueError && err.errorClass === 'permanent' && err.details.httpStatus !== 401)) throw err;
      }
      return adapter.findByClientOrderId(request);
    },
    close: () => adapter.close(),
  };
}

/** The simulator's venues as adapters, one per venue, on its test credentials. */
export interface PaperAdapters {
  kalshi: KalshiAdapter;
  polymarket: PolymarketAdapter;
  coinbase: CoinbaseAdapter;
}

/**
 * PAPER mode: one adapter per venue. A worker shares them between orders, books and
 * reconciliation, so each venue's rate budget (per account at the real venues) is counted once.
 */
export function paperAdapters(sim: SimulatorDescription, opts: { posting?: PostingPolicy; onOutcome?: (outcome: EndpointOutcome) => void } = {}): PaperAdapters {
  const { posting, onOutcome } = opts;
  return {
    kalshi: new KalshiAdapter({ restBaseUrl: sim.kalshi.restBaseUrl, credentials: { keyId: sim.kalshi.apiKeyId, privateKeyPem: sim.kalshi.privateKeyPem }, posting, onOutcome }),
    polymarket: new PolymarketAdapter({
      restBaseUrl: sim.polymarket.restBaseUrl,
      account: privateKeyToAccount(sim.polymarket.walletPrivateKey),
      credentials: { key: sim.polymarket.apiKey, secret: sim.polymarket.apiSecret, passphrase: sim.polymarket.apiPassphrase },
      posting,
      onOutcome,
    }),
    coinbase: new CoinbaseAdapter({ restBaseUrl: sim.coinbase.restBaseUrl, credentials: { keyName: sim.coinbase.apiKeyName, privateKeyPem: sim.coinbase.apiPrivateKeyPem }, posting, onOutcome }),
  };
}

/** PAPER mode: adapters for every venue of the simulator, on its test credentials. */
export function executionVenuesForSimulator(sim: SimulatorDescription, posting?: PostingPolicy, onOutcome?: (outcome: EndpointOutcome) => void): ExecutionVenues {
  return executionVenuesFor(paperAdapters(sim, { posting, onOutcome }));
}

/** The execution seam over a set of adapters; closing the venues closes the adapters. */
export function executionVenuesFor({ kalshi, polymarket, coinbase }: PaperAdapters): ExecutionVenues {
  return {
    kalshi: executionVenue(
      'kalshi',
      kalshi,
      (id) => kalshi.cancelOrder(id),
      (market, outcome) => kalshi.resolution(market, outcome ?? 'yes'),
      async (market, outcome, action) => touchOf(outcome === 'no' ? complementBook(await kalshi.orderBook(market)) : await kalshi.orderBook(market), action),
    ),
    // A Polymarket market is the outcome token itself: what it pays does not depend on `outcome`.
    polymarket: executionVenue(
      'polymarket',
      polymarket,
      (id) => polymarket.cancelOrder(id),
      (market) => polymarket.resolution(market),
      async (market, _outcome, action) => touchOf(await polymarket.orderBook(market), action),
    ),
    // Spot has no outcome: the touch is the product's book (`GET /product_book`), best level only.
    coinbase: executionVenue('coinbase', coinbase, (id) => coinbase.cancelOrder(id), undefined, async (market, _outcome, action) => touchOf(await coinbase.orderBook(market, 1), action)),
  };
}

/**
 * PAPER mode: the simulator's private user streams, for the router: Kalshi's `fill` channel and
 * Polymarket's user channel (`/ws/user`, next to the market channel's `/ws/market`).
 */
export function userStreamsForSimulator(sim: SimulatorDescription): RouterDeps['userStreams'] {
  return {
    kalshi: () => kalshiUserStream({ wsUrl: sim.kalshi.wsUrl, credentials: { keyId: sim.kalshi.apiKeyId, privateKeyPem: sim.kalshi.privateKeyPem } }),
    polymarket: () =>
      polymarketUserStream({ wsUrl: new URL('/ws/user', sim.polymarket.wsUrl).toString(), credentials: { key: sim.polymarket.apiKey, secret: sim.polymarket.apiSecret, passphrase: sim.polymarket.apiPassphrase } }),
    // Coinbase's `user` channel, on the same WebSocket as level2.
    coinbase: () => coinbaseUserStream({ wsUrl: sim.coinbase.wsUrl, credentials: { keyName: sim.coinbase.apiKeyName, privateKeyPem: sim.coinbase.apiPrivateKeyPem } }),
  };
}

type Book = { bids: [string, string][]; asks: [string, string][] };

function touchOf(book: Book, action: Action): { price: string; size: string } | undefined {
  const level = action === 'buy' ? book.asks[0] : book.bids[0];
  return level ? { price: level[0], size: level[1] } : undefined;
}

/** Kalshi's YES book seen from NO: a NO ask is 1 − a YES bid, a NO bid is 1 − a YES ask. */
function complementBook(yes: Book): Book {
  const flip = (levels: [string, string][]) => levels.map(([p, n]): [string, string] => [decStr(ONE.minus(dec(p))), n]);
  return { bids: flip(yes.asks), asks: flip(yes.bids) };
}

export async function closeExecutionVenues(venues: ExecutionVenues): Promise<void> {
  await Promise.all(Object.values(venues).map((v) => v.close()));
}

const simulatorDescriptionSchema = z.object({
  kalshi: z.object({ restBaseUrl: z.url(), wsUrl: z.url(), adminUrl: z.url(), apiKeyId: z.string().min(1), privateKeyPem: z.string().min(1) }),
  polymarket: z.object({
    restBaseUrl: z.url(),
    wsUrl: z.url(),
    adminUrl: z.url(),
    apiKey: z.string().min(1),
    apiSecret: z.string().min(1),
    apiPassphrase: z.string().min(1),
    walletPrivateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/).transform((k) => k as `0x${string}`),
  }),
  coinbase: z.object({ restBaseUrl: z.url(), wsUrl: z.url(), adminUrl: z.url(), apiKeyName: z.string().min(1), apiPrivateKeyPem: z.string().min(1) }),
  world: z.object({ mapping: marketMappingSchema }).optional(),
});

/** Reads a simulator description file (`legwork sim` output); errors name the file and the field, never a key. */
export function readSimulatorDescription(file: string): SimulatorDescription {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`LEGWORK_SIM_FILE ${file}: ${(err as Error).message}`);
  }
  return parseOrThrow(simulatorDescriptionSchema, `simulator description ${file}`, raw);
}

/** Writes a description for worker processes: owner-only, since it holds the paper credentials. */
export function writeSimulatorDescription(file: string, sim: SimulatorDescription): void {
  fs.writeFileSync(file, JSON.stringify(sim), { mode: 0o600 });
}

/**
 * Adapters to use, and how to let go of them: shared ones stay open (their owner closes them), a
 * set made here is closed with what uses it.
 */
function adaptersFor(sim: SimulatorDescription, shared?: PaperAdapters): { adapters: PaperAdapters; close(): Promise<void> } {
  if (shared) return { adapters: shared, close: async () => undefined };
  const adapters = paperAdapters(sim);
  return { adapters, close: async () => void (await Promise.all([adapters.kalshi.close(), adapters.polymarket.close(), adapters.coinbase.close()])) };
}

/** PAPER mode: the venue reconcilers daily and start-up reconciliation run against the simulator. */
export function venueReconcilersForSimulator(sim: SimulatorDescription, shared?: PaperAdapters): { reconcilers: VenueReconciler[]; close(): Promise<void> } {
  const { adapters, close } = adaptersFor(sim, shared);
  return { reconcilers: [kalshiReconciler(adapters.kalshi), polymarketReconciler(adapters.polymarket), coinbaseReconciler(adapters.coinbase)], close };
}

/**
 * PAPER mode: the books the signal loop reads, from the simulator's REST endpoints (Kalshi YES
 * books by ticker, Polymarket token books, Coinbase product books).
 */
export function bookSourceForSimulator(sim: SimulatorDescription, shared?: PaperAdapters): { books: BookSource; close(): Promise<void> } {
  const { adapters, close } = adaptersFor(sim, shared);
  const books: BookSource = {
    book: (venue, market) => (venue === 'kalshi' ? adapters.kalshi.orderBook(market) : venue === 'polymarket' ? adapters.polymarket.orderBook(market) : adapters.coinbase.orderBook(market)),
  };
  return { books, close };
}

/**
 * PAPER mode: the signal loop's books from the simulator's market-data feeds for the mapped
 * markets and Coinbase's BTC-USD, one feed per venue, with its REST books as the fallback
 * (venues/streaming-books.ts); `recorder` records every book event the feeds apply.
 */
export function streamingBookSourceForSimulator(
  sim: SimulatorDescription,
  mapping: MarketMapping,
  shared?: PaperAdapters,
  opts: { recorder?: Recorder; tuning?: FeedTuning; store?: FeedStore } = {},
): { books: BookSource; health(): FeedHealth; store: FeedStore; close(): Promise<void> } {
  const rest = bookSourceForSimulator(sim, shared);
  const streams = streamingBookSource({
    sources: feedSourcesForSimulator(sim, rest.books),
    markets: feedMarketsFor(mapping),
    fallback: rest.books,
    ...opts,
  });
  return {
    books: streams.books,
    health: () => streams.health(),
    store: streams.store,
    close: async () => {
      await streams.close();
      await rest.close();
    },
  };
}
