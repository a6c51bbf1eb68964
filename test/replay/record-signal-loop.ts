/**
 * Records the signal-loop keeper's histories from real runs (its own dev server, a simulator with
 * a market world, real workers) into test/replay/histories/, next to the ones test/replay/record.ts
 * records; like it, it never overwrites a history:
 *   npx tsx test/replay/record-signal-loop.ts
 *
 * `signal-loop.feeds`: a worker with a feed host (workers/feed-host.ts) — the keeper asks for a
 * host, runs one feed per venue and the loop there, and is cancelled. `signal-loop.no-host`: a
 * worker without one — the loop runs on the shared queue, owning its streams.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { freePort } from '../../infra/ports';
import { startTemporalDevServer } from '../../infra/temporal-server';
import { ensureTemporalCli } from '../../infra/tools';
import { installTemporalLogging } from '../../infra/temporal-logging';
import { bundleWorkflows } from '../../workers/bundle';
import { createSignalLoopActivities } from '../../activities/signal-loop';
import { startVenueSimulator } from '../../venues/sim';
import { bookSourceForSimulator } from '../../venues/execution';
import { startFeedHostForSimulator } from '../../workers/feed-host';

const OUT = path.join(__dirname, 'histories');

async function save(client: Client, workflowId: string, name: string): Promise<void> {
  const file = path.join(OUT, `${name}.json`);
  if (fs.existsSync(file) && !process.argv.includes('--force')) {
    process.stderr.write(`kept existing ${name} (rename it, or --force to replace)\n`);
    return;
  }
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  fs.writeFileSync(file, `${historyToJSON(history)}\n`);
  process.stderr.write(`recorded ${name} (${history.events?.length ?? 0} events)\n`);
}

/** Waits until the workflow's loop activity has heartbeated (it is scanning) and, with a host, every feed too. */
async function scanning(client: Client, workflowId: string, hostQueue?: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const pending = (await client.workflow.getHandle(workflowId).describe()).raw.pendingActivities ?? [];
    const beating = (type: string) => pending.filter((a) => a.activityType?.name === type && a.heartbeatDetails).length;
    if (beating('runSignalLoop') > 0 && (!hostQueue || beating('runFeed') === 3)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${workflowId}: the loop (and its feeds) never heartbeated`);
}

async function main(): Promise<void> {
  installTemporalLogging('warn');
  fs.mkdirSync(OUT, { recursive: true });
  const cli = await ensureTemporalCli();
  const server = await startTemporalDevServer({ cliPath: cli.path, port: await freePort(), namespace: 'default' });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const sim = await startVenueSimulator({ world: { seed: 5, tickMs: 0, dislocationRate: 0 } });
  const rest = bookSourceForSimulator(sim.describe());
  const code = await bundleWorkflows();
  const mapping = sim.describe().world!.mapping;
  const tag = Date.now().toString(36);
  try {
    for (const withHost of [true, false]) {
      const taskQueue = `record-signal-loop-${withHost ? 'feeds' : 'no-host'}-${tag}`;
      const host = withHost
        ? await startFeedHostForSimulator({ connection: nativeConnection, namespace: 'default', sharedTaskQueue: taskQueue, sim: sim.describe(), mapping, loop: { client, taskQueue } })
        : undefined;
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowBundle: { code },
        activities: createSignalLoopActivities(host ? { ...host.loop, feedHost: host.info } : { mapping, books: rest.books, client, taskQueue }),
      });
      await worker.runUntil(async () => {
        const workflowId = `signal-loop-${taskQueue}`;
        const handle = await client.workflow.start('signalLoopWorkflow', { workflowId, taskQueue, args: [{ intervalMs: 100 }] });
        await scanning(client, workflowId, host?.info.taskQueue);
        await handle.cancel();
        await handle.result().catch(() => undefined);
        await save(client, workflowId, withHost ? 'signal-loop.feeds' : 'signal-loop.no-host');
      });
      await host?.close();
    }
  } finally {
    await rest.close();
    await sim.stop();
    await connection.close();
    await nativeConnection.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
