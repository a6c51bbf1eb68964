/** What a worker's activities need, built one way for the worker process, tests and benches. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { governorGate } from '../activities/gate';
import type { VenueReconciler, WorkflowFate } from '../activities/reconciliation';
import type { IntentView } from '../domain/intent-view';
import type { ExecutionVenues } from '../venues/execution';
import { unwindsAfter } from '../ledger';
import { dailyLossReporter } from './daily-loss';
import type { RouterDeps } from '../activities/user-stream-router';
import type { LegworkWorkerDeps } from './create-worker';
import type { openIntentLedger } from './ledger-wiring';

export async function workflowFate(client: Client, workflowId: string): Promise<WorkflowFate> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    const status = (await handle.describe()).status.name;
    if (status === 'RUNNING') return { status: 'RUNNING' };
    if (status === 'COMPLETED') return { status: 'COMPLETED', phase: ((await handle.result()) as IntentView).phase };
    return { status: 'ENDED', how: status };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { status: 'NOT_FOUND' };
    throw err;
  }
}

export function activityDependencies(opts: {
  ledger: ReturnType<typeof openIntentLedger>;
  client: Client;
  governorId: string;
  /** The adapters legs trade through (PAPER: the simulator's); none means intents cannot trade. */
  venues?: ExecutionVenues;
  /** The day's realized-loss cap (in the settlement currency); the governor halts at it. */
  dailyLossCap?: string;
  /** The venues' private streams the routers read (PAPER: the simulator's). */
  userStreams?: RouterDeps['userStreams'];
  /** Per-venue reconciliation against the venues' own records (e.g. venues/kalshi/reconciler); none: ledger checks only. */
  venueReconcilers?: VenueReconciler[];
}): Pick<LegworkWorkerDeps, 'ledger' | 'gate' | 'reconciliation' | 'legs' | 'settlement' | 'router' | 'flatten' | 'control'> {
  return {
    ledger: opts.ledger.ledger,
    legs: { venues: opts.venues ?? {}, recordOrder: opts.ledger.recordOrder },
    settlement: {
      recordPnl: opts.ledger.recordPnl,
      recordAudit: opts.ledger.ledger.recordAudit,
      ...(opts.dailyLossCap ? { reportRealized: dailyLossReporter({ db: opts.ledger.db, client: opts.client, governorId: opts.governorId, cap: opts.dailyLossCap }) } : {}),
    },
    router: { userStreams: opts.userStreams ?? {}, findOwner: opts.ledger.findOrderOwner },
    flatten: { unwindsAfter: (intentId, afterAttempt) => unwindsAfter(opts.ledger.db, intentId, afterAttempt) },
    control: { client: opts.client },
    gate: governorGate(opts.client, opts.governorId),
    // Venue reconcilers join here with the venue adapters.
    reconciliation: { db: opts.ledger.db, workflowFate: (id) => workflowFate(opts.client, id), venues: opts.venueReconcilers ?? [] },
  };
}
