/** Intents and their legs: written once per intent id, however many times the activity runs. */
import type { Intent } from '../domain/intent';
import type { LedgerClient } from './client';
import { toDb } from './decimal';

export interface RecordIntentArgs {
  intentId: string;
  intent: Intent;
  workflowId: string;
  runId: string;
  state: string;
}

/**
 * Inserts the intent and its legs if absent (INSERT … ON CONFLICT DO NOTHING via skipDuplicates),
 * in one transaction. `created` is true only for the call that inserted the intent row.
 */
export async function recordIntent(db: LedgerClient, args: RecordIntentArgs): Promise<{ created: boolean }> {
  const { intentId, intent } = args;
  return db.$transaction(async (tx) => {
    const inserted = await tx.intent.createMany({
      data: [
        {
          id: intentId,
          opportunityId: intent.opportunityId,
          strategy: intent.strategy,
          state: args.state,
          payload: intent as object,
          workflowId: args.workflowId,
          runId: args.runId,
        },
      ],
      skipDuplicates: true,
    });
    await tx.leg.createMany({
      data: intent.legs.map((leg) => ({
        id: `${intentId}:${leg.legId}`,
        intentId,
        legId: leg.legId,
        venue: leg.venue,
        market: leg.market,
        outcome: leg.outcome ?? null,
        action: leg.action,
        timeInForce: leg.timeInForce,
        limitPrice: toDb(leg.limitPrice, `legs.${leg.legId}.limitPrice`),
        quantity: toDb(leg.quantity, `legs.${leg.legId}.quantity`),
        state: 'PLANNED',
      })),
      skipDuplicates: true,
    });
    return { created: inserted.count === 1 };
  });
}

/** Moves an intent to a new state (idempotent: setting the same state again changes nothing). */
export async function setIntentState(db: LedgerClient, intentId: string, state: string): Promise<void> {
  await db.intent.updateMany({ where: { id: intentId, NOT: { state } }, data: { state } });
}

/**
 * Moves a working intent to its next phase (LEG_A, LEG_B, UNWINDING, SETTLING). A phase never
 * overwrites a terminal state: a late or replayed write cannot reopen a finished intent.
 */
export async function setIntentPhase(db: LedgerClient, intentId: string, phase: string, terminal: readonly string[]): Promise<void> {
  await db.intent.updateMany({ where: { id: intentId, state: { notIn: [...terminal, phase] } }, data: { state: phase } });
}
