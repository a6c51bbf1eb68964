/**
 * The signal-loop keeper when its feed host goes away, on the real Temporal dev server. A worker
 * process (workers/intent-worker.ts, spawned as the supervisor runs it) hosts the feeds and the
 * loop on its own host queue; a second worker joins (in this process: a shared-queue worker and
 * its feed host), the first is SIGKILLed, and the keeper picks the second worker's host, where the
 * three feeds heartbeat in stream mode again and the loop scans. Waits on the workflow's pending
 * activities (who runs them, what they heartbeat), never on time.
 *
 * (Two workers on one task queue cannot share a process — the SDK refuses the second — so the
 * first is a real worker process, which is also what a crash looks like.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { createSignalLoopActivities } from '../../activities/signal-loop';
import type { VenueFeedHealth } from '../../venues/feed-store';
import { writeSimulatorDescription } from '../../venues/execution';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { startFeedHostForSimulator } from '../../workers/feed-host';
import { spawnWorkerProcess, type WorkerProcess } from '../../workers/worker-process';
import { testEnv, uniqueTaskQueue } from '../harness/env';
import { eventually } from '../helpers/db';
import { connectTestClient } from '../helpers/temporal';

type Client = Awaited<ReturnType<typeof connectTestClient>>['client'];

/** A worker in this process: the shared-queue worker and its feed host (the host's worker identity is `name`). */
async function startInProcessWorker(opts: { connection: NativeConnection; client: Client; taskQueue: string; sim: VenueSimulator; name: string }) {
  const env = testEnv();
  const host = await startFeedHostForSimulator({
    connection: opts.connection,
    namespace: env.namespace,
    sharedTaskQueue: opts.taskQueue,
    sim: opts.sim.describe(),
    mapping: opts.sim.describe().world!.mapping,
    loop: { client: opts.client, taskQueue: opts.taskQueue },
    identity: opts.name,
  });
  const shared = await Worker.create({
    connection: opts.connection,
    namespace: env.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: { code: env.workflowBundleCode },
    activities: createSignalLoopActivities({ ...host.loop, feedHost: host.info }),
  });
  const running = shared.run();
  running.catch(() => undefined); // surfaces in stop()
  return {
    host,
    async stop() {
      if (shared.getState() === 'RUNNING') shared.shutdown();
      await Promise.all([running, host.close()]);
    },
  };
}

/** The feeds heartbeating in stream mode, all three from `worker`, with the loop heartbeating there too; undefined until then. */
async function streamingOn(handle: WorkflowHandle, worker: (identity: string) => boolean) {
  const pending = (await handle.describe()).raw.pendingActivities ?? [];
  const feeds = pending
    .filter((a) => a.activityType?.name === 'runFeed' && a.heartbeatDetails?.payloads?.[0] && worker(a.lastWorkerIdentity ?? ''))
    .map((a) => defaultPayloadConverter.fromPayload<VenueFeedHealth>(a.heartbeatDetails!.payloads![0]!));
  const loop = pending.some((a) => a.activityType?.name === 'runSignalLoop' && a.heartbeatDetails && worker(a.lastWorkerIdentity ?? ''));
  return loop && feeds.length === 3 && feeds.every((h) => h.mode === 'stream' && h.messages > 0) ? feeds : undefined;
}

describe('feed host failover', () => {
  it('picks a new host on another worker when the host\'s process is killed, and the feeds stream there', async () => {
    const env = testEnv();
    const taskQueue = uniqueTaskQueue('feed-failover');
    const dataDir = fs.mkdtempSync(path.join(env.scratch, 'feed-failover-'));
    const sim = await startVenueSimulator({ world: { seed: 4, tickMs: 0, dislocationRate: 0 } });
    const simFile = path.join(dataDir, 'sim.json');
    writeSimulatorDescription(simFile, sim.describe());
    const connection = await NativeConnection.connect({ address: env.temporalAddress });
    const { client, close } = await connectTestClient();
    let first: WorkerProcess | undefined;
    let second: Awaited<ReturnType<typeof startInProcessWorker>> | undefined;
    let handle: WorkflowHandle | undefined;
    try {
      first = await spawnWorkerProcess({
        env: { ...process.env, LEGWORK_TASK_QUEUE: taskQueue, LEGWORK_GOVERNOR_ID: `governor-${taskQueue}`, LEGWORK_LOG_LEVEL: 'warn', LEGWORK_SIM_FILE: simFile, LEGWORK_DATA_DIR: dataDir, LEGWORK_RECORD_DIR: '' },
      });
      const firstPid = first.pid;
      handle = await client.workflow.start('signalLoopWorkflow', { workflowId: `signal-loop-${taskQueue}`, taskQueue, args: [{ intervalMs: 100 }] });
      // Only the worker process is up: the keeper's feeds and loop run on its host (identity `<pid>@<host>`).
      await eventually('feeds streaming on the worker process\'s host', () => streamingOn(handle!, (id) => id.startsWith(`${firstPid}@`)), 60_000);
      second = await startInProcessWorker({ connection, client, taskQueue, sim, name: 'second-worker-host' });

      await first.kill();
      expect((await first.exited).signal).toBe('SIGKILL');
      // Its feeds' heartbeats time out (15 s), nobody takes their retries (15 s schedule-to-start),
      // and the keeper asks the shared queue for a host again: only the second worker answers.
      const beats = await eventually('feeds streaming on the second worker\'s host', () => streamingOn(handle!, (id) => id === 'second-worker-host'), 120_000);
      for (const h of beats) expect(h).toMatchObject({ unknown: 0, polledMarkets: 0 });
      expect(second.host.store.health().venues).toMatchObject({ kalshi: { mode: 'stream' }, polymarket: { mode: 'stream' }, coinbase: { mode: 'stream' } });

      // The keeper scheduled the feeds and the loop on the dead process's host queue, then on the second host's.
      const scheduled = ((await handle.fetchHistory()).events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
      const queues = scheduled.map((a) => a.taskQueue?.name ?? '');
      const firstHostQueue = (q: string) => q.startsWith(`${taskQueue}-host-${firstPid}-`);
      const onFirst = queues.flatMap((q, i) => (firstHostQueue(q) ? [i] : []));
      expect(onFirst.length).toBeGreaterThanOrEqual(4);
      expect(queues.indexOf(second.host.info.taskQueue)).toBeGreaterThan(Math.max(...onFirst));
      expect(scheduled.filter((a) => a.taskQueue?.name === second!.host.info.taskQueue).map((a) => a.activityType?.name).sort()).toEqual(['runFeed', 'runFeed', 'runFeed', 'runSignalLoop']);
    } finally {
      // Ended while a worker still runs it (cancelled, its feeds stopped), else terminated.
      if (handle && second) {
        await handle.cancel().catch(() => undefined);
        await handle.result().catch(() => undefined);
      } else await handle?.terminate().catch(() => undefined);
      await first?.kill();
      await second?.stop();
      await sim.stop();
      await close();
      await connection.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
