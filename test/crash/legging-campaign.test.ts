/**
 * The crash campaign: 100 two-leg intents trade against the venue simulator (with faults on) while
 * worker processes are SIGKILLed at random moments, at least 30 times, and the Temporal dev server
 * itself is killed and restarted mid-run. Afterwards the venues' own order logs are the judge:
 * no order was posted twice or orphaned, every intent ended, nothing stays reserved, and the
 * ledger's orders match the venues' fills.
 *
 * The campaign runs on its own dev server (history in a SQLite file, so it survives the restart)
 * and its own task queue, so it never disturbs the other test files sharing the harness server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureGovernor } from '../../clients/governor';
import { startIntent } from '../../clients/intents';
import { intentIdFor } from '../../domain/intent';
import { TERMINAL_INTENT_PHASES, type IntentView } from '../../domain/intent-view';
import { freePort } from '../../infra/ports';
import { ensureTemporalCli } from '../../infra/tools';
import { registerSearchAttributes, startTemporalDevServer, type DevServer } from '../../infra/temporal-server';
import { writeSimulatorDescription } from '../../venues/execution';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { spawnWorkerProcess, type WorkerProcess } from '../../workers/worker-process';
import { testEnv, uniqueTaskQueue } from '../harness/env';
import { withPg } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { mulberry32 } from '../helpers/prng';
import { injectFault, SUBMIT_ENDPOINT } from '../helpers/sim';

const INTENTS = 100;
const KILLS = 30;
const KALSHI = 'FED-25DEC-T4.25';
const POLY = '7132104567925221259';

describe('crash campaign: SIGKILLed workers and a restarted Temporal server while intents trade', () => {
  let server: DevServer | undefined;
  let sim: VenueSimulator | undefined;
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await server?.kill();
    await sim?.stop();
  });

  it(`${INTENTS} intents, ${KILLS}+ worker SIGKILLs, one server restart: no duplicate order, every intent ends, ledger = venues`, async () => {
    const seed = Number(process.env.LEGWORK_CRASH_SEED ?? Date.now() % 1_000_000);
    process.stderr.write(`[crash campaign] seed ${seed} (LEGWORK_CRASH_SEED=${seed} reproduces the kill schedule)\n`);
    const random = mulberry32(seed); // the kill schedule is random but reproducible from the printed seed
    const env = testEnv();
    const dir = fs.mkdtempSync(path.join(env.scratch, 'campaign-'));
    const cli = await ensureTemporalCli({});
    const port = await freePort();
    const startServer = async () => {
      const s = await startTemporalDevServer({ cliPath: cli.path, port, namespace: 'default', dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') });
      const connection = await Connection.connect({ address: s.address });
      try {
        await registerSearchAttributes(connection, 'default');
      } finally {
        await connection.close();
      }
      return s;
    };
    server = await startServer();

    // Deep books so every leg can fill; faults on both venues from the start.
    sim = await startVenueSimulator({
      books: {
        kalshi: { [KALSHI]: { yes: [[40, 1_000_000]], no: [[57, 1_000_000]] } },
        polymarket: { [POLY]: { bids: [['0.52', '1000000']], asks: [['0.55', '1000000']] } },
      },
    });
    for (const venue of ['kalshi', 'polymarket'] as const) {
      await injectFault(sim, venue, { endpoint: SUBMIT_ENDPOINT[venue], kind: 'accept_then_drop', count: 10 });
      await injectFault(sim, venue, { endpoint: SUBMIT_ENDPOINT[venue], kind: 'http_5xx', count: 10 });
      await injectFault(sim, venue, { endpoint: SUBMIT_ENDPOINT[venue], kind: 'http_429', count: 10, retryAfterSeconds: 0 });
    }
    // Some leg Bs are refused: those intents unwind leg A.
    await injectFault(sim, 'polymarket', { endpoint: SUBMIT_ENDPOINT.polymarket, kind: 'reject', count: 8 });
    const simFile = path.join(dir, 'simulator.json');
    writeSimulatorDescription(simFile, sim.describe());

    const taskQueue = uniqueTaskQueue('campaign');
    const governorId = `governor-${taskQueue}`;
    const workerEnv = { ...process.env, TEMPORAL_ADDRESS: server.address, LEGWORK_TASK_QUEUE: taskQueue, LEGWORK_GOVERNOR_ID: governorId, LEGWORK_SIM_FILE: simFile, LEGWORK_LOG_LEVEL: 'error', LEGWORK_METRICS_PORT: '0',
      // The campaign is about crash safety: endpoint breakers tripped by its injected faults would
      // turn most intents away at the gate (test/workflows/endpoint-breaker.test.ts covers them).
      LEGWORK_ENDPOINT_BREAKERS: 'off' };
    for (let i = 0; i < 2; i++) workers.push(await spawnWorkerProcess({ env: workerEnv }));

    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default' });
    await ensureGovernor(client, { workflowId: governorId, taskQueue });

    const inputs = Array.from({ length: INTENTS }, (_, i) => sampleIntent(`campaign-${i}`, { entryWindowMs: 4_000, leggingWindowMs: 4_000 }));
    const started: string[] = [];
    let kills = 0;
    let restartedServer = false;
    // Intents are started in waves between kills, so the kills land while legs are in flight.
    for (let wave = 0; kills < KILLS || started.length < INTENTS; wave++) {
      const batch = inputs.slice(started.length, started.length + Math.ceil(INTENTS / KILLS) + 1);
      for (const input of batch) {
        await startIntent(client, input, { taskQueue });
        started.push(input.opportunityId);
      }
      if (kills < KILLS) {
        // A random worker dies at a random moment of the wave (the schedule, not synchronisation).
        await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
        const victim = workers.splice(Math.floor(random() * workers.length), 1)[0]!;
        await victim.kill();
        kills += 1;
        workers.push(await spawnWorkerProcess({ env: workerEnv }));
      }
      if (!restartedServer && kills === Math.floor(KILLS / 2)) {
        // Mid-run: the Temporal server itself crashes and comes back on the same port and history.
        await server.kill();
        server = await startServer();
        restartedServer = true;
      }
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(restartedServer).toBe(true);

    const views: IntentView[] = [];
    for (const opportunityId of started) views.push(await client.workflow.getHandle<() => Promise<IntentView>>(intentIdFor(opportunityId)).result());
    await connection.close();

    // Every intent ended.
    expect(views).toHaveLength(INTENTS);
    for (const v of views) expect(TERMINAL_INTENT_PHASES).toContain(v.phase);
    const outcomes = views.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.outcome ?? v.phase]: (acc[v.outcome ?? v.phase] ?? 0) + 1 }), {});
    process.stderr.write(`[crash campaign] outcomes ${JSON.stringify(outcomes)}\n`);

    // No order posted twice, none orphaned: the venues hold exactly the orders the workflows know.
    const known = new Map<string, IntentView>();
    for (const v of views) for (const leg of [...v.legs, ...(v.unwind ? [v.unwind] : [])]) for (const o of leg.orders ?? []) known.set(o.clientOrderId, v);
    const kalshiIds = sim.kalshi.orderLog.map((o) => o.client_order_id);
    expect(new Set(kalshiIds).size).toBe(kalshiIds.length);
    for (const id of kalshiIds) expect(known.has(id)).toBe(true);
    const polyIds = sim.polymarket.orderLog.map((o) => o.id);
    expect(new Set(polyIds).size).toBe(polyIds.length);
    const knownPolyVenueIds = new Set(views.flatMap((v) => (v.legs[1]?.orders ?? []).map((o) => o.venueOrderId)));
    for (const id of polyIds) expect(knownPolyVenueIds.has(id)).toBe(true);
    const knownOrders = [...views.flatMap((v) => [...v.legs, ...(v.unwind ? [v.unwind] : [])].flatMap((l) => l.orders ?? []))];
    expect(knownOrders.filter((o) => o.state !== 'rejected')).toHaveLength(kalshiIds.length + polyIds.length);

    // Nothing stays reserved, and the ledger's fills equal the venues' fills, order by order.
    const intentIds = views.map((v) => v.intentId);
    await withPg(async (pg) => {
      const reserved = await pg.query(`SELECT id FROM capital_reservations WHERE intent_id = ANY($1) AND state = 'RESERVED'`, [intentIds]);
      expect(reserved.rows).toEqual([]);
      const { rows } = await pg.query<{ client_order_id: string; venue_order_id: string | null; filled: string; state: string }>(
        `SELECT client_order_id, venue_order_id, filled_quantity::text AS filled, state FROM venue_orders WHERE intent_id = ANY($1) AND state <> 'rejected'`,
        [intentIds],
      );
      const ledger = new Map(rows.map((r) => [r.venue_order_id ?? r.client_order_id, r]));
      for (const o of sim!.kalshi.orderLog) expect([o.order_id, Number(ledger.get(o.order_id)?.filled)]).toEqual([o.order_id, o.fill_count]);
      for (const o of sim!.polymarket.orderLog) expect([o.id, Number(ledger.get(o.id)?.filled)]).toEqual([o.id, Number(o.size_matched)]);
      expect(rows).toHaveLength(kalshiIds.length + polyIds.length);
    });
    // Net position per venue market: the venues' fills and the workflows' views agree.
    const venueNet = sim.kalshi.orderLog.reduce((n, o) => n + (o.action === 'buy' ? o.fill_count : -o.fill_count), 0);
    const viewNet = views.reduce((n, v) => n + Number(v.legs[0]!.filledQuantity) - Number(v.unwind?.filledQuantity ?? '0'), 0);
    expect(venueNet).toBe(viewNet);
  }, 600_000);
});
