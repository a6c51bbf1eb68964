/**
 * A Polymarket CLOB simulator on loopback: `POST /order` with an EIP-712 signed order (the
 * signature must recover to the order's signer, the L2 HMAC headers must verify), lookup by order
 * hash (`GET /data/order/{hash}`), cancel (`DELETE /order`), and the book (`GET /book`). The hash
 * is the order id, so a re-posted identical order is recognised, never taken twice. Orders fill
 * against a static book per token (takers pay no fee on this market); an independent order log
 * and an admin fault API as for the other venues.
 *
 * The public market channel (`/ws/market`, as `wss://ws-subscriptions-clob.polymarket.com/ws/market`)
 * on the same server: the client sends `{"assets_ids": [...], "type": "market"}` once, then gets the
 * initial dump — a JSON array of `book` events, one per known asset (`asset_id`, `market`, `bids`/
 * `asks` as `{price,size}` strings, `hash`, `timestamp`) — and afterwards a `price_change` event
 * whenever a level changes, in the current (post-September-2025) shape: `{event_type, market,
 * price_changes: [{asset_id, price, side, size, hash, best_bid, best_ask}], timestamp}`, where
 * `side` BUY is a bid level, SELL an ask level and `size` is the new aggregate size (0 removes it).
 * `{"assets_ids": [...], "operation": "subscribe"|"unsubscribe"}` changes the set afterwards. Text
 * `PING` is answered `PONG`; anything else is answered with the text `INVALID OPERATION` (what the
 * venue sends) and the connection stays open.
 * Simplifications: no `tick_size_change`, `last_trade_price`, `best_bid_ask` or lifecycle events,
 * and no `book` re-sent after a trade (the venue does; here every change is a `price_change`);
 * unknown asset ids are silently skipped; the hash is a SHA-1 over this simulator's own summary
 * of the book, not the venue's algorithm; each token is its own market (condition id = token id).
 * Unfilled GTC remainders do not rest in the book (it changes only through what takers consume
 * and the admin liquidity below), so cancels change no level and send nothing. Heartbeats are not enforced (a silent client is
 * never dropped). The admin fault `ws_disconnect` (`POST /_sim/faults {"endpoint":"WS /ws/market",
 * "kind":"ws_disconnect"}`) drops every connected market-channel client at once, abruptly (no
 * close frame), as a network failure would; it is not queued, and `count` does not apply.
 *
 * Admin API for the market world: `POST /_sim/markets {token_id}` lists a token with an empty book
 * (idempotent); `POST /_sim/liquidity {token_id, side, price, size}` sets other traders' total size
 * at one level (`size` "0" removes it) and sends the `price_change`. Since our orders never rest
 * here, every level is other traders' liquidity, so an absolute size is exact. A level that would
 * cross the other side is refused (409, book unchanged): the book holds no one who would trade it.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { recoverTypedDataAddress } from 'viem';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { dec, decimalString, decStr, nonNegativeDecimalString, ZERO, type Dec } from '../../../domain/money';
import { fromPolymarketUnits } from '../../../domain/units';
import { formatZodError } from '../../../domain/validation';
import { polyHmacSignature } from '../../polymarket/auth';
import { orderHash, orderTypedData, type PolymarketOrder } from '../../polymarket/order-signing';

const uint = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/).transform((v) => v as `0x${string}`);
const postOrderSchema = z.object({
  order: z.object({
    salt: uint,
    maker: address,
    signer: address,
    taker: address,
    tokenId: uint,
    makerAmount: uint,
    takerAmount: uint,
    expiration: uint,
    nonce: uint,
    feeRateBps: uint,
    side: z.enum(['BUY', 'SELL']),
    signatureType: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
  }),
  owner: z.string(),
  orderType: z.enum(['GTC', 'FOK', 'GTD', 'FAK']),
});

export interface PolySimOrder {
  id: `0x${string}`;
  status: 'LIVE' | 'MATCHED' | 'CANCELED';
  owner: string;
  maker_address: string;
  asset_id: string;
  side: 'BUY' | 'SELL';
  original_size: string;
  size_matched: string;
  price: string;
  order_type: string;
  created_at: number;
}

// ws_disconnect: acts at once on the market channel (see the header), never queued.
const faultSchema = z.object({ endpoint: z.string(), kind: z.enum(['http_429', 'http_5xx', 'accept_then_drop', 'reject', 'ws_disconnect']), count: z.number().int().positive().default(1), retryAfterSeconds: z.number().int().optional() });

export interface PolymarketSim {
  restBaseUrl: string;
  /** The public market channel, `ws://127.0.0.1:<port>/ws/market`. */
  wsUrl: string;
  credentials: { key: string; secret: string; passphrase: string };
  orderLog: PolySimOrder[];
  stop(): Promise<void>;
}

type Level = { price: Dec; size: Dec };

const WS_MARKET_PATH = '/ws/market';
const assetIds = z.array(z.string().min(1)).max(500);
/** The first message on a connection, then updates to the subscribed set. */
const initialSubscription = z.object({ assets_ids: assetIds, type: z.string().refine((t) => t.toLowerCase() === 'market', 'must be "market"'), initial_dump: z.boolean().optional(), custom_feature_enabled: z.boolean().optional() });
const subscriptionUpdate = z.object({ assets_ids: assetIds, operation: z.enum(['subscribe', 'unsubscribe']), custom_feature_enabled: z.boolean().optional() });
const listMarketSchema = z.object({ token_id: z.string().regex(/^\d+$/, 'must be a decimal token id, e.g. "7132104567925221259"') });
const liquiditySchema = z.object({
  token_id: z.string().min(1),
  side: z.enum(['BUY', 'SELL']),
  price: decimalString.refine((p) => dec(p).gt(0) && dec(p).lt(1), 'must be between 0 and 1, exclusive'),
  size: nonNegativeDecimalString,
});
export type PolymarketSeedBook = { bids: [string, string][]; asks: [string, string][] };

export async function startPolymarketSim(opts: { port?: number; books?: Record<string, PolymarketSeedBook> } = {}): Promise<PolymarketSim> {
  const credentials = { key: randomBytes(16).toString('hex'), secret: randomBytes(32).toString('base64'), passphrase: randomBytes(16).toString('hex') };
  const seed: Record<string, PolymarketSeedBook> = opts.books ?? { '7132104567925221259': { bids: [['0.52', '100']], asks: [['0.55', '40'], ['0.56', '200']] } };
  const books = new Map<string, { bids: Level[]; asks: Level[] }>(
    Object.entries(seed).map(([token, b]) => [token, { bids: b.bids.map(([p, s]) => ({ price: dec(p), size: dec(s) })), asks: b.asks.map(([p, s]) => ({ price: dec(p), size: dec(s) })) }]),
  );
  const orders = new Map<string, PolySimOrder>();
  const summary = (l: Level[]) => l.map((x) => ({ price: decStr(x.price), size: decStr(x.size) }));
  /** A digest of the book's state (this simulator's own; the venue's algorithm is not public). */
  const bookHash = (token: string) => {
    const b = books.get(token);
    return createHash('sha1').update(JSON.stringify({ asset_id: token, bids: summary(b?.bids ?? []), asks: summary(b?.asks ?? []) })).digest('hex');
  };
  /** Resolved tokens: token id → whether it won. */
  const winners = new Map<string, boolean>();
  // The CLOB's market object (GET /markets/{condition_id}); the simulator lists each token as its
  // own market (condition id = token id), which is all settlement needs: closed, and the winner.
  const marketOf = (token: string) => ({
    condition_id: token,
    closed: winners.has(token),
    tokens: [{ token_id: token, outcome: 'Yes', winner: winners.get(token) ?? false }],
  });
  const orderLog: PolySimOrder[] = [];
  const faults: z.infer<typeof faultSchema>[] = [];
  const takeFault = (endpoint: string) => {
    const i = faults.findIndex((f) => f.endpoint === endpoint);
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (--f.count === 0) faults.splice(i, 1);
    return f;
  };
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => void handle(req, res, raw).catch((err: unknown) => json(res, 500, { error: String(err) })));
  });

  const authorised = (req: http.IncomingMessage, path: string, body: string): boolean => {
    const h = (n: string) => String(req.headers[n.toLowerCase()] ?? '');
    if (h('POLY_API_KEY') !== credentials.key || h('POLY_PASSPHRASE') !== credentials.passphrase) return false;
    const ts = Number(h('POLY_TIMESTAMP'));
    if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 30) return false;
    return h('POLY_SIGNATURE') === polyHmacSignature(credentials.secret, h('POLY_TIMESTAMP'), req.method ?? 'GET', path, body || undefined);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const endpoint = `${req.method} ${url.pathname}`;
    if (url.pathname === '/_sim/faults' && req.method === 'POST') {
      const parsed = faultSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: formatZodError(parsed.error) });
      if (parsed.data.kind === 'ws_disconnect') {
        const clients = [...marketClients.keys()];
        for (const ws of clients) ws.terminate();
        return json(res, 200, { faults, disconnected: clients.length });
      }
      faults.push(parsed.data);
      return json(res, 200, { faults });
    }
    if (url.pathname === '/_sim/orders') return json(res, 200, { orders: orderLog });
    if (url.pathname === '/_sim/resolve' && req.method === 'POST') {
      const parsed = z.object({ token_id: z.string().min(1), winner: z.boolean() }).safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: formatZodError(parsed.error) });
      if (!books.has(parsed.data.token_id)) return json(res, 404, { error: 'market not found' });
      winners.set(parsed.data.token_id, parsed.data.winner);
      return json(res, 200, marketOf(parsed.data.token_id));
    }
    if (url.pathname === '/_sim/markets' && req.method === 'POST') {
      const parsed = listMarketSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: formatZodError(parsed.error) });
      // Idempotent: listing a token twice keeps its book (a restarted world must not wipe it).
      const created = !books.has(parsed.data.token_id);
      if (created) books.set(parsed.data.token_id, { bids: [], asks: [] });
      return json(res, created ? 201 : 200, marketOf(parsed.data.token_id));
    }
    if (url.pathname === '/_sim/liquidity' && req.method === 'POST') {
      const parsed = liquiditySchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: formatZodError(parsed.error) });
      const { token_id: token, side } = parsed.data;
      const book = books.get(token);
      if (!book) return json(res, 404, { error: 'market not found' });
      const price = dec(parsed.data.price);
      const size = dec(parsed.data.size);
      const own = side === 'BUY' ? 'bids' : 'asks';
      const crosses = size.gt(ZERO) && (side === 'BUY' ? book.asks.some((l) => l.price.lte(price)) : book.bids.some((l) => l.price.gte(price)));
      if (crosses) return json(res, 409, { error: `price: ${parsed.data.price} would cross the ${side === 'BUY' ? 'asks' : 'bids'}` });
      let level = book[own].find((l) => l.price.eq(price));
      if (!level && size.isZero()) return json(res, 200, { token_id: token, side, price: decStr(price), size: '0' });
      if (level) level.size = size;
      else book[own].push((level = { price, size }));
      // Matching walks each side best first (bids descending, asks ascending): keep it sorted.
      book.bids = book.bids.filter((l) => l.size.gt(ZERO)).sort((a, b) => b.price.comparedTo(a.price));
      book.asks = book.asks.filter((l) => l.size.gt(ZERO)).sort((a, b) => a.price.comparedTo(b.price));
      publishPriceChange(token, side, [level]);
      return json(res, 200, { token_id: token, side, price: decStr(price), size: decStr(size) });
    }
    const market = /^\/markets\/([^/]+)$/.exec(url.pathname);
    if (market && req.method === 'GET') {
      if (!books.has(market[1]!)) return json(res, 404, { error: 'market not found' });
      return json(res, 200, marketOf(market[1]!));
    }
    if (endpoint === 'GET /book') {
      const book = books.get(url.searchParams.get('token_id') ?? '');
      if (!book) return json(res, 404, { error: 'market not found' });
      const token = url.searchParams.get('token_id') ?? '';
      return json(res, 200, { asset_id: token, bids: summary(book.bids), asks: summary(book.asks), hash: bookHash(token), timestamp: String(Date.now()) });
    }
    if (!authorised(req, url.pathname, raw)) return json(res, 401, { error: 'Unauthorized/Invalid api key' });
    const fault = takeFault(endpoint);
    if (fault?.kind === 'http_429') return json(res, 429, { error: 'Too Many Requests' }, fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {});
    if (fault?.kind === 'http_5xx') return json(res, 503, { error: 'service unavailable' });

    if (endpoint === 'POST /order') {
      const parsed = postOrderSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: `invalid order payload: ${formatZodError(parsed.error)}` });
      const { signature, side, ...fields } = parsed.data.order;
      const order: PolymarketOrder = { ...fields, side: side === 'BUY' ? 0 : 1 };
      const signer = await recoverTypedDataAddress({ ...orderTypedData(order), signature: signature as `0x${string}` });
      if (signer.toLowerCase() !== order.signer.toLowerCase()) return json(res, 400, { error: 'invalid signature' });
      if (fault?.kind === 'reject') return json(res, 400, { error: 'not enough balance / allowance' });
      const id = orderHash(order);
      const existing = orders.get(id);
      if (existing) return json(res, 400, { error: `order ${id} already exists` }); // the hash is the id: never taken twice
      const shares = fromPolymarketUnits(side === 'BUY' ? order.takerAmount : order.makerAmount);
      const usdc = fromPolymarketUnits(side === 'BUY' ? order.makerAmount : order.takerAmount);
      const price = dec(usdc).div(dec(shares));
      const book = books.get(order.tokenId.toString());
      let remaining = dec(shares);
      const levels = side === 'BUY' ? book?.asks ?? [] : book?.bids ?? [];
      const touched: Level[] = [];
      for (const l of levels) {
        if (remaining.isZero() || (side === 'BUY' ? l.price.gt(price) : l.price.lt(price))) break;
        const n = l.size.lt(remaining) ? l.size : remaining;
        l.size = l.size.minus(n);
        remaining = remaining.minus(n);
        if (n.gt(ZERO)) touched.push(l);
      }
      if (book) book[side === 'BUY' ? 'asks' : 'bids'] = levels.filter((l) => l.size.gt(ZERO));
      // A BUY takes asks (SELL-side levels), a SELL takes bids (BUY-side levels).
      publishPriceChange(order.tokenId.toString(), side === 'BUY' ? 'SELL' : 'BUY', touched);
      const matched = dec(shares).minus(remaining);
      const o: PolySimOrder = {
        id,
        status: remaining.isZero() ? 'MATCHED' : parsed.data.orderType === 'FAK' || parsed.data.orderType === 'FOK' ? 'CANCELED' : 'LIVE',
        owner: parsed.data.owner,
        maker_address: order.maker,
        asset_id: order.tokenId.toString(),
        side,
        original_size: shares,
        size_matched: decStr(matched),
        price: decStr(price),
        order_type: parsed.data.orderType,
        created_at: Math.floor(Date.now() / 1000),
      };
      orders.set(id, o);
      orderLog.push(o);
      if (fault?.kind === 'accept_then_drop') return void req.socket.destroy();
      return json(res, 200, { success: true, errorMsg: '', orderID: id, status: o.status === 'MATCHED' ? 'matched' : 'live', transactionsHashes: [] });
    }
    const one = /^\/data\/order\/(0x[0-9a-fA-F]{64})$/.exec(url.pathname);
    if (one && req.method === 'GET') {
      const o = orders.get(one[1]!.toLowerCase()) ?? orders.get(one[1]!);
      return o ? json(res, 200, o) : json(res, 404, { error: 'order not found' });
    }
    if (endpoint === 'DELETE /order') {
      const id = z.object({ orderID: z.string() }).parse(JSON.parse(raw || '{}')).orderID;
      const o = orders.get(id);
      if (!o || o.status !== 'LIVE') return json(res, 200, { canceled: [], not_canceled: { [id]: o ? `order is ${o.status}` : 'order not found' } });
      o.status = 'CANCELED';
      return json(res, 200, { canceled: [id], not_canceled: {} });
    }
    return json(res, 404, { error: `no route ${endpoint}` });
  };

  // The public market channel. Each client's subscribed assets; set by its first message.
  const marketClients = new Map<WebSocket, Set<string> | undefined>();
  const send = (ws: WebSocket, body: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const bookEvent = (token: string) => {
    const b = books.get(token)!;
    return { event_type: 'book', asset_id: token, market: marketOf(token).condition_id, bids: summary(b.bids), asks: summary(b.asks), hash: bookHash(token), timestamp: String(Date.now()) };
  };
  /** Levels of one side of `token`'s book have new sizes (0 = gone): tell the subscribers. */
  function publishPriceChange(token: string, side: 'BUY' | 'SELL', changed: Level[]): void {
    const b = books.get(token);
    if (!b || changed.length === 0) return;
    const best = (l: Level[], pick: (a: Dec, c: Dec) => boolean, empty: string) => (l.length ? decStr(l.map((x) => x.price).reduce((a, c) => (pick(a, c) ? a : c))) : empty);
    const hash = bookHash(token);
    const event = {
      event_type: 'price_change',
      market: marketOf(token).condition_id,
      price_changes: changed.map((l) => ({ asset_id: token, price: decStr(l.price), side, size: decStr(l.size), hash, best_bid: best(b.bids, (a, c) => a.gte(c), '0'), best_ask: best(b.asks, (a, c) => a.lte(c), '1') })),
      timestamp: String(Date.now()),
    };
    for (const [ws, assets] of marketClients) if (assets?.has(token)) send(ws, event);
  }
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname !== WS_MARKET_PATH) {
      socket.end(`HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\r\n${JSON.stringify({ error: `no websocket at ${url.pathname}` })}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      marketClients.set(ws, undefined);
      ws.on('message', (data, isBinary) => {
        const text = isBinary ? '' : data.toString();
        if (text === 'PING') return send(ws, 'PONG');
        let msg: unknown;
        try {
          msg = JSON.parse(text);
        } catch {
          return send(ws, 'INVALID OPERATION');
        }
        const assets = marketClients.get(ws);
        if (!assets) {
          const sub = initialSubscription.safeParse(msg);
          if (!sub.success) return send(ws, 'INVALID OPERATION');
          const known = new Set(sub.data.assets_ids.filter((t) => books.has(t)));
          marketClients.set(ws, known);
          if (sub.data.initial_dump !== false && known.size > 0) send(ws, [...known].map(bookEvent));
          return;
        }
        const update = subscriptionUpdate.safeParse(msg);
        if (!update.success) return send(ws, 'INVALID OPERATION'); // includes a second initial subscription, as the venue does
        const added = update.data.assets_ids.filter((t) => books.has(t) && !assets.has(t));
        if (update.data.operation === 'unsubscribe') for (const t of update.data.assets_ids) assets.delete(t);
        else for (const t of added) assets.add(t);
        if (update.data.operation === 'subscribe' && added.length > 0) send(ws, added.map(bookEvent));
      });
      ws.on('close', () => marketClients.delete(ws));
      ws.on('error', () => marketClients.delete(ws));
    });
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    restBaseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}${WS_MARKET_PATH}`,
    credentials,
    orderLog,
    stop: async () => {
      for (const ws of wss.clients) ws.terminate();
      for (const ws of marketClients.keys()) ws.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
