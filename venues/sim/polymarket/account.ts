/**
 * The Polymarket simulator's account side: everything about *our* account that the CLOB keeps
 * besides the order book. Called from the server's router (server.ts), kept here so the server
 * file stays about orders and market data.
 *
 * - API keys. The simulator's test credentials, plus keys made with L1 auth: `POST /auth/api-key`
 *   (create) and `GET /auth/derive-api-key` (derive), both with the L1 headers POLY_ADDRESS,
 *   POLY_SIGNATURE (an EIP-712 `ClobAuth` signature, recovered here with viem), POLY_TIMESTAMP and
 *   POLY_NONCE. A key is a pure function of (address, nonce) under this simulator's own seed:
 *   create registers it (a second create for the same pair is refused, as the venue does), derive
 *   returns it once registered. A derived key is bound to its address (POLY_ADDRESS must match).
 * - Trades (`GET /data/trades`), open orders (`GET /data/orders`), cash and token balances
 *   (`GET /balance-allowance`), tick size (`GET /tick-size`), in Polymarket's field names, paged
 *   with base64 offset cursors (`MA==` first, `LTE=` past the end) as the venue's cursors look.
 * - The user channel (`/ws/user`): `{auth: {apiKey, secret, passphrase}, markets, type: "user"}`
 *   once, then `order` events (PLACEMENT / UPDATE / CANCELLATION) and `trade` events (status
 *   MATCHED) of our orders; text PING is answered PONG. Bad credentials: closed with 1008.
 * - Trades from the book (server.ts matches, ../matching.ts): ours as taker (`onOrderPosted`, one
 *   trade per price level) and other traders' orders that took our resting ones (`/_sim/trade`,
 *   crossing liquidity: `onOtherTraderTrade`; we are the makers, at our price). Fees by
 *   Polymarket's rule at the market's fee rate (`feeRateBps`: 0 unless the admin set one).
 * - Admin: `POST /_sim/balance {delta, token_id?}` moves cash (USDC) or a token balance with no
 *   trade to explain it (reconciliation drift).
 *
 * Simplifications: one account (every order the simulator holds is ours, whichever key posted
 * it); balances are not enforced (a sell of tokens we do not hold makes the balance negative);
 * trades stay MATCHED (never MINED/CONFIRMED/FAILED); other traders' maker orders in our trades are
 * one made-up order of theirs per price level.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { recoverTypedDataAddress } from 'viem';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { polymarketFee } from '../../../domain/fees';
import { dec, decimalString, decStr, positiveDecimalString, ZERO, type Dec } from '../../../domain/money';
import { toPolymarketUnits } from '../../../domain/units';
import { formatZodError } from '../../../domain/validation';
import { clobAuthTypedData } from '../../polymarket/auth';
import { POLYGON_CHAIN_ID } from '../../polymarket/order-signing';
import type { MatchFill } from '../matching';
import type { PolySimOrder } from './server';

export const WS_USER_PATH = '/ws/user';
export const INITIAL_CURSOR = 'MA==';
export const END_CURSOR = 'LTE=';
const STARTING_CASH = '100000';
/** Counterparty of `/_sim/trade`: someone else's key. */
const OTHER_TRADER = 'sim-other-trader';
/**
 * A market's fee rate in bps until the admin sets another (`POST /_sim/fee-rate`): fills are charged
 * by Polymarket's rule (domain/fees.ts: takers pay C × rate × P × (1 − P), makers nothing), which
 * comes to nothing at this rate.
 */
const DEFAULT_FEE_RATE_BPS = '0';
/** How far an L1 timestamp may be from the simulator's clock. */
const L1_WINDOW_SECONDS = 300;

export interface SimApiKey {
  key: string;
  secret: string;
  passphrase: string;
  /** Set for keys made with L1 auth: requests must come from this address. */
  address?: string;
}

/** One order's share of a trade, as the CLOB lists a maker order. */
export interface PolySimMakerOrder {
  order_id: string;
  owner: string;
  maker_address: string;
  matched_amount: string;
  price: string;
  fee_rate_bps: string;
  asset_id: string;
  outcome: string;
  side: 'BUY' | 'SELL';
}

/** A trade as `GET /data/trades` lists it (clob-client's `Trade`). */
export interface PolySimTrade {
  id: string;
  taker_order_id: string;
  market: string;
  asset_id: string;
  side: 'BUY' | 'SELL';
  size: string;
  fee_rate_bps: string;
  price: string;
  status: 'MATCHED';
  match_time: string;
  last_update: string;
  outcome: string;
  bucket_index: number;
  owner: string;
  maker_address: string;
  transaction_hash: string;
  trader_side: 'TAKER' | 'MAKER';
  maker_orders: PolySimMakerOrder[];
}

const l1Headers = z.object({
  poly_address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address'),
  poly_signature: z.string().regex(/^0x[0-9a-fA-F]+$/, 'must be a 0x hex signature'),
  poly_timestamp: z.string().regex(/^\d+$/, 'must be unix seconds'),
  poly_nonce: z.string().regex(/^\d+$/, 'must be a non-negative integer').default('0'),
});
export const adminTradeSchema = z.object({
  token_id: z.string().min(1),
  /** The other trader's side: SELL takes our resting bids, BUY our resting asks. */
  side: z.enum(['BUY', 'SELL']),
  size: positiveDecimalString,
  price: decimalString.refine((p) => dec(p).gt(0) && dec(p).lt(1), 'must be between 0 and 1, exclusive'),
  /** `ours` (default): it trades with our resting orders only; `book`: with the whole book, price-time. */
  scope: z.enum(['ours', 'book']).default('ours'),
});
const balanceDeltaSchema = z.object({ delta: decimalString, token_id: z.string().min(1).optional() });
const balanceQuery = z.object({ asset_type: z.enum(['COLLATERAL', 'CONDITIONAL']), token_id: z.string().min(1).optional(), signature_type: z.string().optional() }).refine((q) => q.asset_type === 'COLLATERAL' || q.token_id, { message: 'token_id is required for CONDITIONAL', path: ['token_id'] });
const userSubscription = z.object({
  auth: z.object({ apiKey: z.string(), secret: z.string(), passphrase: z.string() }),
  markets: z.array(z.string()).optional(),
  type: z.string().refine((t) => t.toLowerCase() === 'user', 'must be "user"'),
});

type Json = (res: http.ServerResponse, status: number, body: unknown) => void;

/** Sends the answer; `true` tells the server's router that the request was handled here. */
function answer(json: Json, res: http.ServerResponse, status: number, body: unknown): true {
  json(res, status, body);
  return true;
}

const cursorOf = (offset: number) => Buffer.from(String(offset)).toString('base64');
function offsetOf(cursor: string | null): number | undefined {
  if (!cursor) return 0;
  const n = Number(Buffer.from(cursor, 'base64').toString('utf8'));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function createPolymarketAccount(opts: { credentials: SimApiKey; orders: Map<string, PolySimOrder>; pageSize?: number }) {
  const pageSize = opts.pageSize ?? 100;
  const seed = randomBytes(32);
  const keys = new Map<string, SimApiKey>([[opts.credentials.key, opts.credentials]]);
  const byAddressNonce = new Map<string, SimApiKey>();
  const trades: PolySimTrade[] = [];
  let cash = dec(STARTING_CASH);
  const tokens = new Map<string, Dec>();
  const userClients = new Map<WebSocket, Set<string> | 'all' | undefined>();
  const wss = new WebSocketServer({ noServer: true });
  /** Fee rate per token, in bps (whole numbers, as `GET /fee-rate` answers and orders sign them). */
  const feeRates = new Map<string, string>();
  const feeRateOf = (token: string) => feeRates.get(token) ?? DEFAULT_FEE_RATE_BPS;

  /** The key for (address, nonce): deterministic under the seed, so derive always agrees with create. */
  function keyFor(address: string, nonce: string): SimApiKey {
    const h = (what: string) => createHmac('sha256', seed).update(`${what}/${address.toLowerCase()}/${nonce}`).digest();
    const id = h('key').toString('hex');
    return {
      key: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
      secret: h('secret').toString('base64'),
      passphrase: h('passphrase').toString('hex').slice(0, 32),
      address,
    };
  }

  /** Verifies the L1 headers: the ClobAuth signature must recover to POLY_ADDRESS. */
  async function l1Caller(req: http.IncomingMessage): Promise<{ address: string; nonce: string } | { error: string }> {
    const parsed = l1Headers.safeParse(req.headers);
    if (!parsed.success) return { error: `Invalid L1 Request headers: ${formatZodError(parsed.error)}` };
    const h = parsed.data;
    if (Math.abs(Date.now() / 1000 - Number(h.poly_timestamp)) > L1_WINDOW_SECONDS) return { error: 'Invalid L1 Request headers: POLY_TIMESTAMP is too far from now' };
    const typed = clobAuthTypedData(h.poly_address as `0x${string}`, h.poly_timestamp, BigInt(h.poly_nonce), POLYGON_CHAIN_ID);
    let signer: string;
    try {
      signer = await recoverTypedDataAddress({ ...typed, signature: h.poly_signature as `0x${string}` });
    } catch {
      return { error: 'Invalid L1 Request headers: POLY_SIGNATURE is not a signature' };
    }
    if (signer.toLowerCase() !== h.poly_address.toLowerCase()) return { error: 'Invalid L1 Request headers: POLY_SIGNATURE was not made by POLY_ADDRESS' };
    return { address: h.poly_address, nonce: h.poly_nonce };
  }

  const apiKeyBody = (k: SimApiKey) => ({ apiKey: k.key, secret: k.secret, passphrase: k.passphrase });

  function applyFill(token: string, side: 'BUY' | 'SELL', price: Dec, size: Dec, liquidity: 'maker' | 'taker'): void {
    const signed = side === 'BUY' ? size : size.neg();
    tokens.set(token, (tokens.get(token) ?? ZERO).plus(signed));
    const fee = polymarketFee({ shares: decStr(size), price: decStr(price), liquidity, feeRate: decStr(dec(feeRateOf(token)).div(10_000)) });
    cash = cash.minus(price.times(signed)).minus(dec(fee));
  }

  /** Our resting order `o` was the maker for `n` at its price: the order and the account move. */
  function fillMaker(o: PolySimOrder, n: Dec): void {
    o.size_matched = decStr(dec(o.size_matched).plus(n));
    if (dec(o.size_matched).eq(dec(o.original_size))) o.status = 'MATCHED';
    applyFill(o.asset_id, o.side, dec(o.price), n, 'maker');
  }
  /** The CLOB's view of a maker order in a trade. */
  const makerOrder = (f: { order_id: string; owner: string; maker_address: string; size: Dec; price: Dec; asset_id: string; side: 'BUY' | 'SELL' }): PolySimMakerOrder => ({
    order_id: f.order_id,
    owner: f.owner,
    maker_address: f.maker_address,
    matched_amount: decStr(f.size),
    price: decStr(f.price),
    fee_rate_bps: feeRateOf(f.asset_id),
    asset_id: f.asset_id,
    outcome: 'Yes',
    side: f.side,
  });
  /** Maker fills of our resting orders (they name our orders by id; other traders' are skipped). */
  function ourMakerFills(fills: MatchFill[]): { o: PolySimOrder; n: Dec }[] {
    return fills.flatMap((f) => {
      const o = f.owner === 'us' && f.orderId ? opts.orders.get(f.orderId) : undefined;
      return o ? [{ o, n: f.size }] : [];
    });
  }

  // ---------- the user channel ----------
  const send = (ws: WebSocket, body: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(typeof body === 'string' ? body : JSON.stringify(body));
  };
  function publish(market: string, event: object): void {
    for (const [ws, markets] of userClients) if (markets === 'all' || markets?.has(market)) send(ws, event);
  }
  function orderEvent(o: PolySimOrder, type: 'PLACEMENT' | 'UPDATE' | 'CANCELLATION', tradeId?: string) {
    publish(o.asset_id, {
      event_type: 'order',
      type,
      id: o.id,
      owner: o.owner,
      order_owner: o.owner,
      market: o.asset_id,
      asset_id: o.asset_id,
      side: o.side,
      outcome: 'Yes',
      original_size: o.original_size,
      size_matched: o.size_matched,
      price: o.price,
      associate_trades: tradeId ? [tradeId] : null,
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
  }
  function tradeEvent(t: PolySimTrade): void {
    publish(t.market, {
      event_type: 'trade',
      type: 'TRADE',
      id: t.id,
      taker_order_id: t.taker_order_id,
      market: t.market,
      asset_id: t.asset_id,
      side: t.side,
      size: t.size,
      price: t.price,
      status: t.status,
      outcome: t.outcome,
      owner: t.owner,
      trade_owner: t.owner,
      maker_orders: t.maker_orders.map(({ order_id, owner, matched_amount, price, asset_id, outcome, side }) => ({ order_id, owner, matched_amount, price, asset_id, outcome, side })),
      matchtime: t.match_time,
      last_update: t.last_update,
      timestamp: t.last_update,
    });
  }

  /** An order as `GET /data/orders` and `GET /data/order/{id}` send it (clob-client's `OpenOrder`). */
  function orderRow(o: PolySimOrder) {
    return { ...o, market: o.asset_id, outcome: 'Yes', associate_trades: trades.filter((t) => t.taker_order_id === o.id || t.maker_orders.some((m) => m.order_id === o.id)).map((t) => t.id), expiration: '0' };
  }

  function newTrade(fields: Pick<PolySimTrade, 'taker_order_id' | 'asset_id' | 'side' | 'size' | 'price' | 'owner' | 'maker_address' | 'trader_side' | 'maker_orders'>): PolySimTrade {
    const now = String(Math.floor(Date.now() / 1000));
    const t: PolySimTrade = { id: randomUUID(), market: fields.asset_id, fee_rate_bps: feeRateOf(fields.asset_id), status: 'MATCHED', match_time: now, last_update: now, outcome: 'Yes', bucket_index: 0, transaction_hash: `0x${randomBytes(32).toString('hex')}`, ...fields };
    trades.push(t);
    return t;
  }

  return {
    credentialsFor(apiKey: string): SimApiKey | undefined {
      return keys.get(apiKey);
    },

    /** A market's fee rate in bps (what `GET /fee-rate` answers and an order must sign). */
    feeRateBps: feeRateOf,
    /** Sets a market's fee rate (admin `POST /_sim/fee-rate`); later trades are charged at it. */
    setFeeRateBps(token: string, bps: number): void {
      feeRates.set(token, String(bps));
    },

    /**
     * Our order was posted and took `fills` from the book as the taker (matching.ts, best price
     * first): one trade per price level, listing its maker orders — ours by id (they fill as
     * makers, with their own `order` UPDATE; a self-trade is both sides of one trade), other
     * traders' as one order of theirs per level.
     */
    onOrderPosted(o: PolySimOrder, fills: MatchFill[]): void {
      orderEvent(o, 'PLACEMENT');
      const levels: MatchFill[][] = [];
      for (const f of fills) {
        const last = levels.at(-1);
        if (last && last[0]!.price.eq(f.price)) last.push(f);
        else levels.push([f]);
      }
      for (const level of levels) {
        const price = level[0]!.price;
        const size = level.reduce((a, f) => a.plus(f.size), ZERO);
        applyFill(o.asset_id, o.side, price, size, 'taker');
        const ours = ourMakerFills(level);
        for (const { o: m, n } of ours) fillMaker(m, n);
        const theirs = level.filter((f) => f.owner !== 'us').reduce((a, f) => a.plus(f.size), ZERO);
        const makerSide = o.side === 'BUY' ? 'SELL' : 'BUY';
        const t = newTrade({
          taker_order_id: o.id,
          asset_id: o.asset_id,
          side: o.side,
          size: decStr(size),
          price: decStr(price),
          owner: o.owner,
          maker_address: o.maker_address,
          trader_side: 'TAKER',
          maker_orders: [
            ...ours.map(({ o: m, n }) => makerOrder({ order_id: m.id, owner: m.owner, maker_address: m.maker_address, size: n, price, asset_id: o.asset_id, side: m.side })),
            ...(theirs.gt(ZERO) ? [makerOrder({ order_id: `0x${randomBytes(32).toString('hex')}`, owner: OTHER_TRADER, maker_address: OTHER_TRADER, size: theirs, price, asset_id: o.asset_id, side: makerSide })] : []),
          ],
        });
        for (const { o: m } of ours) orderEvent(m, 'UPDATE', t.id);
        tradeEvent(t);
      }
    },

    /**
     * Another trader's order (`/_sim/trade`, or liquidity that crossed) on `side` at `limit` took
     * `fills` from the book: the ones of our resting orders become one trade in which we are the
     * makers. Returns how much of ours it took.
     */
    onOtherTraderTrade(token: string, side: 'BUY' | 'SELL', limit: Dec, fills: MatchFill[]): Dec {
      const makers = ourMakerFills(fills);
      const traded = makers.reduce((a, m) => a.plus(m.n), ZERO);
      if (makers.length === 0) return traded;
      for (const { o, n } of makers) fillMaker(o, n);
      const t = newTrade({
        taker_order_id: `0x${randomBytes(32).toString('hex')}`,
        asset_id: token,
        side,
        size: decStr(traded),
        price: decStr(limit),
        owner: OTHER_TRADER,
        maker_address: OTHER_TRADER,
        trader_side: 'MAKER',
        maker_orders: makers.map(({ o, n }) => makerOrder({ order_id: o.id, owner: o.owner, maker_address: o.maker_address, size: n, price: dec(o.price), asset_id: token, side: o.side })),
      });
      for (const { o } of makers) orderEvent(o, 'UPDATE', t.id);
      tradeEvent(t);
      return traded;
    },

    onOrderCancelled(o: PolySimOrder): void {
      orderEvent(o, 'CANCELLATION');
    },

    /** L1 endpoints; false when the request is not one of them. */
    async handleAuth(req: http.IncomingMessage, res: http.ServerResponse, endpoint: string, json: Json): Promise<boolean> {
      if (endpoint !== 'POST /auth/api-key' && endpoint !== 'GET /auth/derive-api-key') return false;
      const caller = await l1Caller(req);
      if ('error' in caller) return answer(json, res, 401, { error: caller.error });
      const id = `${caller.address.toLowerCase()}/${caller.nonce}`;
      const existing = byAddressNonce.get(id);
      if (endpoint === 'POST /auth/api-key') {
        if (existing) return answer(json, res, 400, { error: 'Could not create api key' });
        const k = keyFor(caller.address, caller.nonce);
        byAddressNonce.set(id, k);
        keys.set(k.key, k);
        return answer(json, res, 200, apiKeyBody(k));
      }
      if (!existing) return answer(json, res, 400, { error: 'Could not derive api key!' });
      return answer(json, res, 200, apiKeyBody(existing));
    },

    /** Public reads; false when not one of them. */
    handlePublic(url: URL, endpoint: string, res: http.ServerResponse, json: Json, knownToken: (t: string) => boolean): boolean {
      if (endpoint !== 'GET /tick-size') return false;
      const token = url.searchParams.get('token_id') ?? '';
      if (!knownToken(token)) return answer(json, res, 404, { error: 'market not found' });
      json(res, 200, { minimum_tick_size: 0.01 });
      return true;
    },

    /** L2-authenticated account reads; false when not one of them. */
    handleAccount(url: URL, endpoint: string, res: http.ServerResponse, json: Json): boolean {
      const q = url.searchParams;
      const page = <T>(rows: T[]) => {
        const offset = offsetOf(q.get('next_cursor'));
        if (offset === undefined) return json(res, 400, { error: 'invalid next_cursor' });
        const data = rows.slice(offset, offset + pageSize);
        const end = offset + data.length >= rows.length;
        return json(res, 200, { data, next_cursor: end ? END_CURSOR : cursorOf(offset + data.length), limit: pageSize, count: data.length });
      };
      if (endpoint === 'GET /data/orders') {
        if (q.get('next_cursor') === END_CURSOR) return answer(json, res, 200, { data: [], next_cursor: END_CURSOR, limit: pageSize, count: 0 });
        const open = [...opts.orders.values()].filter(
          (o) => o.status === 'LIVE' && (!q.get('id') || o.id === q.get('id')) && (!q.get('market') || o.asset_id === q.get('market')) && (!q.get('asset_id') || o.asset_id === q.get('asset_id')),
        );
        page(open.map(orderRow));
        return true;
      }
      if (endpoint === 'GET /data/trades') {
        if (q.get('next_cursor') === END_CURSOR) return answer(json, res, 200, { data: [], next_cursor: END_CURSOR, limit: pageSize, count: 0 });
        const after = q.get('after');
        const before = q.get('before');
        page(
          trades.filter(
            (t) =>
              (!q.get('id') || t.id === q.get('id')) &&
              (!q.get('market') || t.market === q.get('market')) &&
              (!q.get('asset_id') || t.asset_id === q.get('asset_id')) &&
              (!after || Number(t.match_time) > Number(after)) &&
              (!before || Number(t.match_time) < Number(before)),
          ),
        );
        return true;
      }
      if (endpoint === 'GET /balance-allowance') {
        const parsed = balanceQuery.safeParse(Object.fromEntries(q));
        if (!parsed.success) return answer(json, res, 400, { error: formatZodError(parsed.error) });
        const amount = parsed.data.asset_type === 'COLLATERAL' ? cash : (tokens.get(parsed.data.token_id!) ?? ZERO);
        // 6-decimal integer units, as the venue reports them; allowances are unlimited here.
        json(res, 200, { balance: toPolymarketUnits(decStr(amount)).toString(), allowance: (2n ** 256n - 1n).toString() });
        return true;
      }
      return false;
    },

    /** Admin endpoint `/_sim/balance` (the server routes `/_sim/trade` through the book, then `onOtherTraderTrade`); false when not it. */
    handleAdmin(url: URL, req: http.IncomingMessage, raw: string, res: http.ServerResponse, json: Json): boolean {
      if (url.pathname === '/_sim/balance' && req.method === 'POST') {
        const parsed = balanceDeltaSchema.safeParse(JSON.parse(raw || '{}'));
        if (!parsed.success) return answer(json, res, 400, { error: formatZodError(parsed.error) });
        const delta = dec(parsed.data.delta);
        if (parsed.data.token_id) {
          const now = (tokens.get(parsed.data.token_id) ?? ZERO).plus(delta);
          tokens.set(parsed.data.token_id, now);
          json(res, 200, { token_id: parsed.data.token_id, balance: decStr(now) });
        } else {
          cash = cash.plus(delta);
          json(res, 200, { balance: decStr(cash) });
        }
        return true;
      }
      return false;
    },

    /** The user channel's upgrade (the server routes `/ws/user` here). */
    handleUserUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
      wss.handleUpgrade(req, socket, head, (ws) => {
        userClients.set(ws, undefined);
        ws.on('message', (data, isBinary) => {
          const text = isBinary ? '' : data.toString();
          if (text === 'PING') return send(ws, 'PONG');
          if (userClients.get(ws) !== undefined) return send(ws, 'INVALID OPERATION');
          let msg: unknown;
          try {
            msg = JSON.parse(text);
          } catch {
            return send(ws, 'INVALID OPERATION');
          }
          const sub = userSubscription.safeParse(msg);
          if (!sub.success) return send(ws, 'INVALID OPERATION');
          const k = keys.get(sub.data.auth.apiKey);
          if (!k || k.secret !== sub.data.auth.secret || k.passphrase !== sub.data.auth.passphrase) return ws.close(1008, 'Unauthorized');
          const markets = sub.data.markets ?? [];
          userClients.set(ws, markets.length === 0 ? 'all' : new Set(markets));
        });
        ws.on('close', () => userClients.delete(ws));
        ws.on('error', () => userClients.delete(ws));
      });
    },

    /** Drops every user-channel client abruptly (the `ws_disconnect` fault on `WS /ws/user`). */
    disconnectUserClients(): number {
      const n = userClients.size;
      for (const ws of userClients.keys()) ws.terminate();
      return n;
    },

    /** User-channel clients whose subscription was accepted (tests wait on it before trading). */
    subscribedUserClients(): number {
      return [...userClients.values()].filter((m) => m !== undefined).length;
    },

    /** Exact state for tests: cash and token balances as decimal strings. */
    balances(): { cash: string; tokens: Record<string, string> } {
      return { cash: decStr(cash), tokens: Object.fromEntries([...tokens].map(([t, q]) => [t, decStr(q)])) };
    },
    trades,
    orderRow,

    close(): void {
      for (const ws of userClients.keys()) ws.terminate();
      for (const ws of wss.clients) ws.terminate();
    },
  };
}

export type PolymarketAccount = ReturnType<typeof createPolymarketAccount>;
