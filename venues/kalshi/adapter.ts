/**
 * The Kalshi adapter: our order model in, Kalshi's `/trade-api/v2` out (cents, counts, yes/no
 * sides), RSA-PSS signed, paced, validated and classified by the shared HTTP client.
 * Submission is lookup-then-submit on the deterministic client order id: an order the venue
 * already has (a retry after a crash, or a response lost on the wire) is returned, never posted
 * twice; Kalshi's 409 `order_already_exists` and every UNKNOWN outcome are resolved by lookup.
 */
import { z } from 'zod';
import { dec, decStr } from '../../domain/money';
import { newOrderSnapshot, type MarketResolution, type OrderRequest, type OrderSnapshot, type OrderState } from '../../domain/order';
import { kalshiCentsToPrice, priceToKalshiCents, quantityToKalshiCount } from '../../domain/units';
import { VenueError } from '../../domain/venue-errors';
import { VenueHttpClient, type PostingPolicy } from '../http/client';
import { RateGovernor } from '../rate-governor';
import { kalshiHeaders, type KalshiCredentials } from './auth';

const orderSchema = z.object({
  order_id: z.string(),
  client_order_id: z.string(),
  ticker: z.string(),
  side: z.enum(['yes', 'no']),
  action: z.enum(['buy', 'sell']),
  status: z.enum(['resting', 'canceled', 'executed', 'pending']),
  yes_price: z.number().int(),
  no_price: z.number().int(),
  fill_count: z.number().int().nonnegative(),
  remaining_count: z.number().int().nonnegative(),
  taker_fees: z.number().int().nonnegative().default(0),
  /** Cents paid (or received) across the fills, at the execution prices. */
  taker_fill_cost: z.number().int().nonnegative().optional(),
});
type KalshiOrder = z.infer<typeof orderSchema>;
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });
// Response envelopes, built once (a zod schema per request would cost more than the request's parsing).
const ordersResponse = z.object({ orders: z.array(orderSchema) });
const orderResponse = z.object({ order: orderSchema });
const balanceResponse = z.object({ balance: z.number().int() });
const marketResponse = z.object({ market: z.object({ ticker: z.string(), status: z.string(), result: z.string().default('') }) });
const bookLevels = z.array(z.tuple([z.number(), z.number()])).nullable();
const orderbookResponse = z.object({ orderbook: z.object({ yes: bookLevels, no: bookLevels }) });

const STATE: Record<KalshiOrder['status'], OrderState> = { pending: 'pending', resting: 'open', executed: 'filled', canceled: 'cancelled' };

export interface KalshiAdapterOptions {
  restBaseUrl: string;
  credentials: KalshiCredentials;
  rate?: RateGovernor;
  requestTimeoutMs?: number;
  posting?: PostingPolicy;
}

export class KalshiAdapter {
  private readonly http: VenueHttpClient;
  readonly rate: RateGovernor;

  constructor(options: KalshiAdapterOptions) {
    this.rate =
      options.rate ??
      new RateGovernor({ venue: 'kalshi', limits: { default: { ratePerSecond: 20, burst: 20 }, 'POST /portfolio/orders': { ratePerSecond: 10, burst: 10 } }, maxInFlight: 16 });
    this.http = new VenueHttpClient({
      venue: 'kalshi',
      baseUrl: options.restBaseUrl,
      rate: this.rate,
      timeoutMs: options.requestTimeoutMs,
      posting: options.posting,
      authHeaders: ({ method, path }) => kalshiHeaders(options.credentials, { method, path }),
      errorCode: (body) => {
        const parsed = errorSchema.safeParse(body);
        return parsed.success ? { code: parsed.data.error.code, message: parsed.data.error.message } : {};
      },
    });
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private toSnapshot(request: OrderRequest, o: KalshiOrder): OrderSnapshot {
    const filled = o.fill_count;
    let state = STATE[o.status];
    if (state === 'open' && filled > 0) state = 'partially_filled';
    const cents = o.side === 'yes' ? o.yes_price : o.no_price;
    return {
      ...newOrderSnapshot(request, new Date().toISOString()),
      venueOrderId: o.order_id,
      state,
      filledQuantity: String(filled),
      // The execution price when Kalshi reports the fills' cost; the limit otherwise (never better than it).
      averageFillPrice: filled > 0 ? (o.taker_fill_cost !== undefined ? decStr(dec(String(o.taker_fill_cost)).div(100).div(filled)) : kalshiCentsToPrice(cents)) : undefined,
      fees: decStr(dec(String(o.taker_fees)).div(100)),
    };
  }

  /** The order with this client order id, if the venue has one. */
  async findByClientOrderId(request: OrderRequest): Promise<OrderSnapshot | undefined> {
    const { orders } = await this.http.call('GET', '/portfolio/orders', ordersResponse, { query: new URLSearchParams({ ticker: request.market }) });
    const found = orders.find((o) => o.client_order_id === request.clientOrderId);
    return found ? this.toSnapshot(request, found) : undefined;
  }

  async submitOrder(request: OrderRequest): Promise<OrderSnapshot> {
    if (request.venue !== 'kalshi' || !request.outcome) throw new Error('a Kalshi order needs venue "kalshi" and an outcome (yes/no)');
    const existing = await this.findByClientOrderId(request);
    if (existing) return existing;
    const cents = priceToKalshiCents(request.price);
    const body = {
      ticker: request.market,
      client_order_id: request.clientOrderId,
      side: request.outcome,
      action: request.action,
      count: quantityToKalshiCount(request.quantity),
      type: 'limit',
      ...(request.outcome === 'yes' ? { yes_price: cents } : { no_price: cents }),
      time_in_force: request.timeInForce === 'IOC' ? 'immediate_or_cancel' : request.timeInForce === 'FOK' ? 'fill_or_kill' : 'good_till_canceled',
    };
    try {
      const { order } = await this.http.call('POST', '/portfolio/orders', orderResponse, { body });
      return this.toSnapshot(request, order);
    } catch (err) {
      const resolvable = err instanceof VenueError && (err.errorClass === 'unknown' || err.details.venueCode === 'order_already_exists');
      if (!resolvable) throw err;
      // The request may have reached the venue: the lookup decides, never a blind resubmission.
      const found = await this.findByClientOrderId(request);
      if (found) return found;
      throw err;
    }
  }

  async getOrder(request: OrderRequest, venueOrderId: string): Promise<OrderSnapshot> {
    const { order } = await this.http.call('GET', `/portfolio/orders/${encodeURIComponent(venueOrderId)}`, orderResponse, { endpoint: 'GET /portfolio/orders/{id}' });
    return this.toSnapshot(request, order);
  }

  async cancelOrder(venueOrderId: string): Promise<void> {
    await this.http.call('DELETE', `/portfolio/orders/${encodeURIComponent(venueOrderId)}`, orderResponse, { endpoint: 'DELETE /portfolio/orders/{id}' });
  }

  /** Settlement status of a market: resolved once Kalshi reports a yes/no result. */
  async resolution(market: string, outcome: 'yes' | 'no'): Promise<MarketResolution> {
    const { market: m } = await this.http.call('GET', `/markets/${encodeURIComponent(market)}`, marketResponse, { endpoint: 'GET /markets/{ticker}' });
    if (m.result !== 'yes' && m.result !== 'no') return { resolved: false, status: m.status };
    return { resolved: true, status: m.status, result: m.result, payoutPerContract: m.result === outcome ? '1' : '0' };
  }

  /** Cash available, in dollars (Kalshi reports cents). */
  async balance(): Promise<string> {
    const { balance } = await this.http.call('GET', '/portfolio/balance', balanceResponse);
    return decStr(dec(String(balance)).div(100));
  }

  /** The YES-side view of the book: YES bids, and YES asks derived from NO bids (100 − p). */
  async orderBook(market: string): Promise<{ bids: [string, string][]; asks: [string, string][] }> {
    const { orderbook } = await this.http.call('GET', `/markets/${encodeURIComponent(market)}/orderbook`, orderbookResponse, {
      endpoint: 'GET /markets/{ticker}/orderbook',
    });
    const bids = (orderbook.yes ?? []).map(([p, n]): [string, string] => [kalshiCentsToPrice(p), String(n)]).reverse();
    const asks = (orderbook.no ?? []).map(([p, n]): [string, string] => [kalshiCentsToPrice(100 - p), String(n)]).reverse();
    return { bids, asks };
  }
}
