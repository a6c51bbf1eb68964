/** Starting intent workflows: validation first (nothing is written for a bad intent), one workflow per opportunity. */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { intentWorkflowId, parseIntent } from '../domain/intent';
import type { IntentView } from '../domain/intent-view';
import { z } from 'zod';
import { SA_EXPOSURE, SA_INTENT_STATE, SA_LEG_A_STATE, SA_LEG_B_STATE, SA_MARKET, SA_STRATEGY, SA_STUCK_SINCE } from '../domain/search-attributes';
import { parseOrThrow } from '../domain/validation';
import { cancelIntentSignal, type flattenIntentWorkflow, type orderIntentWorkflow } from '../workflows';
import type { FlattenResult } from '../workflows/flatten';
import { positiveDecimalString } from '../domain/money';

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

const cancelRequestSchema = z.object({
  reason: z.string().trim().min(1, 'say why (it goes to the audit trail)').max(500),
  operator: z.string().trim().min(1, 'name the operator').max(100),
});

/** Workflow id for an intent given as its opportunity id or its intent id. */
export function intentWorkflowIdFrom(id: string): string {
  return id.startsWith('intent-') ? id : intentWorkflowId(id);
}

/**
 * Asks a running intent to stop: its open legs are cancelled at the venues and what leg A holds
 * uncovered is unwound (the workflow's `cancelIntent` signal). Returns the workflow id.
 */
export async function cancelIntent(client: Client, id: string, request: { reason: string; operator: string }): Promise<string> {
  const { reason, operator } = parseOrThrow(cancelRequestSchema, 'cancel request', request);
  const workflowId = intentWorkflowIdFrom(id);
  await client.workflow.getHandle(workflowId).signal(cancelIntentSignal, { reason, operator });
  return workflowId;
}

export interface StuckLeg {
  workflowId: string;
  intentState?: string;
  legAState?: string;
  legBState?: string;
  strategy?: string;
  market?: string;
  stuckSince: string;
  exposure?: number;
}

/**
 * Every running intent with a leg waiting on a venue since before `now - olderThanMs`: the same
 * visibility query an operator types in the Web UI (README, "Stuck legs").
 */
export async function stuckLegs(client: Client, olderThanMs: number, now: Date = new Date()): Promise<{ query: string; legs: StuckLeg[] }> {
  const before = new Date(now.getTime() - olderThanMs).toISOString();
  const query = `WorkflowType = 'orderIntentWorkflow' AND ExecutionStatus = 'Running' AND ${SA_STUCK_SINCE.name} < '${before}'`;
  const legs: StuckLeg[] = [];
  for await (const wf of client.workflow.list({ query })) {
    const sa = wf.typedSearchAttributes;
    const since = sa.get(SA_STUCK_SINCE);
    if (!since) continue;
    legs.push({
      workflowId: wf.workflowId,
      intentState: sa.get(SA_INTENT_STATE),
      legAState: sa.get(SA_LEG_A_STATE),
      legBState: sa.get(SA_LEG_B_STATE),
      strategy: sa.get(SA_STRATEGY),
      market: sa.get(SA_MARKET),
      stuckSince: since.toISOString(),
      exposure: sa.get(SA_EXPOSURE),
    });
  }
  legs.sort((a, b) => a.stuckSince.localeCompare(b.stuckSince));
  return { query, legs };
}

const flattenRequestSchema = cancelRequestSchema.extend({
  /** Overrides the unwind limit price (a binary contract price, or a spot price). */
  price: positiveDecimalString.optional(),
});

/**
 * Flattens what an UNHEDGED intent still holds: sells (buys) it back on leg A's venue and, once
 * nothing is left, marks the intent FLATTENED so reconciliation stops raising it. One at a time
 * per intent; a second run continues where the first stopped, never re-selling what it sold.
 */
export async function flattenIntent(client: Client, id: string, request: { reason: string; operator: string; price?: string }, opts: { taskQueue: string }): Promise<FlattenResult> {
  const parsed = parseOrThrow(flattenRequestSchema, 'flatten request', request);
  const intentId = intentWorkflowIdFrom(id);
  const handle = await client.workflow.start<typeof flattenIntentWorkflow>('flattenIntentWorkflow', {
    workflowId: `flatten-${intentId}`,
    taskQueue: opts.taskQueue,
    args: [{ intentId, operator: parsed.operator, reason: parsed.reason, ...(parsed.price ? { price: parsed.price } : {}) }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });
  return handle.result();
}
