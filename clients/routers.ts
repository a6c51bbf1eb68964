/** The long-running singletons besides the governor: per-venue user-stream routers and the signal loop. */
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { Venue } from '../domain/venue';

/** Starts a singleton workflow unless it already runs (idempotent: safe at every start-up). */
async function ensureSingleton(client: Client, workflowType: string, opts: { workflowId: string; taskQueue: string; input: object }): Promise<string> {
  await client.workflow.start(workflowType, {
    workflowId: opts.workflowId,
    taskQueue: opts.taskQueue,
    args: [opts.input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return opts.workflowId;
}

export function routerWorkflowId(taskQueue: string, venue: Venue): string {
  return `user-stream-router-${venue}-${taskQueue}`;
}

/** The venue's user-stream router (userStreamRouterWorkflow). */
export function ensureRouter(client: Client, opts: { taskQueue: string; venue: Venue }): Promise<string> {
  return ensureSingleton(client, 'userStreamRouterWorkflow', { workflowId: routerWorkflowId(opts.taskQueue, opts.venue), taskQueue: opts.taskQueue, input: { venue: opts.venue } });
}

export function signalLoopWorkflowId(taskQueue: string): string {
  return `signal-loop-${taskQueue}`;
}

/** The signal loop (signalLoopWorkflow; PAPER with a market world). */
export function ensureSignalLoop(client: Client, opts: { taskQueue: string; intervalMs: number }): Promise<string> {
  return ensureSingleton(client, 'signalLoopWorkflow', { workflowId: signalLoopWorkflowId(opts.taskQueue), taskQueue: opts.taskQueue, input: { intervalMs: opts.intervalMs } });
}
