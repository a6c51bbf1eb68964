/** Talking to the risk governor singleton: start it once, signal it, query it, acknowledge SAFE_MODE. */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { killSwitchSignalSchema, safeModeAckSchema, type GateDecision, type GateRequest, type GovernorState } from '../domain/governor';
import { parseOrThrow } from '../domain/validation';
import type { riskGovernorWorkflow } from '../workflows';

export class SafeModeAckRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafeModeAckRefusedError';
  }
}

/** Starts the governor if it is not running; a running one is kept as it is (USE_EXISTING). */
export async function ensureGovernor(client: Client, opts: { workflowId: string; taskQueue: string }): Promise<{ runId: string }> {
  const handle = await client.workflow.start<typeof riskGovernorWorkflow>('riskGovernorWorkflow', {
    workflowId: opts.workflowId,
    taskQueue: opts.taskQueue,
    args: [{}],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return { runId: handle.firstExecutionRunId };
}

export async function governorState(client: Client, workflowId: string): Promise<GovernorState> {
  return client.workflow.getHandle(workflowId).query<GovernorState>('governorState');
}

export async function gate(client: Client, workflowId: string, request: GateRequest): Promise<GateDecision> {
  return client.workflow.getHandle(workflowId).query<GateDecision, [GateRequest]>('gate', request);
}

/** Validates the payload exactly as the workflow will, then signals. */
export async function sendKillSwitch(client: Client, workflowId: string, payload: unknown): Promise<void> {
  const signal = parseOrThrow(killSwitchSignalSchema, 'kill switch', payload);
  await client.workflow.getHandle(workflowId).signal('killSwitch', signal);
}

export async function acknowledgeSafeMode(client: Client, workflowId: string, payload: unknown): Promise<GovernorState> {
  const ack = parseOrThrow(safeModeAckSchema, 'safe-mode acknowledgement', payload);
  try {
    return await client.workflow.getHandle(workflowId).executeUpdate<GovernorState, [typeof ack]>('acknowledgeSafeMode', { args: [ack] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new SafeModeAckRefusedError(err.cause?.message ?? err.message);
    throw err;
  }
}
