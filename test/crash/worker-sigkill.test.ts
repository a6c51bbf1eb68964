/**
 * A worker process is SIGKILLed while the recording activity is inside its database write. A
 * replacement worker picks the activity up again and the workflow completes with exactly one
 * intent row (the write is idempotent, even though the dead worker's write may land late).
 *
 * "Inside its database write" is made observable, not timed: the test holds a table lock that
 * blocks inserts into `intents`, and waits until PostgreSQL shows the worker's insert waiting on it.
 */
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { writeSimulatorDescription } from '../../venues/execution';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { intentIdFor } from '../../domain/intent';
import { ensureGovernor } from '../../clients/governor';
import { startIntent } from '../../clients/intents';
import { spawnWorkerProcess, type WorkerProcess } from '../../workers/worker-process';
import { testEnv, uniqueTaskQueue } from '../harness/env';
import { countRows, eventually, withPg } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { connectTestClient } from '../helpers/temporal';

describe('crash: worker SIGKILL mid-activity', () => {
  let workers: WorkerProcess[] = [];
  let sim: VenueSimulator | undefined;
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    workers = [];
    await sim?.stop();
  });

  it('a replacement worker completes the workflow with exactly one intent row', async () => {
    const env = testEnv();
    const taskQueue = uniqueTaskQueue('crash');
    const governorId = `governor-${taskQueue}`;
    // The legs trade against a simulator the worker processes reach through LEGWORK_SIM_FILE.
    sim = await startVenueSimulator();
    const simFile = path.join(testEnv().scratch, `sim-${taskQueue}.json`);
    writeSimulatorDescription(simFile, sim.describe());
    const workerEnv = { ...process.env, LEGWORK_TASK_QUEUE: taskQueue, LEGWORK_GOVERNOR_ID: governorId, LEGWORK_LOG_LEVEL: 'warn', LEGWORK_SIM_FILE: simFile };
    const input = sampleIntent('crash');
    const intentId = intentIdFor(input.opportunityId);

    const locker = new PgClient({ connectionString: env.databaseUrl });
    await locker.connect();
    const { client, close } = await connectTestClient();
    try {
      const first = await spawnWorkerProcess({ env: workerEnv });
      workers.push(first);
      await ensureGovernor(client, { workflowId: governorId, taskQueue });

      // Block inserts into intents (SELECTs still work) until we let go.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE intents IN SHARE ROW EXCLUSIVE MODE');
      const handle = await startIntent(client, input, { taskQueue });

      // Probed from another connection: inside the locker's transaction pg_stat_activity is a frozen snapshot.
      await eventually('the worker insert to wait on the intents lock', () =>
        withPg(async (pg) => {
          const { rows } = await pg.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO%intents%'`,
          );
          return Number(rows[0]?.n) > 0 || undefined;
        }),
      );

      await first.kill();
      expect((await first.exited).signal).toBe('SIGKILL');
      await locker.query('COMMIT'); // the dead worker's insert may now land: the retry must not duplicate it

      const second = await spawnWorkerProcess({ env: workerEnv });
      workers.push(second);
      const view = await handle.result();
      expect(view.phase).toBe('COMPLETED');

      // The recording (a local activity, run inside the workflow task) was run again by the
      // replacement worker: the first workflow task completed is the replacement's, and the
      // recording's marker is in it.
      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const completedBy = events.map((e) => e.workflowTaskCompletedEventAttributes?.identity).filter((id): id is string => !!id);
      expect(completedBy[0]).toContain(String(second.pid));
      expect(completedBy.some((id) => id.includes(String(first.pid)))).toBe(false);
      const firstMarker = events.findIndex((e) => e.markerRecordedEventAttributes);
      const firstCompleted = events.findIndex((e) => e.workflowTaskCompletedEventAttributes);
      expect(firstMarker).toBeGreaterThan(firstCompleted);

      expect(await countRows('intents', 'id = $1', [intentId])).toBe(1);
      expect(await countRows('legs', 'intent_id = $1', [intentId])).toBe(2);
      expect(await countRows('audit_events', `intent_id = $1 AND action = 'intent.accepted'`, [intentId])).toBe(1);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
      await close();
    }
  }, 120_000);
});

describe('worker process lifetime', () => {
  it('a worker whose parent dies drains and exits instead of polling on as an orphan', async () => {
    const { spawn } = await import('node:child_process');
    const path = await import('node:path');
    // A throwaway parent that starts a worker, reports its pid, then is SIGKILLed.
    const parentScript = `
      const { spawnWorkerProcess } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'workers', 'worker-process.ts'))});
      spawnWorkerProcess({ env: { ...process.env, LEGWORK_TASK_QUEUE: 'orphan-check' } }).then((w) => process.stdout.write(String(w.pid) + '\\n'));
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', parentScript], { env: process.env, cwd: path.join(__dirname, '..', '..') });
    const workerPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.once('exit', (code) => reject(new Error(`parent exited ${code}`)));
    });
    parent.kill('SIGKILL');
    await eventually('the orphaned worker to exit', async () => {
      try {
        process.kill(workerPid, 0);
        return undefined;
      } catch {
        return true;
      }
    }, 60_000);
  }, 90_000);
});
