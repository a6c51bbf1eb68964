/**
 * The gate every intent passes before it may trade: a seam the risk governor plugs into. The
 * worker decides the source; the production source asks the governor workflow (a query, no
 * history written). Fail closed: when the governor cannot answer, nothing new trades.
 */
import type { Client } from '@temporalio/client';
import type { GateDecision, GateRequest } from '../domain/governor';

export interface GateSource {
  decide(request: GateRequest): Promise<GateDecision>;
}

export function governorGate(client: Client, governorWorkflowId: string): GateSource {
  return {
    async decide(request) {
      try {
        return await client.workflow.getHandle(governorWorkflowId).query<GateDecision, [GateRequest]>('gate', request);
      } catch (err) {
        const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
        return { allowed: false, level: 'HALTED', safeMode: false, reason: `risk governor ${governorWorkflowId} did not answer (${why}); failing closed` };
      }
    },
  };
}

export function createGateActivities(gate: GateSource) {
  return {
    async checkGate(request: GateRequest): Promise<GateDecision> {
      return gate.decide(request);
    },
  };
}

export type GateActivities = ReturnType<typeof createGateActivities>;
