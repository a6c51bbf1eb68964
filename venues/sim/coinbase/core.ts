/**
 * What the Coinbase simulator's handlers share: its state and the few operations that change it.
 * `server.ts` owns the state and builds one `CoinbaseSimCore`; the account, other-traders and
 * user-channel parts (account.ts, other-traders.ts, user-channel.ts) work through it, so each part
 * stays a small module instead of growing the server's one closure.
 */
import type { Dec } from '../../../domain/money';
import { dec, decStr, ZERO } from '../../../domain/money';
import type { BookView, MatchFill, MatchingBook } from '../matching';

/** Coinbase's lowest fee tier (Advanced Trade, 30-day volume under $1k): 0.60 % maker, 1.20 % taker. */
export const MAKER_FEE = dec('0.006');
export const TAKER_FEE = dec('0.012');

export interface SimOrder {
  order_id: string;
  client_order_id: string;
  product_id: string;
  side: 'BUY' | 'SELL';
  order_configuration: Record<string, unknown>;
  status: 'OPEN' | 'FILLED' | 'CANCELLED' | 'EXPIRED' | 'FAILED';
  base_size: string;
  limit_price: string;
  filled_size: string;
  /** Coinbase's `filled_value`: what the fills traded for (size × price), so the average stays exact across fills. */
  filled_value: string;
  average_filled_price: string;
  total_fees: string;
  number_of_fills: string;
  created_time: string;
  /** Coinbase's `edit_history`: one entry per accepted `POST /orders/edit`. */
  edit_history: { price: string; size: string; replace_accept_timestamp: string }[];
}

export interface SimFill {
  trade_id: string;
  order_id: string;
  product_id: string;
  side: 'BUY' | 'SELL';
  price: string;
  size: string;
  commission: string;
  liquidity_indicator: 'TAKER' | 'MAKER';
  trade_time: string;
}

export interface CoinbaseSimCore {
  orders: Map<string, SimOrder>;
  fills: SimFill[];
  /** Our account: total per currency (available + hold). */
  balances: Map<string, Dec>;
  /**
   * One price-time book per listed product (../matching.ts): other traders' quotes and our
   * resting orders, what `level2` and `GET /product_book` show.
   */
  books: Map<string, MatchingBook>;
  /** A product's book: a listed one, or (for an order on a product that is not listed) one no public read shows. */
  bookFor(product: string): MatchingBook;
  /**
   * Runs what is left of one of our orders as a taker against other traders' liquidity (never our
   * own: self-trade prevention), then a GTC remainder rests at the back of its level. The caller
   * publishes the book's changes (`publishChanges`).
   */
  execute(order: SimOrder, ioc: boolean, fok: boolean): void;
  /** A listed product's book changed since `before`: level2 updates for the levels that changed. */
  publishChanges(product: string, before: BookView): void;
  /** An order of ours changed: the `user` channel reports it. */
  orderChanged(order: SimOrder): void;
}

/** What is left to fill of one of our orders. */
export function leavesOf(order: SimOrder): Dec {
  return order.status === 'OPEN' ? dec(order.base_size).minus(dec(order.filled_size)) : ZERO;
}

/** Books one fill on one of our orders: the order's figures, our balances, the fill record. */
export function bookFill(core: CoinbaseSimCore, order: SimOrder, size: Dec, price: Dec, liquidity: 'TAKER' | 'MAKER', at: string): void {
  const notional = size.times(price);
  const fee = notional.times(liquidity === 'MAKER' ? MAKER_FEE : TAKER_FEE);
  const filled = dec(order.filled_size).plus(size);
  const value = dec(order.filled_value).plus(notional);
  order.filled_size = decStr(filled);
  order.filled_value = decStr(value);
  order.average_filled_price = decStr(value.div(filled));
  order.total_fees = decStr(dec(order.total_fees).plus(fee));
  order.number_of_fills = String(Number(order.number_of_fills) + 1);
  const [base, quote] = order.product_id.split('-') as [string, string];
  const sign = order.side === 'BUY' ? 1 : -1;
  core.balances.set(base, (core.balances.get(base) ?? ZERO).plus(size.times(sign)));
  core.balances.set(quote, (core.balances.get(quote) ?? ZERO).minus(notional.times(sign)).minus(fee));
  core.fills.push({
    trade_id: `${order.order_id}-${order.number_of_fills}`,
    order_id: order.order_id,
    product_id: order.product_id,
    side: order.side,
    price: decStr(price),
    size: decStr(size),
    commission: decStr(fee),
    liquidity_indicator: liquidity,
    trade_time: at,
  });
}

/**
 * Our resting orders that someone else's order traded with, as makers at their price: each fill is
 * booked (maker fee) and reported on the `user` channel. Other traders' fills are theirs, skipped.
 * Returns how much of ours traded.
 */
export function bookMakerFills(core: CoinbaseSimCore, fills: MatchFill[]): Dec {
  const at = new Date().toISOString();
  let ours = ZERO;
  for (const f of fills) {
    const order = f.owner === 'us' && f.orderId !== undefined ? core.orders.get(f.orderId) : undefined;
    if (!order) continue;
    bookFill(core, order, f.size, f.price, 'MAKER', at);
    if (leavesOf(order).isZero()) order.status = 'FILLED';
    ours = ours.plus(f.size);
    core.orderChanged(order);
  }
  return ours;
}
