/**
 * The Polymarket CLOB adapter. There is no client order id: the order hash is the id, and the
 * order is built deterministically from our client order id (salt) and signed deterministically,
 * so the same leg attempt is always the same order. Submission is therefore lookup-by-hash, then
 * post; a lost response or an "already exists" answer is resolved by the same lookup.
 *
 * The signed order carries the market's fee rate (`feeRateBps`), which the venue sets and checks:
 * like Polymarket's own client, the adapter reads it (`GET /fee-rate?token_id=`) and signs with it.
 * The fee rate is part of the hash, so the order is deterministic in (request, fee rate). A fee
 * rate is read once per token and kept for the adapter's lifetime: a lookup and the submit it
 * guards, and every retry of a submit whose answer was lost, use the same rate and so the same hash,
 * even if the venue changes the rate in between. The edge that remains: a worker restart (a new
 * adapter) between a lost submit and its retry, with the market's fee rate changed in that gap,
 * builds a different order whose hash misses the first one — the retry would place a second order
 * (at the new rate). Fee changes are rare market-wide events; reconciliation reports the first
 * order's fills as fills of an order the ledger does not know by that hash.
 */
import type { LocalAccount } from 'viem';
import { z } from 'zod';
import { dec, decimalString, decStr } from '../../domain/money';
import type { Fill } from '../../domain/order';
import { newOrderSnapshot, type MarketResolution, type OrderRequest, type OrderSnapshot, type OrderState } from '../../domain/order';
import { fromPolymarketUnits, polymarketOrderAmounts } from '../../domain/units';
import { VenueError } from '../../domain/venue-errors';
import { VenueHttpClient, type EndpointOutcome, type PostingPolicy } from '../http/client';
import { RateGovernor } from '../rate-governor';
import { l2Headers, type PolymarketApiCredentials } from './auth';
import { ourFills, restTradeSchema } from './trades';
import { CTF_EXCHANGE, orderHash, POLYGON_CHAIN_ID, saltFor, SIDE, signOrder, ZERO_ADDRESS, type PolymarketOrder } from './order-signing';

const orderSchema = z.object({ id: z.string(), status: z.enum(['LIVE', 'MATCHED', 'CANCELED']), original_size: z.string(), size_matched: z.string(), price: z.string() });
const postSchema = z.object({ success: z.boolean(), errorMsg: z.string().optional(), orderID: z.string().optional(), status: z.string().optional() });
const errorResponse = z.object({ error: z.string() });
const bookLevel = z.object({ price: z.string(), size: z.string() });
const bookSchema = z.object({ asset_id: z.string(), bids: z.array(bookLevel), asks: z.array(bookLevel) });
const marketSchema = z.object({ condition_id: z.string(), closed: z.boolean(), tokens: z.array(z.object({ token_id: z.string(), outcome: z.string(), winner: z.boolean() })) });
const cancelResponse = z.object({ canceled: z.array(z.string()), not_canceled: z.record(z.string(), z.string()) });
const STATE: Record<z.infer<typeof orderSchema>['status'], OrderState> = { LIVE: 'open', MATCHED: 'filled', CANCELED: 'cancelled' };
/** An order as `GET /data/order/{hash}` and `GET /data/orders` list it (the fields we read). */
const orderRowSchema = orderSchema.extend({ asset_id: z.string().min(1), side: z.enum(['BUY', 'SELL']) });
/** Paged listings: `next_cursor` is a base64 offset, `LTE=` once past the end (clob-client's END_CURSOR). */
const page = <T extends z.ZodType>(row: T) => z.object({ data: z.array(row), next_cursor: z.string() });
const ordersPage = page(orderRowSchema);
const tradesPage = page(restTradeSchema);
/** 6-decimal integer units, as a string. */
const balanceResponse = z.object({ balance: z.string().regex(/^-?\d+$/, 'must be an integer amount in 6-decimal units') });
/** Trading rules of a market (`GET /markets/{condition_id}`); numbers as the venue sends them. */
const marketRulesSchema = z.object({
  condition_id: z.string(),
  closed: z.boolean(),
  minimum_order_size: z.union([z.number(), decimalString]),
  minimum_tick_size: z.union([z.number(), decimalString]),
  end_date_iso: z.string().nullish(),
  maker_base_fee: z.number().int().nonnegative().default(0),
  taker_base_fee: z.number().int().nonnegative().default(0),
  tokens: z.array(z.object({ token_id: z.string(), outcome: z.string() })),
});
const tickSizeResponse = z.object({ minimum_tick_size: z.union([z.number(), decimalString]) });
/** `GET /fee-rate`: the market's fee rate in whole basis points (the number clob-client signs). */
const feeRateResponse = z.object({ base_fee: z.union([z.number().int().min(0).max(10_000), z.string().regex(/^\d{1,5}$/, 'must be whole basis points')]).transform((v) => BigInt(v)) });
export const INITIAL_CURSOR = 'MA==';
export const END_CURSOR = 'LTE=';
const cursorAt = (offset: number) => Buffer.from(String(offset)).toString('base64');
/**
 * A number the venue sends as a JSON number (tick sizes, minimum sizes) in exact decimal form: the
 * shortest decimal that round-trips, which is the literal the venue wrote ("0.01", "5").
 */
const exactNumber = (v: number | string) => decStr(dec(typeof v === 'number' ? String(v) : v));

/** Our view of one order at the venue, for reconciliation (the hash is the only id). */
export interface PolymarketOrderView {
  venueOrderId: string;
  market: string;
  action: 'buy' | 'sell';
  state: OrderState;
  price: string;
  filledQuantity: string;
  quantity: string;
}

/** A market's trading rules, exact. Fees are the venue's base fees in basis points. */
export interface PolymarketMarketRules {
  conditionId: string;
  closed: boolean;
  minimumOrderSize: string;
  tickSize: string;
  endDate?: string;
  makerBaseFeeBps: number;
  takerBaseFeeBps: number;
  tokenIds: string[];
}

function toView(o: z.infer<typeof orderRowSchema>): PolymarketOrderView {
  let state = STATE[o.status];
  if (state === 'open' && dec(o.size_matched).gt(0)) state = 'partially_filled';
  return { venueOrderId: o.id, market: o.asset_id, action: o.side === 'BUY' ? 'buy' : 'sell', state, price: decStr(dec(o.price)), filledQuantity: decStr(dec(o.size_matched)), quantity: decStr(dec(o.original_size)) };
}

export interface PolymarketAdapterOptions {
  restBaseUrl: string;
  account: LocalAccount;
  credentials: PolymarketApiCredentials;
  tickSize?: string;
  exchange?: `0x${string}`;
  chainId?: number;
  rate?: RateGovernor;
  posting?: PostingPolicy;
  /** How long a request may wait for its answer (VenueHttpOptions.timeoutMs). */
  requestTimeoutMs?: number;
  /** Endpoint health for the circuit breakers (see VenueHttpOptions.onOutcome). */
  onOutcome?: (outcome: EndpointOutcome) => void;
}

export class PolymarketAdapter {
  private readonly http: VenueHttpClient;
  readonly rate: RateGovernor;
  /** Fee rate per token, read once and kept for the adapter's lifetime (see the module comment). */
  private readonly feeRates = new Map<string, bigint>();
  /** Reads in flight, so concurrent first uses of a token share one read (and one rate). */
  private readonly feeRateReads = new Map<string, Promise<bigint>>();

  constructor(private readonly options: PolymarketAdapterOptions) {
    this.rate = options.rate ?? new RateGovernor({ venue: 'polymarket', limits: { default: { ratePerSecond: 50, burst: 50 }, 'POST /order': { ratePerSecond: 25, burst: 25 } }, maxInFlight: 16 });
    this.http = new VenueHttpClient({
      venue: 'polymarket',
      baseUrl: options.restBaseUrl,
      rate: this.rate,
      posting: options.posting,
      timeoutMs: options.requestTimeoutMs,
      onOutcome: options.onOutcome,
      authHeaders: ({ method, path, body }) => l2Headers(options.account.address, options.credentials, { method, path, body }),
      errorCode: (body) => {
        const parsed = errorResponse.safeParse(body);
        return parsed.success ? { code: /already exists/.test(parsed.data.error) ? 'order_already_exists' : undefined, message: parsed.data.error } : {};
      },
    });
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /**
   * The market's fee rate in bps (`GET /fee-rate`), as this adapter signs orders with it: read on
   * first use, then the same for the adapter's lifetime.
   */
  async feeRateBps(tokenId: string): Promise<bigint> {
    const known = this.feeRates.get(tokenId);
    if (known !== undefined) return known;
    let read = this.feeRateReads.get(tokenId);
    if (!read) {
      read = this.http
        .call('GET', '/fee-rate', feeRateResponse, { query: new URLSearchParams({ token_id: tokenId }) })
        .then((r) => {
          if (!this.feeRates.has(tokenId)) this.feeRates.set(tokenId, r.base_fee);
          return this.feeRates.get(tokenId)!;
        })
        .finally(() => this.feeRateReads.delete(tokenId)); // a failed read is tried again next time
      this.feeRateReads.set(tokenId, read);
    }
    return read;
  }

  /** The fee rate this adapter signs `tokenId`'s orders with; throws if it has not read it yet (`feeRateBps`). */
  private knownFeeRate(tokenId: string): bigint {
    const known = this.feeRates.get(tokenId);
    if (known === undefined) throw new Error(`Polymarket fee rate of token ${tokenId} not read yet: await feeRateBps(${JSON.stringify(tokenId)}) first`);
    return known;
  }

  /**
   * The deterministic order for a request at a fee rate: same (request, fee rate), same order, same
   * hash. Without `feeRateBps`, the rate this adapter has read for the token (`feeRateBps()`).
   */
  buildOrder(request: OrderRequest, feeRateBps: bigint = this.knownFeeRate(request.market)): PolymarketOrder {
    if (request.venue !== 'polymarket') throw new Error(`not a Polymarket order: ${request.venue}`);
    const side = request.action === 'buy' ? 'BUY' : 'SELL';
    const { makerAmount, takerAmount } = polymarketOrderAmounts({ side, price: request.price, size: request.quantity, tickSize: this.options.tickSize ?? '0.01' });
    return {
      salt: saltFor(request.clientOrderId),
      maker: this.options.account.address,
      signer: this.options.account.address,
      taker: ZERO_ADDRESS,
      tokenId: BigInt(request.market),
      makerAmount,
      takerAmount,
      expiration: request.expiresAt ? BigInt(Math.floor(Date.parse(request.expiresAt) / 1000)) : 0n,
      nonce: 0n,
      feeRateBps,
      side: side === 'BUY' ? SIDE.BUY : SIDE.SELL,
      signatureType: 0,
    };
  }

  private toSnapshot(request: OrderRequest, o: z.infer<typeof orderSchema>): OrderSnapshot {
    const matched = decStr(dec(o.size_matched));
    let state = STATE[o.status];
    if (state === 'open' && dec(matched).gt(0)) state = 'partially_filled';
    return { ...newOrderSnapshot(request, new Date().toISOString()), venueOrderId: o.id, state, filledQuantity: matched, averageFillPrice: dec(matched).gt(0) ? decStr(dec(o.price)) : undefined };
  }

  async getOrder(request: OrderRequest, hash: string): Promise<OrderSnapshot | undefined> {
    try {
      return this.toSnapshot(request, await this.http.call('GET', `/data/order/${hash}`, orderSchema, { endpoint: 'GET /data/order/{hash}' }));
    } catch (err) {
      if (err instanceof VenueError && err.details.httpStatus === 404) return undefined;
      throw err;
    }
  }

  /**
   * The venue's id for this request's order (its EIP-712 hash), known before anything is sent.
   * Without `feeRateBps`, at the rate this adapter has read for the token (throws if it has not).
   */
  orderIdFor(request: OrderRequest, feeRateBps?: bigint): `0x${string}` {
    return this.hashOf(this.buildOrder(request, feeRateBps ?? this.knownFeeRate(request.market)));
  }

  /** The order for this request at the market's fee rate (read once per token), and its hash. */
  async orderFor(request: OrderRequest): Promise<{ order: PolymarketOrder; hash: `0x${string}` }> {
    const order = this.buildOrder(request, await this.feeRateBps(request.market));
    return { order, hash: this.hashOf(order) };
  }

  private hashOf(order: PolymarketOrder): `0x${string}` {
    return orderHash(order, this.options.exchange ?? CTF_EXCHANGE, this.options.chainId ?? POLYGON_CHAIN_ID);
  }

  /** The order for this request, if the venue has it (a lookup by its deterministic hash). */
  async findByClientOrderId(request: OrderRequest): Promise<OrderSnapshot | undefined> {
    return this.getOrder(request, (await this.orderFor(request)).hash);
  }

  async submitOrder(request: OrderRequest): Promise<OrderSnapshot> {
    // One fee rate for the lookup, the post and any retry (cached per token): one hash throughout.
    const { order, hash } = await this.orderFor(request);
    const existing = await this.getOrder(request, hash);
    if (existing) return existing;
    const { signature } = await signOrder(this.options.account, order, this.options.exchange ?? CTF_EXCHANGE, this.options.chainId ?? POLYGON_CHAIN_ID);
    const payload = {
      // The salt as a JSON number, as clob-client sends it (orderToJson: Number.parseInt); ours fit in 53 bits (saltFor).
      order: { ...order, salt: Number(order.salt), tokenId: order.tokenId.toString(), makerAmount: order.makerAmount.toString(), takerAmount: order.takerAmount.toString(), expiration: order.expiration.toString(), nonce: order.nonce.toString(), feeRateBps: order.feeRateBps.toString(), side: order.side === SIDE.BUY ? 'BUY' : 'SELL', signature },
      owner: this.options.credentials.key,
      orderType: request.timeInForce === 'IOC' ? 'FAK' : request.timeInForce,
    };
    try {
      const posted = await this.http.call('POST', '/order', postSchema, { body: payload });
      if (!posted.success) throw new VenueError({ venue: 'polymarket', endpoint: 'POST /order', errorClass: 'permanent', message: posted.errorMsg ?? 'order rejected' });
    } catch (err) {
      const resolvable = err instanceof VenueError && (err.errorClass === 'unknown' || err.details.venueCode === 'order_already_exists');
      if (!resolvable) throw err;
    }
    const found = await this.getOrder(request, hash);
    if (!found) throw new VenueError({ venue: 'polymarket', endpoint: 'POST /order', errorClass: 'unknown', message: `order ${hash} not found after submit` });
    return found;
  }

  /** The token's book, best first on both sides (the CLOB lists bids ascending and asks descending). */
  async orderBook(tokenId: string): Promise<{ bids: [string, string][]; asks: [string, string][] }> {
    const book = await this.http.call('GET', '/book', bookSchema, { query: new URLSearchParams({ token_id: tokenId }) });
    const levels = (side: z.infer<typeof bookLevel>[]): [string, string][] => side.map((l) => [decStr(dec(l.price)), decStr(dec(l.size))]);
    return {
      bids: levels(book.bids).sort((a, b) => dec(b[0]).comparedTo(dec(a[0]))),
      asks: levels(book.asks).sort((a, b) => dec(a[0]).comparedTo(dec(b[0]))),
    };
  }

  /** Settlement status of a token's market: resolved once the market is closed with a winner. */
  async resolution(tokenId: string): Promise<MarketResolution> {
    const m = await this.http.call('GET', `/markets/${encodeURIComponent(tokenId)}`, marketSchema, { endpoint: 'GET /markets/{condition_id}' });
    const token = m.tokens.find((t) => t.token_id === tokenId);
    if (!m.closed || !token) return { resolved: false, status: m.closed ? 'closed' : 'open' };
    return { resolved: true, status: 'closed', result: token.winner ? 'won' : 'lost', payoutPerContract: token.winner ? '1' : '0' };
  }

  async cancelOrder(hash: string): Promise<{ cancelled: boolean; reason?: string }> {
    const r = await this.http.call('DELETE', '/order', cancelResponse, { body: { orderID: hash } });
    return r.canceled.includes(hash) ? { cancelled: true } : { cancelled: false, reason: r.not_canceled[hash] };
  }

  /**
   * Replace = cancel + new order (Polymarket has no amend). `next.quantity` is the total wanted
   * across both orders: the new order is for what the old one did not fill by the time it was
   * cancelled, and none is placed when the old one filled it all. Safe to retry: the new order is
   * built deterministically (its own client order id), so a second call finds it by its hash.
   */
  async replaceOrder(old: OrderRequest, next: OrderRequest): Promise<{ old: OrderSnapshot | undefined; replacement?: OrderSnapshot }> {
    const { hash } = await this.orderFor(old);
    const before = await this.getOrder(old, hash);
    if (before && (before.state === 'open' || before.state === 'partially_filled')) await this.cancelOrder(hash);
    const after = before ? await this.getOrder(old, hash) : undefined;
    if (after && (after.state === 'open' || after.state === 'partially_filled')) {
      throw new VenueError({ venue: 'polymarket', endpoint: 'DELETE /order', errorClass: 'retryable', message: `order ${hash} is still live after its cancel` });
    }
    const left = dec(next.quantity).minus(dec(after?.filledQuantity ?? '0'));
    if (!left.gt(0)) return { old: after };
    return { old: after, replacement: await this.submitOrder({ ...next, quantity: decStr(left) }) };
  }

  /** Our open orders (`GET /data/orders`, every page), optionally for one market or token. */
  async openOrders(filter: { market?: string; assetId?: string } = {}): Promise<PolymarketOrderView[]> {
    const out: PolymarketOrderView[] = [];
    let cursor = INITIAL_CURSOR;
    while (cursor !== END_CURSOR) {
      const query = new URLSearchParams({ next_cursor: cursor });
      if (filter.market) query.set('market', filter.market);
      if (filter.assetId) query.set('asset_id', filter.assetId);
      const r = await this.http.call('GET', '/data/orders', ordersPage, { query });
      out.push(...r.data.map(toView));
      if (r.data.length === 0) break;
      cursor = r.next_cursor;
    }
    return out;
  }

  /** One order by its hash; undefined when the venue has none. */
  async orderView(hash: string): Promise<PolymarketOrderView | undefined> {
    try {
      return toView(await this.http.call('GET', `/data/order/${hash}`, orderRowSchema, { endpoint: 'GET /data/order/{hash}' }));
    } catch (err) {
      if (err instanceof VenueError && err.details.httpStatus === 404) return undefined;
      throw err;
    }
  }

  /**
   * Our fills (as taker and as maker) after `cursor`, oldest first, and the cursor to read from
   * next time. The cursor is the base64 offset into our trade history that the venue's
   * `next_cursor` uses; past the end the venue answers `LTE=`, so the offset is counted here and
   * a caller never loses its place.
   */
  async fillsSince(cursor?: string): Promise<{ fills: Fill[]; cursor: string }> {
    let offset = cursor ? Number(Buffer.from(cursor, 'base64').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new Error(`Polymarket fill cursor ${JSON.stringify(cursor)} is not a base64 offset`);
    const fills: Fill[] = [];
    for (;;) {
      const r = await this.http.call('GET', '/data/trades', tradesPage, { query: new URLSearchParams({ next_cursor: cursorAt(offset) }) });
      for (const t of r.data) fills.push(...ourFills(t, t.match_time, this.options.credentials.key));
      offset += r.data.length;
      if (r.data.length === 0 || r.next_cursor === END_CURSOR) return { fills, cursor: cursorAt(offset) };
    }
  }

  /** USDC available (`GET /balance-allowance?asset_type=COLLATERAL`), from 6-decimal units. */
  async balance(): Promise<string> {
    const r = await this.http.call('GET', '/balance-allowance', balanceResponse, { query: new URLSearchParams({ asset_type: 'COLLATERAL', signature_type: '0' }) });
    return fromPolymarketUnits(r.balance);
  }

  /** Shares of one outcome token we hold (`asset_type=CONDITIONAL&token_id=`). */
  async tokenBalance(tokenId: string): Promise<string> {
    const r = await this.http.call('GET', '/balance-allowance', balanceResponse, { query: new URLSearchParams({ asset_type: 'CONDITIONAL', token_id: tokenId, signature_type: '0' }) });
    return fromPolymarketUnits(r.balance);
  }

  /**
   * Non-zero holdings of the given tokens. The CLOB answers per token only (there is no "all my
   * positions" call on it), so the caller names the tokens it cares about.
   */
  async positions(tokenIds: string[]): Promise<{ market: string; quantity: string }[]> {
    const out: { market: string; quantity: string }[] = [];
    for (const token of [...new Set(tokenIds)].sort()) {
      const quantity = await this.tokenBalance(token);
      if (!dec(quantity).isZero()) out.push({ market: token, quantity });
    }
    return out;
  }

  /** A market's trading rules (`GET /markets/{condition_id}`). */
  async marketRules(conditionId: string): Promise<PolymarketMarketRules> {
    const m = await this.http.call('GET', `/markets/${encodeURIComponent(conditionId)}`, marketRulesSchema, { endpoint: 'GET /markets/{condition_id}' });
    return {
      conditionId: m.condition_id,
      closed: m.closed,
      minimumOrderSize: exactNumber(m.minimum_order_size),
      tickSize: exactNumber(m.minimum_tick_size),
      ...(m.end_date_iso ? { endDate: m.end_date_iso } : {}),
      makerBaseFeeBps: m.maker_base_fee,
      takerBaseFeeBps: m.taker_base_fee,
      tokenIds: m.tokens.map((t) => t.token_id),
    };
  }

  /** The token's tick size (`GET /tick-size?token_id=`). */
  async tickSize(tokenId: string): Promise<string> {
    const r = await this.http.call('GET', '/tick-size', tickSizeResponse, { query: new URLSearchParams({ token_id: tokenId }) });
    return exactNumber(r.minimum_tick_size);
  }
}
