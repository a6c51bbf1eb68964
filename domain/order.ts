/**
 * One internal order model that every venue's orders map onto, and its state machine.
 *
 * Rules the state machine enforces (and why):
 * - Filled quantity only grows. Venue reports arrive out of order (a poll answered late, a
 *   stream message replayed after a reconnect); a smaller filled quantity than we already know
 *   is old news, never applied.
 * - `filled` is derived from quantities: filled == quantity ⇒ `filled`, whatever the report's
 *   status word says; a report saying "filled" with a smaller figure counts as a partial fill
 *   (the figure wins over the word), and "filled" without a figure means all of it.
 * - Terminal states (filled, cancelled, rejected, expired) stay terminal. The one exception is
 *   real information arriving late: a cancelled or expired order whose fills, reported after the
 *   cancel, add up to the whole quantity was in fact filled.
 * - `unknown` ("the request may have reached the venue") resolves to anything, by lookup.
 * - Nothing illegal is applied and nothing is thrown: the caller gets a typed rejection back to
 *   count and log, and keeps the order it had.
 * Pure: no clock (times are supplied by the caller as ISO strings), no I/O.
 */
import { z } from 'zod';
import { dec, decimalString, decStr, ONE, ZERO, type Dec } from './money';
import { actionSchema, outcomeSchema, timeInForceSchema, venueSchema } from './venue';

/** Every state an order can be in, venue-independent. */
export const ORDER_STATES = ['pending', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired', 'unknown'] as const;
/** zod: one of ORDER_STATES. */
export const orderStateSchema = z.enum(ORDER_STATES);
/** pending: sent, not yet acknowledged · open: resting, nothing filled · partially_filled · filled · cancelled · rejected · expired · unknown: may or may not exist at the venue. */
export type OrderState = z.infer<typeof orderStateSchema>;

/** States nothing moves out of (but see the module comment for late fills). */
export const TERMINAL_ORDER_STATES: readonly OrderState[] = ['filled', 'cancelled', 'rejected', 'expired'];
/** True for filled, cancelled, rejected and expired. */
export const isTerminal = (state: OrderState): boolean => TERMINAL_ORDER_STATES.includes(state);
/** True for states in which the order may still trade at the venue (pending, open, partially_filled, unknown). */
export const isLive = (state: OrderState): boolean => !isTerminal(state);

/**
 * Client order ids as every venue accepts them: Kalshi allows at most 64 characters of letters,
 * digits and `_ - : + = /`; Coinbase takes any short string (we send UUIDs). We keep to the
 * intersection, starting with a letter or digit. Polymarket has no client order id (the signed
 * order's hash identifies it); ours is then only our own key for the ledger.
 */
export const clientOrderIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_:-]{0,63}$/, 'must be 1–64 letters, digits, _ : - (starting with a letter or digit)');

// money.ts's positive/non-negative refinements run even when the decimal regex already failed
// (zod 4 runs every check) and then throw a DecimalError instead of reporting the field; these
// only run on well-formed input.
const onlyIfWellFormed = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };
const positiveDecimalString = decimalString.refine((s) => dec(s).gt(ZERO), { message: 'must be greater than 0', ...onlyIfWellFormed });
const nonNegativeDecimalString = decimalString.refine((s) => dec(s).gte(ZERO), { message: 'must be 0 or more', ...onlyIfWellFormed });

/** ISO-8601 time with an offset, as supplied by the caller (domain has no clock). */
const isoTime = z.iso.datetime({ offset: true });

const requestShape = {
  venue: venueSchema,
  /** Venue market key: Kalshi ticker, Polymarket token id, Coinbase product id. */
  market: z.string().min(1).max(200),
  /** yes/no for binary contracts (Kalshi, Polymarket); omitted for spot (Coinbase). */
  outcome: outcomeSchema.optional(),
  action: actionSchema,
  /** Limit price per contract/unit in the quote currency (USD, USDC), exact decimal string. */
  price: positiveDecimalString,
  /** Contracts, shares or base units, exact decimal string. */
  quantity: positiveDecimalString,
  timeInForce: timeInForceSchema,
  clientOrderId: clientOrderIdSchema,
  /** Expiry of a GTD order (required for GTD). */
  expiresAt: isoTime.optional(),
  /** Rest only: the venue rejects (or cancels) the order rather than let it take. */
  postOnly: z.boolean().default(false),
};

type RequestLike = { venue: string; outcome?: string; price: string; timeInForce: string; expiresAt?: string };

/** Cross-field rules shared by requests and snapshots. */
function checkRequest(r: RequestLike, ctx: z.core.$RefinementCtx): void {
  const binary = r.venue !== 'coinbase';
  if (binary && !r.outcome) ctx.addIssue({ code: 'custom', path: ['outcome'], message: `required for ${r.venue} (yes or no)` });
  if (binary && decimalString.safeParse(r.price).success && !dec(r.price).lt(ONE)) ctx.addIssue({ code: 'custom', path: ['price'], message: 'binary contract prices lie strictly between 0 and 1' });
  if (r.timeInForce === 'GTD' && !r.expiresAt) ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'required for a GTD order' });
}

/** zod: an order as we ask a venue for it. */
export const orderRequestSchema = z.object(requestShape).superRefine(checkRequest);
/** An order as we ask a venue for it (parsed: postOnly defaults to false). */
export type OrderRequest = z.infer<typeof orderRequestSchema>;

const snapshotShape = {
  ...requestShape,
  /** The venue's id (Kalshi order_id, Polymarket order hash, Coinbase order_id), once known. */
  venueOrderId: z.string().min(1).optional(),
  state: orderStateSchema,
  /** Cumulative filled quantity; only grows. */
  filledQuantity: nonNegativeDecimalString,
  /** Volume-weighted average price of what filled. */
  averageFillPrice: decimalString.optional(),
  /** Cumulative fees paid on this order, quote currency. */
  fees: nonNegativeDecimalString,
  /** Supplied by the caller (venue time or the observer's clock): domain has no clock. */
  updatedAt: isoTime,
  /** Venue trade ids already counted (fills are de-duplicated by these). */
  tradeIds: z.array(z.string()).default([]),
  /** Sums over the counted fills, kept apart from venue status reports so neither is counted twice. */
  fillsQuantity: nonNegativeDecimalString.optional(),
  fillsNotional: nonNegativeDecimalString.optional(),
  fillsFees: nonNegativeDecimalString.optional(),
  /** Why the venue rejected (or cancelled) the order, in its words. */
  rejectReason: z.string().optional(),
};

/** zod: what we know about one order at one moment. */
export const orderSnapshotSchema = z.object(snapshotShape).superRefine((s, ctx) => {
  checkRequest(s, ctx);
  if (decimalString.safeParse(s.filledQuantity).success && decimalString.safeParse(s.quantity).success && dec(s.filledQuantity).gt(dec(s.quantity))) ctx.addIssue({ code: 'custom', path: ['filledQuantity'], message: 'exceeds quantity' });
});
/** What we know about one order at one moment: the request plus the venue's view of it. */
export type OrderSnapshot = z.infer<typeof orderSnapshotSchema>;

/** zod: one execution (trade) reported by a venue. */
export const fillSchema = z.object({
  venue: venueSchema,
  /** Unique per venue; the de-duplication key. */
  venueTradeId: z.string().min(1),
  venueOrderId: z.string().min(1),
  clientOrderId: z.string().optional(),
  market: z.string().min(1),
  outcome: outcomeSchema.optional(),
  action: actionSchema,
  price: positiveDecimalString,
  quantity: positiveDecimalString,
  /** Fee charged on this fill, quote currency (0 when none). */
  fee: nonNegativeDecimalString,
  /** Whether our order made or took liquidity, when the venue says. */
  liquidity: z.enum(['maker', 'taker']).optional(),
  /** Execution time, ISO (venue time). */
  at: isoTime,
});
/** One execution (trade) reported by a venue. */
export type Fill = z.infer<typeof fillSchema>;

/** quantity − filledQuantity, as a canonical decimal string (never negative). */
export function remainingQuantity(order: Pick<OrderSnapshot, 'quantity' | 'filledQuantity'>): string {
  const rest = dec(order.quantity).minus(dec(order.filledQuantity));
  return decStr(rest.isNegative() ? ZERO : rest);
}

/** A fresh snapshot for a request about to be sent: pending, nothing filled. */
export function newOrderSnapshot(request: OrderRequest, at: string): OrderSnapshot {
  return { ...request, state: 'pending', filledQuantity: '0', fees: '0', updatedAt: at, tradeIds: [] };
}

/** A venue's status report about one order, already mapped to our vocabulary by the adapter. */
export interface OrderUpdate {
  state: OrderState;
  /** Cumulative filled quantity as the venue reports it (not a delta). */
  filledQuantity?: string;
  averageFillPrice?: string;
  /** Cumulative fees as the venue reports them. */
  fees?: string;
  venueOrderId?: string;
  rejectReason?: string;
  /** When the venue (or the observer) saw this, ISO. */
  at: string;
}

/** Why a report was not applied. */
export type OrderUpdateRejectionCode =
  /** The order is terminal; the report would move it elsewhere. */
  | 'terminal'
  /** The transition is never legal (e.g. open → rejected, partially_filled → pending). */
  | 'illegal_transition'
  /** The report is older than what we know (e.g. open after partially_filled): nothing new in it. */
  | 'stale'
  /** Reported filled quantity exceeds the order quantity. */
  | 'overfill'
  /** The report itself is malformed (not a decimal, negative). */
  | 'invalid';

/** A report that was not applied, with enough to log and count it. */
export interface OrderUpdateRejection {
  code: OrderUpdateRejectionCode;
  from: OrderState;
  to: OrderState;
  message: string;
}

/** Result of applyOrderUpdate: the order to keep, and either whether it changed or why the report was refused. */
export type UpdateResult = { ok: true; order: OrderSnapshot; changed: boolean } | { ok: false; order: OrderSnapshot; rejection: OrderUpdateRejection };

/** Progress order among live states; a report may not move an order backwards. */
const LIVE_RANK: Partial<Record<OrderState, number>> = { pending: 0, open: 1, partially_filled: 2 };

/**
 * The legal moves out of each state (after the report's state is normalised by its filled
 * quantity). Same-state reports are always legal.
 */
const LEGAL: Record<OrderState, readonly OrderState[]> = {
  pending: ['open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired', 'unknown'],
  open: ['partially_filled', 'filled', 'cancelled', 'expired', 'unknown'],
  partially_filled: ['filled', 'cancelled', 'expired', 'unknown'],
  unknown: ['pending', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired'],
  // Late fills of a cancel/expiry race that complete the order: it was filled after all.
  cancelled: ['filled'],
  expired: ['filled'],
  filled: [],
  rejected: [],
};

/** True when the state machine allows `from` → `to` (same-state is always allowed). */
export function isLegalTransition(from: OrderState, to: OrderState): boolean {
  return from === to || LEGAL[from].includes(to);
}

function parseNonNegative(value: string | undefined, what: string): Dec | string | undefined {
  if (value === undefined) return undefined;
  try {
    const d = dec(value);
    return d.isNegative() ? `${what} ${value} is negative` : d;
  } catch {
    return `${what} ${JSON.stringify(value)} is not a decimal number`;
  }
}

/** Larger of two decimal strings (cumulative figures only grow). */
function maxStr(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return dec(a).gte(dec(b)) ? a : b;
}

/**
 * Applies a venue's status report to what we know. Returns the order to keep: unchanged with a
 * typed rejection when the report is stale or illegal (the caller counts and logs it), or the
 * updated order. Never throws on venue data.
 */
export function applyOrderUpdate(current: OrderSnapshot, update: OrderUpdate): UpdateResult {
  const reject = (code: OrderUpdateRejectionCode, message: string): UpdateResult => ({
    ok: false,
    order: current,
    rejection: { code, from: current.state, to: update.state, message: `order ${current.clientOrderId}: ${message}` },
  });

  const reportedFilled = parseNonNegative(update.filledQuantity, 'filled quantity');
  const reportedFees = parseNonNegative(update.fees, 'fees');
  for (const r of [reportedFilled, reportedFees]) if (typeof r === 'string') return reject('invalid', r);
  if (update.averageFillPrice !== undefined && typeof parseNonNegative(update.averageFillPrice, 'average price') === 'string') {
    return reject('invalid', `average fill price ${JSON.stringify(update.averageFillPrice)} is not a non-negative decimal`);
  }

  const quantity = dec(current.quantity);
  const known = dec(current.filledQuantity);
  // "Filled" without a figure means all of it; with a figure, the figure wins over the word.
  const reported = (reportedFilled as Dec | undefined) ?? (update.state === 'filled' ? quantity : known);
  if (reported.gt(quantity)) return reject('overfill', `reported fill ${decStr(reported)} exceeds the order quantity ${current.quantity}`);
  const filled = reported.gt(known) ? reported : known; // filled quantity only grows

  // Normalise the reported state by the quantity: the status word of a venue is coarser than ours
  // (Coinbase says OPEN for a partly filled order; a cancel may race the last fill).
  let next: OrderState = update.state;
  if (filled.eq(quantity)) next = 'filled';
  else if (filled.gt(ZERO) && (next === 'open' || next === 'pending' || next === 'filled')) next = 'partially_filled';
  else if (filled.isZero() && (next === 'partially_filled' || next === 'filled')) next = 'open';

  const from = current.state;
  if (next !== from && !isLegalTransition(from, next)) {
    if (isTerminal(from)) return reject('terminal', `already ${from}; ignoring a report of ${update.state}`);
    const fromRank = LIVE_RANK[from];
    const toRank = LIVE_RANK[next];
    if (fromRank !== undefined && toRank !== undefined && toRank < fromRank) return reject('stale', `report of ${next} is older than ${from}`);
    return reject('illegal_transition', `${from} → ${next} is not a legal transition`);
  }
  const order: OrderSnapshot = {
    ...current,
    state: next,
    filledQuantity: decStr(filled),
    // Venue-reported cumulative figures only move forward too.
    averageFillPrice: filled.gt(known) || current.averageFillPrice === undefined ? (update.averageFillPrice ?? current.averageFillPrice) : current.averageFillPrice,
    fees: maxStr(current.fees, reportedFees === undefined ? undefined : decStr(reportedFees as Dec)) ?? current.fees,
    venueOrderId: current.venueOrderId ?? update.venueOrderId,
    rejectReason: update.rejectReason ?? current.rejectReason,
    updatedAt: update.at,
  };
  const changed =
    order.state !== current.state ||
    order.filledQuantity !== current.filledQuantity ||
    order.venueOrderId !== current.venueOrderId ||
    order.fees !== current.fees ||
    order.averageFillPrice !== current.averageFillPrice ||
    order.rejectReason !== current.rejectReason;
  return { ok: true, order: changed ? order : current, changed };
}

/** Why a fill was not counted. */
export type FillRejectionCode = 'duplicate' | 'wrong_order' | 'overfill';

/** Outcome of applyFillsReport: the order, and which fills were counted or skipped (and why). */
export interface FillsReport {
  order: OrderSnapshot;
  applied: string[];
  skipped: { venueTradeId: string; code: FillRejectionCode; message: string }[];
}

/**
 * Counts fills into the order once each (by venue trade id), keeping sums over fills apart from
 * the venue's status reports: filledQuantity and fees become the larger of the two views (both are
 * cumulative), so a poll that already said "4 filled" plus the four fills' messages is 4, not 8.
 * A fill of another order or market, or one that would over-fill the order, is skipped with a reason.
 */
export function applyFillsReport(current: OrderSnapshot, fills: readonly Fill[]): FillsReport {
  let order = current;
  const applied: string[] = [];
  const skipped: FillsReport['skipped'] = [];
  const seen = new Set(current.tradeIds);
  for (const fill of fills) {
    if (seen.has(fill.venueTradeId)) {
      skipped.push({ venueTradeId: fill.venueTradeId, code: 'duplicate', message: `trade ${fill.venueTradeId} already counted` });
      continue;
    }
    const otherOrder =
      fill.venue !== order.venue ||
      fill.market !== order.market ||
      (order.venueOrderId !== undefined && fill.venueOrderId !== order.venueOrderId) ||
      (fill.clientOrderId !== undefined && fill.clientOrderId !== '' && fill.clientOrderId !== order.clientOrderId);
    if (otherOrder) {
      skipped.push({ venueTradeId: fill.venueTradeId, code: 'wrong_order', message: `trade ${fill.venueTradeId} belongs to order ${fill.venueOrderId} on ${fill.venue} ${fill.market}` });
      continue;
    }
    const qty = dec(fill.quantity);
    const fillsQty = dec(order.fillsQuantity ?? '0').plus(qty);
    if (fillsQty.gt(dec(order.quantity))) {
      skipped.push({ venueTradeId: fill.venueTradeId, code: 'overfill', message: `trade ${fill.venueTradeId} would fill ${decStr(fillsQty)} of ${order.quantity}` });
      continue;
    }
    const fillsNotional = dec(order.fillsNotional ?? '0').plus(qty.times(dec(fill.price)));
    const fillsFees = dec(order.fillsFees ?? '0').plus(dec(fill.fee));
    const reported = dec(order.filledQuantity);
    const filled = fillsQty.gt(reported) ? fillsQty : reported;
    // Fills are the finer record: their average wins once they cover at least what status reports say.
    const averageFillPrice = fillsQty.gte(reported) ? decStr(fillsNotional.div(fillsQty)) : order.averageFillPrice;
    const fees = fillsFees.gt(dec(order.fees)) ? decStr(fillsFees) : order.fees;
    let state = order.state;
    if (filled.eq(dec(order.quantity))) state = 'filled';
    else if (!isTerminal(state)) state = 'partially_filled';
    order = {
      ...order,
      filledQuantity: decStr(filled),
      averageFillPrice,
      fees,
      fillsQuantity: decStr(fillsQty),
      fillsNotional: decStr(fillsNotional),
      fillsFees: decStr(fillsFees),
      venueOrderId: order.venueOrderId ?? fill.venueOrderId,
      tradeIds: [...order.tradeIds, fill.venueTradeId],
      state,
      updatedAt: fill.at,
    };
    seen.add(fill.venueTradeId);
    applied.push(fill.venueTradeId);
  }
  return { order, applied, skipped };
}

/** applyFillsReport, keeping only the resulting order. */
export function applyFills(current: OrderSnapshot, fills: readonly Fill[]): OrderSnapshot {
  return applyFillsReport(current, fills).order;
}
