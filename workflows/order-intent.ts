/**
 * orderIntentWorkflow: owns one trade from the intent to its terminal state. Its durable history is
 * the source of truth for the trade in flight; the ledger is written through idempotent activities.
 *
 * validate → record → gate → reserve capital → leg A (submit, track, reprice, cancel the rest) →
 * leg B for what A filled → unwind what B did not cover → release capital → outcome.
 * Settlement (waiting for resolution) is not part of it yet.
 */
import { ApplicationFailure, CancellationScope, ContinueAsNew, defineQuery, defineSignal, isCancellation, patched, proxyActivities, proxyLocalActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { GateActivities } from '../activities/gate';
import type { IntentRecordingActivities } from '../activities/intent-recording';
import type { LegActivities } from '../activities/legs';
import type { SettlementActivities } from '../activities/settlement';
import { SETTLEMENT_ASSET } from '../domain/capital';
import { unwindPnl } from '../domain/settlement';
import { intentIdFor, parseIntent, type Intent, type IntentInput } from '../domain/intent';
import { initialIntentView, withPhase, type IntentOutcome, type IntentPhase, type IntentView, type LegView } from '../domain/intent-view';
import { aggregateFills, exposedQuantity, exposureNotional, unwindLeg, unwindPrice, type OrderRole } from '../domain/legging';
import { dec, decStr } from '../domain/money';
import type { OrderSnapshot } from '../domain/order';
import { SA_EXPOSURE, SA_INTENT_STATE, SA_LEG_A_STATE, SA_LEG_B_STATE, SA_MARKET, SA_STRATEGY, SA_STUCK_SINCE, SA_VENUES } from '../domain/search-attributes';
import { ValidationError } from '../domain/validation';
import { legOrderViews, LeggingRun, type LegResult, type OrderUpdateMessage } from './legging';
import { heldLegs, settle, type SettlementResume } from './settlement';
import { workflowTimestamp } from './clock';

export const stateQuery = defineQuery<IntentView>('state');
/** Order updates from a venue's user-stream router, keyed by client order id. */
export const orderUpdateSignal = defineSignal<[OrderUpdateMessage]>('orderUpdate');
/** An operator's cancel: open legs are cancelled, and what leg A holds uncovered is unwound. */
export const cancelIntentSignal = defineSignal<[{ reason: string; operator?: string }]>('cancelIntent');

/** Unwind attempts (each immediate-or-cancel at the same limit) before the remainder is declared UNHEDGED. */
const UNWIND_ATTEMPTS = 3;

const { recordIntentAccepted, recordIntentOutcome, reserveIntentCapital, releaseIntentCapital } = proxyActivities<IntentRecordingActivities>({
  // Short: a worker that dies mid-write is noticed quickly and the write is retried elsewhere.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', nonRetryableErrorTypes: ['ValidationError'] },
});

const { recordRealizedPnl } = proxyActivities<SettlementActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});

const { quoteLeg } = proxyActivities<LegActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '100 milliseconds', backoffCoefficient: 2, maximumInterval: '2 seconds', maximumAttempts: 10 },
});

const { checkGate } = proxyActivities<GateActivities>({
  // A query to the governor: fast, or the gate fails closed inside the activity.
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '100 milliseconds', maximumInterval: '2 seconds', maximumAttempts: 5 },
});

/**
 * The hot path before leg A (record, gate, reserve) as local activities: they run in the worker
 * that runs the workflow task, without a round trip through the server per step, which shortens
 * opportunity → leg A by one server hop each. Still retried, still idempotent (keyed writes).
 */
const hotPath = proxyLocalActivities<IntentRecordingActivities & GateActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '100 milliseconds', backoffCoefficient: 2, maximumInterval: '2 seconds', nonRetryableErrorTypes: ['ValidationError'] },
});

/** The ledger follows each working phase (added after legs-v1; executions before it replay without). */
async function recordPhase(intentId: string, phase: IntentPhase): Promise<void> {
  if (patched('ledger-phases-v1')) await hotPath.recordIntentPhase({ intentId, phase });
}

export async function orderIntentWorkflow(input: IntentInput, resume?: SettlementResume): Promise<IntentView> {
  let intent: Intent;
  try {
    intent = parseIntent(input);
  } catch (err) {
    // Clients validate before starting; this guards starts from other tools (tctl, temporal CLI).
    if (err instanceof ValidationError) throw ApplicationFailure.nonRetryable(err.message, 'ValidationError');
    throw err;
  }
  const { workflowId, runId } = workflowInfo();
  // Added after the first release: executions from before it replay with the remote activities.
  const hot = patched('hot-path-local-v1');
  const record = hot ? hotPath.recordIntentAccepted : recordIntentAccepted;
  const gate = hot ? hotPath.checkGate : checkGate;
  const reserve = hot ? hotPath.reserveIntentCapital : reserveIntentCapital;
  if (resume) return resumeSettlement(intent, resume);
  let view = initialIntentView(intent, intentIdFor(intent.opportunityId), workflowId, runId);
  setHandler(stateQuery, () => view);

  upsertSearchAttributes([
    { key: SA_STRATEGY, value: intent.strategy },
    { key: SA_VENUES, value: [...new Set(intent.legs.map((l) => l.venue))] },
    { key: SA_MARKET, value: intent.legs.map((l) => `${l.venue}:${l.market}`).join('|') },
    { key: SA_INTENT_STATE, value: view.phase },
  ]);

  await record({ intent, workflowId, runId });
  view = withPhase(view, 'RECORDED');
  upsertSearchAttributes([{ key: SA_INTENT_STATE, value: view.phase }]);

  // Added after the first release: executions recorded before it never ran the gate (replay-safe).
  if (patched('gate-check-v1')) {
    const decision = await gate({ kind: 'new-intent', strategy: intent.strategy, venues: [...new Set(intent.legs.map((l) => l.venue))] });
    if (!decision.allowed) {
      const reason = `risk gate ${decision.level}${decision.safeMode ? ' (SAFE_MODE)' : ''}: ${decision.reason}`;
      await recordIntentOutcome({ intentId: view.intentId, state: 'REJECTED', reason, executionId: runId });
      view = withPhase(view, 'REJECTED', reason);
      upsertSearchAttributes([{ key: SA_INTENT_STATE, value: view.phase }]);
      return view;
    }
  }

  // Capital is reserved before leg A and released on every path out, even when the workflow is
  // cancelled (non-cancellable scope). The legs themselves run inside the try (issue 6).
  if (patched('capital-v1')) {
    const { reserved } = await reserve({ intentId: view.intentId, intent });
    await withCapitalReleased(view.intentId, reserved, async () => {
      // Added after the first release: executions from before it never traded (replay-safe).
      if (patched('legs-v1')) {
        const ended = await runLegs(intent, view, (v) => (view = v));
        view = ended;
        if (intent.awaitSettlement && heldLegs(view).length > 0) {
          await recordPhase(view.intentId, 'SETTLING');
          view = await settle(intent, view, (v) => (view = v));
        }
      }
    });
  }
  return finishIntent(view);
}

/**
 * Runs `fn` with the intent's capital reserved and releases it on every way out (in a scope that
 * cannot be cancelled) — except continue-as-new, where the next run still holds the positions.
 */
async function withCapitalReleased(intentId: string, reserved: string[], fn: () => Promise<void>): Promise<void> {
  let continuing = false;
  try {
    await fn();
  } catch (err) {
    continuing = err instanceof ContinueAsNew;
    throw err;
  } finally {
    if (!continuing) {
      await CancellationScope.nonCancellable(() => releaseIntentCapital({ intentId, legIds: reserved.map((id) => id.slice(intentId.length + 1)), reason: 'intent finished' }));
    }
  }
}

/** A settlement wait carried over by continue-as-new: the legs are done and the capital still reserved. */
async function resumeSettlement(intent: Intent, resume: SettlementResume): Promise<IntentView> {
  const { runId } = workflowInfo();
  let view: IntentView = { ...resume.settle, runId };
  setHandler(stateQuery, () => view);
  publishSearchAttributes(view);
  const reserved = intent.legs.map((l) => `${view.intentId}:${l.legId}`);
  await withCapitalReleased(view.intentId, reserved, async () => {
    view = await settle(intent, view, (v) => (view = v));
  });
  return finishIntent(view);
}

/** The terminal phase, recorded in the ledger and the search attributes. */
async function finishIntent(start: IntentView): Promise<IntentView> {
  const { runId } = workflowInfo();
  let view = start;
  const terminal: IntentPhase = view.phase === 'UNHEDGED' || view.phase === 'REJECTED' ? view.phase : 'COMPLETED';
  // Added after the first release (replay-safe): the ledger learns the terminal state too.
  if (patched('record-completion-v1')) {
    await recordIntentOutcome({ intentId: view.intentId, state: terminal, reason: view.reason ?? 'all phases done', executionId: runId });
  }
  if (view.phase !== terminal) view = withPhase(view, terminal);
  upsertSearchAttributes([{ key: SA_INTENT_STATE, value: view.phase }]);
  return view;
}

/**
 * Leg A, then leg B for what A filled, then the unwind of what B left uncovered. Returns the view
 * with the outcome; `publish` keeps the state query current while the legs work.
 */
async function runLegs(intent: Intent, start: IntentView, publish: (v: IntentView) => void): Promise<IntentView> {
  const { runId } = workflowInfo();
  let view = start;
  const set = (v: IntentView) => {
    view = v;
    publish(v);
  };
  const legIndex: Record<OrderRole, number> = { A: 0, B: 1, U: -1 };
  const legA = intent.legs[0]!;
  const legB = intent.legs[1];
  // Added after legs-v1: leg B is sent for each increment of leg A's fill as it arrives, not once
  // A is done, so exposure never waits on the rest of A (replay-safe).
  const perFill = legB !== undefined && patched('hedge-per-fill-v1');
  /** Leg B's hedges, by first attempt number: each works on its own, the view shows them all. */
  const hedgeParts = new Map<number, { orders: OrderSnapshot[]; waiting: boolean }>();
  const hedges: Promise<LegResult | undefined>[] = [];
  let hedged = '0';
  let nextHedgeAttempt = 1;
  const startHedge = (quantity: string) => {
    const startAttempt = nextHedgeAttempt;
    nextHedgeAttempt += intent.maxReprices + 1;
    const hedge = (async (): Promise<LegResult | undefined> => {
      if (view.phase === 'LEG_A') {
        set(withPhase(view, 'LEG_B'));
        publishSearchAttributes(view);
        await recordPhase(view.intentId, 'LEG_B');
      }
      if (await legBQuoteProblem(intent, legB!, run, `.${startAttempt}`)) return undefined;
      return run.workLeg('B', legB!, quantity, { windowMs: intent.leggingWindowMs, timeInForce: legB!.timeInForce, tolerance: intent.priceTolerance, maxReprices: intent.maxReprices, repriceAfterMs: intent.repriceAfterMs, orderTtlMs: intent.orderTtlMs, startAttempt });
    })();
    hedge.catch(() => undefined); // observed by Promise.all below; never an unhandled rejection
    hedges.push(hedge);
  };
  const run = new LeggingRun(intent, view.intentId, runId, (role, orders, waiting, firstAttempt) => {
    const patch = (leg: LegView): LegView => legWithOrders(leg, orders, waiting);
    if (role === 'B' && perFill) {
      hedgeParts.set(firstAttempt, { orders, waiting });
      const parts = [...hedgeParts.entries()].sort(([x], [y]) => x - y);
      set({ ...view, legs: view.legs.map((l) => (l.legId === 'B' ? legWithParts(l, parts) : l)) });
    } else if (role === 'U') {
      const u = unwindLeg(intent.legs[0]!);
      const first = orders[0];
      const base: LegView = view.unwind ?? { legId: 'A', ...u, limitPrice: first?.price ?? '0', quantity: first?.quantity ?? '0', filledQuantity: '0', phase: 'PLANNED' };
      set({ ...view, unwind: patch(base) });
    } else {
      set({ ...view, legs: view.legs.map((l, i) => (i === legIndex[role] ? patch(l) : l)) });
    }
    publishSearchAttributes(view);
    if (role === 'A' && perFill && !run.cancelRequested) {
      const filled = aggregateFills(orders).filledQuantity;
      if (dec(filled).gt(dec(hedged))) {
        startHedge(decStr(dec(filled).minus(dec(hedged))));
        hedged = filled;
      }
    }
  });
  setHandler(orderUpdateSignal, (u) => run.onOrderUpdate(u));
  setHandler(cancelIntentSignal, ({ reason, operator }) => run.onCancel(reason, operator));

  let a: LegResult | undefined;
  let b: LegResult | undefined;
  try {
    set(withPhase(view, 'LEG_A'));
    publishSearchAttributes(view);
    await recordPhase(view.intentId, 'LEG_A');
    a = await run.workLeg('A', legA, legA.quantity, { windowMs: intent.entryWindowMs, timeInForce: legA.timeInForce, tolerance: intent.priceTolerance, maxReprices: intent.maxReprices, repriceAfterMs: intent.repriceAfterMs, orderTtlMs: intent.orderTtlMs });
    if (dec(a.filledQuantity).isZero()) {
      const rejected = a.orders.length > 0 && a.orders.every((o) => o.state === 'rejected');
      const reason = run.cancelRequested
        ? `cancelled by ${run.cancelRequested.operator ?? 'an operator'}: ${run.cancelRequested.reason}`
        : rejected
          ? `leg A rejected by ${legA.venue}: ${a.orders[a.orders.length - 1]?.rejectReason ?? 'no reason given'}`
          : `leg A did not fill within ${intent.entryWindowMs} ms; cancelled`;
      if (legB) set({ ...view, legs: view.legs.map((l) => (l.legId === 'B' ? { ...l, phase: 'SKIPPED' } : l)) });
      return finish(view, rejected ? 'REJECTED' : 'COMPLETED', run.cancelRequested ? 'CANCELLED' : 'NOT_FILLED', reason, '0');
    }
    if (perFill) {
      const results = (await Promise.all(hedges)).filter((r): r is LegResult => r !== undefined);
      const orders = results.flatMap((r) => r.orders);
      if (hedges.length > 0) b = { orders, ...aggregateFills(orders) };
      if (results.length === 0) set({ ...view, legs: view.legs.map((l) => (l.legId === 'B' ? { ...l, phase: 'SKIPPED' } : l)) });
    } else if (legB && !run.cancelRequested) {
      set(withPhase(view, 'LEG_B'));
      publishSearchAttributes(view);
      await recordPhase(view.intentId, 'LEG_B');
      // Added after legs-v1: re-check leg B's quote before sending it (replay-safe).
      const stale = patched('leg-b-quote-v1') ? await legBQuoteProblem(intent, legB, run) : undefined;
      if (stale) {
        set({ ...view, legs: view.legs.map((l) => (l.legId === 'B' ? { ...l, phase: 'SKIPPED' } : l)) });
      } else {
        b = await run.workLeg('B', legB, a.filledQuantity, { windowMs: intent.leggingWindowMs, timeInForce: legB.timeInForce, tolerance: intent.priceTolerance, maxReprices: intent.maxReprices, repriceAfterMs: intent.repriceAfterMs, orderTtlMs: intent.orderTtlMs });
      }
    }
  } catch (err) {
    // The workflow itself was cancelled (e.g. `temporal workflow cancel`): clean up like an operator cancel.
    if (!isCancellation(err)) throw err;
    run.onCancel('workflow cancelled');
    await run.cancelAllWorking();
    await CancellationScope.nonCancellable(() => unwindExposure(intent, run, a, b, set, () => view));
    throw err;
  }
  if (!a) throw new Error('unreachable: leg A has a result when no cancellation was raised');
  if (!legB) {
    const full = dec(a.filledQuantity).eq(dec(legA.quantity));
    return finish(view, 'COMPLETED', full ? 'FILLED' : 'PARTIAL', `leg A filled ${a.filledQuantity} of ${legA.quantity}`, '0');
  }
  return CancellationScope.nonCancellable(() => unwindExposure(intent, run, a, b, set, () => view));
}

/**
 * Why leg B should not be sent, if it should not: nothing quoted on its side, or the touch has moved
 * beyond the intent's price tolerance from B's limit (the edge the signal loop saw is gone). Leg A's
 * fill is then unwound instead of hedged at a price the intent never accepted. Audited.
 */
async function legBQuoteProblem(intent: Intent, legB: Intent['legs'][number], run: LeggingRun, auditIdSuffix = ''): Promise<string | undefined> {
  const quote = await quoteLeg({ venue: legB.venue, market: legB.market, ...(legB.outcome ? { outcome: legB.outcome } : {}), action: legB.action });
  const worst = legB.action === 'buy' ? dec(legB.limitPrice).plus(dec(intent.priceTolerance)) : dec(legB.limitPrice).minus(dec(intent.priceTolerance));
  const problem = !quote
    ? `nothing quoted to ${legB.action} on ${legB.venue} ${legB.market}`
    : (legB.action === 'buy' ? dec(quote.price).gt(worst) : dec(quote.price).lt(worst))
      ? `leg B's touch ${quote.price} is beyond its limit ${legB.limitPrice} ± tolerance ${intent.priceTolerance}`
      : undefined;
  if (problem) await run.audit('leg.B.skipped', `${problem}: leg B not sent, leg A's fill is unwound`, { quote: quote ?? null }, auditIdSuffix);
  return problem;
}

/** Unwinds leg A's quantity that leg B did not cover, in a scope nothing can cancel. */
async function unwindExposure(
  intent: Intent,
  run: LeggingRun,
  a: LegResult | undefined,
  b: LegResult | undefined,
  set: (v: IntentView) => void,
  current: () => IntentView,
): Promise<IntentView> {
  const legA = intent.legs[0]!;
  const aFilled = a?.filledQuantity ?? '0';
  let exposed = exposedQuantity(aFilled, b?.filledQuantity ?? '0');
  const cancelled = run.cancelRequested ? `cancelled by ${run.cancelRequested.operator ?? 'an operator'}: ${run.cancelRequested.reason}; ` : '';
  if (dec(exposed).isZero()) {
    const full = dec(aFilled).eq(dec(legA.quantity));
    return finish(current(), 'COMPLETED', run.cancelRequested ? 'CANCELLED' : full ? 'FILLED' : 'PARTIAL', `${cancelled}leg A filled ${aFilled}, leg B covered it`, '0');
  }
  set({ ...withPhase(current(), 'UNWINDING'), exposedQuantity: exposed });
  publishSearchAttributes(current());
  await recordPhase(current().intentId, 'UNWINDING');
  const price = unwindPrice(legA, a?.averagePrice ?? legA.limitPrice, intent.unwindSlippage);
  await run.audit('unwind.started', `${cancelled}leg B covered ${b?.filledQuantity ?? '0'} of ${aFilled}: unwinding ${exposed} on ${legA.venue} at ${price}`, { exposed, price });
  const unwindOrders: OrderSnapshot[] = [];
  for (let attempt = 1; attempt <= UNWIND_ATTEMPTS && !dec(exposed).isZero(); attempt++) {
    if (attempt > 1) await sleep('500 milliseconds'); // let the book refill between attempts
    const u = await run.workLeg('U', { ...unwindLeg(legA), limitPrice: price }, exposed, { windowMs: intent.leggingWindowMs, timeInForce: 'IOC', tolerance: '0', maxReprices: 0, startAttempt: attempt });
    unwindOrders.push(...u.orders);
    exposed = exposedQuantity(exposed, u.filledQuantity);
  }
  // Added after legs-v1: the unwind's realized loss is recorded and counted against the day's cap.
  const unwound = aggregateFills(unwindOrders);
  if (!dec(unwound.filledQuantity).isZero() && a?.averagePrice && unwound.averagePrice && patched('unwind-pnl-v1')) {
    const amount = unwindPnl({ legAAction: legA.action, legAAverage: a.averagePrice, legAFilled: a.filledQuantity, legAFees: a.fees, unwound: unwound.filledQuantity, unwindAverage: unwound.averagePrice, unwindFees: unwound.fees });
    await recordRealizedPnl({
      id: `${current().intentId}:unwind`,
      intentId: current().intentId,
      venue: legA.venue,
      market: legA.market,
      kind: 'unwind',
      amount,
      fees: unwound.fees,
      currency: legA.venue === 'coinbase' ? legA.market.split('-')[1] ?? 'USD' : SETTLEMENT_ASSET[legA.venue],
      data: { unwound: unwound.filledQuantity, unwindAverage: unwound.averagePrice, legAAverage: a.averagePrice },
    });
  }
  if (!dec(exposed).isZero()) {
    const reason = `${cancelled}unwind left ${exposed} of leg A exposed on ${legA.venue} ${legA.market} after ${UNWIND_ATTEMPTS} attempts`;
    await run.audit('unwind.unhedged', reason, { exposed });
    return finish(current(), 'UNHEDGED', 'UNHEDGED', reason, exposed);
  }
  return finish(current(), 'COMPLETED', run.cancelRequested ? 'CANCELLED' : 'UNWOUND', `${cancelled}leg B covered ${b?.filledQuantity ?? '0'} of ${aFilled}; the rest of leg A was unwound`, '0');
}

function finish(view: IntentView, phase: IntentPhase, outcome: IntentOutcome, reason: string, exposed: string): IntentView {
  const next = { ...withPhase(view, phase, reason), outcome, exposedQuantity: exposed };
  publishSearchAttributes(next);
  return next;
}

function legWithOrders(leg: LegView, orders: OrderSnapshot[], waiting: boolean): LegView {
  const { filledQuantity, averagePrice, fees } = aggregateFills(orders);
  const last = orders[orders.length - 1];
  return {
    ...leg,
    filledQuantity,
    ...(averagePrice ? { averagePrice } : {}),
    fees,
    phase: last?.state ?? leg.phase,
    orders: legOrderViews(orders),
    // When the leg started waiting on the venue (workflow time), kept while it waits.
    waitingSince: waiting ? (leg.waitingSince ?? workflowTimestamp()) : undefined,
  };
}

/** Leg B as the sum of its hedges (one per increment of leg A's fill), attempts numbered across them. */
function legWithParts(leg: LegView, parts: [number, { orders: OrderSnapshot[]; waiting: boolean }][]): LegView {
  const orders = parts.flatMap(([, p]) => p.orders);
  const waiting = parts.some(([, p]) => p.waiting);
  return { ...legWithOrders(leg, orders, waiting), orders: parts.flatMap(([first, p]) => legOrderViews(p.orders, first)) };
}

/** Search attributes follow every transition, so the Web UI's stuck-leg query sees the truth. */
function publishSearchAttributes(view: IntentView): void {
  const a = view.legs[0];
  const b = view.legs[1];
  const waiting = [a?.waitingSince, b?.waitingSince, view.unwind?.waitingSince].filter((x): x is string => !!x).sort()[0];
  const exposure = exposureNotional(view.exposedQuantity ?? '0', a?.averagePrice ?? a?.limitPrice);
  upsertSearchAttributes([
    { key: SA_INTENT_STATE, value: view.phase },
    ...(a ? [{ key: SA_LEG_A_STATE, value: a.phase }] : []),
    ...(b ? [{ key: SA_LEG_B_STATE, value: b.phase }] : []),
    // Display only (a double index for range queries); decisions use the exact figure in the view.
    { key: SA_EXPOSURE, value: Number(exposure) },
    waiting ? { key: SA_STUCK_SINCE, value: new Date(waiting) } : { key: SA_STUCK_SINCE, value: null },
  ] as Parameters<typeof upsertSearchAttributes>[0]);
}
