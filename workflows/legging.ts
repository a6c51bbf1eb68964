/**
 * The legs of an intent, run inside orderIntentWorkflow: submit each attempt with its deterministic
 * client order id, track it (router signals first, polling with back-off as the fallback), reprice
 * a resting leg one tick at a time within tolerance, cancel what is left at the window's end, and
 * unwind leg A's uncovered quantity in a non-cancellable scope.
 *
 * All state lives in a `LeggingRun` per execution (no module-level state); every wait is a
 * workflow timer or condition, so a worker crash resumes exactly here from history.
 */
import { ActivityFailure, ApplicationFailure, CancellationScope, condition, isCancellation, patched, proxyActivities, proxyLocalActivities, TimeoutFailure } from '@temporalio/workflow';
import type { GateActivities } from '../activities/gate';
import type { AuditActivities } from '../activities/audit';
import type { LegActivities, LegOrderInput } from '../activities/legs';
import type { Intent, Leg } from '../domain/intent';
import type { LegOrderView } from '../domain/intent-view';
import { aggregateFills, legOrderRequest, nextRepricePrice, repriceIntervalMs, type OrderRole } from '../domain/legging';
import { dec, decStr } from '../domain/money';
import { workflowNowMs, workflowTimestamp } from './clock';
import { applyOrderUpdate, isTerminal, type OrderSnapshot, type OrderState } from '../domain/order';
import type { TimeInForce } from '../domain/venue';

const NON_RETRYABLE = ['VenuePermanent', 'VenueNotConfigured', 'ValidationError'];
/** How a submit can end without an answer: the venue kept failing, or our attempts timed out. */
const UNRESOLVED = ['VenueUnknown', 'VenueRetryable', 'timeout'];

function failureType(err: ActivityFailure): string {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) return cause.type ?? '';
  if (cause instanceof TimeoutFailure) return 'timeout';
  return '';
}

// Submit: retried while the venue says "try again" or "unknown" (each retry looks up first). Past
// the intent's submit deadline (schedule-to-close) the leg is treated as possibly live: cancelled
// by client id. Built per intent, since the deadline is the intent's.
function submitActivity(deadlineMs: number) {
  return proxyActivities<LegActivities>({
    startToCloseTimeout: '10 seconds',
    scheduleToCloseTimeout: deadlineMs,
    retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', nonRetryableErrorTypes: NON_RETRYABLE },
  }).submitLeg;
}
// Lookups and cancels are retried until they succeed: a leg may never be abandoned half-known.
const { lookupLeg, cancelLeg } = proxyActivities<LegActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', nonRetryableErrorTypes: NON_RETRYABLE },
});
// Asked before every new entry order after the first (reprices, leg B): a kill switch engaged while
// the intent works stops it at its next order even before the governor's push reaches it.
const { checkGate } = proxyLocalActivities<GateActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '100 milliseconds', maximumInterval: '2 seconds', maximumAttempts: 5 },
});
const { recordAuditEvent } = proxyActivities<AuditActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});

/** How many times one leg re-sends an order its venue expired (a bound, not a schedule). */
const MAX_RESUBMITS = 50;

/** GTD when the intent gives orders a time to live (and the leg is not immediate-or-cancel). */
function orderExpiry(opts: { timeInForce: TimeInForce; orderTtlMs?: number }): { timeInForce: TimeInForce; expiresAt?: string } {
  if (!opts.orderTtlMs || opts.timeInForce === 'IOC' || opts.timeInForce === 'FOK') return { timeInForce: opts.timeInForce };
  // The order lives orderTtlMs from now (workflow time).
  return { timeInForce: 'GTD', expiresAt: workflowTimestamp(opts.orderTtlMs) };
}

/** An order update pushed by a venue's user-stream router (or an operator tool) into the owning workflow. */
export interface OrderUpdateMessage {
  clientOrderId: string;
  state: OrderState;
  filledQuantity?: string;
  averageFillPrice?: string;
  fees?: string;
  venueOrderId?: string;
  at: string;
}

export interface LegResult {
  orders: OrderSnapshot[];
  filledQuantity: string;
  averagePrice?: string;
  fees: string;
}

/** Per-execution legging state and the operations on it. */
export class LeggingRun {
  /** Set by the cancelIntent signal: open legs are cancelled and what is exposed is unwound. */
  cancelRequested: { reason: string; operator?: string } | undefined;
  /** Orders not yet known to be terminal, by client order id (what a cancellation must clean up). */
  private readonly working = new Map<string, { input: LegOrderInput; order: OrderSnapshot }>();
  private readonly pushed = new Map<string, OrderUpdateMessage>();
  private wake = false;

  /** Added after legs-v1 shipped: executions from before it replay without the per-order gate. */
  private readonly gatePerOrder: boolean;
  private readonly submitLeg: ReturnType<typeof submitActivity>;

  constructor(
    private readonly intent: Intent,
    private readonly intentId: string,
    private readonly executionId: string,
    /** Called after every observation, so the view, search attributes and ledger follow the leg. */
    private readonly onOrder: (role: OrderRole, orders: OrderSnapshot[], waiting: boolean, firstAttempt: number) => void,
  ) {
    this.gatePerOrder = patched('gate-per-order-v1');
    this.submitLeg = submitActivity(intent.submitDeadlineMs);
  }

  /** False (and the intent is sent to its safe path) when the risk governor no longer allows new entry orders. */
  private async mayEnter(leg: Pick<Leg, 'venue'>): Promise<boolean> {
    if (!this.gatePerOrder) return true;
    const decision = await checkGate({ kind: 'entry', strategy: this.intent.strategy, venues: [leg.venue] });
    if (!decision.allowed) this.onCancel(`risk gate ${decision.level}${decision.safeMode ? ' (SAFE_MODE)' : ''}: ${decision.reason}`, 'risk governor');
    return decision.allowed;
  }

  onOrderUpdate(update: OrderUpdateMessage): void {
    if (!this.working.has(update.clientOrderId)) return; // not ours now (late or for a finished order)
    this.pushed.set(update.clientOrderId, update);
    this.wake = true;
  }

  onCancel(reason: string, operator?: string): void {
    this.cancelRequested ??= { reason, ...(operator ? { operator } : {}) };
    this.wake = true;
  }

  audit(action: string, reason: string, data?: Record<string, unknown>, idSuffix = ''): Promise<void> {
    // Ids are unique per decision within the execution; a replayed activity writes it once.
    return recordAuditEvent({ id: `${this.intentId}:${this.executionId}:${action}${idSuffix}`, actor: 'orderIntentWorkflow', action, reason, intentId: this.intentId, executionId: this.executionId, ...(data ? { data } : {}) });
  }

  /**
   * Works one leg until `quantity` is filled, the window ends, the venue rejects it, or a cancel
   * arrives. Each reprice cancels the resting order first and sends the rest as a new attempt.
   */
  async workLeg(role: OrderRole, leg: Pick<Leg, 'venue' | 'market' | 'outcome' | 'action' | 'limitPrice'>, quantity: string, opts: { windowMs: number; timeInForce: TimeInForce; tolerance: string; maxReprices: number; repriceAfterMs?: number; startAttempt?: number; orderTtlMs?: number }): Promise<LegResult> {
    const deadline = workflowNowMs() + opts.windowMs;
    const interval = opts.repriceAfterMs ?? repriceIntervalMs(opts.windowMs, opts.maxReprices);
    const orders: OrderSnapshot[] = [];
    let price = leg.limitPrice;
    let attempt = (opts.startAttempt ?? 1) - 1;
    let reprices = 0;
    let resubmits = 0;
    for (;;) {
      const left = dec(quantity).minus(dec(aggregateFills(orders).filledQuantity));
      if (left.lte(0) || this.cancelRequested) break;
      // Leg A's first order was cleared by the intent's own gate check a moment ago; every later
      // entry order asks again. Unwinds reduce exposure and are always allowed.
      const first = role === 'A' && attempt === (opts.startAttempt ?? 1) - 1;
      if (role !== 'U' && !first && !(await this.mayEnter(leg))) break;
      attempt += 1;
      const input: LegOrderInput = {
        intentId: this.intentId,
        legId: role,
        attempt,
        executionId: this.executionId,
        request: legOrderRequest({ intentId: this.intentId, role, attempt, leg, price, quantity: decStr(left), ...orderExpiry(opts) }),
      };
      let order = await this.submit(input);
      orders.push(order);
      const repriceAt = reprices < opts.maxReprices ? Math.min(deadline, workflowNowMs() + interval) : deadline;
      order = await this.track(input, order, repriceAt, (o) => {
        orders[orders.length - 1] = o;
        this.onOrder(role, orders, true, opts.startAttempt ?? 1);
      });
      // A good-till-date order the venue ended (expired) before we did: re-sent at the same price
      // while the window is open, without counting as a reprice.
      const expired = input.request.timeInForce === 'GTD' && (order.state === 'cancelled' || order.state === 'expired');
      if (!isTerminal(order.state)) order = await this.cancel(input, order);
      orders[orders.length - 1] = order;
      this.working.delete(input.request.clientOrderId);
      this.onOrder(role, orders, false, opts.startAttempt ?? 1);
      if (order.state === 'rejected' || this.cancelRequested || workflowNowMs() >= deadline) break;
      if (dec(aggregateFills(orders).filledQuantity).gte(dec(quantity))) break;
      if (expired && resubmits < MAX_RESUBMITS) {
        resubmits += 1;
        await this.audit(`leg.${role}.${attempt}.resubmitted`, `leg ${role}'s order expired at the venue with its window still open: re-sent at ${price}`);
        continue;
      }
      const next = reprices < opts.maxReprices ? nextRepricePrice({ venue: leg.venue, action: leg.action, limitPrice: leg.limitPrice }, price, opts.tolerance) : undefined;
      if (next === undefined) {
        await this.audit(`leg.${role}.${attempt}.given-up`, reprices < opts.maxReprices ? `a reprice of leg ${role} beyond ${price} would leave the price tolerance ${opts.tolerance}` : `leg ${role} was repriced ${reprices} times, the most the intent allows`);
        break;
      }
      await this.audit(`leg.${role}.${attempt}.repriced`, `leg ${role} unfilled after ${interval} ms at ${price}: cancelled and resent at ${next}`, { from: price, to: next });
      price = next;
      reprices += 1;
    }
    return { orders, ...aggregateFills(orders) };
  }

  /** Submits; a submit that stays unresolved past its deadline is treated as possibly live. */
  private async submit(input: LegOrderInput): Promise<OrderSnapshot> {
    const placeholder: OrderSnapshot = { ...input.request, state: 'pending', filledQuantity: '0', fees: '0', updatedAt: workflowTimestamp(), tradeIds: [] };
    this.working.set(input.request.clientOrderId, { input, order: placeholder });
    try {
      const order = await this.submitLeg(input);
      this.working.set(input.request.clientOrderId, { input, order });
      return order;
    } catch (err) {
      if (!(err instanceof ActivityFailure) || isCancellation(err) || !UNRESOLVED.includes(failureType(err))) throw err;
      // Retries ran out without an answer: the order may be live at the venue. Cancel it by client
      // id and take whatever it filled; never send it blind again.
      await this.audit(`leg.${input.legId}.${input.attempt}.unresolved`, `submit of ${input.request.clientOrderId} stayed unresolved (${err.cause?.message ?? err.message}): cancelling by client id`);
      return { ...placeholder, state: 'unknown' };
    }
  }

  private async track(input: LegOrderInput, start: OrderSnapshot, until: number, observed: (o: OrderSnapshot) => void): Promise<OrderSnapshot> {
    let order = start;
    let delayMs = 100;
    while (!isTerminal(order.state) && order.state !== 'unknown' && !this.cancelRequested) {
      const left = until - workflowNowMs();
      if (left <= 0) break;
      this.wake = false;
      await condition(() => this.wake, Math.min(delayMs, left));
      const pushed = this.pushed.get(input.request.clientOrderId);
      if (pushed) {
        this.pushed.delete(input.request.clientOrderId);
        order = merge(order, pushed);
      } else if (!this.cancelRequested) {
        // No push arrived in time: poll, backing off while nothing changes.
        const polled = await lookupLeg(input);
        const before = order;
        order = merge(order, polled);
        delayMs = order === before ? Math.min(delayMs * 2, 1_000) : 100;
      }
      this.working.set(input.request.clientOrderId, { input, order });
      observed(order);
    }
    return order;
  }

  /** Cancel, then settle on the venue's final word (a fill may race the cancel). */
  private async cancel(input: LegOrderInput, current: OrderSnapshot): Promise<OrderSnapshot> {
    return CancellationScope.nonCancellable(async () => {
      let order = merge(current, await cancelLeg(input));
      for (let i = 0; i < 20 && !isTerminal(order.state) && order.state !== 'unknown'; i++) order = merge(order, await lookupLeg(input));
      // The venue never had it (unknown after a cancel by client id): nothing was filled.
      if (order.state === 'unknown') order = { ...order, state: 'cancelled' };
      return order;
    });
  }

  /** Cancels every order still working (a Temporal cancellation of the whole workflow lands here). */
  async cancelAllWorking(): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      for (const { input, order } of [...this.working.values()]) {
        await this.cancel(input, order);
        this.working.delete(input.request.clientOrderId);
      }
    });
  }
}

/** A venue observation applied to what we know: filled quantity only grows, terminal stays terminal. */
function merge(current: OrderSnapshot, seen: OrderSnapshot | OrderUpdateMessage): OrderSnapshot {
  if (seen.state === 'unknown') return current; // the venue does not know it (yet): keep what we know
  const result = applyOrderUpdate(current, {
    state: seen.state,
    filledQuantity: seen.filledQuantity,
    averageFillPrice: seen.averageFillPrice,
    fees: seen.fees,
    venueOrderId: seen.venueOrderId,
    at: 'updatedAt' in seen ? seen.updatedAt : seen.at,
  });
  // Unchanged (or a stale report): the same object, so callers can tell nothing moved.
  return result.ok && result.changed ? result.order : current;
}

export function legOrderViews(orders: OrderSnapshot[], firstAttempt = 1): LegOrderView[] {
  return orders.map((o, i) => ({
    attempt: firstAttempt + i,
    clientOrderId: o.clientOrderId,
    ...(o.venueOrderId ? { venueOrderId: o.venueOrderId } : {}),
    price: o.price,
    quantity: o.quantity,
    state: o.state,
    filledQuantity: o.filledQuantity,
    ...(o.averageFillPrice ? { averageFillPrice: o.averageFillPrice } : {}),
    fees: o.fees,
    ...(o.rejectReason ? { rejectReason: o.rejectReason } : {}),
  }));
}
