/**
 * The Kalshi adapter: our order model in, Kalshi's `/trade-api/v2` out (rest.ts for the wire,
 * mapping.ts for the units), RSA-PSS signed, paced, validated and classified.
 * Submission is lookup-then-submit on the deterministic client order id: an order the venue
 * already has (a retry after a crash, or a response lost on the wire) is returned, never posted
 * twice; Kalshi's 409 `order_already_exists` and every UNKNOWN outcome are resolved by lookup.
 */
import { dec, decStr, ONE } from '../../domain/money';
import type { Fill, OrderRequest, OrderSnapshot } from '../../domain/order';
import { VenueError } from '../../domain/venue-errors';
import type { PostingPolicy } from '../http/client';
import type { RateGovernor } from '../rate-governor';
import type { KalshiCredentials } from './auth';
import { fillFromKalshi, snapshotFromKalshiOrder, snapshotFromV2Create, toCreateOrderBody, toCreateOrderV2Body } from './mapping';
import { KalshiRestClient, type KalshiMarket, type KalshiOrder } from './rest';

export interface KalshiAdapterOptions {
  restBaseUrl: string;
  credentials: KalshiCredentials;
  rate?: RateGovernor;
  requestTimeoutMs?: number;
  posting?: PostingPolicy;
  /**
   * Which create/cancel endpoints to use: `portfolio` = `POST /portfolio/orders` (answers with the
   * whole order; the default), `events` = `POST /portfolio/events/orders` (the form the current
   * official client uses: bid/ask on the YES book, dollar and fixed-point strings).
   */
  orderApi?: 'portfolio' | 'events';
  /** Clock for timestamps the venue does not give (tests may pin it). */
  now?: () => number;
}

export interface KalshiPositionView {
  market: string;
  /** Signed YES contracts (negative = NO contracts), exact. */
  position: string;
  exposure?: string;
  realizedPnl?: string;
  feesPaid?: string;
}

export interface KalshiBalances {
  USD: { available: string };
}

export interface KalshiMarketView {
  market: string;
  status: string;
  title?: string;
  closeTime?: string;
  yesBid?: string;
  yesAsk?: string;
  tickSize: string;
}

/** Where `fillsSince` stopped: the newest fill time seen (s) and the fills already returned at that second. */
interface FillCursor {
  ts: number;
  ids: string[];
}

export class KalshiAdapter {
  readonly rest: KalshiRestClient;
  private readonly orderApi: 'portfolio' | 'events';
  private readonly now: () => number;

  constructor(options: KalshiAdapterOptions) {
    this.rest = new KalshiRestClient(options);
    this.orderApi = options.orderApi ?? 'portfolio';
    this.now = options.now ?? Date.now;
  }

  get rate(): RateGovernor {
    return this.rest.rate;
  }

  close(): Promise<void> {
    return this.rest.close();
  }

  private async findOrder(market: string, clientOrderId: string): Promise<KalshiOrder | undefined> {
    // Kalshi has no lookup by client order id: scan the market's orders, newest first.
    for await (const o of this.rest.allOrders({ ticker: market })) if (o.clientOrderId === clientOrderId) return o;
    return undefined;
  }

  /** The order with this request's client order id, if the venue has one. */
  async getOrderByClientId(request: OrderRequest): Promise<OrderSnapshot | undefined> {
    const found = await this.findOrder(request.market, request.clientOrderId);
    return found ? snapshotFromKalshiOrder(found, request, this.now()) : undefined;
  }

  /** Same as getOrderByClientId (the name the first slice used). */
  findByClientOrderId(request: OrderRequest): Promise<OrderSnapshot | undefined> {
    return this.getOrderByClientId(request);
  }

  async submitOrder(request: OrderRequest): Promise<OrderSnapshot> {
    // Build first: a request Kalshi cannot express fails here, before any network call.
    const body = this.orderApi === 'events' ? toCreateOrderV2Body(request) : toCreateOrderBody(request);
    const existing = await this.getOrderByClientId(request);
    if (existing) return existing;
    try {
      if (this.orderApi === 'events') {
        const created = await this.rest.createOrderV2(body as ReturnType<typeof toCreateOrderV2Body>);
        if (dec(created.fill_count).isZero()) return snapshotFromV2Create(request, created, this.now());
        // The V2 answer's average price and fee are rounded: the order itself has the exact figures.
        return await this.getOrder(request, created.order_id).catch((err: unknown) => {
          throw new VenueError({ venue: 'kalshi', endpoint: 'GET /portfolio/orders/{id}', errorClass: 'unknown', message: `order ${created.order_id} was placed, reading it back failed: ${(err as Error).message}` });
        });
      }
      return snapshotFromKalshiOrder(await this.rest.createOrder(body as ReturnType<typeof toCreateOrderBody>), request, this.now());
    } catch (err) {
      const resolvable = err instanceof VenueError && (err.errorClass === 'unknown' || err.details.venueCode === 'order_already_exists');
      if (!resolvable) throw err;
      // The request may have reached the venue: the lookup decides, never a blind resubmission.
      const found = await this.getOrderByClientId(request);
      if (found) return found;
      throw err;
    }
  }

  /** The order by Kalshi's id; `request` (when known) keeps our own fields on the snapshot. */
  async getOrder(request: OrderRequest | undefined, venueOrderId: string): Promise<OrderSnapshot> {
    return snapshotFromKalshiOrder(await this.rest.getOrder(venueOrderId), request, this.now());
  }

  /** Cancels a resting order and returns it as the venue now reports it. */
  async cancelOrder(venueOrderId: string, request?: OrderRequest): Promise<OrderSnapshot> {
    if (this.orderApi === 'events') {
      await this.rest.cancelOrderV2(venueOrderId);
      return this.getOrder(request, venueOrderId);
    }
    const { order } = await this.rest.cancelOrder(venueOrderId);
    return snapshotFromKalshiOrder(order, request, this.now());
  }

  /** Resting orders (optionally of one market). */
  async openOrders(market?: string): Promise<OrderSnapshot[]> {
    const out: OrderSnapshot[] = [];
    for await (const o of this.rest.allOrders({ ticker: market, status: 'resting' })) out.push(snapshotFromKalshiOrder(o, undefined, this.now()));
    return out;
  }

  /**
   * Fills newer than `cursor` (all fills when omitted), oldest first, and the cursor to pass next
   * time. Kalshi filters by whole seconds, so fills already returned in the cursor's second are
   * remembered by id and skipped.
   */
  async fillsSince(cursor?: string): Promise<{ fills: Fill[]; cursor: string }> {
    const from = cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as FillCursor) : undefined;
    const seen = new Set(from?.ids ?? []);
    const collected: Fill[] = [];
    let page: string | undefined;
    do {
      const r = await this.rest.getFills({ min_ts: from?.ts, limit: 1000, cursor: page });
      for (const f of r.fills) {
        const fill = fillFromKalshi(f);
        if (!seen.has(fill.venueTradeId)) collected.push(fill);
      }
      page = r.cursor || undefined;
    } while (page);
    // Kalshi lists newest first; reversed and stably sorted, same-time fills keep their venue order.
    collected.reverse().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const last = collected[collected.length - 1];
    let next: FillCursor = from ?? { ts: 0, ids: [] };
    if (last) {
      const ts = Math.floor(Date.parse(last.at) / 1000);
      const sameSecond = collected.filter((f) => Math.floor(Date.parse(f.at) / 1000) === ts).map((f) => f.venueTradeId);
      next = { ts, ids: ts === from?.ts ? [...(from?.ids ?? []), ...sameSecond] : sameSecond };
    }
    return { fills: collected, cursor: Buffer.from(JSON.stringify(next)).toString('base64url') };
  }

  async positions(): Promise<KalshiPositionView[]> {
    const out: KalshiPositionView[] = [];
    let cursor: string | undefined;
    do {
      const r = await this.rest.getPositions({ limit: 1000, cursor });
      for (const p of r.positions) out.push({ market: p.ticker, position: p.position, exposure: p.exposure, realizedPnl: p.realizedPnl, feesPaid: p.feesPaid });
      cursor = r.cursor || undefined;
    } while (cursor);
    return out;
  }

  /** Cash available for trading, in dollars (Kalshi's `balance` is in cents). */
  async balances(): Promise<KalshiBalances> {
    return { USD: { available: (await this.rest.getBalance()).available } };
  }

  /** Cash available, in dollars. */
  async balance(): Promise<string> {
    return (await this.balances()).USD.available;
  }

  /** The YES-side view of the book, best first: YES bids, and YES asks derived from NO bids (1 − p). */
  async orderBook(market: string): Promise<{ bids: [string, string][]; asks: [string, string][] }> {
    const { yes, no } = await this.rest.getOrderbook(market);
    const bids = yes.map(([p, n]): [string, string] => [p, n]).reverse();
    const asks = no.map(([p, n]): [string, string] => [decStr(ONE.minus(dec(p))), n]).reverse();
    return { bids, asks };
  }

  async market(market: string): Promise<KalshiMarketView> {
    const m: KalshiMarket = await this.rest.getMarket(market);
    return { market: m.ticker, status: m.status, title: m.title, closeTime: m.closeTime, yesBid: m.yesBid, yesAsk: m.yesAsk, tickSize: m.tickSize };
  }
}
