/**
 * One internal order model that every venue's orders map onto, and its state machine.
 * Filled quantity only grows; terminal states stay terminal (UNKNOWN — "the request may have
 * reached the venue" — is the one state that resolves to anything, by lookup).
 */
import { z } from 'zod';
import { idSchema } from './intent';
import { dec, decimalString, decStr, positiveDecimalString, ZERO } from './money';
import { actionSchema, outcomeSchema, timeInForceSchema, venueSchema } from './venue';

export const ORDER_STATES = ['pending', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired', 'unknown'] as const;
export const orderStateSchema = z.enum(ORDER_STATES);
export type OrderState = z.infer<typeof orderStateSchema>;

export const TERMINAL_ORDER_STATES: readonly OrderState[] = ['filled', 'cancelled', 'rejected', 'expired'];
export const isTerminal = (state: OrderState): boolean => TERMINAL_ORDER_STATES.includes(state);

export const orderRequestSchema = z.object({
  venue: venueSchema,
  market: z.string().min(1).max(200),
  outcome: outcomeSchema.optional(),
  action: actionSchema,
  price: positiveDecimalString,
  quantity: positiveDecimalString,
  timeInForce: timeInForceSchema,
  clientOrderId: idSchema,
  /** GTD expiry, ISO time. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  postOnly: z.boolean().default(false),
});
export type OrderRequest = z.infer<typeof orderRequestSchema>;

export const orderSnapshotSchema = orderRequestSchema.extend({
  venueOrderId: z.string().min(1).optional(),
  state: orderStateSchema,
  filledQuantity: decimalString,
  averageFillPrice: decimalString.optional(),
  fees: decimalString,
  /** Supplied by the caller (venue time or the observer's clock): domain has no clock. */
  updatedAt: z.iso.datetime({ offset: true }),
  /** Venue trade ids already counted in filledQuantity (fills are de-duplicated by these). */
  tradeIds: z.array(z.string()).default([]),
  rejectReason: z.string().optional(),
});
export type OrderSnapshot = z.infer<typeof orderSnapshotSchema>;

export const fillSchema = z.object({
  venue: venueSchema,
  venueTradeId: z.string().min(1),
  venueOrderId: z.string().min(1),
  clientOrderId: z.string().optional(),
  market: z.string().min(1),
  outcome: outcomeSchema.optional(),
  action: actionSchema,
  price: positiveDecimalString,
  quantity: positiveDecimalString,
  fee: decimalString,
  liquidity: z.enum(['maker', 'taker']).optional(),
  at: z.iso.datetime({ offset: true }),
});
export type Fill = z.infer<typeof fillSchema>;

export function remainingQuantity(order: Pick<OrderSnapshot, 'quantity' | 'filledQuantity'>): string {
  return decStr(dec(order.quantity).minus(dec(order.filledQuantity)));
}

export interface OrderUpdate {
  state: OrderState;
  filledQuantity?: string;
  averageFillPrice?: string;
  fees?: string;
  venueOrderId?: string;
  rejectReason?: string;
  at: string;
}

export type UpdateResult = { ok: true; order: OrderSnapshot; changed: boolean } | { ok: false; order: OrderSnapshot; rejection: string };

const RANK: Record<OrderState, number> = { unknown: -1, pending: 0, open: 1, partially_filled: 2, filled: 3, cancelled: 3, rejected: 3, expired: 3 };

/**
 * Applies a venue's report. Stale or illegal reports are returned as a rejection (the caller
 * counts and logs it), never applied; a smaller filled quantity than we know is ignored.
 */
export function applyOrderUpdate(current: OrderSnapshot, update: OrderUpdate): UpdateResult {
  if (isTerminal(current.state)) {
    const sameFill = !update.filledQuantity || dec(update.filledQuantity).lte(dec(current.filledQuantity));
    if (update.state === current.state && sameFill) return { ok: true, order: current, changed: false };
    return { ok: false, order: current, rejection: `order ${current.clientOrderId} is already ${current.state}; ignoring ${update.state}` };
  }
  const known = dec(current.filledQuantity);
  const reported = update.filledQuantity === undefined ? known : dec(update.filledQuantity);
  const filled = reported.gt(known) ? reported : known; // filled quantity only grows
  if (filled.gt(dec(current.quantity))) {
    return { ok: false, order: current, rejection: `reported fill ${decStr(filled)} exceeds the order quantity ${current.quantity}` };
  }
  let state = update.state;
  if (filled.eq(dec(current.quantity))) state = 'filled';
  else if (filled.gt(ZERO) && (state === 'open' || state === 'pending')) state = 'partially_filled';
  // A report older than what we know (e.g. "open" after "partially_filled") does not move us back.
  if (current.state !== 'unknown' && !isTerminal(state) && RANK[state] < RANK[current.state]) state = current.state;
  const next: OrderSnapshot = {
    ...current,
    state,
    filledQuantity: decStr(filled),
    averageFillPrice: update.averageFillPrice ?? current.averageFillPrice,
    fees: update.fees ?? current.fees,
    venueOrderId: update.venueOrderId ?? current.venueOrderId,
    rejectReason: update.rejectReason ?? current.rejectReason,
    updatedAt: update.at,
  };
  const changed = next.state !== current.state || next.filledQuantity !== current.filledQuantity || next.venueOrderId !== current.venueOrderId;
  return { ok: true, order: next, changed };
}


/** Counts fills into the order once each (by venue trade id), updating quantity, average price and fees. */
export function applyFills(current: OrderSnapshot, fills: Fill[]): OrderSnapshot {
  let order = current;
  for (const fill of fills) {
    if (order.tradeIds.includes(fill.venueTradeId)) continue;
    const before = dec(order.filledQuantity);
    const qty = dec(fill.quantity);
    const filled = before.plus(qty);
    if (filled.gt(dec(order.quantity))) continue; // over-fill report: never applied (the reconciler sees it)
    const avg = before.isZero() ? dec(fill.price) : dec(order.averageFillPrice ?? fill.price).times(before).plus(dec(fill.price).times(qty)).div(filled);
    order = {
      ...order,
      filledQuantity: decStr(filled),
      averageFillPrice: decStr(avg),
      fees: decStr(dec(order.fees).plus(dec(fill.fee))),
      tradeIds: [...order.tradeIds, fill.venueTradeId],
      state: filled.eq(dec(order.quantity)) ? 'filled' : isTerminal(order.state) ? order.state : 'partially_filled',
      updatedAt: fill.at,
    };
  }
  return order;
}

export function newOrderSnapshot(request: OrderRequest, at: string): OrderSnapshot {
  return { ...request, state: 'pending', filledQuantity: '0', fees: '0', updatedAt: at, tradeIds: [] };
}

/**
 * Where a binary market stands for settlement: unresolved, or resolved with what one contract of
 * the asked outcome pays ("1" or "0", in the venue's settlement currency).
 */
export type MarketResolution = { resolved: false; status: string } | { resolved: true; status: string; result: string; payoutPerContract: string };
