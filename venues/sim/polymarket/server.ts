/**
 * A Polymarket CLOB simulator on loopback: `POST /order` with an EIP-712 signed order (the
 * signature must recover to the order's signer, the L2 HMAC headers must verify), lookup by order
 * hash (`GET /data/order/{hash}`), cancel (`DELETE /order`), and the book (`GET /book`). The hash
 * is the order id, so a re-posted identical order is recognised, never taken twice. Each token
 * has a price-time book (../matching.ts) of other traders' liquidity and our resting orders: a
 * posted order takes the other side best price first, first in first within a price, at each
 * maker's price (our own resting orders included: a self-trade is not prevented), and a GTC/GTD
 * remainder rests at the back of its level, visible in `GET /book` and on the market channel,
 * until a later crossing order fills it (as maker), we cancel it, or a GTD order expires
 * (`gtdSecurityThresholdSeconds`, the venue's 60, before its signed expiration). FAK fills what
 * crosses and cancels the rest; FOK fills its whole size at once or is killed (CANCELED, nothing
 * traded, the book untouched; answered `status: "unmatched"`, where the venue answers an error).
 * Each market has a fee rate (`GET /fee-rate`, 0 bps unless the admin `POST /_sim/fee-rate
 * {token_id, base_fee}` sets one): an order must sign exactly that `feeRateBps` (400 otherwise, as
 * the venue refuses a wrong one), and our trades are charged by Polymarket's rule at it
 * (account.ts). An independent order log and an admin fault API as for the other venues.
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
 * Heartbeats are not enforced (a silent client is never dropped). Faults (venues/sim/faults.ts) act on every venue request, the public book and
 * market reads included, and on the market channel "WS /ws/market" (`ws_disconnect` also on
 * "WS /ws/user"); the channel has no sequence numbers, so it takes no `ws_seq_gap`.
 *
 * Admin API for the market world: `POST /_sim/markets {token_id}` lists a token with an empty book
 * (idempotent); `POST /_sim/liquidity {token_id, side, price, size}` sets other traders' total size
 * at one level (`size` "0" removes theirs; our resting orders there stay) and sends the
 * `price_change`s. Less is withdrawn newest first; more is a limit order of theirs: it trades with
 * our resting orders it reaches (the answer's `traded`), then rests at the back of the level. A
 * level that would cross other traders' liquidity on the other side is refused (409, book
 * unchanged): the book holds no one who would trade it. `POST /_sim/trade {token_id, side, size,
 * price, scope?}` is another trader's immediate-or-cancel order: with our resting orders only
 * (default, answers `{traded}`), or with the whole book, price-time (`scope: "book"`, answers
 * `{traded, oursTraded}`).
 *
 * Our account — API keys made with L1 auth, trades, open orders, balances, the user channel
 * `/ws/user`, and the admin `/_sim/balance` — lives in account.ts (see there); this file calls it
 * from its router and tells it of every order posted, matched and cancelled.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { recoverTypedDataAddress } from 'viem';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { dec, decimalString, decStr, nonNegativeDecimalString, ZERO } from '../../../domain/money';
import { fromPolymarketUnits } from '../../../domain/units';
import { formatZodError } from '../../../domain/validation';
import { createFaultRegistry, createFrameDelivery, STREAM_MESSAGE_FAULTS, swapSides, type FaultKind } from '../faults';
import { levelChanges, MatchingBook, type BookSide, type BookView, type LevelView } from '../matching';
import { polyHmacSignature } from '../../polymarket/auth';
import { orderHash, orderTypedData, type PolymarketOrder } from '../../polymarket/order-signing';
import { adminTradeSchema, createPolymarketAccount, WS_USER_PATH, type PolymarketAccount } from './account';

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


export interface PolymarketSim {
  restBaseUrl: string;
  /** The public market channel, `ws://127.0.0.1:<port>/ws/market`. */
  wsUrl: string;
  credentials: { key: string; secret: string; passphrase: string };
  orderLog: PolySimOrder[];
  /** Our account at the venue: trades, balances, API keys, the user channel (account.ts). */
  account: PolymarketAccount;
  stop(): Promise<void>;
}

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
/** A market's fee rate in basis points, a whole number (as `GET /fee-rate` answers it). */
const feeRateSchema = z.object({ token_id: z.string().min(1), base_fee: z.number().int().min(0).max(10_000) });
export type PolymarketSeedBook = { bids: [string, string][]; asks: [string, string][] };

export async function startPolymarketSim(
  opts: {
    port?: number;
    books?: Record<string, PolymarketSeedBook>;
    /** Rows per page of `/data/orders` and `/data/trades` (default 100). */ pageSize?: number;
    /** A GTD order leaves the book this long before its signed expiration (the venue's security threshold: 60). */ gtdSecurityThresholdSeconds?: number;
  } = {},
): Promise<PolymarketSim> {
  const credentials = { key: randomBytes(16).toString('hex'), secret: randomBytes(32).toString('base64'), passphrase: randomBytes(16).toString('hex') };
  const seed: Record<string, PolymarketSeedBook> = opts.books ?? { '7132104567925221259': { bids: [['0.52', '100']], asks: [['0.55', '40'], ['0.56', '200']] } };
  // One price-time book per listed token (matching.ts): other traders' liquidity and our resting orders.
  const books = new Map<string, MatchingBook>(
    Object.entries(seed).map(([token, b]) => {
      const book = new MatchingBook();
      for (const [p, size] of b.bids) book.addOthers('BUY', dec(p), dec(size));
      for (const [p, size] of b.asks) book.addOthers('SELL', dec(p), dec(size));
      return [token, book];
    }),
  );
  // Orders on a token that is not listed still rest (the simulator has always taken them), in a
  // book of their own that no public read shows.
  const unlisted = new Map<string, MatchingBook>();
  const bookFor = (token: string) => books.get(token) ?? unlisted.get(token) ?? unlisted.set(token, new MatchingBook()).get(token)!;
  const expiryTimers = new Set<NodeJS.Timeout>();
  const gtdThresholdSeconds = opts.gtdSecurityThresholdSeconds ?? 60;
  const orders = new Map<string, PolySimOrder>();
  // Our account: API keys (L1), trades, balances, the user channel (account.ts).
  const account = createPolymarketAccount({ credentials, orders, pageSize: opts.pageSize });
  const summary = (l: LevelView[]) => l.map((x) => ({ price: decStr(x.price), size: decStr(x.size) }));
  /** A listed token's levels, best first on both sides (bids high to low, asks low to high). */
  const sidesOf = (token: string) => {
    const v = books.get(token)?.levels();
    return { bids: v?.BUY ?? [], asks: v?.SELL ?? [] };
  };
  /** A digest of the book's state (this simulator's own; the venue's algorithm is not public). */
  const bookHash = (token: string) => {
    const b = sidesOf(token);
    return createHash('sha1').update(JSON.stringify({ asset_id: token, bids: summary(b.bids), asks: summary(b.asks) })).digest('hex');
  };
  /** Resolved tokens: token id → whether it won. */
  const winners = new Map<string, boolean>();
  // The CLOB's market object (GET /markets/{condition_id}); the simulator lists each token as its
  // own market (condition id = token id), which is all settlement needs: closed, and the winner.
  // Trading rules as the CLOB states them (numbers, as the venue sends them): a 0.01 tick, 5 shares
  // minimum, takers charged at the market's fee rate in bps (makers nothing), no end date known to the simulator.
  const marketOf = (token: string) => ({
    condition_id: token,
    question_id: token,
    active: !winners.has(token),
    closed: winners.has(token),
    accepting_orders: !winners.has(token),
    minimum_order_size: 5,
    minimum_tick_size: 0.01,
    maker_base_fee: 0,
    taker_base_fee: Number(account.feeRateBps(token)),
    end_date_iso: null,
    neg_risk: false,
    tokens: [{ token_id: token, outcome: 'Yes', winner: winners.get(token) ?? false }],
  });
  const orderLog: PolySimOrder[] = [];
  const WS_MARKET = `WS ${WS_MARKET_PATH}`;
  const faults = createFaultRegistry({
    http: ['http_429', 'http_5xx', 'slow', 'timeout', 'accept_then_drop', 'reject', 'crossed_book'],
    ws: { [WS_MARKET]: ['crossed_book', 'stale_book', 'ws_duplicate', 'ws_out_of_order', 'ws_disconnect'], [`WS ${WS_USER_PATH}`]: ['ws_disconnect'] },
    disconnect: (endpoint) => {
      // The user channel's drop lives with the account (account.ts); the market channel's here.
      if (endpoint !== WS_MARKET) return account.disconnectUserClients();
      const clients = [...marketClients.keys()];
      for (const ws of clients) ws.terminate();
      return clients.length;
    },
  });
  const deliver = createFrameDelivery();
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => void handle(req, res, raw).catch((err: unknown) => json(res, 500, { error: String(err) })));
  });

  const authorised = (req: http.IncomingMessage, path: string, body: string): boolean => {
    const h = (n: string) => String(req.headers[n.toLowerCase()] ?? '');
    const key = account.credentialsFor(h('POLY_API_KEY'));
    if (!key || h('POLY_PASSPHRASE') !== key.passphrase) return false;
    if (key.address && h('POLY_ADDRESS').toLowerCase() !== key.address.toLowerCase()) return false;
    const ts = Number(h('POLY_TIMESTAMP'));
    if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 30) return false;
    return h('POLY_SIGNATURE') === polyHmacSignature(key.secret, h('POLY_TIMESTAMP'), req.method ?? 'GET', path, body || undefined);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const endpoint = `${req.method} ${url.pathname}`;
    if (url.pathname === '/_sim/faults') {
      const answer = faults.admin(req.method, raw);
      return json(res, answer.status, answer.body);
    }
    // Every venue request may take a fault, the public reads included (the admin API never does).
    const fault = url.pathname.startsWith('/_sim/') ? undefined : faults.take(endpoint);
    faults.shapeAnswer(fault, res); // slow, timeout, accept_then_drop: the request is processed, the answer delayed, withheld or dropped
    if (fault?.kind === 'http_429') return json(res, 429, { error: 'Too Many Requests' }, fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {});
    if (fault?.kind === 'http_5xx') return json(res, 503, { error: 'service unavailable' });
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
      if (created) {
        // Orders posted on the token before it was listed keep their place in its book.
        books.set(parsed.data.token_id, unlisted.get(parsed.data.token_id) ?? new MatchingBook());
        unlisted.delete(parsed.data.token_id);
      }
      return json(res, created ? 201 : 200, marketOf(parsed.data.token_id));
    }
    if (url.pathname === '/_sim/liquidity' && req.method === 'POST') {
      const parsed = liquiditySchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: formatZodError(parsed.error) });
      const { token_id: token, side } = parsed.data;
      const book = books.get(token);
      if (!book) return json(res, 404, { error: 'market not found' });
      const price = dec(parsed.data.price);
      const target = dec(parsed.data.size);
      const others = book.othersAt(side, price);
      const before = book.levels();
      let traded = ZERO;
      if (target.gt(others)) {
        // More of other traders' size: a limit order of theirs. It may not cross other traders'
        // liquidity (no one there would let it), but it takes our resting orders it reaches,
        // best price then time, as any crossing order would; what is left rests at the back.
        if (book.crosses(side, price, (e) => e.owner === 'others')) return json(res, 409, { error: `price: ${parsed.data.price} would cross the ${side === 'BUY' ? 'asks' : 'bids'}` });
        const taken = book.match({ side, limitPrice: price, size: target.minus(others) }, (e) => e.owner === 'us');
        traded = taken.filled;
        if (taken.remaining.gt(ZERO)) book.addOthers(side, price, taken.remaining);
        account.onOtherTraderTrade(token, side, price, taken.fills);
      } else if (target.lt(others)) book.withdrawOthers(side, price, others.minus(target));
      publishChanges(token, before);
      // `size`: other traders' size there now (less than asked when some of it traded with ours).
      return json(res, 200, { token_id: token, side, price: decStr(price), size: decStr(book.othersAt(side, price)), ...(traded.gt(ZERO) ? { traded: decStr(traded) } : {}) });
    }
    const market = /^\/markets\/([^/]+)$/.exec(url.pathname);
    if (market && req.method === 'GET') {
      if (!books.has(market[1]!)) return json(res, 404, { error: 'market not found' });
      return json(res, 200, marketOf(market[1]!));
    }
    if (endpoint === 'GET /book') {
      const token = url.searchParams.get('token_id') ?? '';
      if (!books.has(token)) return json(res, 404, { error: 'market not found' });
      const book = sidesOf(token);
      // Best last on both sides, as the CLOB sends them: clob-client's market-price helpers
      // (calculateBuyMarketPrice / calculateSellMarketPrice) walk each side from its end.
      const sides = { bids: summary([...book.bids].reverse()), asks: summary([...book.asks].reverse()) };
      const lastTrade = account.trades.filter((t) => t.asset_id === token).at(-1);
      const m = marketOf(token);
      // clob-client's OrderBookSummary; last_trade_price is our own last trade here (the sim keeps no tape of other traders').
      return json(res, 200, {
        market: m.condition_id,
        asset_id: token,
        timestamp: String(Date.now()),
        hash: bookHash(token),
        ...(fault?.kind === 'crossed_book' ? swapSides(sides) : sides),
        min_order_size: String(m.minimum_order_size),
        tick_size: String(m.minimum_tick_size),
        neg_risk: m.neg_risk,
        last_trade_price: lastTrade?.price ?? '',
      });
    }
    // What clob-client reads before it builds an order (it refuses to sign without them): the
    // market's fee rate in bps (`base_fee`: 0 unless the admin set one; an order must sign it) and
    // whether it trades on the neg-risk exchange (no: every sim market is on the plain CTF exchange).
    if (endpoint === 'GET /fee-rate' || endpoint === 'GET /neg-risk') {
      const token = url.searchParams.get('token_id') ?? '';
      if (!books.has(token)) return json(res, 404, { error: 'market not found' });
      return json(res, 200, endpoint === 'GET /fee-rate' ? { base_fee: Number(account.feeRateBps(token)) } : { neg_risk: false });
    }
    if (url.pathname === '/_sim/fee-rate' && req.method === 'POST') {
      // A listed market's fee rate from now on: orders must sign it, and trades are charged at it.
      const parsed = feeRateSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: formatZodError(parsed.error) });
      if (!books.has(parsed.data.token_id)) return json(res, 404, { error: 'market not found' });
      account.setFeeRateBps(parsed.data.token_id, parsed.data.base_fee);
      return json(res, 200, { token_id: parsed.data.token_id, base_fee: parsed.data.base_fee });
    }
    if (url.pathname === '/_sim/trade' && req.method === 'POST') {
      // Another trader's immediate-or-cancel order (account.ts records what it did to us). By
      // default it trades with our resting orders only, passing over other traders' (the admin
      // shortcut for "someone crossed and hit us"); `scope: "book"` walks the whole book.
      const parsed = adminTradeSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: formatZodError(parsed.error) });
      const { token_id: token, side, scope } = parsed.data;
      const book = bookFor(token);
      const before = book.levels();
      const taken = book.match({ side, limitPrice: dec(parsed.data.price), size: dec(parsed.data.size) }, scope === 'book' ? undefined : (e) => e.owner === 'us');
      publishChanges(token, before);
      const ours = account.onOtherTraderTrade(token, side, dec(parsed.data.price), taken.fills);
      return json(res, 200, scope === 'book' ? { traded: decStr(taken.filled), oursTraded: decStr(ours) } : { traded: decStr(ours) });
    }
    if (account.handleAdmin(url, req, raw, res, json) || account.handlePublic(url, endpoint, res, json, (t) => books.has(t))) return;
    if (await account.handleAuth(req, res, endpoint, json)) return;
    if (!authorised(req, url.pathname, raw)) return json(res, 401, { error: 'Unauthorized/Invalid api key' });
    if (account.handleAccount(url, endpoint, res, json)) return;

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
      // The signed fee rate must be the market's (the venue refuses another: the fee is in the signature).
      const feeRate = account.feeRateBps(order.tokenId.toString());
      if (order.feeRateBps !== BigInt(feeRate)) return json(res, 400, { error: `invalid fee rate (${order.feeRateBps}): the market's fee rate is ${feeRate} bps` });
      const shares = fromPolymarketUnits(side === 'BUY' ? order.takerAmount : order.makerAmount);
      const usdc = fromPolymarketUnits(side === 'BUY' ? order.makerAmount : order.takerAmount);
      const price = dec(usdc).div(dec(shares));
      const token = order.tokenId.toString();
      const book = bookFor(token);
      const before = book.levels();
      // The taker walks the other side best price first, first in first within a price: other
      // traders' liquidity and our own resting orders alike (a self-trade is not prevented: both
      // sides of it are ours, as taker and as maker).
      // FOK: all of it now, or nothing (killed before it touches the book).
      const taker = { side, limitPrice: price, size: dec(shares) };
      const killed = parsed.data.orderType === 'FOK' && book.fillable(taker).lt(taker.size);
      const taken = killed ? { fills: [], filled: ZERO, remaining: taker.size } : book.match(taker);
      const remaining = taken.remaining;
      const matched = taken.filled;
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
      // A GTC/GTD remainder rests at the back of its price level, where later crossing orders find it.
      if (o.status === 'LIVE') book.rest(side, price, { orderId: id, owner: 'us', size: remaining });
      publishChanges(token, before);
      account.onOrderPosted(o, taken.fills);
      if (o.status === 'LIVE' && parsed.data.orderType === 'GTD' && order.expiration > 0n) {
        // The venue takes a GTD order off the book a security threshold before its signed expiration.
        const timer = setTimeout(() => {
          expiryTimers.delete(timer);
          if (o.status === 'LIVE') takeOffBook(o);
        }, Math.max(0, (Number(order.expiration) - gtdThresholdSeconds) * 1000 - Date.now()));
        timer.unref();
        expiryTimers.add(timer);
      }
      return json(res, 200, { success: true, errorMsg: '', orderID: id, status: o.status === 'MATCHED' ? 'matched' : killed ? 'unmatched' : 'live', transactionsHashes: [] });
    }
    const one = /^\/data\/order\/(0x[0-9a-fA-F]{64})$/.exec(url.pathname);
    if (one && req.method === 'GET') {
      const o = orders.get(one[1]!.toLowerCase()) ?? orders.get(one[1]!);
      return o ? json(res, 200, account.orderRow(o)) : json(res, 404, { error: 'order not found' });
    }
    if (endpoint === 'DELETE /order') {
      const id = z.object({ orderID: z.string() }).parse(JSON.parse(raw || '{}')).orderID;
      const o = orders.get(id);
      if (!o || o.status !== 'LIVE') return json(res, 200, { canceled: [], not_canceled: { [id]: o ? `order is ${o.status}` : 'order not found' } });
      takeOffBook(o);
      return json(res, 200, { canceled: [id], not_canceled: {} });
    }
    return json(res, 404, { error: `no route ${endpoint}` });
  };

  // The public market channel. Each client's subscribed assets; set by its first message.
  const marketClients = new Map<WebSocket, Set<string> | undefined>();
  const send = (ws: WebSocket, body: unknown, fault?: FaultKind) => deliver(ws, typeof body === 'string' ? body : JSON.stringify(body), fault);
  const bookEvent = (token: string) => {
    const b = sidesOf(token);
    return { event_type: 'book', asset_id: token, market: marketOf(token).condition_id, bids: summary(b.bids), asks: summary(b.asks), hash: bookHash(token), timestamp: String(Date.now()) };
  };
  /** The snapshot a subscriber gets; `crossed_book` swaps its sides (bids at the asks' prices and back). */
  const streamBookEvent = (token: string) => {
    const event = bookEvent(token);
    return faults.take(WS_MARKET, { kinds: ['crossed_book'], market: token }) ? { ...event, ...swapSides(event) } : event;
  };
  /** `token`'s book changed since `before`: one `price_change` per side that changed. */
  function publishChanges(token: string, before: BookView): void {
    const book = books.get(token);
    if (!book) return; // an unlisted token's book has no subscribers
    const changes = levelChanges(before, book.levels());
    for (const side of ['BUY', 'SELL'] as const) {
      const changed = changes.filter((c) => c.side === side);
      if (changed.length > 0) publishPriceChange(token, side, changed);
    }
  }
  /** A resting order of ours leaves the book (cancel, GTD expiry): CANCELED, and the level shrinks. */
  function takeOffBook(o: PolySimOrder): void {
    const book = bookFor(o.asset_id);
    const before = book.levels();
    book.cancel(o.id);
    o.status = 'CANCELED';
    publishChanges(o.asset_id, before);
    account.onOrderCancelled(o);
  }
  /** Levels of one side of `token`'s book have new sizes (0 = gone): tell the subscribers. */
  function publishPriceChange(token: string, side: BookSide, changed: LevelView[]): void {
    if (!books.has(token) || changed.length === 0) return;
    const b = sidesOf(token);
    const hash = bookHash(token);
    const event = {
      event_type: 'price_change',
      market: marketOf(token).condition_id,
      price_changes: changed.map((l) => ({ asset_id: token, price: decStr(l.price), side, size: decStr(l.size), hash, best_bid: b.bids[0] ? decStr(b.bids[0].price) : '0', best_ask: b.asks[0] ? decStr(b.asks[0].price) : '1' })),
      timestamp: String(Date.now()),
    };
    // One fault per update, applied to every subscriber of it.
    const fault = faults.take(WS_MARKET, { kinds: STREAM_MESSAGE_FAULTS, market: token });
    if (fault?.kind === 'stale_book') {
      // Withheld; after the last one the asset's book is re-sent whole.
      if (fault.count === 0) for (const [ws, assets] of marketClients) if (assets?.has(token)) send(ws, bookEvent(token));
      return;
    }
    for (const [ws, assets] of marketClients) if (assets?.has(token)) send(ws, event, fault?.kind);
  }
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname === WS_USER_PATH) return account.handleUserUpgrade(req, socket, head);
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
          if (sub.data.initial_dump !== false && known.size > 0) send(ws, [...known].map(streamBookEvent));
          return;
        }
        const update = subscriptionUpdate.safeParse(msg);
        if (!update.success) return send(ws, 'INVALID OPERATION'); // includes a second initial subscription, as the venue does
        const added = update.data.assets_ids.filter((t) => books.has(t) && !assets.has(t));
        if (update.data.operation === 'unsubscribe') for (const t of update.data.assets_ids) assets.delete(t);
        else for (const t of added) assets.add(t);
        if (update.data.operation === 'subscribe' && added.length > 0) send(ws, added.map(streamBookEvent));
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
    account,
    stop: async () => {
      faults.release();
      for (const timer of expiryTimers) clearTimeout(timer);
      for (const ws of wss.clients) ws.terminate();
      for (const ws of marketClients.keys()) ws.terminate();
      account.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
