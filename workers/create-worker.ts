/**
 * Builds the Temporal worker that hosts Legwork's workflows and activities. Entry points
 * (workers/intent-worker.ts, the supervisor, tests) only wire configuration into this.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createAuditActivities } from '../activities/audit';
import { createGateActivities, type GateSource } from '../activities/gate';
import { createIntentRecordingActivities, type IntentLedger } from '../activities/intent-recording';
import { createFlattenActivities, type FlattenDeps } from '../activities/flatten';
import { createHaltActivities } from '../activities/halt-intents';
import { createSignalLoopActivities, type SignalLoopDeps } from '../activities/signal-loop';
import { createLegActivities, type LegActivityDeps } from '../activities/legs';
import { createSettlementActivities, type SettlementDeps } from '../activities/settlement';
import { createRouterActivities, type RouterDeps } from '../activities/user-stream-router';
import type { Client } from '@temporalio/client';
import { createReconciliationActivities, type ReconciliationDeps } from '../activities/reconciliation';
import { measuredActivities, type LegworkMetrics } from '../infra/metrics';
import type { Logger } from '../infra/logger';
import { tradeLog } from '../activities/trade-log';

export interface LegworkWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  ledger: IntentLedger;
  /** Where intents ask whether they may trade (the risk governor in production). */
  gate: GateSource;
  reconciliation: ReconciliationDeps;
  /** The venue adapters the legs trade through, and where their orders are recorded. */
  legs: Omit<LegActivityDeps, 'metrics'>;
  /** Where settled legs' PnL is written (the venues are the legs' own). */
  settlement: Omit<SettlementDeps, 'venues'>;
  /** The venues' private streams and the ledger's order owners, for the user-stream routers. */
  router: Pick<RouterDeps, 'userStreams' | 'findOwner'>;
  /** What operator flattens read from the ledger. */
  flatten: Pick<FlattenDeps, 'unwindsAfter'>;
  /** PAPER with a market world: the mapped markets and their books, for the signal loop. */
  signalLoop?: Omit<SignalLoopDeps, 'client' | 'taskQueue' | 'metrics'>;
  /** The client the governor's kill switch uses to reach intents in flight. */
  control: { client: Client };
  /** Measured activities and counters on /metrics (worker processes; tests may omit it). */
  metrics?: LegworkMetrics;
  /**
   * Where activities write their trade log lines (intent, leg, client order id, workflow id, run id
   * on each); without it they go to the SDK's activity logger.
   */
  logger?: Logger;
  /** Prebuilt bundle code (tests, fast restarts); otherwise the worker bundles workflows/ itself. */
  workflowBundleCode?: string;
  identity?: string;
}

export function legworkActivities(deps: Pick<LegworkWorkerDeps, 'ledger' | 'gate' | 'reconciliation' | 'legs' | 'settlement' | 'router' | 'flatten' | 'control' | 'metrics' | 'signalLoop' | 'taskQueue' | 'logger'>) {
  const log = tradeLog(deps.logger);
  const activities = {
    ...createIntentRecordingActivities(deps.ledger, deps.metrics),
    ...createAuditActivities(deps.ledger),
    ...createGateActivities(deps.gate),
    ...createReconciliationActivities({ ...deps.reconciliation, metrics: deps.metrics }),
    ...createLegActivities({ ...deps.legs, metrics: deps.metrics, log }),
    ...createHaltActivities(deps.control.client, log),
    ...createFlattenActivities({ ...deps.flatten, client: deps.control.client, ledger: deps.ledger, log }),
    ...(deps.signalLoop ? createSignalLoopActivities({ ...deps.signalLoop, client: deps.control.client, taskQueue: deps.taskQueue, ...(deps.metrics ? { metrics: deps.metrics } : {}) }) : {}),
    ...createSettlementActivities({ ...deps.settlement, venues: deps.legs.venues, log }),
    ...createRouterActivities({ ...deps.router, venues: deps.legs.venues, client: deps.control.client }),
  };
  return deps.metrics ? measuredActivities(activities, deps.metrics) : activities;
}

export async function createLegworkWorker(deps: LegworkWorkerDeps): Promise<Worker> {
  const options: WorkerOptions = {
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: legworkActivities(deps),
    // When this worker dies, its cached workflows' next tasks wait on its sticky queue this long
    // before any other worker may take them: the bulk of a failover (SDK default 10 s). Two
    // seconds keeps a resting leg's polling gap short; a merely busy worker costs a replay.
    stickyQueueScheduleToStartTimeout: '2 seconds',
    ...(deps.identity ? { identity: deps.identity } : {}),
    ...(deps.workflowBundleCode
      ? { workflowBundle: { code: deps.workflowBundleCode } }
      : { workflowsPath: require.resolve('../workflows') }),
  };
  return Worker.create(options);
}
