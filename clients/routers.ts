/** The per-venue user-stream routers: started once per deployment, like the risk governor. */
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { Venue } from '../domain/venue';
import type { userStreamRouterWorkflow } from '../workflows';

export function routerWorkflowId(taskQueue: string, venue: Venue): string {
  return `user-stream-router-${venue}-${taskQueue}`;
}

/** Starts the venue's router unless it already runs (idempotent: safe at every start-up). */
export async function ensureRouter(client: Client, opts: { taskQueue: string; venue: Venue }): Promise<string> {
  const workflowId = routerWorkflowId(opts.taskQueue, opts.venue);
  await client.workflow.start<typeof userStreamRouterWorkflow>('userStreamRouterWorkflow', {
    workflowId,
    taskQueue: opts.taskQueue,
    args: [{ venue: opts.venue }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return workflowId;
}
