/**
 * The Coinbase Advanced Trade adapter: our order model in, Coinbase's REST out, over one
 * keep-alive undici pool, paced by the rate governor, every response validated with zod, every
 * failure classified. Submission is idempotent: Coinbase answers a re-posted `client_order_id`
 * with the existing order, so an UNKNOWN outcome (the connection died after the request left) is
 * resolved by posting the same request again — which can only return the order, never add one.
 */
import { z } from 'zod';
import { dec, decStr } from '../../domain/money';
import { newOrderSnapshot, type OrderRequest, type OrderSnapshot, type OrderState } from '../../domain/order';
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
});
const createResponseSchema = z.object({
  success: z.boolean(),
  success_response: z.object({ order_id: z.string(), client_order_id: z.string() }).optional(),
  error_response: z.object({ error: z.string(), message: z.string().optional() }).optional(),
  failure_reason: z.string().optional(),
});
const accountsSchema = z.object({ accounts: z.array(z.object({ currency: z.string(), available_balance: z.object({ value: z.string() }), hold: z.object({ value: z.string() }) })) });
const cancelSchema = z.object({ results: z.array(z.object({ success: z.boolean(), failure_reason: z.string().optional(), order_id: z.string() })) });
const orderResponse = z.object({ order: orderSchema });
const ordersListResponse = z.object({ orders: z.array(orderSchema) });
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
}

export class CoinbaseAdapter {
  private readonly http: VenueHttpClient;
  readonly rate: RateGovernor;

  constructor(private readonly options: CoinbaseAdapterOptions) {
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
    const { orders } = await this.http.call('GET', '/orders/historical/batch', ordersListResponse, { query: new URLSearchParams({ product_ids: request.market }) });
    const found = orders.find((o) => o.client_order_id === request.clientOrderId);
    return found ? this.toSnapshot(request, found) : undefined;
  }

  async getOrder(request: OrderRequest, venueOrderId: string): Promise<OrderSnapshot> {
    const { order } = await this.http.call('GET', `/orders/historical/${encodeURIComponent(venueOrderId)}`, orderResponse);
    return this.toSnapshot(request, order);
  }

  async cancelOrder(venueOrderId: string): Promise<{ cancelled: boolean; reason?: string }> {
    const { results } = await this.http.call('POST', '/orders/batch_cancel', cancelSchema, { body: { order_ids: [venueOrderId] } });
    const r = results[0];
    return { cancelled: !!r?.success, reason: r?.success ? undefined : r?.failure_reason };
  }

  async balances(): Promise<{ asset: string; available: string; hold: string }[]> {
    const { accounts } = await this.http.call('GET', '/accounts', accountsSchema);
    return accounts.map((a) => ({ asset: a.currency, available: decStr(dec(a.available_balance.value)), hold: decStr(dec(a.hold.value)) }));
  }
}
