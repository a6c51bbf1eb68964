/**
 * Worker SIGKILL → the in-flight leg's next venue call, made by a standby worker that was already
 * polling (the HA shape: two workers per task queue). The leg rests at the venue and its workflow
 * polls it; the worker running the workflow is SIGKILLed; the figure is the time until the venue
 * sees the next request for it, which can only come from the standby. What it measures is
 * Temporal's failover (the dead worker's sticky queue timing out, the task moving to the shared
 * queue), not our code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ensureGovernor } from '../clients/governor';
import { cancelIntent, startIntent } from '../clients/intents';
import { clientOrderId } from '../domain/client-order-id';
import { intentIdFor } from '../domain/intent';
import { writeSimulatorDescription } from '../venues/execution';
import { spawnWorkerProcess, type WorkerProcess } from '../workers/worker-process';
import { BENCH_KALSHI_MARKET, BENCH_POLYMARKET_TOKEN, type BenchStack } from './stack';
import { summarize } from './stats';

const RUNS = 3;

export async function benchFailover({ client, sim, temporalAddress, databaseUrl, scratch }: BenchStack): Promise<Record<string, unknown>> {
  const taskQueue = 'bench-failover';
  const governorId = 'bench-failover-governor';
  const simFile = path.join(scratch, 'failover-simulator.json');
  writeSimulatorDescription(simFile, sim.describe());
  fs.mkdirSync(scratch, { recursive: true });
  const env = { ...process.env, TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, LEGWORK_TASK_QUEUE: taskQueue, LEGWORK_GOVERNOR_ID: governorId, LEGWORK_SIM_FILE: simFile, LEGWORK_LOG_LEVEL: 'error', LEGWORK_METRICS_PORT: '0' };
  await ensureGovernor(client, { workflowId: governorId, taskQueue });
  const samples: number[] = [];
  const tag = Date.now().toString(36);
  let workers: WorkerProcess[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      workers = [await spawnWorkerProcess({ env })];
      const opportunityId = `failover-${tag}-${run}`;
      const intentId = intentIdFor(opportunityId);
      // Bids 30¢ for YES where nothing is offered below 43¢: leg A rests and is polled.
      await startIntent(
        client,
        {
          opportunityId,
          strategy: 'bench',
          entryWindowMs: 600_000,
          maxReprices: 0,
          legs: [
            { legId: 'A', venue: 'kalshi', market: BENCH_KALSHI_MARKET, outcome: 'yes', action: 'buy', limitPrice: '0.30', quantity: '1' },
            { legId: 'B', venue: 'polymarket', market: BENCH_POLYMARKET_TOKEN, outcome: 'no', action: 'buy', limitPrice: '0.55', quantity: '1' },
          ],
        },
        { taskQueue },
      );
      const orderId = clientOrderId(intentId, 'A', 1);
      await new Promise<void>((resolve) => {
        const check = () => (sim.kalshi.orderLog.some((o) => o.client_order_id === orderId && o.status === 'resting') ? resolve() : setTimeout(check, 20));
        check();
      });
      // Let polling settle into its slowest rhythm (1 s), as for a leg resting a while.
      await new Promise((r) => setTimeout(r, 3_000));
      const standby = await spawnWorkerProcess({ env });
      const victim = workers[0]!;
      workers = [standby];
      const next = new Promise<number>((resolve) => {
        const onRequest = (r: { endpoint: string; at: number }) => {
          if (r.endpoint.startsWith('GET ')) {
            sim.kalshi.requests.off('request', onRequest);
            resolve(r.at);
          }
        };
        // Attached right before the kill: nothing the victim sends can arrive after it is dead.
        void victim.kill().then(() => sim.kalshi.requests.on('request', onRequest));
      });
      const killedAt = Date.now();
      samples.push((await next) - killedAt);
      await cancelIntent(client, opportunityId, { reason: 'bench over', operator: 'bench' });
      await client.workflow.getHandle(intentId).result();
      await standby.stop();
    }
  } finally {
    await Promise.all(workers.map((w) => w.kill()));
  }
  return {
    what: 'ms from a worker SIGKILL to the next venue call for its in-flight (resting, polled) leg, made by a standby worker',
    runs: RUNS,
    ...summarize(samples),
  };
}
