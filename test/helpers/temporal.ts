/** Clients and in-process workers against the harness's real Temporal dev server. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ensureGovernor } from '../../clients/governor';
import { createLegworkWorker } from '../../workers/create-worker';
import { activityDependencies } from '../../workers/dependencies';
import { openIntentLedger } from '../../workers/ledger-wiring';
import { installTemporalLogging } from '../../infra/temporal-logging';
import { closeExecutionVenues, executionVenuesForSimulator, streamingBookSourceForSimulator, userStreamsForSimulator } from '../../venues/execution';
import { ensureRouter } from '../../clients/routers';
import { createBreakerReporter } from '../../workers/breaker-reporter';
import type { BreakerConfig } from '../../domain/breakers';
import type { Venue } from '../../domain/venue';
import { startVenueSimulator, type VenueSimulator, type VenueSimulatorOptions } from '../../venues/sim';
import { testEnv, uniqueTaskQueue } from '../harness/env';

// In-process workers log through pino at warn, so test output shows problems, not state changes.
installTemporalLogging(process.env.LEGWORK_LOG_LEVEL ?? 'warn');

export async function connectTestClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const env = testEnv();
  const connection = await Connection.connect({ address: env.temporalAddress });
  return { client: new Client({ connection, namespace: env.namespace }), close: () => connection.close() };
}

export interface TestWorkerContext {
  taskQueue: string;
  client: Client;
  governorId: string;
  /** The venue simulator this worker's legs trade against (its own, so books and faults never leak between tests). */
  sim: VenueSimulator;
}

/** The names of the signals a workflow has received so far, in order (from its history). */
export async function signalsReceived(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((e) => e.workflowExecutionSignaledEventAttributes?.signalName).filter((n): n is string => !!n);
}

/** Runs `fn` while an in-process worker serves a private task queue, trading against its own simulator. */
export async function withTestWorker<T>(
  prefix: string,
  fn: (ctx: TestWorkerContext) => Promise<T>,
  opts: {
    databaseUrl?: string;
    simulator?: VenueSimulatorOptions;
    /** Start a user-stream router too: `true` for Kalshi's, or the venue whose. */
    router?: boolean | Venue;
    /** Feed the governor's endpoint breakers from the adapters (off unless a test is about them). */
    breakers?: BreakerConfig;
    /** Feed the governor's daily-loss breaker with this cap (off unless a test is about it: it sums the whole ledger's day). */
    dailyLossCap?: string;
    /** Host the signal loop over the simulator's market world (`simulator.world` must be set), on stream books. */
    signalLoop?: boolean;
  } = {},
): Promise<T> {
  const env = testEnv();
  const taskQueue = uniqueTaskQueue(prefix);
  const connection = await NativeConnection.connect({ address: env.temporalAddress });
  const ledger = openIntentLedger(opts.databaseUrl ?? env.databaseUrl);
  const { client, close } = await connectTestClient();
  const sim = await startVenueSimulator(opts.simulator);
  // Each test file gets its own governor on its own task queue, so kill switches never leak between files.
  const governorId = `governor-${taskQueue}`;
  const reporter = opts.breakers ? createBreakerReporter({ client, governorId, config: opts.breakers }) : undefined;
  const venues = executionVenuesForSimulator(sim.describe(), undefined, reporter?.onOutcome);
  const mapping = sim.describe().world?.mapping;
  const books = opts.signalLoop && mapping ? streamingBookSourceForSimulator(sim.describe(), mapping) : undefined;
  try {
    const worker = await createLegworkWorker({
      connection,
      namespace: env.namespace,
      taskQueue,
      ...activityDependencies({ ledger, client, governorId, venues, userStreams: userStreamsForSimulator(sim.describe()), ...(opts.dailyLossCap ? { dailyLossCap: opts.dailyLossCap } : {}) }),
      workflowBundleCode: env.workflowBundleCode,
      ...(books && mapping ? { signalLoop: { mapping, books: books.books, feedHealth: books.health, dataHealth: { governorId, everyMs: 200 } } } : {}),
    });
    return await worker.runUntil(async () => {
      await ensureGovernor(client, { workflowId: governorId, taskQueue });
      // The router runs until cancelled; cancelled before the worker stops, so the run ends cleanly.
      const router = opts.router ? await ensureRouter(client, { taskQueue, venue: opts.router === true ? 'kalshi' : opts.router }) : undefined;
      try {
        return await fn({ taskQueue, client, governorId, sim });
      } finally {
        if (router) {
          const handle = client.workflow.getHandle(router);
          await handle.cancel();
          await handle.result().catch(() => undefined);
        }
      }
    });
  } finally {
    await closeExecutionVenues(venues);
    await books?.close();
    await sim.stop();
    await close();
    await ledger.close();
    await connection.close();
  }
}
