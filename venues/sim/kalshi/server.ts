/**
 * A Kalshi simulator on loopback: `/trade-api/v2` portfolio and market paths with Kalshi's JSON
 * shapes (prices in cents, counts), RSA-PSS verification on every request (Kalshi's 401
 * otherwise), `client_order_id` uniqueness (a second order with the same id is refused with
 * 409 `order_already_exists`), a binary book per market held as YES bids and NO bids (a YES buy
 * at p takes NO bids at 100 − p or better), taker fees by Kalshi's formula, a cash balance in
 * cents, an independent order log, order listings paged as Kalshi pages them (order-listing.ts),
 * and fault injection through an admin API.
 *
 * Admin API for the market world (other traders, never us): `POST /_sim/markets {ticker, title?,
 * resolvesAt?}` lists a market with an empty book (idempotent; `resolvesAt`, ms since the epoch, is
 * its close and expected expiration time in `GET /markets/{ticker}`), `POST /_sim/liquidity {ticker, side, price, count}` adds
 * (count > 0) or withdraws (count < 0) other traders' resting contracts at a level; both change
 * the book as any order would, so `orderbook_delta` subscribers see every change.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { kalshiFee } from '../../../domain/fees';
import { dec } from '../../../domain/money';
import { formatZodError } from '../../../domain/validation';
import { createFaultRegistry, createFrameDelivery, STREAM_MESSAGE_FAULTS, type FaultKind } from '../faults';
import { amendKalshiOrder, type KalshiAmendDeps } from './amend';
import { generateSimKalshiKey, verifyKalshiRequest, type SimKalshiKey } from './auth';
import { eventOrderCanceled, eventOrderCreated, legacyOrderOf } from './event-orders';
import { marketListingSchema, newMarket, recordTrade, relist, type KalshiSimMarket } from './markets';
import { KALSHI_ORDERS_MAX_LIMIT, listOrdersPage } from './order-listing';
import { centsToDollars, kalshiBalanceWire, kalshiFillWire, kalshiMarketWire, kalshiOrderbookWire, kalshiOrderWire } from './wire-fields';

const API = '/trade-api/v2';
const WS_PATH = '/trade-api/ws/v2';

const createSchema = z.object({
  ticker: z.string().min(1),
  client_order_id: z.string().min(1).max(128),
  side: z.enum(['yes', 'no']),
  action: z.enum(['buy', 'sell']),
  count: z.number().int().positive(),
  type: z.literal('limit').default('limit'),
  yes_price: z.number().int().min(1).max(99).optional(),
  no_price: z.number().int().min(1).max(99).optional(),
  time_in_force: z.enum(['fill_or_kill', 'immediate_or_cancel', 'good_till_canceled']).optional(),
  /** Seconds since the epoch: a resting order is cancelled by the venue at this time. */
  expiration_ts: z.number().int().positive().optional(),
});

export interface KalshiSimOrder {
  order_id: string;
  client_order_id: string;
  ticker: string;
  side: 'yes' | 'no';
  action: 'buy' | 'sell';
  type: 'limit';
  status: 'resting' | 'canceled' | 'executed' | 'pending';
  yes_price: number;
  no_price: number;
  initial_count: number;
  fill_count: number;
  remaining_count: number;
  taker_fees: number;
  /** What the fills cost (or, for a sell, fetched), in cents: the execution prices, not the limit. */
  taker_fill_cost: number;
  created_time: string;
  expiration_time?: string;
}

/** Fault streams (venues/sim/faults.ts): the public book channel and the private fill channel. */
const WS_BOOK = 'WS orderbook_delta';
const WS_FILL = 'WS fill';

const resolveSchema = z.object({ ticker: z.string().min(1), result: z.enum(['yes', 'no']) });
/** Drift injection (admin API): our cash changes with no fill to explain it (a fee, a transfer, a venue error). */
const balanceDeltaSchema = z.object({ deltaCents: z.number().int() });
/** A trade by someone else (admin API): it takes resting liquidity, ours included, and never rests. */
const externalTradeSchema = z.object({ ticker: z.string().min(1), side: z.enum(['yes', 'no']), action: z.enum(['buy', 'sell']), count: z.number().int().positive(), price: z.number().int().min(1).max(99) });
/** A market listed on demand (admin API), with an empty book: the market world lists its events this way. */
const listMarketSchema = marketListingSchema.extend({ ticker: z.string().min(1).max(128) });
/**
 * Other traders' resting liquidity at one level (admin API): `count` > 0 is another trader's limit
 * bid (it trades with whatever it crosses first, ours included, as any bid would, then rests);
 * `count` < 0 withdraws that many of other traders' contracts there, newest first (older entries
 * keep their queue priority), never ours, and no more than they have (the answer says how many).
 */
const liquiditySchema = z.object({
  ticker: z.string().min(1),
  side: z.enum(['yes', 'no']),
  price: z.number().int().min(1).max(99),
  count: z.number().int().refine((n) => n !== 0, 'must not be 0'),
});

/** A resting entry at a level: one of our orders, or liquidity from elsewhere (seeded, other traders). */
interface Resting {
  orderId?: string;
  remaining: number;
}

interface Level {
  price: number; // cents
  count: number;
  /** Price-time priority: first in, first filled. `count` is the sum of `remaining`. */
  queue: Resting[];
}

/** A fill of one of our orders, as `GET /portfolio/fills` and the private `fill` channel report it. */
export interface KalshiSimFill {
  fill_id: string;
  trade_id: string;
  order_id: string;
  client_order_id: string;
  ticker: string;
  market_ticker: string;
  side: 'yes' | 'no';
  action: 'buy' | 'sell';
  count: number;
  yes_price: number;
  no_price: number;
  is_taker: boolean;
  /** The fee charged on this fill, in Kalshi's dollar string ("0.0200"); makers pay none here. */
  fee_cost: string;
  created_time: string;
  ts: number;
}

export type KalshiSeedBook = { yes: [number, number][]; no: [number, number][] };
/** YES bids at 40¢ (100), NO bids at 57¢ (30) and 55¢ (100): YES asks at 43¢ and 45¢. */
const DEFAULT_BOOKS: Record<string, KalshiSeedBook> = { 'FED-25DEC-T4.25': { yes: [[40, 100]], no: [[57, 30], [55, 100]] } };

export interface KalshiSim {
  restBaseUrl: string;
  wsUrl: string;
  key: SimKalshiKey;
  orderLog: KalshiSimOrder[];
  fills: KalshiSimFill[];
  /** Emits `request` ({ endpoint, at }) for every venue API request (benches time failovers with it). */
  requests: EventEmitter;
  stop(): Promise<void>;
}

export interface KalshiSimOptions {
  port?: number;
  books?: Record<string, KalshiSeedBook>;
  balanceCents?: number;
  /**
   * The most orders one page of `GET /portfolio/orders` holds, whatever `limit` asks (default
   * 1000, Kalshi's maximum): a small value makes a few orders span many pages in tests.
   */
  ordersPageLimit?: number;
}

export async function startKalshiSim(opts: KalshiSimOptions = {}): Promise<KalshiSim> {
  const ordersPageLimit = opts.ordersPageLimit ?? KALSHI_ORDERS_MAX_LIMIT;
  if (!Number.isInteger(ordersPageLimit) || ordersPageLimit < 1) throw new Error(`ordersPageLimit: must be a whole number of at least 1, not ${ordersPageLimit}`);
  const key = generateSimKalshiKey();
  const books = new Map<string, { yes: Level[]; no: Level[] }>();
  for (const [ticker, b] of Object.entries(opts.books ?? DEFAULT_BOOKS)) {
    const seeded = ([price, count]: [number, number]): Level => ({ price, count, queue: [{ remaining: count }] });
    books.set(ticker, { yes: b.yes.map(seeded), no: b.no.map(seeded) });
  }
  let balance = opts.balanceCents ?? 10_000_000;
  /** Each listed market's listing, result and trade statistics (venues/sim/kalshi/markets.ts), next to its book. */
  const markets = new Map<string, KalshiSimMarket>([...books.keys()].map((ticker) => [ticker, newMarket(ticker, Date.now())]));
  /** Kalshi's market object (Market), as `GET /markets/{ticker}` and the admin API answer it. */
  const marketOf = (ticker: string) => kalshiMarketWire(markets.get(ticker)!, snapshotOf(ticker), Date.now());
  const orders = new Map<string, KalshiSimOrder>();
  const byClientId = new Map<string, KalshiSimOrder>();
  const orderLog: KalshiSimOrder[] = [];
  const fills: KalshiSimFill[] = [];
  const requests = new EventEmitter();
  const faults = createFaultRegistry({
    http: ['http_429', 'http_5xx', 'slow', 'timeout', 'accept_then_drop', 'reject', 'crossed_book'],
    ws: { [WS_BOOK]: ['crossed_book', 'stale_book', 'ws_seq_gap', 'ws_duplicate', 'ws_out_of_order', 'ws_disconnect'], [WS_FILL]: ['user_stream_silent', 'ws_disconnect'] },
    disconnect: (endpoint) => {
      const sockets = new Set(subscriptions.filter((s) => s.fills === (endpoint === WS_FILL)).map((s) => s.ws));
      for (const ws of sockets) ws.terminate();
      return sockets.size;
    },
  });
  const deliver = createFrameDelivery();

  // ---- market data stream: per connection subscriptions, a seq per subscription ----
  interface Subscription {
    ws: WebSocket;
    sid: number;
    seq: number;
    tickers: Set<string>;
    /** The private `fill` channel: every fill of our orders (all markets unless tickers are given). */
    fills: boolean;
  }
  const subscriptions: Subscription[] = [];
  let nextSid = 1;
  const send = (sub: Subscription, type: string, msg: unknown, fault?: FaultKind) => {
    if (fault === 'ws_seq_gap') sub.seq += 1; // a message the client never sees
    sub.seq += 1;
    deliver(sub.ws, JSON.stringify({ type, sid: sub.sid, seq: sub.seq, msg }), fault);
  };
  const snapshotOf = (ticker: string) => {
    const book = books.get(ticker)!;
    const side = (levels: Level[]) => [...levels].sort((a, b) => a.price - b.price).map((l) => [l.price, l.count]);
    return { market_ticker: ticker, yes: side(book.yes), no: side(book.no) };
  };
  /** The snapshot a subscriber gets; `crossed_book` swaps it in YES terms (YES bids at the YES asks and back). */
  const streamSnapshotOf = (ticker: string) => (faults.take(WS_BOOK, { kinds: ['crossed_book'], market: ticker }) ? crossedSnapshotOf(ticker) : snapshotOf(ticker));
  const crossedSnapshotOf = (ticker: string) => {
    const { yes, no } = snapshotOf(ticker);
    const mirror = (levels: number[][]) => levels.map(([p, n]) => [100 - p!, n!]).sort((a, b) => a[0]! - b[0]!);
    return { market_ticker: ticker, yes: mirror(no), no: mirror(yes) };
  };
  const emitDelta = (ticker: string, side: 'yes' | 'no', price: number, delta: number) => {
    if (delta === 0) return;
    const subs = subscriptions.filter((x) => !x.fills && x.tickers.has(ticker));
    // One fault per update, applied to every subscriber of it.
    const fault = faults.take(WS_BOOK, { kinds: STREAM_MESSAGE_FAULTS, market: ticker });
    if (fault?.kind === 'stale_book') {
      // Withheld, seq unbroken; after the last one the market's book is re-sent whole.
      if (fault.count === 0) for (const sub of subs) send(sub, 'orderbook_snapshot', snapshotOf(ticker));
      return;
    }
    for (const sub of subs) send(sub, 'orderbook_delta', { market_ticker: ticker, price, delta, side }, fault?.kind);
  };

  /**
   * Where an order sits in the book, which Kalshi keeps as YES bids and NO bids only: buying YES
   * at p is a YES bid at p; selling YES at p is an offer of YES, i.e. a NO bid at 100 − p (and
   * the same for NO). Matching then only ever sees bids.
   */
  const bookSideOf = (o: KalshiSimOrder): { side: 'yes' | 'no'; price: number } => {
    const own = o.side === 'yes' ? o.yes_price : o.no_price;
    if (o.action === 'buy') return { side: o.side, price: own };
    return { side: o.side === 'yes' ? 'no' : 'yes', price: 100 - own };
  };

  const recordFill = (o: KalshiSimOrder, count: number, yesPrice: number, isTaker: boolean, feeCents: number) => {
    const id = randomUUID();
    const fill: KalshiSimFill = {
      fill_id: id,
      trade_id: id,
      order_id: o.order_id,
      client_order_id: o.client_order_id,
      ticker: o.ticker,
      market_ticker: o.ticker,
      side: o.side,
      action: o.action,
      count,
      yes_price: yesPrice,
      no_price: 100 - yesPrice,
      is_taker: isTaker,
      fee_cost: centsToDollars(feeCents),
      created_time: new Date().toISOString(),
      ts: Math.floor(Date.now() / 1000),
    };
    fills.push(fill);
    if (faults.take(WS_FILL, { kinds: ['user_stream_silent'], market: o.ticker })) return;
    for (const sub of subscriptions.filter((x) => x.fills && (x.tickers.size === 0 || x.tickers.has(o.ticker)))) send(sub, 'fill', fill);
  };

  /** What one contract of `o` trades at when its book-side price is `bookPrice` (cents, per the order's own side). */
  const ownPrice = (o: Pick<KalshiSimOrder, 'action'>, bookPrice: number) => (o.action === 'buy' ? bookPrice : 100 - bookPrice);
  const yesPriceOf = (o: Pick<KalshiSimOrder, 'side'>, price: number) => (o.side === 'yes' ? price : 100 - price);

  /** Books one fill on one of our orders: counts, cost, fees (takers only on this series), balance. */
  const fillOrder = (o: KalshiSimOrder, n: number, price: number, isTaker: boolean) => {
    o.fill_count += n;
    o.remaining_count -= n;
    // Kalshi fees are whole cents (rounded up), so this integer is exact.
    const feeCents = isTaker ? dec(kalshiFee({ contracts: String(n), price: dec(String(price)).div(100).toFixed(), liquidity: 'taker' })).times(100).toNumber() : 0;
    o.taker_fees += feeCents;
    o.taker_fill_cost += price * n;
    balance += o.action === 'buy' ? -(price * n + feeCents) : price * n - feeCents;
    recordFill(o, n, yesPriceOf(o, price), isTaker, feeCents);
  };

  /**
   * A bid on one side at p takes bids on the other side priced >= 100 − p, best price first and
   * first-in first within a price; resting orders of ours that are taken are filled as makers.
   * `o` is ours unless `external` (a trade by someone else: it never rests and books nothing).
   */
  const execute = (o: KalshiSimOrder, ioc: boolean, fok: boolean, external = false) => {
    const book = books.get(o.ticker);
    const { side, price: own } = bookSideOf(o);
    const other = side === 'yes' ? 'no' : 'yes';
    const opposite = book?.[other] ?? [];
    opposite.sort((a, b) => b.price - a.price);
    const crosses = (l: Level) => l.price >= 100 - own;
    if (fok && opposite.filter(crosses).reduce((a, l) => a + l.count, 0) < o.remaining_count) {
      o.status = 'canceled';
      return;
    }
    for (const level of opposite) {
      if (o.remaining_count === 0 || !crosses(level)) break;
      let taken = 0;
      while (o.remaining_count > 0 && level.queue.length > 0) {
        const entry = level.queue[0]!;
        const n = Math.min(entry.remaining, o.remaining_count);
        entry.remaining -= n;
        taken += n;
        // The taker trades at the resting price, seen from its own side.
        const takerPrice = ownPrice(o, 100 - level.price);
        if (external) o.remaining_count -= n;
        else fillOrder(o, n, takerPrice, true);
        const maker = entry.orderId ? orders.get(entry.orderId) : undefined;
        // Liquidity that is not one of our orders is another trader's bid: a buy.
        const traded = markets.get(o.ticker);
        if (traded) recordTrade(traded, { yesPrice: other === 'yes' ? level.price : 100 - level.price, count: n, takerBuys: o.action === 'buy', makerBuys: maker ? maker.action === 'buy' : true, at: Date.now() });
        if (maker) {
          fillOrder(maker, n, ownPrice(maker, level.price), false);
          if (maker.remaining_count === 0) maker.status = 'executed';
        }
        if (entry.remaining === 0) level.queue.shift();
      }
      level.count -= taken;
      emitDelta(o.ticker, other, level.price, -taken);
    }
    if (book) book[other] = opposite.filter((l) => l.count > 0);
    o.status = o.remaining_count === 0 ? 'executed' : ioc || external ? 'canceled' : 'resting';
    if (o.status === 'resting' && book) {
      const level = book[side].find((l) => l.price === own);
      if (level) {
        level.count += o.remaining_count;
        level.queue.push({ orderId: o.order_id, remaining: o.remaining_count });
      } else book[side].push({ price: own, count: o.remaining_count, queue: [{ orderId: o.order_id, remaining: o.remaining_count }] });
      emitDelta(o.ticker, side, own, o.remaining_count);
    }
  };

  /** A trade by someone else, as an order that `execute` runs with `external` (books nothing, never rests). */
  const externalOrder = (ticker: string, side: 'yes' | 'no', action: 'buy' | 'sell', price: number, count: number): KalshiSimOrder => {
    const yes = side === 'yes' ? price : 100 - price;
    return { order_id: `external-${randomUUID()}`, client_order_id: '', ticker, side, action, type: 'limit', status: 'pending', yes_price: yes, no_price: 100 - yes, initial_count: count, fill_count: 0, remaining_count: count, taker_fees: 0, taker_fill_cost: 0, created_time: new Date().toISOString() };
  };
  /** Other traders' contracts resting at a level (ours excluded): what a liquidity provider can still withdraw. */
  const othersAt = (ticker: string, side: 'yes' | 'no', price: number) =>
    (books.get(ticker)?.[side].find((x) => x.price === price)?.queue ?? []).reduce((a, e) => a + (e.orderId ? 0 : e.remaining), 0);

  /** A resting order leaves the book (cancel, expiry): its level shrinks by what it had left. */
  const takeOffBook = (o: KalshiSimOrder) => {
    o.status = 'canceled';
    const book = books.get(o.ticker);
    const { side, price } = bookSideOf(o);
    const level = book?.[side].find((l) => l.price === price);
    if (book && level) {
      level.count -= o.remaining_count;
      level.queue = level.queue.filter((e) => e.orderId !== o.order_id);
      book[side] = book[side].filter((l) => l.count > 0);
      emitDelta(o.ticker, side, price, -o.remaining_count);
    }
  };
  const expiryTimers = new Set<NodeJS.Timeout>();
  const amendDeps: KalshiAmendDeps = { orders, byClientId, books, bookSideOf, emitDelta, execute: (o, ioc, fok) => execute(o, ioc, fok) };

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  const error = (res: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) => json(res, status, { error: { code, message } }, headers);

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      try {
        handle(req, res, raw);
      } catch (err) {
        error(res, 500, 'internal_server_error', String(err));
      }
    });
  });

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const endpoint = `${req.method} ${url.pathname}`;
    if (!url.pathname.startsWith('/_sim/')) requests.emit('request', { endpoint, at: Date.now() });
    if (url.pathname === '/_sim/faults') {
      const answer = faults.admin(req.method, raw);
      return json(res, answer.status, answer.body);
    }
    if (url.pathname === '/_sim/orders') return json(res, 200, { orders: orderLog });
    if (url.pathname === '/_sim/trade' && req.method === 'POST') {
      const parsed = externalTradeSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return error(res, 400, 'invalid_trade', formatZodError(parsed.error));
      const t = parsed.data;
      if (!books.has(t.ticker)) return error(res, 404, 'market_not_found', `no market ${t.ticker}`);
      const trade = externalOrder(t.ticker, t.side, t.action, t.price, t.count);
      execute(trade, true, false, true);
      return json(res, 200, { traded: t.count - trade.remaining_count });
    }
    if (url.pathname === '/_sim/markets' && req.method === 'POST') {
      const parsed = listMarketSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return error(res, 400, 'invalid_market', formatZodError(parsed.error));
      // Idempotent: listing a market twice keeps its book (a restarted world must not wipe it).
      const { ticker, ...listing } = parsed.data;
      const created = !books.has(ticker);
      if (created) {
        books.set(ticker, { yes: [], no: [] });
        markets.set(ticker, newMarket(ticker, Date.now(), listing));
      } else relist(markets.get(ticker)!, listing, Date.now());
      return json(res, created ? 201 : 200, { market: marketOf(parsed.data.ticker) });
    }
    if (url.pathname === '/_sim/liquidity' && req.method === 'POST') {
      const parsed = liquiditySchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return error(res, 400, 'invalid_liquidity', formatZodError(parsed.error));
      const l = parsed.data;
      const book = books.get(l.ticker);
      if (!book) return error(res, 404, 'market_not_found', `no market ${l.ticker}`);
      if (l.count > 0) {
        // Another trader's bid: it trades with what it crosses (a bid on one side at p takes the
        // other side's bids at 100 − p or better), then the rest rests behind the level's queue.
        const bid = externalOrder(l.ticker, l.side, 'buy', l.price, l.count);
        execute(bid, true, false, true);
        const rested = bid.remaining_count;
        if (rested > 0) {
          const level = book[l.side].find((x) => x.price === l.price);
          if (level) {
            level.count += rested;
            level.queue.push({ remaining: rested });
          } else book[l.side].push({ price: l.price, count: rested, queue: [{ remaining: rested }] });
          emitDelta(l.ticker, l.side, l.price, rested);
        }
        return json(res, 200, { traded: l.count - rested, rested, others: othersAt(l.ticker, l.side, l.price) });
      }
      const level = book[l.side].find((x) => x.price === l.price);
      let wanted = -l.count;
      let removed = 0;
      if (level) {
        for (let i = level.queue.length - 1; i >= 0 && wanted > 0; i--) {
          const entry = level.queue[i]!;
          if (entry.orderId) continue; // ours: only our own cancel takes it out
          const n = Math.min(entry.remaining, wanted);
          entry.remaining -= n;
          wanted -= n;
          removed += n;
          if (entry.remaining === 0) level.queue.splice(i, 1);
        }
        level.count -= removed;
        book[l.side] = book[l.side].filter((x) => x.count > 0);
        emitDelta(l.ticker, l.side, l.price, -removed);
      }
      return json(res, 200, { removed, others: othersAt(l.ticker, l.side, l.price) });
    }
    if (url.pathname === '/_sim/balance' && req.method === 'POST') {
      const parsed = balanceDeltaSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return error(res, 400, 'invalid_balance', formatZodError(parsed.error));
      balance += parsed.data.deltaCents;
      return json(res, 200, { balance });
    }
    if (url.pathname === '/_sim/resolve' && req.method === 'POST') {
      const parsed = resolveSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return error(res, 400, 'invalid_resolution', formatZodError(parsed.error));
      if (!books.has(parsed.data.ticker)) return error(res, 404, 'market_not_found', `no market ${parsed.data.ticker}`);
      const m = markets.get(parsed.data.ticker)!;
      if (!m.result) m.resolvedAt = Date.now();
      m.result = parsed.data.result;
      return json(res, 200, { market: marketOf(parsed.data.ticker) });
    }

    const auth = verifyKalshiRequest(req.headers, key, { method: req.method ?? 'GET', path: url.pathname }, Date.now());
    if (!auth.ok) return error(res, 401, 'authentication_error', auth.reason);
    const fault = faults.take(endpoint);
    faults.shapeAnswer(fault, res); // slow, timeout, accept_then_drop: the request is processed, the answer delayed, withheld or dropped
    if (fault?.kind === 'http_429') return error(res, 429, 'too_many_requests', 'rate limited', fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {});
    if (fault?.kind === 'http_5xx') return error(res, 503, 'service_unavailable', 'try again');

    // Kalshi's current create (the one kalshi-typescript 3.30 calls): translated to the legacy
    // body, then the same path; answered in its own shape (venues/sim/kalshi/event-orders.ts).
    const eventOrder = endpoint === `POST ${API}/portfolio/events/orders` ? legacyOrderOf(raw) : undefined;
    if (eventOrder && !eventOrder.ok) return error(res, 400, 'invalid_parameters', eventOrder.reason);
    if (endpoint === `POST ${API}/portfolio/orders` || eventOrder) {
      const parsed = createSchema.safeParse(eventOrder?.ok ? eventOrder.body : JSON.parse(raw || '{}'));
      if (!parsed.success) return error(res, 400, 'invalid_parameters', formatZodError(parsed.error));
      const b = parsed.data;
      if (fault?.kind === 'reject') return error(res, 400, 'insufficient_balance', 'insufficient balance');
      if (byClientId.has(b.client_order_id)) return error(res, 409, 'order_already_exists', 'an order with this client_order_id already exists');
      if (!books.has(b.ticker)) return error(res, 404, 'market_not_found', `no market ${b.ticker}`);
      const yes = b.yes_price ?? (b.no_price !== undefined ? 100 - b.no_price : undefined);
      if (yes === undefined) return error(res, 400, 'invalid_parameters', 'yes_price or no_price is required');
      const o: KalshiSimOrder = {
        order_id: randomUUID(),
        client_order_id: b.client_order_id,
        ticker: b.ticker,
        side: b.side,
        action: b.action,
        type: 'limit',
        status: 'pending',
        yes_price: yes,
        no_price: 100 - yes,
        initial_count: b.count,
        fill_count: 0,
        remaining_count: b.count,
        taker_fees: 0,
        taker_fill_cost: 0,
        created_time: new Date().toISOString(),
      };
      orders.set(o.order_id, o);
      byClientId.set(o.client_order_id, o);
      orderLog.push(o);
      execute(o, b.time_in_force === 'immediate_or_cancel', b.time_in_force === 'fill_or_kill');
      if (b.expiration_ts !== undefined && o.status === 'resting') {
        // Kalshi cancels an order at its expiration; it then reads as canceled, like any other.
        o.expiration_time = new Date(b.expiration_ts * 1000).toISOString();
        const timer = setTimeout(() => {
          expiryTimers.delete(timer);
          if (o.status === 'resting') takeOffBook(o);
        }, Math.max(0, b.expiration_ts * 1000 - Date.now()));
        timer.unref();
        expiryTimers.add(timer);
      }
      return eventOrder ? json(res, 201, eventOrderCreated(o, new Date())) : json(res, 201, { order: kalshiOrderWire(o) });
    }
    if (endpoint === `GET ${API}/portfolio/orders`) {
      // Paged like Kalshi: newest first, `limit` and an opaque `cursor` (venues/sim/kalshi/order-listing.ts).
      const page = listOrdersPage([...orders.values()], url.searchParams, ordersPageLimit);
      if (!page.ok) return error(res, 400, 'invalid_parameters', page.reason);
      return json(res, 200, { orders: page.orders.map(kalshiOrderWire), cursor: page.cursor });
    }
    const amend = new RegExp(`^${API}/portfolio/orders/([^/]+)/amend$`).exec(url.pathname);
    if (amend && req.method === 'POST') {
      const reply = amendKalshiOrder(amendDeps, amend[1]!, raw);
      return json(res, reply.status, reply.body);
    }
    const one = new RegExp(`^${API}/portfolio/orders/([^/]+)$`).exec(url.pathname);
    const eventOne = new RegExp(`^${API}/portfolio/events/orders/([^/]+)$`).exec(url.pathname);
    if (one && req.method === 'GET') {
      const o = orders.get(one[1]!);
      return o ? json(res, 200, { order: kalshiOrderWire(o) }) : error(res, 404, 'not_found', 'order not found');
    }
    if ((one ?? eventOne) && req.method === 'DELETE') {
      const o = orders.get((one ?? eventOne)![1]!);
      if (!o) return error(res, 404, 'not_found', 'order not found');
      if (o.status !== 'resting') return error(res, 400, 'order_not_cancelable', `order is ${o.status}`);
      takeOffBook(o);
      return eventOne ? json(res, 200, eventOrderCanceled(o, o.remaining_count, new Date())) : json(res, 200, { order: kalshiOrderWire(o), reduced_by: o.remaining_count });
    }
    if (endpoint === `GET ${API}/portfolio/balance`) return json(res, 200, kalshiBalanceWire(balance, new Date()));
    if (endpoint === `GET ${API}/portfolio/fills`) {
      // The cursor is an opaque position in our fill history (here: the index of the next fill).
      const ticker = url.searchParams.get('ticker');
      const orderId = url.searchParams.get('order_id');
      const from = Number(url.searchParams.get('cursor') || '0');
      const limit = Math.min(Number(url.searchParams.get('limit') || '100'), 1000);
      const page = fills.slice(from).filter((f) => (!ticker || f.ticker === ticker) && (!orderId || f.order_id === orderId)).slice(0, limit);
      const next = page.length === limit ? fills.indexOf(page[page.length - 1]!) + 1 : fills.length;
      return json(res, 200, { fills: page.map(kalshiFillWire), cursor: String(next) });
    }
    if (endpoint === `GET ${API}/portfolio/positions`) {
      // Kalshi's MarketPosition, the fields reconciliation reads: `position` is signed (+ YES, − NO
      // contracts); current Kalshi also sends `position_fp` ("10.00"), kept equal here. One page.
      const ticker = url.searchParams.get('ticker');
      const net = new Map<string, { position: number; traded: number; fees: number }>();
      for (const f of fills) {
        if (ticker && f.ticker !== ticker) continue;
        const p = net.get(f.ticker) ?? { position: 0, traded: 0, fees: 0 };
        const yesWard = (f.side === 'yes') === (f.action === 'buy');
        p.position += yesWard ? f.count : -f.count;
        p.traded += f.count * (f.side === 'yes' ? f.yes_price : f.no_price);
        net.set(f.ticker, p);
      }
      const market_positions = [...net].map(([t, p]) => ({
        ticker: t,
        position: p.position,
        position_fp: p.position.toFixed(2),
        total_traded: p.traded,
        resting_orders_count: [...orders.values()].filter((o) => o.ticker === t && o.status === 'resting').length,
      }));
      return json(res, 200, { market_positions, event_positions: [], cursor: '' });
    }
    const market = new RegExp(`^${API}/markets/([^/]+)$`).exec(url.pathname);
    if (market && req.method === 'GET') {
      if (!books.has(market[1]!)) return error(res, 404, 'market_not_found', 'no such market');
      return json(res, 200, { market: marketOf(market[1]!) });
    }
    const ob = new RegExp(`^${API}/markets/([^/]+)/orderbook$`).exec(url.pathname);
    if (ob && req.method === 'GET') {
      if (!books.has(ob[1]!)) return error(res, 404, 'market_not_found', 'no such market');
      const { yes, no } = fault?.kind === 'crossed_book' ? crossedSnapshotOf(ob[1]!) : snapshotOf(ob[1]!);
      return json(res, 200, kalshiOrderbookWire({ yes, no }));
    }
    return error(res, 404, 'not_found', `no route ${endpoint}`);
  };

  // WebSocket: the upgrade carries the same signed headers as REST requests.
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const auth = url.pathname === WS_PATH ? verifyKalshiRequest(req.headers, key, { method: 'GET', path: url.pathname }, Date.now()) : { ok: false as const, reason: 'no such path' };
    if (!auth.ok) {
      socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n${JSON.stringify({ error: { code: 'authentication_error', message: auth.reason } })}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data) => {
        const cmd = z
          .object({ id: z.number().int(), cmd: z.literal('subscribe'), params: z.object({ channels: z.array(z.string()), market_tickers: z.array(z.string()).optional() }) })
          .safeParse(JSON.parse(data.toString()));
        if (!cmd.success) return ws.send(JSON.stringify({ type: 'error', msg: { code: 'invalid_command', message: formatZodError(cmd.error) } }));
        const wantsFills = cmd.data.params.channels.includes('fill');
        const sub: Subscription = { ws, sid: nextSid++, seq: 0, tickers: new Set((cmd.data.params.market_tickers ?? []).filter((t) => books.has(t))), fills: wantsFills };
        subscriptions.push(sub);
        ws.send(JSON.stringify({ id: cmd.data.id, type: 'subscribed', msg: { channel: wantsFills ? 'fill' : 'orderbook_delta', sid: sub.sid } }));
        if (!wantsFills) for (const ticker of sub.tickers) send(sub, 'orderbook_snapshot', streamSnapshotOf(ticker));
      });
      ws.on('close', () => {
        const i = subscriptions.findIndex((x) => x.ws === ws);
        if (i >= 0) subscriptions.splice(i, 1);
      });
      const ping = setInterval(() => ws.ping(), 10_000);
      ping.unref();
      ws.on('close', () => clearInterval(ping));
    });
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    restBaseUrl: `http://127.0.0.1:${port}${API}`,
    wsUrl: `ws://127.0.0.1:${port}${WS_PATH}`,
    key,
    orderLog,
    fills,
    requests,
    stop: async () => {
      for (const timer of expiryTimers) clearTimeout(timer);
      faults.release();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
