/**
 * What the `state` query of an intent workflow returns: the whole leg picture. Shared by the
 * workflow (which builds it) and the clients (which print it).
 */
import type { Intent, Leg } from './intent';
import type { OrderState } from './order';
import type { SettledLeg } from './settlement';

/**
 * The intent's own lifecycle: RECEIVED → RECORDED → LEG_A → LEG_B → (UNWINDING) → a terminal
 * phase. UNHEDGED is terminal for the workflow but not for the operator: exposure is left that the
 * unwind could not close (reconciliation escalates it).
 */
export type IntentPhase = 'RECEIVED' | 'RECORDED' | 'REJECTED' | 'LEG_A' | 'LEG_B' | 'UNWINDING' | 'SETTLING' | 'COMPLETED' | 'UNHEDGED';
/**
 * Ledger states after which an intent's workflow is done and its capital must be released.
 * FLATTENED is written by an operator's flatten of an UNHEDGED intent (workflows/flatten.ts).
 */
export const TERMINAL_INTENT_PHASES: readonly string[] = ['REJECTED', 'COMPLETED', 'UNHEDGED', 'FLATTENED'];

/**
 * How a traded intent ended: both legs matched (FILLED, or PARTIAL when A filled only in part and B
 * matched it), nothing filled on A (NOT_FILLED), B fell short and A's excess was unwound (UNWOUND),
 * an operator cancelled (CANCELLED, with whatever was exposed unwound).
 */
export type IntentOutcome = 'FILLED' | 'PARTIAL' | 'NOT_FILLED' | 'UNWOUND' | 'CANCELLED' | 'UNHEDGED';

/** A leg before anything has been sent for it, then the state of its latest order (domain/order.ts). */
export type LegPhase = 'PLANNED' | 'SKIPPED' | OrderState;

/** One order sent for a leg (each reprice is a new attempt with its own client order id). */
export interface LegOrderView {
  attempt: number;
  clientOrderId: string;
  venueOrderId?: string;
  price: string;
  quantity: string;
  state: OrderState;
  filledQuantity: string;
  averageFillPrice?: string;
  fees: string;
  rejectReason?: string;
}

export interface LegView {
  legId: Leg['legId'];
  venue: Leg['venue'];
  market: string;
  outcome?: Leg['outcome'];
  action: Leg['action'];
  limitPrice: string;
  quantity: string;
  filledQuantity: string;
  averagePrice?: string;
  fees?: string;
  phase: LegPhase;
  orders?: LegOrderView[];
  /** Workflow time (ISO) since which this leg has been waiting on the venue; unset when settled. */
  waitingSince?: string;
}

export interface IntentView {
  intentId: string;
  opportunityId: string;
  strategy: string;
  workflowId: string;
  runId: string;
  phase: IntentPhase;
  legs: LegView[];
  /** Every phase the intent went through, in order (for operators and tests). */
  phases: IntentPhase[];
  /** Why the intent ended where it did, when it did not trade (e.g. the gate's reason). */
  reason?: string;
  outcome?: IntentOutcome;
  /** Leg A's quantity not covered by leg B, and the orders that unwound it. */
  exposedQuantity?: string;
  unwind?: LegView;
  settlement?: SettlementView;
}

export interface SettlementView {
  /** Resolutions seen so far, by leg id (kept across continue-as-new while the others are awaited). */
  resolved: Record<string, { result: string; payoutPerContract: string }>;
  legs?: SettledLeg[];
  realizedPnl?: string;
  divergent?: boolean;
}

export function initialIntentView(intent: Intent, intentId: string, workflowId: string, runId: string): IntentView {
  return {
    intentId,
    opportunityId: intent.opportunityId,
    strategy: intent.strategy,
    workflowId,
    runId,
    phase: 'RECEIVED',
    phases: ['RECEIVED'],
    legs: intent.legs.map((leg) => ({
      legId: leg.legId,
      venue: leg.venue,
      market: leg.market,
      outcome: leg.outcome,
      action: leg.action,
      limitPrice: leg.limitPrice,
      quantity: leg.quantity,
      filledQuantity: '0',
      phase: 'PLANNED',
    })),
  };
}

export function withPhase(view: IntentView, phase: IntentPhase, reason?: string): IntentView {
  return { ...view, phase, phases: [...view.phases, phase], ...(reason ? { reason } : {}) };
}
