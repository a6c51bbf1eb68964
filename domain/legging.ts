/**
 * The pure arithmetic of legging, shared by the intent workflow (which runs it deterministically)
 * and its tests: the order each leg attempt sends, how far a reprice may go, what is exposed after
 * leg B, and the order that unwinds it. Exact decimals only; no clock, no I/O.
 */
import { clientOrderId } from './client-order-id';
import type { Leg } from './intent';
import { Dec, dec, decStr, ZERO } from './money';
import type { OrderRequest, OrderSnapshot } from './order';
import type { TimeInForce } from './venue';

/** Price increment of a reprice: one cent on every venue we trade (binary contracts and USD spot). */
export const REPRICE_TICK = '0.01';
/** Binary contract prices live strictly inside (0, 1): the extreme ticks. */
const BINARY_MIN = dec('0.01');
const BINARY_MAX = dec('0.99');

/** Client order id roles: the intent's legs, and the unwind of leg A's exposure. */
export type OrderRole = Leg['legId'] | 'U';

export function legOrderRequest(opts: {
  intentId: string;
  role: OrderRole;
  attempt: number;
  leg: Pick<Leg, 'venue' | 'market' | 'outcome' | 'action'>;
  price: string;
  quantity: string;
  timeInForce: TimeInForce;
  /** GTD orders: when the venue cancels it (ISO time). */
  expiresAt?: string;
}): OrderRequest {
  return {
    venue: opts.leg.venue,
    market: opts.leg.market,
    ...(opts.leg.outcome ? { outcome: opts.leg.outcome } : {}),
    action: opts.leg.action,
    price: opts.price,
    quantity: opts.quantity,
    timeInForce: opts.timeInForce,
    clientOrderId: clientOrderId(opts.intentId, opts.role, opts.attempt),
    ...(opts.timeInForce === 'GTD' && opts.expiresAt ? { expiresAt: opts.expiresAt } : {}),
    postOnly: false,
  };
}

/**
 * The price of the next reprice (one tick towards the market: up for a buy, down for a sell), or
 * undefined when it would leave the intent's tolerance around the original limit or the venue's
 * price range: then the leg is cancelled instead of chased.
 */
export function nextRepricePrice(leg: Pick<Leg, 'venue' | 'action' | 'limitPrice'>, currentPrice: string, tolerance: string): string | undefined {
  const step = dec(REPRICE_TICK);
  const next = leg.action === 'buy' ? dec(currentPrice).plus(step) : dec(currentPrice).minus(step);
  if (next.minus(dec(leg.limitPrice)).abs().gt(dec(tolerance))) return undefined;
  if (leg.venue !== 'coinbase' && (next.lt(BINARY_MIN) || next.gt(BINARY_MAX))) return undefined;
  if (next.lte(ZERO)) return undefined;
  return decStr(next);
}

/** Filled quantity and volume-weighted price over a leg's orders (each attempt is its own order). */
export function aggregateFills(orders: Pick<OrderSnapshot, 'filledQuantity' | 'averageFillPrice' | 'price' | 'fees'>[]): {
  filledQuantity: string;
  averagePrice?: string;
  fees: string;
} {
  let qty: Dec = ZERO;
  let notional: Dec = ZERO;
  let fees: Dec = ZERO;
  for (const o of orders) {
    const q = dec(o.filledQuantity);
    qty = qty.plus(q);
    notional = notional.plus(q.times(dec(o.averageFillPrice ?? o.price)));
    fees = fees.plus(dec(o.fees));
  }
  return { filledQuantity: decStr(qty), ...(qty.gt(ZERO) ? { averagePrice: decStr(notional.div(qty)) } : {}), fees: decStr(fees) };
}

/** What leg A holds that leg B did not cover: the quantity to unwind (never negative). */
export function exposedQuantity(legAFilled: string, legBFilled: string): string {
  const d = dec(legAFilled).minus(dec(legBFilled));
  return decStr(d.gt(ZERO) ? d : ZERO);
}

/**
 * The unwind of leg A's uncovered quantity: the opposite action on A's venue and market,
 * immediate-or-cancel, priced `slippage` through A's average fill price so it executes against the
 * book now rather than rest (clamped to the venue's price range for binary contracts).
 */
export function unwindPrice(legA: Pick<Leg, 'venue' | 'action'>, averagePrice: string, slippage: string): string {
  const selling = legA.action === 'buy';
  const through = selling ? dec(averagePrice).minus(dec(slippage)) : dec(averagePrice).plus(dec(slippage));
  // To the tick, rounded the aggressive way: a sell down, a buy up.
  const ticked = through.toDecimalPlaces(2, selling ? Dec.ROUND_DOWN : Dec.ROUND_UP);
  if (legA.venue === 'coinbase') return decStr(ticked.gt(ZERO) ? ticked : dec(REPRICE_TICK));
  return decStr(ticked.lt(BINARY_MIN) ? BINARY_MIN : ticked.gt(BINARY_MAX) ? BINARY_MAX : ticked);
}

export function unwindLeg(legA: Leg): Pick<Leg, 'venue' | 'market' | 'outcome' | 'action'> {
  return { venue: legA.venue, market: legA.market, outcome: legA.outcome, action: legA.action === 'buy' ? 'sell' : 'buy' };
}

/** Exposed notional at leg A's price, for the stuck/exposure search attribute and the view. */
export function exposureNotional(quantity: string, price: string | undefined): string {
  return decStr(dec(quantity).times(dec(price ?? '0')));
}

/** How often a resting leg is repriced: the reprices spread evenly over its window, the last slot left for the final wait. */
export function repriceIntervalMs(windowMs: number, maxReprices: number): number {
  return Math.max(100, Math.floor(windowMs / (maxReprices + 1)));
}
