/**
 * reconciliationWorkflow: one reconciliation run (daily on a Temporal Schedule, at every start-up,
 * and on demand). The checks run in an activity; the verdict goes to the risk governor, which
 * enters SAFE_MODE on anything unhedged, unknown or inconsistent and resolves what is gone.
 */
import { getExternalWorkflowHandle, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ReconciliationActivities, ReconciliationResult } from '../activities/reconciliation';
import { reconciliationReportSignal } from './risk-governor';

const { reconcileLedger } = proxyActivities<ReconciliationActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

export interface ReconciliationInput {
  trigger: 'schedule' | 'startup' | 'manual';
  governorWorkflowId: string;
}

export async function reconciliationWorkflow(input: ReconciliationInput): Promise<ReconciliationResult> {
  const { workflowId, runId } = workflowInfo();
  const result = await reconcileLedger({ runId: `${workflowId}:${runId}`, trigger: input.trigger });
  await getExternalWorkflowHandle(input.governorWorkflowId).signal(reconciliationReportSignal, { runId: result.runId, findings: result.findings });
  return result;
}
