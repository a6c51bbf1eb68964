/**
 * The Kalshi adapter: our order model in, Kalshi's `/trade-api/v2` out (cents, counts, yes/no
 * sides), RSA-PSS signed, paced, validated and classified by the shared HTTP client.
 * Submission is lookup-then-submit on the deterministic client order id: an order the venue
 * already has (a retry after a crash, or a response lost on the wire) is returned, never posted
 * twice; Kalshi's 409 `order_already_exists` and every UNKNOWN outcome are resolved by lookup.
 */
import { z } from 'zod';
import { dec, decimalString, decStr, nonNegativeDecimalString, positiveDecimalString } from '../../domain/money';
import { kalshiFee } from '../../domain/fees';
import { KALSHI_FEE_SCHEDULE, marketInfoSchema, type MarketInfo } from '../../domain/market-info';
import { fillSchema as ourFillSchema, newOrderSnapshot, type Fill, type MarketResolution, type OrderRequest, type OrderSnapshot, type OrderState } from '../../domain/order';
import { kalshiCentsToPrice, kalshiCountToQuantity, priceToKalshiCents, quantityToKalshiCount } from '../../domain/units';
import { parseOrThrow } from '../../domain/validation';
import type { Outcome } from '../../domain/venue';
import { VenueError } from '../../domain/venue-errors';
import { VenueHttpClient, type EndpointOutcome, type PostingPolicy } from '../http/client';
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
// Kalshi pages order listings: an empty (or absent, or null) cursor ends one.
const ordersResponse = z.object({ orders: z.array(orderSchema), cursor: z.string().nullish() });
const orderResponse = z.object({ order: orderSchema });
const amendResponse = z.object({ old_order: orderSchema, order: orderSchema });
const balanceResponse = z.object({ balance: z.number().int() });
const marketResponse = z.object({ market: z.object({ ticker: z.string(), status: z.string(), result: z.string().default('') }) });
const isoTime = z.iso.datetime({ offset: true });
/**
 * The same market object as `marketInfo` reads it (Kalshi's Market): the price grid
 * (`price_ranges`, dollar strings), the schedule, the lifecycle status and the result.
 */
const marketInfoResponse = z.object({
  market: z.object({
    ticker: z.string().min(1),
    title: z.string().optional(),
    status: z.string().min(1),
    result: z.string().default(''),
    close_time: isoTime,
    expected_expiration_time: isoTime.nullish(),
    price_ranges: z.array(z.object({ start: nonNegativeDecimalString, end: positiveDecimalString, step: positiveDecimalString })).min(1),
  }),
});
const bookLevels = z.array(z.tuple([z.number(), z.number()])).nullable();
const orderbookResponse = z.object({ orderbook: z.object({ yes: bookLevels, no: bookLevels }) });

/**
 * A fill as `GET /portfolio/fills` sends it (docs.kalshi.com, Fill): prices in cents per side, a
 * whole `count`. Kalshi's legacy shape carries no fee: `fee_cost` (dollars) is read when sent.
 */
const kalshiFillSchema = z.object({
  trade_id: z.string().min(1),
  order_id: z.string().min(1),
  client_order_id: z.string().optional(),
  ticker: z.string().min(1),
  side: z.enum(['yes', 'no']),
  action: z.enum(['buy', 'sell']),
  count: z.number().int().positive(),
  yes_price: z.number().int(),
  no_price: z.number().int(),
  is_taker: z.boolean(),
  created_time: z.iso.datetime({ offset: true }),
  fee_cost: decimalString.optional(),
});
// Kalshi ends a listing with an empty cursor (some responses send null).
const fillsResponse = z.object({ fills: z.array(kalshiFillSchema), cursor: z.string().nullish() });
/**
 * `GET /portfolio/positions` (docs.kalshi.com, GetPositionsResponse/MarketPosition): `position` is
 * the legacy signed integer (+ YES, − NO contracts); current Kalshi also sends `position_fp`, a
 * fixed-point string ("-5.00"), and says the two match when both are sent. Either is accepted.
 */
const marketPositionSchema = z
  .object({ ticker: z.string().min(1), position: z.number().int().optional(), position_fp: z.string().regex(/^-?\d+(\.\d+)?$/).optional() })
  .refine((p) => p.position !== undefined || p.position_fp !== undefined, 'a market position needs position or position_fp');
const positionsResponse = z.object({ market_positions: z.array(marketPositionSchema), cursor: z.string().nullish() });

/** Our view of one order at the venue, for reconciliation (no request to rebuild it from). */
export interface KalshiOrderView {
  venueOrderId: string;
  clientOrderId: string;
  market: string;
  outcome: Outcome;
  action: 'buy' | 'sell';
  state: OrderState;
  filledQuantity: string;
  quantity: string;
}

/** Net position in one market, as a binary outcome and a count (never signed). */
export interface KalshiPosition {
  market: string;
  outcome: Outcome;
  quantity: string;
}

const PAGE = 100;
/** Orders per page of `GET /portfolio/orders`: Kalshi's maximum `limit` (its default is 100). */
const ORDERS_PAGE_LIMIT = 1000;
/** Pages one order listing may take (50 000 orders at 1000 a page) before it gives up, unresolved. */
const DEFAULT_MAX_ORDER_PAGES = 50;

const STATE: Record<KalshiOrder['status'], OrderState> = { pending: 'pending', resting: 'open', executed: 'filled', canceled: 'cancelled' };

export interface KalshiAdapterOptions {
  restBaseUrl: string;
  credentials: KalshiCredentials;
  rate?: RateGovernor;
  requestTimeoutMs?: number;
  posting?: PostingPolicy;
  /** Endpoint health for the circuit breakers (see VenueHttpOptions.onOutcome). */
  onOutcome?: (outcome: EndpointOutcome) => void;
  /**
   * Pages of `GET /portfolio/orders` one listing may follow (default 50); a listing that has not
   * ended by then fails with an UNKNOWN VenueError, never a partial answer.
   */
  maxOrderPages?: number;
}

export class KalshiAdapter {
  private readonly http: VenueHttpClient;
  readonly rate: RateGovernor;
  private readonly maxOrderPages: number;

  constructor(options: KalshiAdapterOptions) {
    this.maxOrderPages = options.maxOrderPages ?? DEFAULT_MAX_ORDER_PAGES;
    if (!Number.isInteger(this.maxOrderPages) || this.maxOrderPages < 1) throw new Error(`maxOrderPages: must be a whole number of at least 1, not ${this.maxOrderPages}`);
    this.rate =
      options.rate ??
      new RateGovernor({ venue: 'kalshi', limits: { default: { ratePerSecond: 20, burst: 20 }, 'POST /portfolio/orders': { ratePerSecond: 10, burst: 10 } }, maxInFlight: 16 });
    this.http = new VenueHttpClient({
      venue: 'kalshi',
      baseUrl: options.restBaseUrl,
      rate: this.rate,
      timeoutMs: options.requestTimeoutMs,
      posting: options.posting,
      onOutcome: options.onOutcome,
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

  /**
   * Every page of `GET /portfolio/orders` under `filter` (newest orders first), following Kalshi's
   * cursor until it comes back empty; a consumer that stops iterating stops the paging. The one
   * way this adapter lists orders. A listing that has not ended within `maxOrderPages` pages, or
   * whose cursor does not move, throws an UNKNOWN VenueError: an unfinished listing must never read
   * as "the venue has no such order", which would let a submit post an order twice.
   */
  private async *orderPages(filter: Record<string, string>): AsyncGenerator<KalshiOrder[], void, undefined> {
    let cursor = '';
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({ ...filter, limit: String(ORDERS_PAGE_LIMIT) });
      if (cursor) query.set('cursor', cursor);
      const answer = await this.http.call('GET', '/portfolio/orders', ordersResponse, { query });
      yield answer.orders;
      const next = answer.cursor ?? '';
      if (!next) return;
      const unfinished = next === cursor ? `the cursor did not move after page ${page}` : page >= this.maxOrderPages ? `more than ${this.maxOrderPages} pages` : undefined;
      if (unfinished) {
        throw new VenueError({ venue: 'kalshi', endpoint: 'GET /portfolio/orders', errorClass: 'unknown', message: `order listing ${new URLSearchParams(filter)} unfinished: ${unfinished}` });
      }
      cursor = next;
    }
  }

  /** Every order under `filter`, across all pages. */
  private async listOrders(filter: Record<string, string>): Promise<KalshiOrder[]> {
    const all: KalshiOrder[] = [];
    for await (const page of this.orderPages(filter)) all.push(...page);
    return all;
  }

  /** The order in `market` with this client order id, paging only until the page that holds it. */
  private async orderByClientOrderId(market: string, clientOrderId: string): Promise<KalshiOrder | undefined> {
    for await (const page of this.orderPages({ ticker: market })) {
      const found = page.find((o) => o.client_order_id === clientOrderId);
      if (found) return found;
    }
    return undefined;
  }

  /** The order with this client order id, if the venue has one (undefined only after the whole listing). */
  async findByClientOrderId(request: OrderRequest): Promise<OrderSnapshot | undefined> {
    const found = await this.orderByClientOrderId(request.market, request.clientOrderId);
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
      // GTD: Kalshi takes the expiry as whole seconds and cancels the order then.
      ...(request.timeInForce === 'GTD' && request.expiresAt ? { expiration_ts: Math.ceil(Date.parse(request.expiresAt) / 1000) } : {}),
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

  /**
   * Amends a resting order in place (`POST /portfolio/orders/{id}/amend`): a new price and/or a
   * new total count (filled part included, as Kalshi counts it), optionally under a new client
   * order id. The venue keeps the order id; a price change or a larger size costs the order its
   * place in the queue. A refusal (the order is no longer resting, the count is not above what has
   * filled) is a permanent VenueError with Kalshi's code. Returns the amended order, its request
   * updated to the new price, quantity and client order id.
   */
  async replaceOrder(request: OrderRequest, venueOrderId: string, change: { price?: string; quantity?: string; clientOrderId?: string }): Promise<OrderSnapshot> {
    if (request.venue !== 'kalshi' || !request.outcome) throw new Error('a Kalshi order needs venue "kalshi" and an outcome (yes/no)');
    const amended: OrderRequest = { ...request, price: change.price ?? request.price, quantity: change.quantity ?? request.quantity, clientOrderId: change.clientOrderId ?? request.clientOrderId };
    const cents = priceToKalshiCents(amended.price);
    const body = {
      ticker: request.market,
      side: request.outcome,
      action: request.action,
      client_order_id: request.clientOrderId,
      updated_client_order_id: amended.clientOrderId,
      ...(request.outcome === 'yes' ? { yes_price: cents } : { no_price: cents }),
      count: quantityToKalshiCount(amended.quantity),
    };
    const { order } = await this.http.call('POST', `/portfolio/orders/${encodeURIComponent(venueOrderId)}/amend`, amendResponse, { body, endpoint: 'POST /portfolio/orders/{id}/amend' });
    return this.toSnapshot(amended, order);
  }

  /** Settlement status of a market: resolved once Kalshi reports a yes/no result. */
  async resolution(market: string, outcome: 'yes' | 'no'): Promise<MarketResolution> {
    const { market: m } = await this.http.call('GET', `/markets/${encodeURIComponent(market)}`, marketResponse, { endpoint: 'GET /markets/{ticker}' });
    if (m.result !== 'yes' && m.result !== 'no') return { resolved: false, status: m.status };
    return { resolved: true, status: m.status, result: m.result, payoutPerContract: m.result === outcome ? '1' : '0' };
  }

  /**
   * A market's trading metadata (`GET /markets/{ticker}`): the price grid from `price_ranges`,
   * close and expected resolution times, status, result and Kalshi's fee schedule. Sizes are
   * whole contracts: our orders use Kalshi's integer `count`, whatever fractions a market allows.
   */
  async marketInfo(ticker: string): Promise<MarketInfo> {
    const { market: m } = await this.http.call('GET', `/markets/${encodeURIComponent(ticker)}`, marketInfoResponse, { endpoint: 'GET /markets/{ticker}' });
    const priceBands = m.price_ranges.map((r) => ({ from: decStr(dec(r.start)), to: decStr(dec(r.end)), tick: decStr(dec(r.step)) }));
    // The coarsest tick: a price on it is on every band's grid (Kalshi's finer ticks divide the cent).
    const tickSize = priceBands.map((b) => dec(b.tick)).reduce((a, b) => (b.gt(a) ? b : a));
    const resolved = m.result === 'yes' || m.result === 'no';
    return parseOrThrow(marketInfoSchema, `Kalshi market ${ticker}`, {
      venue: 'kalshi',
      market: m.ticker,
      ...(m.title ? { title: m.title } : {}),
      status: resolved ? 'resolved' : m.status === 'active' ? 'open' : 'closed',
      venueStatus: m.status,
      tickSize: decStr(tickSize),
      priceBands,
      minSize: '1',
      sizeIncrement: '1',
      closeTime: m.close_time,
      ...(m.expected_expiration_time ? { resolutionTime: m.expected_expiration_time } : {}),
      ...(resolved ? { result: m.result } : {}),
      fees: KALSHI_FEE_SCHEDULE,
    });
  }

  /** Cash available, in dollars (Kalshi reports cents). */
  async balance(): Promise<string> {
    const { balance } = await this.http.call('GET', '/portfolio/balance', balanceResponse);
    return decStr(dec(String(balance)).div(100));
  }

  /**
   * Every fill after `cursor` (from the first fill without one), oldest first, and the cursor to
   * ask from next time. Pages until a short page. The simulator's cursor is a position in our fill
   * history (the index of the next fill); Kalshi's documented cursor pages a listing and is empty
   * at its end, in which case the cursor given is returned, so a caller never loses its place.
   */
  async fillsSince(cursor?: string): Promise<{ fills: Fill[]; cursor: string }> {
    const fills: Fill[] = [];
    let at = cursor ?? '';
    for (;;) {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (at) query.set('cursor', at);
      const page = await this.http.call('GET', '/portfolio/fills', fillsResponse, { query });
      fills.push(...page.fills.map(toFill));
      const next = page.cursor ?? '';
      if (next) at = next;
      if (page.fills.length < PAGE || !next) return { fills, cursor: at };
    }
  }

  /** Our resting orders (`status=resting`), every page. */
  async openOrders(): Promise<KalshiOrderView[]> {
    return (await this.listOrders({ status: 'resting' })).map(toView);
  }

  /** One order by the venue's id; undefined when the venue has no such order (404). */
  async orderView(venueOrderId: string): Promise<KalshiOrderView | undefined> {
    try {
      const { order } = await this.http.call('GET', `/portfolio/orders/${encodeURIComponent(venueOrderId)}`, orderResponse, { endpoint: 'GET /portfolio/orders/{id}' });
      return toView(order);
    } catch (err) {
      if (err instanceof VenueError && err.details.httpStatus === 404) return undefined;
      throw err;
    }
  }

  /** One order by our client order id (Kalshi lists by market, so the market narrows the search). */
  async orderViewByClientOrderId(market: string, clientOrderId: string): Promise<KalshiOrderView | undefined> {
    const found = await this.orderByClientOrderId(market, clientOrderId);
    return found ? toView(found) : undefined;
  }

  /** Non-zero net positions per market. */
  async positions(): Promise<KalshiPosition[]> {
    const out: KalshiPosition[] = [];
    let cursor = '';
    for (;;) {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (cursor) query.set('cursor', cursor);
      const page = await this.http.call('GET', '/portfolio/positions', positionsResponse, { query });
      for (const p of page.market_positions) {
        const signed = dec(p.position_fp ?? String(p.position));
        if (p.position_fp !== undefined && p.position !== undefined && !signed.eq(dec(String(p.position)))) {
          throw new VenueError({ venue: 'kalshi', endpoint: 'GET /portfolio/positions', errorClass: 'unknown', message: `position ${p.position} and position_fp ${p.position_fp} disagree for ${p.ticker}` });
        }
        if (signed.isZero()) continue;
        out.push({ market: p.ticker, outcome: signed.gt(0) ? 'yes' : 'no', quantity: decStr(signed.abs()) });
      }
      cursor = page.cursor ?? '';
      if (!cursor || page.market_positions.length < PAGE) return out;
    }
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

/**
 * A Kalshi fill in our model: the price of the fill's own side, exactly from cents. The fee is
 * Kalshi's `fee_cost` when sent; otherwise Kalshi's published formula for this fill (takers pay,
 * makers do not on these series), which is what Kalshi, and the simulator, charge per fill.
 */
function toFill(f: z.infer<typeof kalshiFillSchema>): Fill {
  const price = kalshiCentsToPrice(f.side === 'yes' ? f.yes_price : f.no_price);
  const quantity = kalshiCountToQuantity(f.count);
  const liquidity = f.is_taker ? 'taker' : 'maker';
  return parseOrThrow(ourFillSchema, `Kalshi fill ${f.trade_id}`, {
    venue: 'kalshi',
    venueTradeId: f.trade_id,
    venueOrderId: f.order_id,
    ...(f.client_order_id ? { clientOrderId: f.client_order_id } : {}),
    market: f.ticker,
    outcome: f.side,
    action: f.action,
    price,
    quantity,
    fee: f.fee_cost !== undefined ? decStr(dec(f.fee_cost)) : kalshiFee({ contracts: quantity, price, liquidity }),
    liquidity,
    at: f.created_time,
  });
}

function toView(o: KalshiOrder): KalshiOrderView {
  let state = STATE[o.status];
  if (state === 'open' && o.fill_count > 0) state = 'partially_filled';
  return {
    venueOrderId: o.order_id,
    clientOrderId: o.client_order_id,
    market: o.ticker,
    outcome: o.side,
    action: o.action,
    state,
    filledQuantity: String(o.fill_count),
    quantity: String(o.fill_count + o.remaining_count),
  };
}
