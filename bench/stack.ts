/** The real parts a bench runs on: Temporal dev server, embedded PostgreSQL (migrated), one in-process worker. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { applyMigrations } from '../infra/migrate';
import { freePort } from '../infra/ports';
import { startLedgerDatabase } from '../infra/postgres';
import { registerSearchAttributes, startTemporalDevServer } from '../infra/temporal-server';
import { ensureTemporalCli } from '../infra/tools';
import { ensureGovernor } from '../clients/governor';
import { createLegworkWorker } from '../workers/create-worker';
import { activityDependencies } from '../workers/dependencies';
import { bundleWorkflows } from '../workers/bundle';
import { openIntentLedger } from '../workers/ledger-wiring';
import { installTemporalLogging } from '../infra/temporal-logging';
import { closeExecutionVenues, executionVenuesForSimulator } from '../venues/execution';
import { startVenueSimulator, type VenueSimulator } from '../venues/sim';

export interface BenchStack {
  client: Client;
  taskQueue: string;
  databaseUrl: string;
  /** The venue simulator the worker's legs trade against (deep books: every bench leg can fill). */
  sim: VenueSimulator;
  temporalAddress: string;
  scratch: string;
}

export const BENCH_KALSHI_MARKET = 'FED-25DEC-T4.25';
export const BENCH_POLYMARKET_TOKEN = '7132104567925221259';

export async function withBenchStack<T>(fn: (stack: BenchStack) => Promise<T>): Promise<T> {
  installTemporalLogging('warn');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'legwork-bench-'));
  const cli = await ensureTemporalCli();
  const server = await startTemporalDevServer({ cliPath: cli.path, port: await freePort(), namespace: 'default' });
  // The bench always measures its own fresh database, even when DATABASE_URL is set in the shell.
  delete process.env.DATABASE_URL;
  const database = await startLedgerDatabase({ dataDir: path.join(scratch, 'pg'), port: await freePort() });
  let worker: Worker | undefined;
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const ledger = openIntentLedger(database.url);
  const sim = await startVenueSimulator({
    books: {
      kalshi: { [BENCH_KALSHI_MARKET]: { yes: [[40, 10_000_000]], no: [[57, 10_000_000]] } },
      polymarket: { [BENCH_POLYMARKET_TOKEN]: { bids: [['0.52', '10000000']], asks: [['0.55', '10000000']] } },
    },
  });
  const venues = executionVenuesForSimulator(sim.describe());
  try {
    await registerSearchAttributes(connection, 'default');
    await applyMigrations(database.url);
    const taskQueue = 'bench';
    const client = new Client({ connection });
    const governorId = 'bench-governor';
    worker = await createLegworkWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      ...activityDependencies({ ledger, client, governorId, venues }),
      workflowBundleCode: await bundleWorkflows(),
    });
    return await worker.runUntil(async () => {
      await ensureGovernor(client, { workflowId: governorId, taskQueue });
      return fn({ client, taskQueue, databaseUrl: database.url, sim, temporalAddress: server.address, scratch });
    });
  } finally {
    await closeExecutionVenues(venues);
    await sim.stop();
    await ledger.close();
    await connection.close();
    await nativeConnection.close();
    await server.stop();
    await database.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
