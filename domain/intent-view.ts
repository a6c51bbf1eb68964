/**
 * What the `state` query of an intent workflow returns: the whole leg picture. Shared by the
 * workflow (which builds it) and the clients (which print it).
 */
import type { Intent, Leg } from './intent';

/** The intent's own lifecycle. Later phases (legging, hedging, settling) extend this list. */
export type IntentPhase = 'RECEIVED' | 'RECORDED' | 'REJECTED' | 'COMPLETED';
/** Phases after which an intent holds nothing: its capital must be released. */
export const TERMINAL_INTENT_PHASES: readonly string[] = ['REJECTED', 'COMPLETED'];

/** A leg before anything has been sent for it. Venue states come from domain/order.ts once submitted. */
export type LegPhase = 'PLANNED';

export interface LegView {
  legId: Leg['legId'];
  venue: Leg['venue'];
  market: string;
  outcome?: Leg['outcome'];
  action: Leg['action'];
  limitPrice: string;
  quantity: string;
  filledQuantity: string;
  phase: LegPhase;
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
