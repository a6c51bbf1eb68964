/**
 * An operator's flatten of an UNHEDGED intent: the exposure its unwind could not close is sold
 * back (bought back) on leg A's venue, immediate-or-cancel, with client order ids that continue
 * the intent's own unwind attempts (so nothing is ever sent twice), in a scope nothing cancels.
 * Once nothing is left the ledger marks the intent FLATTENED, and the next reconciliation no
 * longer finds it: the SAFE_MODE finding it raised resolves.
 */
import { CancellationScope, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { FlattenActivities } from '../activities/flatten';
import { exposedQuantity, unwindLeg, unwindPrice } from '../domain/legging';
import { dec } from '../domain/money';
import { LeggingRun } from './legging';

const { describeExposure, recordFlattened } = proxyActivities<FlattenActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds', nonRetryableErrorTypes: ['NotUnhedged'] },
});

export interface FlattenInput {
  intentId: string;
  operator: string;
  reason: string;
  /** Overrides the unwind price (default: leg A's fill price through the intent's unwindSlippage). */
  price?: string;
}

export interface FlattenResult {
  intentId: string;
  flattened: string;
  remaining: string;
}

export async function flattenIntentWorkflow(input: FlattenInput): Promise<FlattenResult> {
  const { runId } = workflowInfo();
  const exposure = await describeExposure({ intentId: input.intentId });
  const legA = exposure.intent.legs[0]!;
  const price = input.price ?? unwindPrice(legA, exposure.averagePrice, exposure.intent.unwindSlippage);
  const run = new LeggingRun(exposure.intent, exposure.intentId, runId, () => undefined);
  const result = await CancellationScope.nonCancellable(() =>
    run.workLeg('U', { ...unwindLeg(legA), limitPrice: price }, exposure.exposedQuantity, {
      windowMs: exposure.intent.leggingWindowMs,
      timeInForce: 'IOC',
      tolerance: '0',
      maxReprices: 0,
      startAttempt: exposure.nextAttempt,
    }),
  );
  const remaining = exposedQuantity(exposure.exposedQuantity, result.filledQuantity);
  if (dec(remaining).isZero()) await recordFlattened({ intentId: exposure.intentId, flattenedQuantity: result.filledQuantity, operator: input.operator, reason: input.reason, executionId: runId });
  return { intentId: exposure.intentId, flattened: result.filledQuantity, remaining };
}
