/**
 * The Coinbase Advanced Trade adapter: our order model in, Coinbase's REST out, over one
 * keep-alive undici pool, paced by the rate governor, every response validated with zod, every
 * failure classified. Submission is idempotent: Coinbase answers a re-posted `client_order_id`
 * with the existing order, so an UNKNOWN outcome (the connection died after the request left) is
 * resolved by posting the same request again — which can only return the order, never add one.
 * Account reads (open orders, fills since a cursor, accounts, product metadata) follow Coinbase's
 * cursor pages; `replaceOrder` amends a resting order in place (`POST /orders/edit`).
 */
import { z } from 'zod';
import { dec, decimalString, decStr, positiveDecimalString } from '../../domain/money';
import { fillSchema as ourFillSchema, newOrderSnapshot, type Fill, type OrderRequest, type OrderSnapshot, type OrderState } from '../../domain/order';
import { parseOrThrow } from '../../domain/validation';
import { VenueError } from '../../domain/venue-errors';
import { VenueHttpClient, type EndpointOutcome, type PostingPolicy } from '../http/client';
import { RateGovernor } from '../rate-governor';
import { buildCoinbaseJwt, type CoinbaseCredentials } from './auth';

const orderSchema = z.object({
  order_id: z.string(),
  client_order_id: z.string(),
  product_id: z.string(),
  side: z.enum(['BUY', 'SELL']),
  status: z.string(),
  filled_size: z.string().default('0'),
  average_filled_price: z.string().default('0'),
  total_fees: z.string().default('0'),
  /** The order's size: every order we place is a limit order with a base size. */
  base_size: decimalString.optional(),
  order_configuration: z.record(z.string(), z.object({ base_size: decimalString.optional() }).passthrough()).optional(),
});
const createResponseSchema = z.object({
  success: z.boolean(),
  success_response: z.object({ order_id: z.string(), client_order_id: z.string() }).optional(),
  error_response: z.object({ error: z.string(), message: z.string().optional() }).optional(),
  failure_reason: z.string().optional(),
});
const accountsSchema = z.object({
  accounts: z.array(z.object({ currency: z.string().min(1), available_balance: z.object({ value: decimalString }), hold: z.object({ value: decimalString }) })),
  has_next: z.boolean().default(false),
  cursor: z.string().nullish(),
});
const cancelSchema = z.object({ results: z.array(z.object({ success: z.boolean(), failure_reason: z.string().optional(), order_id: z.string() })) });
const orderResponse = z.object({ order: orderSchema });
const ordersListResponse = z.object({ orders: z.array(orderSchema), has_next: z.boolean().default(false), cursor: z.string().nullish() });
/** `GET /orders/historical/fills` (Advanced Trade Fill): sizes, prices and commission as decimal strings. */
const coinbaseFillSchema = z.object({
  trade_id: z.string().min(1),
  order_id: z.string().min(1),
  product_id: z.string().min(1),
  side: z.enum(['BUY', 'SELL']),
  price: positiveDecimalString,
  size: positiveDecimalString,
  commission: decimalString,
  liquidity_indicator: z.enum(['MAKER', 'TAKER', 'UNKNOWN_LIQUIDITY_INDICATOR']).optional(),
  trade_time: z.iso.datetime({ offset: true }),
});
const fillsResponse = z.object({ fills: z.array(coinbaseFillSchema), cursor: z.string().nullish() });
/** `GET /products/{product_id}`: the fields an order must respect. */
const productResponse = z.object({
  product_id: z.string().min(1),
  base_increment: positiveDecimalString,
  quote_increment: positiveDecimalString,
  base_min_size: decimalString,
  base_max_size: positiveDecimalString,
  status: z.string(),
  trading_disabled: z.boolean().default(false),
});
/** `GET /product_book`: other traders' price levels, prices and sizes as decimal strings. */
const bookLevel = z.object({ price: positiveDecimalString, size: positiveDecimalString });
const productBookResponse = z.object({
  pricebook: z.object({ product_id: z.string().min(1), bids: z.array(bookLevel), asks: z.array(bookLevel), time: z.string().optional() }),
});
/** `POST /orders/edit`: success, or the reasons it was refused (the order is then unchanged). */
const editResponse = z.object({
  success: z.boolean(),
  errors: z.array(z.object({ edit_failure_reason: z.string().optional(), preview_failure_reason: z.string().optional() })).default([]),
});
const errorBodySchema = z.object({ error: z.string().optional(), message: z.string().optional() }).passthrough();

const STATE: Record<string, OrderState> = {
  PENDING: 'pending',
  QUEUED: 'pending',
  OPEN: 'open',
  FILLED: 'filled',
  CANCEL_QUEUED: 'open',
  CANCELLED: 'cancelled',
  EXPIRED: 'expired',
  FAILED: 'rejected',
};

/** One order at the venue, for reconciliation (no request to rebuild it from). */
export interface CoinbaseOrderView {
  venueOrderId: string;
  clientOrderId: string;
  market: string;
  action: 'buy' | 'sell';
  state: OrderState;
  filledQuantity: string;
  quantity: string;
}

/** What an order for a product must respect (Coinbase's product metadata). */
export interface CoinbaseProduct {
  productId: string;
  baseIncrement: string;
  quoteIncrement: string;
  baseMinSize: string;
  baseMaxSize: string;
  status: string;
  tradingDisabled: boolean;
}

const PAGE = 250;

export interface CoinbaseAdapterOptions {
  restBaseUrl: string;
  credentials: CoinbaseCredentials;
  rate?: RateGovernor;
  /** Attempts to resolve an UNKNOWN submit by re-posting the same client order id. */
  unknownResolutionAttempts?: number;
  requestTimeoutMs?: number;
  posting?: PostingPolicy;
  /** Endpoint health for the circuit breakers (see VenueHttpOptions.onOutcome). */
  onOutcome?: (outcome: EndpointOutcome) => void;
  /** Items asked for per page of the cursor listings (orders, fills, accounts); 250 unless set. */
  pageSize?: number;
}

export class CoinbaseAdapter {
  private readonly http: VenueHttpClient;
  private readonly pageSize: number;
  readonly rate: RateGovernor;

  constructor(private readonly options: CoinbaseAdapterOptions) {
    this.pageSize = options.pageSize ?? PAGE;
    this.rate =
      options.rate ??
      new RateGovernor({
        venue: 'coinbase',
        limits: { default: { ratePerSecond: 30, burst: 30 }, 'POST /orders': { ratePerSecond: 15, burst: 15 } },
        maxInFlight: 16,
      });
    this.http = new VenueHttpClient({
      venue: 'coinbase',
      baseUrl: options.restBaseUrl,
      rate: this.rate,
      timeoutMs: options.requestTimeoutMs,
      posting: options.posting,
      onOutcome: options.onOutcome,
      authHeaders: async ({ method, host, path }) => ({ authorization: `Bearer ${await buildCoinbaseJwt(options.credentials, { method, host, path })}` }),
      errorCode: (body) => {
        const parsed = errorBodySchema.safeParse(body);
        return parsed.success ? { code: parsed.data.error, message: parsed.data.message } : {};
      },
    });
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private toSnapshot(request: OrderRequest, o: z.infer<typeof orderSchema>): OrderSnapshot {
    const filled = decStr(dec(o.filled_size || '0'));
    let state = STATE[o.status] ?? 'unknown';
    if (state === 'open' && dec(filled).gt(0)) state = 'partially_filled';
    return {
      ...newOrderSnapshot(request, new Date().toISOString()),
      venueOrderId: o.order_id,
      state,
      filledQuantity: filled,
      averageFillPrice: dec(o.average_filled_price || '0').isZero() ? undefined : decStr(dec(o.average_filled_price)),
      fees: decStr(dec(o.total_fees || '0')),
    };
  }

  private createBody(request: OrderRequest) {
    if (request.venue !== 'coinbase') throw new Error(`not a Coinbase order: ${request.venue}`);
    const cfg = { base_size: request.quantity, limit_price: request.price };
    const order_configuration =
      request.timeInForce === 'FOK' ? { limit_limit_fok: cfg } : request.timeInForce === 'IOC' ? { sor_limit_ioc: cfg } : { limit_limit_gtc: { ...cfg, post_only: request.postOnly } };
    return { client_order_id: request.clientOrderId, product_id: request.market, side: request.action === 'buy' ? 'BUY' : 'SELL', order_configuration };
  }

  /** Submits (idempotently) and returns the order as the venue has it. */
  async submitOrder(request: OrderRequest): Promise<OrderSnapshot> {
    const body = this.createBody(request);
    let lastUnknown: VenueError | undefined;
    for (let attempt = 0; attempt <= (this.options.unknownResolutionAttempts ?? 3); attempt++) {
      try {
        const created = await this.http.call('POST', '/orders', createResponseSchema, { body });
        if (!created.success || !created.success_response) {
          throw new VenueError({
            venue: 'coinbase',
            endpoint: 'POST /orders',
            errorClass: 'permanent',
            venueCode: created.error_response?.error ?? created.failure_reason,
            message: created.error_response?.message ?? created.failure_reason ?? 'order rejected',
          });
        }
        return this.getOrder(request, created.success_response.order_id);
      } catch (err) {
        // The request may have reached the venue: posting the same client_order_id again returns
        // the existing order if there is one, and creates it once if there is not.
        if (err instanceof VenueError && err.errorClass === 'unknown') {
          lastUnknown = err;
          continue;
        }
        throw err;
      }
    }
    throw lastUnknown!;
  }

  /**
   * The order with this client order id, if the venue has one. Coinbase has no lookup by client
   * id, so this lists the product's orders (`/orders/historical/batch`) and matches it: unlike a
   * re-post, it can never create the order.
   */
  async findByClientOrderId(request: OrderRequest): Promise<OrderSnapshot | undefined> {
    const found = (await this.listOrders(new URLSearchParams({ product_ids: request.market }), (o) => o.client_order_id === request.clientOrderId))[0];
    return found ? this.toSnapshot(request, found) : undefined;
  }

  /** `GET /orders/historical/batch` page by page (cursor); stops at the first match when `stopAt` is given. */
  private async listOrders(filter: URLSearchParams, stopAt?: (o: z.infer<typeof orderSchema>) => boolean): Promise<z.infer<typeof orderSchema>[]> {
    const out: z.infer<typeof orderSchema>[] = [];
    let cursor = '';
    for (;;) {
      const query = new URLSearchParams(filter);
      query.set('limit', String(this.pageSize));
      if (cursor) query.set('cursor', cursor);
      const page = await this.http.call('GET', '/orders/historical/batch', ordersListResponse, { query });
      if (stopAt) {
        const hit = page.orders.find(stopAt);
        if (hit) return [hit];
      } else out.push(...page.orders);
      cursor = page.cursor ?? '';
      if (!page.has_next || !cursor) return out;
    }
  }

  /** Our open orders (`order_status=OPEN`), every page. */
  async openOrders(): Promise<CoinbaseOrderView[]> {
    return (await this.listOrders(new URLSearchParams({ order_status: 'OPEN' }))).map(toView);
  }

  /** One order by the venue's id; undefined when the venue has no such order (404). */
  async orderView(venueOrderId: string): Promise<CoinbaseOrderView | undefined> {
    try {
      const { order } = await this.http.call('GET', `/orders/historical/${encodeURIComponent(venueOrderId)}`, orderResponse, { endpoint: 'GET /orders/historical/{id}' });
      return toView(order);
    } catch (err) {
      if (err instanceof VenueError && err.details.httpStatus === 404) return undefined;
      throw err;
    }
  }

  /** One order by our client order id (the listing is by product, so the product narrows the search). */
  async orderViewByClientOrderId(market: string, clientOrderId: string): Promise<CoinbaseOrderView | undefined> {
    const found = (await this.listOrders(new URLSearchParams({ product_ids: market }), (o) => o.client_order_id === clientOrderId))[0];
    return found ? toView(found) : undefined;
  }

  /**
   * Every fill after `cursor` (from the first fill without one), oldest first, and the cursor to
   * ask from next time. The simulator's cursor is a position in our fill history and is returned
   * on the last page too; Coinbase ends a listing with an empty cursor, in which case the cursor
   * given is returned, so a caller never loses its place.
   */
  async fillsSince(cursor?: string): Promise<{ fills: Fill[]; cursor: string }> {
    const fills: Fill[] = [];
    let at = cursor ?? '';
    for (;;) {
      const query = new URLSearchParams({ limit: String(this.pageSize) });
      if (at) query.set('cursor', at);
      const page = await this.http.call('GET', '/orders/historical/fills', fillsResponse, { query });
      fills.push(...page.fills.map(toFill));
      const next = page.cursor ?? '';
      if (next) at = next;
      if (page.fills.length < this.pageSize || !next) return { fills, cursor: at };
    }
  }

  /** Product metadata: increments, size limits, trading status. */
  async product(productId: string): Promise<CoinbaseProduct> {
    const p = await this.http.call('GET', `/products/${encodeURIComponent(productId)}`, productResponse, { endpoint: 'GET /products/{id}' });
    return {
      productId: p.product_id,
      baseIncrement: decStr(dec(p.base_increment)),
      quoteIncrement: decStr(dec(p.quote_increment)),
      baseMinSize: decStr(dec(p.base_min_size)),
      baseMaxSize: decStr(dec(p.base_max_size)),
      status: p.status,
      tradingDisabled: p.trading_disabled,
    };
  }

  /**
   * The product's book (`GET /product_book`): levels best first (bids high to low, asks low to
   * high) as canonical decimal strings, at most `limit` a side when given. A book for another
   * product than the one asked for is refused, as any malformed answer is.
   */
  async orderBook(productId: string, limit?: number): Promise<{ bids: [string, string][]; asks: [string, string][] }> {
    const query = new URLSearchParams({ product_id: productId });
    if (limit !== undefined) query.set('limit', String(limit));
    const { pricebook } = await this.http.call('GET', '/product_book', productBookResponse, { query });
    if (pricebook.product_id !== productId) {
      throw new VenueError({ venue: 'coinbase', endpoint: 'GET /product_book', errorClass: 'permanent', message: `product_book for ${productId} answered with ${pricebook.product_id}` });
    }
    const levels = (side: z.infer<typeof bookLevel>[]): [string, string][] => side.map((l) => [decStr(dec(l.price)), decStr(dec(l.size))]);
    return {
      bids: levels(pricebook.bids).sort((a, b) => dec(b[0]).comparedTo(dec(a[0]))),
      asks: levels(pricebook.asks).sort((a, b) => dec(a[0]).comparedTo(dec(b[0]))),
    };
  }

  /**
   * Amends a resting GTC limit order in place (`POST /orders/edit`): a new price and/or a new total
   * size (filled part included). The venue keeps the order id; raising the size or moving the price
   * costs the order its place in the queue. A refusal (the order filled, is not open, or the size
   * is below what has filled) is a permanent VenueError naming Coinbase's reason. Returns the order
   * as the venue has it afterwards, with the request's price and quantity updated.
   */
  async replaceOrder(request: OrderRequest, venueOrderId: string, change: { price?: string; quantity?: string }): Promise<OrderSnapshot> {
    const amended: OrderRequest = { ...request, price: change.price ?? request.price, quantity: change.quantity ?? request.quantity };
    const result = await this.http.call('POST', '/orders/edit', editResponse, { body: { order_id: venueOrderId, price: amended.price, size: amended.quantity } });
    if (!result.success) {
      const reason = result.errors.map((e) => e.edit_failure_reason ?? e.preview_failure_reason).find((r) => r) ?? 'UNKNOWN_EDIT_ORDER_FAILURE_REASON';
      throw new VenueError({ venue: 'coinbase', endpoint: 'POST /orders/edit', errorClass: 'permanent', venueCode: reason, message: `edit of order ${venueOrderId} refused: ${reason}` });
    }
    return this.getOrder(amended, venueOrderId);
  }

  async getOrder(request: OrderRequest, venueOrderId: string): Promise<OrderSnapshot> {
    const { order } = await this.http.call('GET', `/orders/historical/${encodeURIComponent(venueOrderId)}`, orderResponse, { endpoint: 'GET /orders/historical/{id}' });
    return this.toSnapshot(request, order);
  }

  async cancelOrder(venueOrderId: string): Promise<{ cancelled: boolean; reason?: string }> {
    const { results } = await this.http.call('POST', '/orders/batch_cancel', cancelSchema, { body: { order_ids: [venueOrderId] } });
    const r = results[0];
    return { cancelled: !!r?.success, reason: r?.success ? undefined : r?.failure_reason };
  }

  /** Every account (cursor pages): what is available and what open orders hold, per currency. */
  async balances(): Promise<{ asset: string; available: string; hold: string }[]> {
    const out: { asset: string; available: string; hold: string }[] = [];
    let cursor = '';
    for (;;) {
      const query = new URLSearchParams({ limit: String(this.pageSize) });
      if (cursor) query.set('cursor', cursor);
      const page = await this.http.call('GET', '/accounts', accountsSchema, { query });
      out.push(...page.accounts.map((a) => ({ asset: a.currency, available: decStr(dec(a.available_balance.value)), hold: decStr(dec(a.hold.value)) })));
      cursor = page.cursor ?? '';
      if (!page.has_next || !cursor) return out;
    }
  }
}

function toView(o: z.infer<typeof orderSchema>): CoinbaseOrderView {
  let state = STATE[o.status] ?? 'unknown';
  const filled = decStr(dec(o.filled_size || '0'));
  if (state === 'open' && dec(filled).gt(0)) state = 'partially_filled';
  return { venueOrderId: o.order_id, clientOrderId: o.client_order_id, market: o.product_id, action: o.side === 'BUY' ? 'buy' : 'sell', state, filledQuantity: filled, quantity: sizeOf(o) };
}

/** The order's base size: Coinbase keeps it in the order configuration (the simulator also at the top). */
function sizeOf(o: z.infer<typeof orderSchema>): string {
  const size = o.base_size ?? Object.values(o.order_configuration ?? {}).find((c) => c.base_size !== undefined)?.base_size;
  return size === undefined ? '0' : decStr(dec(size));
}

/** A Coinbase fill in our model: price, size and commission are exact decimal strings already. */
function toFill(f: z.infer<typeof coinbaseFillSchema>): Fill {
  return parseOrThrow(ourFillSchema, `Coinbase fill ${f.trade_id}`, {
    venue: 'coinbase',
    venueTradeId: f.trade_id,
    venueOrderId: f.order_id,
    market: f.product_id,
    action: f.side === 'BUY' ? 'buy' : 'sell',
    price: decStr(dec(f.price)),
    quantity: decStr(dec(f.size)),
    fee: decStr(dec(f.commission)),
    ...(f.liquidity_indicator === 'MAKER' ? { liquidity: 'maker' } : f.liquidity_indicator === 'TAKER' ? { liquidity: 'taker' } : {}),
    at: f.trade_time,
  });
}
