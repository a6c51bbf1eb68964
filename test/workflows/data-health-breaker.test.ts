/**
 * The data-health breaker end to end: a real worker runs the signal loop over the simulator's
 * market world, its Kalshi market-data stream reached through a loopback TCP proxy. While the
 * proxy refuses connections the stream server is unreachable: Kalshi's mapped books stay unknown,
 * the loop measures that into `data:kalshi`, the governor opens it and refuses new entries on
 * Kalshi (REDUCING) while Polymarket trades on. Once the proxy lets the stream through, the books
 * sync from fresh snapshots and the breaker closes through its half-open probes (hysteresis: it
 * recovers only well below its trip level).
 */
import net from 'node:net';
import { NativeConnection } from '@temporalio/worker';
import { ensureGovernor, gate, governorState } from '../../clients/governor';
import { ensureSignalLoop } from '../../clients/routers';
import { closeExecutionVenues, executionVenuesForSimulator, streamingBookSourceForSimulator } from '../../venues/execution';
import { startVenueSimulator } from '../../venues/sim';
import { createLegworkWorker } from '../../workers/create-worker';
import { activityDependencies } from '../../workers/dependencies';
import { openIntentLedger } from '../../workers/ledger-wiring';
import { testEnv, uniqueTaskQueue } from '../harness/env';
import { eventually } from '../helpers/db';
import { connectTestClient } from '../helpers/temporal';

const BREAKER = 'data:kalshi';

/** A TCP proxy to `target` that is either passing connections through or refusing them (destroying every socket). */
async function startSwitchableProxy(target: { hostname: string; port: string }): Promise<{ port: number; pass(): void; refuse(): void; close(): Promise<void> }> {
  let passing = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!passing) return void client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        open.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    pass: () => void (passing = true),
    refuse() {
      passing = false;
      for (const s of open) s.destroy();
    },
    close: () => {
      for (const s of open) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('data-health breaker', () => {
  it('an unreachable Kalshi stream opens data:kalshi through the signal loop; it closes once the stream is back', async () => {
    const env = testEnv();
    const taskQueue = uniqueTaskQueue('data-breaker');
    const governorId = `governor-${taskQueue}`;
    // No dislocations: the loop only reads books here, it starts no intents.
    const sim = await startVenueSimulator({ world: { seed: 5, tickMs: 0, dislocationRate: 0 } });
    const wsUrl = new URL(sim.describe().kalshi.wsUrl);
    const proxy = await startSwitchableProxy(wsUrl);
    const proxied = new URL(wsUrl);
    proxied.port = String(proxy.port);
    const described = { ...sim.describe(), kalshi: { ...sim.describe().kalshi, wsUrl: proxied.toString() } };
    const mapping = described.world!.mapping;
    const connection = await NativeConnection.connect({ address: env.temporalAddress });
    const ledger = openIntentLedger(env.databaseUrl);
    const { client, close } = await connectTestClient();
    const venues = executionVenuesForSimulator(described);
    const books = streamingBookSourceForSimulator(described, mapping);
    try {
      const worker = await createLegworkWorker({
        connection,
        namespace: env.namespace,
        taskQueue,
        ...activityDependencies({ ledger, client, governorId, venues }),
        signalLoop: { mapping, books: books.books, feedHealth: books.health, dataHealth: { governorId, everyMs: 200 } },
        workflowBundleCode: env.workflowBundleCode,
      });
      await worker.runUntil(async () => {
        await ensureGovernor(client, { workflowId: governorId, taskQueue });
        const loop = client.workflow.getHandle(await ensureSignalLoop(client, { taskQueue, intervalMs: 100 }));
        const phase = async () => (await governorState(client, governorId)).breakers?.[BREAKER]?.state.phase;
        const entry = (venue: 'kalshi' | 'polymarket') => gate(client, governorId, { kind: 'entry', strategy: 'xvenue-binary-arb', venues: [venue] });
        try {
          // The stream server is unreachable from the start: Kalshi's books are never known.
          await eventually('data:kalshi open', async () => (await phase()) === 'OPEN' || undefined, 40_000);
          const refused = await entry('kalshi');
          expect(refused).toMatchObject({ allowed: false, level: 'REDUCING' });
          expect(refused.reason).toContain(BREAKER);
          // Reducing orders still go out on Kalshi, and Polymarket (its stream healthy) is untouched.
          expect((await gate(client, governorId, { kind: 'reducing', strategy: 'xvenue-binary-arb', venues: ['kalshi'] })).allowed).toBe(true);
          expect(await entry('polymarket')).toMatchObject({ allowed: true, level: 'ACTIVE' });
          expect((await governorState(client, governorId)).breakers?.['data:polymarket']?.state.phase).not.toBe('OPEN');

          // The stream is back: fresh snapshots, the measure drops under the recovery level, probes close it.
          proxy.pass();
          await eventually('data:kalshi closed', async () => (await phase()) === 'CLOSED' || undefined, 40_000);
          expect(await entry('kalshi')).toMatchObject({ allowed: true, level: 'ACTIVE' });
          const events = (await governorState(client, governorId)).events.filter((e) => e.detail.startsWith(`${BREAKER}:`)).map((e) => e.kind);
          expect(events).toEqual(expect.arrayContaining(['breaker.open', 'breaker.half_open', 'breaker.close']));
        } finally {
          await loop.cancel();
          await loop.result().catch(() => undefined);
        }
      });
    } finally {
      await books.close();
      await closeExecutionVenues(venues);
      await proxy.close();
      await sim.stop();
      await close();
      await ledger.close();
      await connection.close();
    }
  }, 120_000);
});
