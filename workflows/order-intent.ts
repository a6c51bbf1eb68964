/**
 * orderIntentWorkflow: owns one trade from the intent to its terminal state. Its durable history is
 * the source of truth for the trade in flight; the ledger is written through idempotent activities.
 *
 * Today: validate → record (intent + audit) → complete. Submission, tracking, cancel/replace,
 * legging, hedging and settlement are added as further phases of this same workflow.
 */
import { ApplicationFailure, CancellationScope, defineQuery, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { GateActivities } from '../activities/gate';
import type { IntentRecordingActivities } from '../activities/intent-recording';
import { intentIdFor, parseIntent, type Intent, type IntentInput } from '../domain/intent';
import { initialIntentView, withPhase, type IntentView } from '../domain/intent-view';
import { SA_INTENT_STATE, SA_MARKET, SA_STRATEGY, SA_VENUES } from '../domain/search-attributes';
import { ValidationError } from '../domain/validation';

export const stateQuery = defineQuery<IntentView>('state');

const { recordIntentAccepted, recordIntentOutcome, reserveIntentCapital, releaseIntentCapital } = proxyActivities<IntentRecordingActivities>({
  // Short: a worker that dies mid-write is noticed quickly and the write is retried elsewhere.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', nonRetryableErrorTypes: ['ValidationError'] },
});

const { checkGate } = proxyActivities<GateActivities>({
  // A query to the governor: fast, or the gate fails closed inside the activity.
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '100 milliseconds', maximumInterval: '2 seconds', maximumAttempts: 5 },
});

export async function orderIntentWorkflow(input: IntentInput): Promise<IntentView> {
  let intent: Intent;
  try {
    intent = parseIntent(input);
  } catch (err) {
    // Clients validate before starting; this guards starts from other tools (tctl, temporal CLI).
    if (err instanceof ValidationError) throw ApplicationFailure.nonRetryable(err.message, 'ValidationError');
    throw err;
  }
  const { workflowId, runId } = workflowInfo();
  let view = initialIntentView(intent, intentIdFor(intent.opportunityId), workflowId, runId);
  setHandler(stateQuery, () => view);

  upsertSearchAttributes([
    { key: SA_STRATEGY, value: intent.strategy },
    { key: SA_VENUES, value: [...new Set(intent.legs.map((l) => l.venue))] },
    { key: SA_MARKET, value: intent.legs.map((l) => `${l.venue}:${l.market}`).join('|') },
    { key: SA_INTENT_STATE, value: view.phase },
  ]);

  await recordIntentAccepted({ intent, workflowId, runId });
  view = withPhase(view, 'RECORDED');
  upsertSearchAttributes([{ key: SA_INTENT_STATE, value: view.phase }]);

  // Added after the first release: executions recorded before it never ran the gate (replay-safe).
  if (patched('gate-check-v1')) {
    const decision = await checkGate({ kind: 'new-intent', strategy: intent.strategy, venues: [...new Set(intent.legs.map((l) => l.venue))] });
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
    const { reserved } = await reserveIntentCapital({ intentId: view.intentId, intent });
    try {
      // The legs run here, between reservation and release: submit, track, hedge, settle (issue 6).
    } finally {
      await CancellationScope.nonCancellable(() =>
        releaseIntentCapital({ intentId: view.intentId, legIds: reserved.map((id) => id.slice(view.intentId.length + 1)), reason: 'intent finished' }),
      );
    }
  }

  // Added after the first release (replay-safe): the ledger learns the terminal state too.
  if (patched('record-completion-v1')) {
    await recordIntentOutcome({ intentId: view.intentId, state: 'COMPLETED', reason: 'all phases done', executionId: runId });
  }
  view = withPhase(view, 'COMPLETED');
  upsertSearchAttributes([{ key: SA_INTENT_STATE, value: view.phase }]);
  return view;
}
