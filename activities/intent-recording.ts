/**
 * Ledger writes for an intent's lifecycle. Every write is idempotent (keyed by stable ids), so a
 * retried activity — after a timeout, or after the worker that ran it was killed — never writes twice.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { legCapital } from '../domain/capital';
import { intentIdFor, parseIntent, type Intent } from '../domain/intent';
import { ValidationError } from '../domain/validation';
import type { LegworkMetrics } from '../infra/metrics';
import type { AuditEventArgs } from '../ledger';

export interface RecordIntentInput {
  intent: Intent;
  workflowId: string;
  runId: string;
}

/** The slice of the ledger these activities need (injected, so the worker decides which database). */
export interface IntentLedger {
  recordIntent(args: { intentId: string; intent: Intent; workflowId: string; runId: string; state: string }): Promise<{ created: boolean }>;
  recordAudit(event: AuditEventArgs): Promise<{ created: boolean }>;
  setIntentState(intentId: string, state: string): Promise<void>;
  /** A working phase; never overwrites a terminal state. */
  setIntentPhase(intentId: string, phase: string): Promise<void>;
  reserveCapital(r: { id: string; intentId: string; venue: string; asset: string; amount: string; reason?: string }): Promise<{ created: boolean }>;
  releaseCapital(id: string, reason: string): Promise<{ released: boolean }>;
}

export function createIntentRecordingActivities(ledger: IntentLedger, metrics?: Pick<LegworkMetrics, 'intents'>) {
  return {
    /** Records the intent, its legs and an "accepted" audit event. Safe to run any number of times. */
    async recordIntentAccepted(input: RecordIntentInput): Promise<{ intentId: string; created: boolean }> {
      let intent: Intent;
      try {
        intent = parseIntent(input.intent);
      } catch (err) {
        if (err instanceof ValidationError) throw ApplicationFailure.nonRetryable(err.message, 'ValidationError');
        throw err;
      }
      const intentId = intentIdFor(intent.opportunityId);
      Context.current().log.info('recording intent', { intentId, workflowId: input.workflowId, runId: input.runId });
      const { created } = await ledger.recordIntent({ intentId, intent, workflowId: input.workflowId, runId: input.runId, state: 'RECORDED' });
      await ledger.recordAudit({
        id: `${intentId}:accepted`,
        actor: 'orderIntentWorkflow',
        action: 'intent.accepted',
        reason: `intent for opportunity ${intent.opportunityId} (${intent.strategy}) passed validation`,
        intentId,
        executionId: input.runId,
        data: { workflowId: input.workflowId, legs: intent.legs.length },
      });
      if (created) metrics?.intents.inc({ outcome: 'accepted' });
      return { intentId, created };
    },

    /** Reserves each leg's capital (ids `${intentId}:${legId}`): a retry reserves nothing twice. */
    async reserveIntentCapital(input: { intentId: string; intent: Intent }): Promise<{ reserved: string[] }> {
      const reserved: string[] = [];
      for (const leg of input.intent.legs) {
        const need = legCapital(leg);
        const id = `${input.intentId}:${leg.legId}`;
        await ledger.reserveCapital({ id, intentId: input.intentId, venue: need.venue, asset: need.asset, amount: need.amount, reason: `leg ${leg.legId} ${leg.action} ${leg.quantity} @ ${leg.limitPrice}` });
        reserved.push(id);
      }
      return { reserved };
    },

    /** Releases every reservation of the intent; releasing a released one is a no-op. */
    async releaseIntentCapital(input: { intentId: string; legIds: string[]; reason: string }): Promise<void> {
      for (const legId of input.legIds) await ledger.releaseCapital(`${input.intentId}:${legId}`, input.reason);
    },

    /** Records the phase a working intent has entered (the ledger follows the workflow's transitions). */
    async recordIntentPhase(input: { intentId: string; phase: string }): Promise<void> {
      await ledger.setIntentPhase(input.intentId, input.phase);
    },

    /** Records where an intent ended and why (state + audit event), idempotently. */
    async recordIntentOutcome(input: { intentId: string; state: string; reason: string; executionId: string }): Promise<void> {
      await ledger.setIntentState(input.intentId, input.state);
      const { created } = await ledger.recordAudit({
        id: `${input.intentId}:${input.state.toLowerCase()}`,
        actor: 'orderIntentWorkflow',
        action: `intent.${input.state.toLowerCase()}`,
        reason: input.reason,
        intentId: input.intentId,
        executionId: input.executionId,
      });
      if (created) metrics?.intents.inc({ outcome: input.state.toLowerCase() });
    },
  };
}

export type IntentRecordingActivities = ReturnType<typeof createIntentRecordingActivities>;
