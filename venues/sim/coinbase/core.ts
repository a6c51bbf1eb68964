/**
 * What the Coinbase simulator's handlers share: its state and the few operations that change it.
 * `server.ts` owns the state and builds one `CoinbaseSimCore`; the account, resting-order and
 * user-channel parts (account.ts, resting.ts, user-channel.ts) work through it, so each part stays
 * a small module instead of growing the server's one closure.
 */
import type { Dec } from '../../../domain/money';
import { dec, decStr, ZERO } from '../../../domain/money';

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

export interface Level {
  price: Dec;
  size: Dec;
}

export interface CoinbaseSimCore {
  orders: Map<string, SimOrder>;
  fills: SimFill[];
  /** Our account: total per currency (available + hold). */
  balances: Map<string, Dec>;
  /** Other traders' quotes per product (ours rest in `resting`). */
  books: Map<string, { bids: Level[]; asks: Level[] }>;
  resting: RestingQueue;
  /** Matches what is left of one of our orders against other traders' quotes as a taker; GTC rests what remains. */
  execute(order: SimOrder, ioc: boolean, fok: boolean): void;
  /** A level2 update for other traders' quotes at a level. */
  emitLevel(product: string, side: 'bid' | 'offer', price: Dec, size: Dec): void;
  /** An order of ours changed: the `user` channel reports it. */
  orderChanged(order: SimOrder): void;
}

/**
 * Time priority of our resting orders: a number per order, smaller is earlier. A new resting order
 * joins the back; an edit that raises the size or moves the price re-queues it at the back, as
 * Coinbase documents; a size decrease keeps its place.
 */
export interface RestingQueue {
  enqueue(order: SimOrder): void;
  requeue(order: SimOrder): void;
  /** Our open orders on one side of a product, best price first, then by time priority. */
  restingOn(product: string, side: 'BUY' | 'SELL'): SimOrder[];
}

export function createRestingQueue(orders: Map<string, SimOrder>): RestingQueue {
  const priority = new Map<string, number>();
  let next = 0;
  return {
    enqueue(order) {
      if (!priority.has(order.order_id)) priority.set(order.order_id, next++);
    },
    requeue(order) {
      priority.set(order.order_id, next++);
    },
    restingOn(product, side) {
      const open = [...orders.values()].filter((o) => o.product_id === product && o.side === side && o.status === 'OPEN' && priority.has(o.order_id));
      const better = (a: SimOrder, b: SimOrder) => (side === 'BUY' ? dec(b.limit_price).comparedTo(dec(a.limit_price)) : dec(a.limit_price).comparedTo(dec(b.limit_price)));
      return open.sort((a, b) => better(a, b) || priority.get(a.order_id)! - priority.get(b.order_id)!);
    },
  };
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
