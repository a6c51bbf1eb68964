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

export interface BenchStack {
  client: Client;
  taskQueue: string;
  databaseUrl: string;
}

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
      ...activityDependencies({ ledger, client, governorId }),
      workflowBundleCode: await bundleWorkflows(),
    });
    return await worker.runUntil(async () => {
      await ensureGovernor(client, { workflowId: governorId, taskQueue });
      return fn({ client, taskQueue, databaseUrl: database.url });
    });
  } finally {
    await ledger.close();
    await connection.close();
    await nativeConnection.close();
    await server.stop();
    await database.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
