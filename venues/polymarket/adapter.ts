/**
 * The Polymarket CLOB adapter. There is no client order id: the order hash is the id, and the
 * order is built deterministically from our client order id (salt) and signed deterministically,
 * so the same leg attempt is always the same order. Submission is therefore lookup-by-hash, then
 * post; a lost response or an "already exists" answer is resolved by the same lookup.
 */
import type { LocalAccount } from 'viem';
import { z } from 'zod';
import { dec, decStr } from '../../domain/money';
import { newOrderSnapshot, type MarketResolution, type OrderRequest, type OrderSnapshot, type OrderState } from '../../domain/order';
import { polymarketOrderAmounts } from '../../domain/units';
import { VenueError } from '../../domain/venue-errors';
import { VenueHttpClient, type EndpointOutcome, type PostingPolicy } from '../http/client';
import { RateGovernor } from '../rate-governor';
import { l2Headers, type PolymarketApiCredentials } from './auth';
import { CTF_EXCHANGE, orderHash, POLYGON_CHAIN_ID, saltFor, SIDE, signOrder, ZERO_ADDRESS, type PolymarketOrder } from './order-signing';

const orderSchema = z.object({ id: z.string(), status: z.enum(['LIVE', 'MATCHED', 'CANCELED']), original_size: z.string(), size_matched: z.string(), price: z.string() });
const postSchema = z.object({ success: z.boolean(), errorMsg: z.string().optional(), orderID: z.string().optional(), status: z.string().optional() });
const errorResponse = z.object({ error: z.string() });
const bookLevel = z.object({ price: z.string(), size: z.string() });
const bookSchema = z.object({ asset_id: z.string(), bids: z.array(bookLevel), asks: z.array(bookLevel) });
const marketSchema = z.object({ condition_id: z.string(), closed: z.boolean(), tokens: z.array(z.object({ token_id: z.string(), outcome: z.string(), winner: z.boolean() })) });
const cancelResponse = z.object({ canceled: z.array(z.string()), not_canceled: z.record(z.string(), z.string()) });
const STATE: Record<z.infer<typeof orderSchema>['status'], OrderState> = { LIVE: 'open', MATCHED: 'filled', CANCELED: 'cancelled' };

export interface PolymarketAdapterOptions {
  restBaseUrl: string;
  account: LocalAccount;
  credentials: PolymarketApiCredentials;
  tickSize?: string;
  exchange?: `0x${string}`;
  chainId?: number;
  rate?: RateGovernor;
  posting?: PostingPolicy;
  /** Endpoint health for the circuit breakers (see VenueHttpOptions.onOutcome). */
  onOutcome?: (outcome: EndpointOutcome) => void;
}

export class PolymarketAdapter {
  private readonly http: VenueHttpClient;
  readonly rate: RateGovernor;

  constructor(private readonly options: PolymarketAdapterOptions) {
    this.rate = options.rate ?? new RateGovernor({ venue: 'polymarket', limits: { default: { ratePerSecond: 50, burst: 50 }, 'POST /order': { ratePerSecond: 25, burst: 25 } }, maxInFlight: 16 });
    this.http = new VenueHttpClient({
      venue: 'polymarket',
      baseUrl: options.restBaseUrl,
      rate: this.rate,
      posting: options.posting,
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

  /** The deterministic order for a request: same request, same order, same hash. */
  buildOrder(request: OrderRequest): PolymarketOrder {
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
      feeRateBps: 0n,
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

  /** The venue's id for this request's order (its EIP-712 hash), known before anything is sent. */
  orderIdFor(request: OrderRequest): `0x${string}` {
    return orderHash(this.buildOrder(request), this.options.exchange ?? CTF_EXCHANGE, this.options.chainId ?? POLYGON_CHAIN_ID);
  }

  /** The order for this request, if the venue has it (a lookup by its deterministic hash). */
  findByClientOrderId(request: OrderRequest): Promise<OrderSnapshot | undefined> {
    return this.getOrder(request, this.orderIdFor(request));
  }

  async submitOrder(request: OrderRequest): Promise<OrderSnapshot> {
    const order = this.buildOrder(request);
    const hash = this.orderIdFor(request);
    const existing = await this.getOrder(request, hash);
    if (existing) return existing;
    const { signature } = await signOrder(this.options.account, order, this.options.exchange ?? CTF_EXCHANGE, this.options.chainId ?? POLYGON_CHAIN_ID);
    const payload = {
      order: { ...order, salt: order.salt.toString(), tokenId: order.tokenId.toString(), makerAmount: order.makerAmount.toString(), takerAmount: order.takerAmount.toString(), expiration: order.expiration.toString(), nonce: order.nonce.toString(), feeRateBps: order.feeRateBps.toString(), side: order.side === SIDE.BUY ? 'BUY' : 'SELL', signature },
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
}
