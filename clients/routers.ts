/** The long-running singletons besides the governor: per-venue user-stream routers and the signal loop. */
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { Venue } from '../domain/venue';
import type { signalLoopWorkflow, userStreamRouterWorkflow } from '../workflows';

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

export function signalLoopWorkflowId(taskQueue: string): string {
  return `signal-loop-${taskQueue}`;
}

/** Starts the signal loop unless it already runs (PAPER with a market world; idempotent). */
export async function ensureSignalLoop(client: Client, opts: { taskQueue: string; intervalMs: number }): Promise<string> {
  const workflowId = signalLoopWorkflowId(opts.taskQueue);
  await client.workflow.start<typeof signalLoopWorkflow>('signalLoopWorkflow', {
    workflowId,
    taskQueue: opts.taskQueue,
    args: [{ intervalMs: opts.intervalMs }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return workflowId;
}
