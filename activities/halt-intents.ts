/**
 * The kill switch's push to intents already in flight: every running intent in the engaged scope
 * gets the `cancelIntent` signal, so it cancels its open legs at the venues and unwinds what leg A
 * holds uncovered (reducing orders stay allowed). Intents too new to be in visibility yet are caught
 * by their own gate check before each new order (workflows/legging.ts).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { SA_STRATEGY, SA_VENUES } from '../domain/search-attributes';
import { tradeLog, type TradeLog } from './trade-log';

export interface HaltRequest {
  /** The governor governs the intents on its own task queue (one Legwork deployment per queue). */
  taskQueue: string;
  scope: string;
  level: string;
  reason: string;
  operator?: string;
}

/** The visibility query for running intents in a kill-switch scope (global, venue:X, strategy:S). */
export function inFlightQuery(taskQueue: string, scope: string): string {
  const quote = (v: string) => `'${v.replace(/'/g, "\\'")}'`;
  const base = `WorkflowType = 'orderIntentWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = ${quote(taskQueue)}`;
  if (scope.startsWith('venue:')) return `${base} AND ${SA_VENUES.name} = ${quote(scope.slice('venue:'.length))}`;
  if (scope.startsWith('strategy:')) return `${base} AND ${SA_STRATEGY.name} = ${quote(scope.slice('strategy:'.length))}`;
  return base;
}

export function createHaltActivities(client: Client, log: TradeLog = tradeLog()) {
  return {
    async haltInFlightIntents(request: HaltRequest): Promise<{ signalled: string[] }> {
      const signalled: string[] = [];
      for await (const wf of client.workflow.list({ query: inFlightQuery(request.taskQueue, request.scope) })) {
        try {
          await client.workflow.getHandle(wf.workflowId).signal('cancelIntent', { reason: `kill switch ${request.scope} ${request.level}: ${request.reason}`, operator: request.operator ?? 'risk governor' });
          signalled.push(wf.workflowId);
          // Intent ids are their workflow ids (domain/intent.ts); workflowId/runId on the line are the governor's.
          log.info({ intentId: wf.workflowId, event: 'halt.signalled', scope: request.scope, level: request.level, reason: request.reason }, `kill switch ${request.scope} ${request.level}: intent told to cancel and unwind`);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err; // finished meanwhile: nothing to halt
        }
      }
      return { signalled };
    },
  };
}

export type HaltActivities = ReturnType<typeof createHaltActivities>;
