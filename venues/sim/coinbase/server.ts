/**
 * A Coinbase Advanced Trade simulator on loopback: the REST paths Legwork uses, with the real
 * JSON shapes, ES256 JWT verification (Coinbase's 401 otherwise), `client_order_id` idempotency
 * (re-posting returns the existing order), balances, fills, an independent order log, and fault
 * injection through an admin API.
 *
 * Each product has one price-time book (../matching.ts) holding other traders' quotes and our
 * resting orders, so ours show in `GET /product_book` and on `level2` like anyone's. An order of
 * ours takes other traders' liquidity best price first, first in first within a price, at each
 * maker's price (taker fee 1.2 %); a GTC remainder rests at the back of its level until someone
 * else's order takes it (maker fee 0.6 %), we cancel it, or an edit moves it (account.ts). FOK
 * fills whole or not at all (CANCELLED, nothing traded); IOC cancels what did not fill. Our orders
 * never trade with each other (self-trade prevention): a taker passes over our own resting orders,
 * and a GTC remainder that would rest crossing one of ours is cancelled (Coinbase's "cancel newest"
 * outcome). Other traders act through the admin API: `/_sim/trade` and `/_sim/liquidity` (the
 * market world's BTC walk), in other-traders.ts. Coinbase's GTD orders are not simulated.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { dec, decStr, type Dec } from '../../../domain/money';
import { formatZodError } from '../../../domain/validation';
import { createFaultRegistry, createFrameDelivery, STREAM_MESSAGE_FAULTS, swapSides, type ArmedFault, type FaultKind } from '../faults';
import { levelChanges, MatchingBook, type BookView, type LevelView } from '../matching';
import { handleAccountAdmin, handleAccountRoute } from './account';
import { generateSimCoinbaseKey, verifyCoinbaseJwt, type SimCoinbaseKey } from './auth';
import { bookFill, type CoinbaseSimCore, type SimFill, type SimOrder } from './core';
import { liquiditySchema, replaceLiquidity } from './other-traders';
import { coinbaseOrderWire } from './order-wire';
import { snakeCaseBody, snakeCaseQuery } from './snake-case';
import { heartbeatEvent, userChannelOrder } from './user-channel';

const API = '/api/v3/brokerage';

const createOrderSchema = z.object({
  client_order_id: z.string().min(1).max(128),
  product_id: z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/),
  side: z.enum(['BUY', 'SELL']),
  order_configuration: z.object({
    limit_limit_gtc: z.object({ base_size: z.string(), limit_price: z.string(), post_only: z.boolean().optional() }).optional(),
    limit_limit_fok: z.object({ base_size: z.string(), limit_price: z.string() }).optional(),
    sor_limit_ioc: z.object({ base_size: z.string(), limit_price: z.string() }).optional(),
  }),
});

export type { SimFill, SimOrder } from './core';

/** Fault streams (venues/sim/faults.ts): the public level2 channel and our orders' user channel. */
const WS_LEVEL2 = 'WS level2';
const WS_USER = 'WS user';

export interface CoinbaseSim {
  restBaseUrl: string;
  wsUrl: string;
  host: string;
  key: SimCoinbaseKey;
  /** Every order accepted, in order: the venue's own truth, independent of any ledger. */
  orderLog: SimOrder[];
  stop(): Promise<void>;
}

export type CoinbaseSeedBook = { bids: [string, string][]; asks: [string, string][] };
const DEFAULT_BOOKS: Record<string, CoinbaseSeedBook> = { 'BTC-USD': { bids: [['97000.00', '1']], asks: [['97100.00', '0.5'], ['97200.00', '1']] } };

export async function startCoinbaseSim(opts: { port?: number; books?: Record<string, CoinbaseSeedBook>; balances?: Record<string, string> } = {}): Promise<CoinbaseSim> {
  const key = generateSimCoinbaseKey();
  // One price-time book per listed product (matching.ts): other traders' quotes and our resting orders.
  const books = new Map<string, MatchingBook>();
  for (const [product, b] of Object.entries(opts.books ?? DEFAULT_BOOKS)) {
    const book = new MatchingBook();
    for (const [p, size] of b.bids) book.addOthers('BUY', dec(p), dec(size));
    for (const [p, size] of b.asks) book.addOthers('SELL', dec(p), dec(size));
    books.set(product, book);
  }
  // Orders on a product that is not listed still rest (the simulator has always taken them), in a
  // book of their own that no public read shows.
  const unlisted = new Map<string, MatchingBook>();
  const bookFor = (product: string) => books.get(product) ?? unlisted.get(product) ?? unlisted.set(product, new MatchingBook()).get(product)!;
  const balances = new Map<string, Dec>(Object.entries(opts.balances ?? { USD: '100000', BTC: '10' }).map(([k, v]): [string, Dec] => [k, dec(v)]));
  const orders = new Map<string, SimOrder>();
  const byClientId = new Map<string, SimOrder>();
  const fills: SimFill[] = [];
  const orderLog: SimOrder[] = [];
  const faults = createFaultRegistry({
    http: ['http_429', 'http_5xx', 'slow', 'timeout', 'accept_then_drop', 'reject', 'crossed_book'],
    ws: { [WS_LEVEL2]: ['crossed_book', 'stale_book', 'ws_seq_gap', 'ws_duplicate', 'ws_out_of_order', 'ws_disconnect'], [WS_USER]: ['ws_disconnect'] },
    disconnect: (endpoint) => {
      const sockets = [...wsClients].filter(([, s]) => (endpoint === WS_USER ? s.user !== undefined : s.products.size > 0)).map(([ws]) => ws);
      for (const ws of sockets) ws.terminate();
      return sockets.length;
    },
  });
  const deliver = createFrameDelivery();

  // ---- level2 channel: one sequence_num per connection; updates carry the absolute new quantity ----
  // `user`: the products whose orders of ours this connection follows on the `user` channel (empty: all).
  const wsClients = new Map<WebSocket, { seq: number; products: Set<string>; user?: Set<string> }>();
  const sendWs = (ws: WebSocket, state: { seq: number }, channel: string, events: unknown[], fault?: FaultKind) => {
    if (fault === 'ws_seq_gap') state.seq += 1; // a message the client never sees
    deliver(ws, JSON.stringify({ channel, client_id: '', timestamp: new Date().toISOString(), sequence_num: state.seq++, events }), fault);
  };
  const l2Snapshot = (product: string) => {
    const { BUY, SELL } = books.get(product)!.levels();
    return [
      ...BUY.map((l) => ({ side: 'bid', event_time: new Date().toISOString(), price_level: decStr(l.price), new_quantity: decStr(l.size) })),
      ...SELL.map((l) => ({ side: 'offer', event_time: new Date().toISOString(), price_level: decStr(l.price), new_quantity: decStr(l.size) })),
    ];
  };
  /** The snapshot a subscriber gets; `crossed_book` swaps its sides (bids quoted at the asks' prices and back). */
  const l2SnapshotEvent = (product: string, fault?: ArmedFault) => {
    const updates = l2Snapshot(product);
    return { type: 'snapshot', product_id: product, updates: fault?.kind === 'crossed_book' ? updates.map((u) => ({ ...u, side: u.side === 'bid' ? 'offer' : 'bid' })) : updates };
  };
  const emitLevel = (product: string, side: 'bid' | 'offer', price: Dec, size: Dec) => {
    // One fault per update, applied to every subscriber of it.
    const fault = faults.take(WS_LEVEL2, { kinds: STREAM_MESSAGE_FAULTS, market: product });
    for (const [ws, state] of wsClients) {
      if (!state.products.has(product)) continue;
      if (fault?.kind === 'stale_book') {
        // Withheld, sequence unbroken; after the last one the product's book is re-sent whole, once
        // the change being made is complete (one change can emit several updates).
        if (fault.count === 0) queueMicrotask(() => sendWs(ws, state, 'l2_data', [l2SnapshotEvent(product)]));
        continue;
      }
      sendWs(ws, state, 'l2_data', [{ type: 'update', product_id: product, updates: [{ side, event_time: new Date().toISOString(), price_level: decStr(price), new_quantity: decStr(size) }] }], fault?.kind);
    }
  };

  /** A listed product's book changed since `before`: one level2 update per level that changed (size 0: gone). */
  const publishChanges = (product: string, before: BookView) => {
    const book = books.get(product);
    if (!book) return; // an unlisted product's book has no subscribers
    for (const c of levelChanges(before, book.levels())) emitLevel(product, c.side === 'BUY' ? 'bid' : 'offer', c.price, c.size);
  };

  const orderChanged = (order: SimOrder) => {
    for (const [ws, state] of wsClients) {
      if (!state.user || (state.user.size > 0 && !state.user.has(order.product_id))) continue;
      sendWs(ws, state, 'user', [{ type: 'update', orders: [userChannelOrder(order)] }]);
    }
  };

  // Takes other traders' liquidity for what is left of the order (an edit may run it again), then a GTC remainder rests.
  const execute = (order: SimOrder, ioc: boolean, fok: boolean) => {
    const book = bookFor(order.product_id);
    const limit = dec(order.limit_price);
    const taker = { side: order.side, limitPrice: limit, size: dec(order.base_size).minus(dec(order.filled_size)) };
    // Self-trade prevention: our orders never trade with each other (the taker passes over ours).
    const theirs = (e: { owner: string }) => e.owner === 'others';
    if (fok && book.fillable(taker, theirs).lt(taker.size)) {
      order.status = 'CANCELLED'; // killed whole: nothing traded
      return;
    }
    const taken = book.match(taker, theirs);
    const at = new Date().toISOString();
    for (const f of taken.fills) bookFill(core, order, f.size, f.price, 'TAKER', at);
    if (taken.remaining.isZero()) order.status = 'FILLED';
    // A remainder that would rest crossing one of our own orders is cancelled (the newer order goes).
    else if (ioc || book.crosses(order.side, limit)) order.status = 'CANCELLED';
    else {
      order.status = 'OPEN';
      book.rest(order.side, limit, { orderId: order.order_id, owner: 'us', size: taken.remaining });
    }
  };
  const core: CoinbaseSimCore = { orders, fills, balances, books, bookFor, execute, publishChanges, orderChanged };

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      void handle(req, res, raw).catch((err: unknown) => json(res, 500, { error: 'INTERNAL', message: String(err) }));
    });
  });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const endpoint = `${req.method} ${url.pathname}`;
    if (url.pathname === '/_sim/faults') {
      const answer = faults.admin(req.method, raw);
      return json(res, answer.status, answer.body);
    }
    if (url.pathname === '/_sim/orders') return json(res, 200, { orders: orderLog });
    if (url.pathname === '/_sim/liquidity' && req.method === 'POST') {
      const parsed = liquiditySchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: 'INVALID_LIQUIDITY', message: formatZodError(parsed.error) });
      const done = replaceLiquidity(core, parsed.data);
      if (!done) return json(res, 404, { error: 'NOT_FOUND', message: `no product ${parsed.data.product_id}` });
      // `traded`: how much of our resting orders the new quotes took (only when some did).
      const { product_id, bids, asks } = parsed.data;
      return json(res, 200, { product_id, bids, asks, ...(done.traded.gt(0) ? { traded: decStr(done.traded) } : {}) });
    }
    const admin = handleAccountAdmin(core, req.method ?? 'GET', url, raw);
    if (admin) return json(res, admin.status, admin.body);

    const auth = await verifyCoinbaseJwt(req.headers.authorization, key, { method: req.method ?? 'GET', host: req.headers.host ?? '', path: url.pathname }, Math.floor(Date.now() / 1000));
    if (!auth.ok) return json(res, 401, { error: 'UNAUTHENTICATED', message: auth.reason });
    // The official SDK sends camelCase fields and query names; every route below reads snake_case (snake-case.ts).
    raw = snakeCaseBody(raw);
    snakeCaseQuery(url);

    const fault = faults.take(endpoint);
    faults.shapeAnswer(fault, res); // slow, timeout, accept_then_drop: the request is processed, the answer delayed, withheld or dropped
    if (fault?.kind === 'http_429') return json(res, 429, { error: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests' }, fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {});
    if (fault?.kind === 'http_5xx') return json(res, 503, { error: 'UNAVAILABLE', message: 'Service unavailable' });

    if (endpoint === `POST ${API}/orders`) {
      const parsed = createOrderSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: 'INVALID_ARGUMENT', message: formatZodError(parsed.error) });
      const body = parsed.data;
      const existing = byClientId.get(body.client_order_id);
      const order =
        existing ??
        (() => {
          if (fault?.kind === 'reject') return undefined;
          const [kind, cfg] = Object.entries(body.order_configuration).find(([, v]) => v !== undefined) as [string, { base_size: string; limit_price: string }];
          const o: SimOrder = {
            order_id: randomUUID(),
            client_order_id: body.client_order_id,
            product_id: body.product_id,
            side: body.side,
            order_configuration: { [kind]: cfg },
            status: 'OPEN',
            base_size: cfg.base_size,
            limit_price: cfg.limit_price,
            filled_size: '0',
            filled_value: '0',
            average_filled_price: '0',
            total_fees: '0',
            number_of_fills: '0',
            created_time: new Date().toISOString(),
            edit_history: [],
          };
          orders.set(o.order_id, o);
          byClientId.set(o.client_order_id, o);
          orderLog.push(o);
          const before = bookFor(o.product_id).levels();
          execute(o, kind === 'sor_limit_ioc', kind === 'limit_limit_fok');
          publishChanges(o.product_id, before);
          orderChanged(o);
          return o;
        })();
      if (!order) return json(res, 200, { success: false, failure_reason: 'UNKNOWN_FAILURE_REASON', error_response: { error: 'INSUFFICIENT_FUND', message: 'Insufficient balance in source account' } });
      return json(res, 200, { success: true, success_response: { order_id: order.order_id, product_id: order.product_id, side: order.side, client_order_id: order.client_order_id }, order_configuration: order.order_configuration });
    }
    const historical = new RegExp(`^${API}/orders/historical/([^/]+)$`).exec(url.pathname);
    if (req.method === 'GET' && historical && historical[1] !== 'batch' && historical[1] !== 'fills') {
      const order = orders.get(historical[1]!);
      return order ? json(res, 200, { order: coinbaseOrderWire(order) }) : json(res, 404, { error: 'NOT_FOUND', message: 'order not found' });
    }
    if (endpoint === `GET ${API}/product_book`) {
      const product = url.searchParams.get('product_id') ?? '';
      const book = books.get(product);
      if (!book) return json(res, 404, { error: 'NOT_FOUND', message: `product ${product || '(no product_id)'} not found` });
      const limitParam = url.searchParams.get('limit') ?? '';
      const limit = limitParam === '' ? undefined : Number(limitParam);
      if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) return json(res, 400, { error: 'INVALID_ARGUMENT', message: `limit: expected a positive whole number, got ${JSON.stringify(limitParam.slice(0, 40))}` });
      // Best first on both sides (as the book keeps them), at most `limit` levels each (the whole book without one).
      const wire = (levels: LevelView[]) => levels.slice(0, limit).map((l) => ({ price: decStr(l.price), size: decStr(l.size) }));
      const { BUY, SELL } = book.levels();
      const sides = { bids: wire(BUY), asks: wire(SELL) };
      return json(res, 200, { pricebook: { product_id: product, ...(fault?.kind === 'crossed_book' ? swapSides(sides) : sides), time: new Date().toISOString() } });
    }
    // Order listing, fills, accounts, products, edit (account.ts).
    const routed = handleAccountRoute(core, req.method ?? 'GET', url, raw);
    if (routed) return json(res, routed.status, routed.body);
    if (endpoint === `POST ${API}/orders/batch_cancel`) {
      const ids = z.object({ order_ids: z.array(z.string()) }).parse(JSON.parse(raw || '{}')).order_ids;
      return json(res, 200, {
        results: ids.map((id) => {
          const o = orders.get(id);
          if (!o) return { success: false, failure_reason: 'UNKNOWN_CANCEL_ORDER', order_id: id };
          if (o.status !== 'OPEN') return { success: false, failure_reason: 'INVALID_CANCEL_REQUEST', order_id: id };
          const book = bookFor(o.product_id);
          const before = book.levels();
          book.cancel(o.order_id);
          o.status = 'CANCELLED';
          publishChanges(o.product_id, before);
          orderChanged(o);
          return { success: true, failure_reason: 'UNKNOWN_CANCEL_FAILURE_REASON', order_id: id };
        }),
      });
    }
    return json(res, 404, { error: 'NOT_FOUND', message: `no route ${endpoint}` });
  };

  // WebSocket: subscriptions carry a JWT (no uri claim); a bad one gets an error message.
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws) => {
    const state: { seq: number; products: Set<string>; user?: Set<string> } = { seq: 0, products: new Set<string>() };
    wsClients.set(ws, state);
    let heartbeat: NodeJS.Timeout | undefined;
    ws.on('close', () => {
      wsClients.delete(ws);
      clearInterval(heartbeat);
    });
    ws.on('message', (data) => {
      void (async () => {
        const sub = z
          .object({ type: z.literal('subscribe'), product_ids: z.array(z.string()), channel: z.string(), jwt: z.string().optional() })
          .safeParse(JSON.parse(data.toString()));
        if (!sub.success) return ws.send(JSON.stringify({ type: 'error', message: formatZodError(sub.error) }));
        const auth = await verifyCoinbaseJwt(sub.data.jwt ? `Bearer ${sub.data.jwt}` : undefined, key, null, Math.floor(Date.now() / 1000));
        if (!auth.ok) return ws.send(JSON.stringify({ type: 'error', message: `authentication failure: ${auth.reason}` }));
        if (sub.data.channel === 'heartbeats') {
          // One heartbeat a second per connection, however often it is asked for, as Coinbase does.
          let counter = 0;
          heartbeat ??= setInterval(() => ws.readyState === ws.OPEN && sendWs(ws, state, 'heartbeats', [heartbeatEvent(counter++)]), 1000).unref();
          return;
        }
        if (sub.data.channel === 'user') {
          // Our orders: a snapshot of the open ones, then an update on every change (all products when none is named).
          state.user = new Set(sub.data.product_ids);
          const open = [...orders.values()].filter((o) => o.status === 'OPEN' && (state.user!.size === 0 || state.user!.has(o.product_id)));
          sendWs(ws, state, 'user', [{ type: 'snapshot', orders: open.map(userChannelOrder) }]);
          return;
        }
        for (const product of sub.data.product_ids.filter((p) => books.has(p))) {
          state.products.add(product);
          sendWs(ws, state, 'l2_data', [l2SnapshotEvent(product, faults.take(WS_LEVEL2, { kinds: ['crossed_book'], market: product }))]);
        }
      })();
    });
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    restBaseUrl: `http://127.0.0.1:${port}${API}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    host: `127.0.0.1:${port}`,
    key,
    orderLog,
    stop: async () => {
      faults.release();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type { ArmedFault as CoinbaseSimFault } from '../faults';
