/**
 * Kalshi's current response fields, added next to the legacy ones the simulator keeps.
 *
 * Kalshi's current API (the OpenAPI spec kalshi-typescript 3.30 is generated from) reports prices
 * as dollar strings (`yes_price_dollars: "0.4300"`), counts as fixed-point strings
 * (`fill_count_fp: "10.00"`) and an order's direction as `book_side` (bid/ask on the YES leg) and
 * `outcome_side`; the integer cent and count fields (`yes_price`, `fill_count`, …) are no longer in
 * its models. Our adapter still reads the legacy fields, so answers carry both: the legacy ones
 * unchanged and the current ones derived from them here, exactly (cents → dollars by decimal
 * division, never floats).
 */
import { dec } from '../../../domain/money';
import { volume24h, type KalshiSimMarket } from './markets';
import type { KalshiSimFill, KalshiSimOrder } from './server';

/** The sim's one account (Kalshi's `user_id` on orders). */
export const SIM_USER_ID = 'sim-user';

/** Cents → Kalshi's 4-decimal dollar string ("0.4300"). */
export const centsToDollars = (cents: number): string => dec(String(cents)).div(100).toFixed(4);
/** A whole count → Kalshi's 2-decimal fixed-point count ("10.00"). */
export const countToFp = (count: number): string => dec(String(count)).toFixed(2);

/** Buying YES or selling NO rests as a YES bid; the other two as a YES ask (Kalshi's order direction). */
const bookSideOf = (o: Pick<KalshiSimOrder, 'side' | 'action'>): 'bid' | 'ask' => ((o.side === 'yes') === (o.action === 'buy') ? 'bid' : 'ask');
/** The outcome the order positions for: buy-yes and sell-no → yes; buy-no and sell-yes → no. */
const outcomeSideOf = (o: Pick<KalshiSimOrder, 'side' | 'action'>): 'yes' | 'no' => (bookSideOf(o) === 'bid' ? 'yes' : 'no');

/** An order with Kalshi's current fields (Order in kalshi-typescript 3.30). */
export function kalshiOrderWire(o: KalshiSimOrder) {
  return {
    ...o,
    user_id: SIM_USER_ID,
    outcome_side: outcomeSideOf(o),
    book_side: bookSideOf(o),
    yes_price_dollars: centsToDollars(o.yes_price),
    no_price_dollars: centsToDollars(o.no_price),
    initial_count_fp: countToFp(o.initial_count),
    fill_count_fp: countToFp(o.fill_count),
    remaining_count_fp: countToFp(o.remaining_count),
    // The sim books every fill's cost and fee under the taker fields (makers pay no fee here).
    taker_fill_cost_dollars: centsToDollars(o.taker_fill_cost),
    maker_fill_cost_dollars: centsToDollars(0),
    taker_fees_dollars: centsToDollars(o.taker_fees),
    maker_fees_dollars: centsToDollars(0),
  };
}

/** A fill with Kalshi's current fields (Fill in kalshi-typescript 3.30). */
export function kalshiFillWire(f: KalshiSimFill) {
  return {
    ...f,
    exchange_index: 0,
    outcome_side: outcomeSideOf(f),
    book_side: bookSideOf(f),
    count_fp: countToFp(f.count),
    yes_price_dollars: centsToDollars(f.yes_price),
    no_price_dollars: centsToDollars(f.no_price),
  };
}

/** `GET /portfolio/balance` (GetBalanceResponse): cash in cents and dollars; positions are not marked in the sim. */
export function kalshiBalanceWire(balanceCents: number, now: Date) {
  return { balance: balanceCents, balance_dollars: centsToDollars(balanceCents), portfolio_value: balanceCents, updated_ts: Math.floor(now.getTime() / 1000) };
}

/** `GET /markets/{ticker}/orderbook`: the legacy `orderbook` (cents, counts) and the current `orderbook_fp` (dollar and fixed-point strings). */
export function kalshiOrderbookWire(book: { yes: number[][]; no: number[][] }) {
  const fp = (levels: number[][]) => levels.map(([price, count]) => [centsToDollars(price!), countToFp(count!)]);
  return { orderbook: { yes: book.yes, no: book.no }, orderbook_fp: { yes_dollars: fp(book.yes), no_dollars: fp(book.no) } };
}

/** Kalshi's `linear_cent` price level structure: one range, $0.00–$1.00, on a 1¢ tick (what the sim trades: 1–99¢). */
export const KALSHI_SIM_PRICE_RANGES = [{ start: '0.0000', end: '1.0000', step: '0.0100' }];
/** A market listed without a resolution time closes this long after listing (Kalshi's Market always has a close time). */
export const DEFAULT_CLOSE_AFTER_MS = 365 * 24 * 3600_000;

/**
 * A market (Market in kalshi-typescript 3.30), every required field from the sim's state: the
 * listing (title, listing time, resolution time → close and expiration times), the result, the
 * live book's top in dollars, and last price, volume and open interest from the sim's trades.
 * Status follows Kalshi's lifecycle: `active` until the close time, `closed` after it until a
 * result is published, then `finalized` (the sim settles at once: settlement timer 0). Not
 * simulated, sent as Kalshi sends them for a market with no history: the previous day's prices
 * ("0.0000") and the expiration value ("").
 */
export function kalshiMarketWire(m: KalshiSimMarket, book: { yes: number[][]; no: number[][] }, now: number) {
  const best = (levels: number[][]) => levels.reduce<number[] | undefined>((b, l) => (b === undefined || l[0]! > b[0]! ? l : b), undefined);
  const yesBid = best(book.yes);
  const noBid = best(book.no);
  const iso = (ms: number) => new Date(ms).toISOString();
  const closeAt = m.resolvesAt ?? m.listedAt + DEFAULT_CLOSE_AFTER_MS;
  const title = m.title ?? m.ticker;
  return {
    ticker: m.ticker,
    // Kalshi's tickers are `<event>-<market>`: the event is everything before the last dash.
    event_ticker: m.ticker.includes('-') ? m.ticker.slice(0, m.ticker.lastIndexOf('-')) : m.ticker,
    market_type: 'binary',
    title,
    subtitle: '',
    yes_sub_title: title,
    no_sub_title: title,
    created_time: iso(m.listedAt),
    updated_time: iso(m.updatedAt),
    open_time: iso(m.listedAt),
    close_time: iso(closeAt),
    // The sim resolves at the close (the world publishes the result at `resolvesAt`), never later.
    expected_expiration_time: m.resolvesAt !== undefined ? iso(m.resolvesAt) : null,
    expiration_time: iso(closeAt),
    latest_expiration_time: iso(closeAt),
    settlement_timer_seconds: 0,
    status: m.result ? 'finalized' : now >= closeAt ? 'closed' : 'active',
    yes_bid_dollars: centsToDollars(yesBid?.[0] ?? 0),
    yes_bid_size_fp: countToFp(yesBid?.[1] ?? 0),
    // A YES ask at p is a NO bid at 100 − p; no NO bid → no ask, which Kalshi reports as $1.
    yes_ask_dollars: centsToDollars(noBid ? 100 - noBid[0]! : 100),
    yes_ask_size_fp: countToFp(noBid?.[1] ?? 0),
    no_bid_dollars: centsToDollars(noBid?.[0] ?? 0),
    no_ask_dollars: centsToDollars(yesBid ? 100 - yesBid[0]! : 100),
    last_price_dollars: centsToDollars(m.lastYesPrice ?? 0),
    volume_fp: countToFp(m.volume),
    volume_24h_fp: countToFp(volume24h(m, now)),
    open_interest_fp: countToFp(m.openInterest),
    result: m.result ?? '',
    can_close_early: false,
    notional_value_dollars: centsToDollars(100),
    previous_yes_bid_dollars: centsToDollars(0),
    previous_yes_ask_dollars: centsToDollars(0),
    previous_price_dollars: centsToDollars(0),
    liquidity_dollars: centsToDollars(0), // deprecated: Kalshi always sends 0
    settlement_ts: m.resolvedAt !== undefined ? iso(m.resolvedAt) : null,
    ...(m.result ? { settlement_value_dollars: centsToDollars(m.result === 'yes' ? 100 : 0) } : {}),
    expiration_value: '',
    rules_primary: `If “${title}” is determined Yes${m.resolvesAt !== undefined ? ` at ${iso(m.resolvesAt)}` : ''}, the market resolves to Yes and each Yes contract pays $1.00; otherwise it resolves to No.`,
    rules_secondary: 'Simulated market (Legwork venue simulator): the result is published through the simulator’s admin API (POST /_sim/resolve), not by a source agency.',
    price_level_structure: 'linear_cent',
    price_ranges: KALSHI_SIM_PRICE_RANGES,
    // Whole contracts only (the sim refuses fractional counts).
    fractional_trading_enabled: false,
    is_provisional: false,
  };
}
