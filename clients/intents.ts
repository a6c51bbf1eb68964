/** Starting intent workflows: validation first (nothing is written for a bad intent), one workflow per opportunity. */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { intentWorkflowId, parseIntent } from '../domain/intent';
import type { IntentView } from '../domain/intent-view';
import type { orderIntentWorkflow } from '../workflows';

export class DuplicateIntentError extends Error {
  constructor(public readonly workflowId: string) {
    super(`an intent for this opportunity already exists (workflow ${workflowId}); the same opportunity never runs twice`);
    this.name = 'DuplicateIntentError';
  }
}

export async function startIntent(
  client: Client,
  input: unknown,
  opts: { taskQueue: string },
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof orderIntentWorkflow>> {
  const intent = parseIntent(input);
  const workflowId = intentWorkflowId(intent.opportunityId);
  try {
    return await client.workflow.start<typeof orderIntentWorkflow>('orderIntentWorkflow', {
      workflowId,
      taskQueue: opts.taskQueue,
      args: [intent],
      // A finished intent's id is never reused, and a running one is never joined: both are duplicates.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new DuplicateIntentError(workflowId);
    throw err;
  }
}

export async function submitIntentAndWait(client: Client, input: unknown, opts: { taskQueue: string }): Promise<IntentView> {
  const handle = await startIntent(client, input, opts);
  return handle.result();
}
