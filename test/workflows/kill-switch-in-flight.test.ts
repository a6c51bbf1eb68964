/**
 * A kill switch engaged with the operators' own tools while 20 intents are in flight: the
 * governor pushes every running intent in the scope to its safe path (open legs cancelled at the
 * venue, nothing new sent), and a new intent is refused at the gate.
 */
import { gate } from '../../clients/governor';
import { startIntent } from '../../clients/intents';
import { intentIdFor } from '../../domain/intent';
import type { IntentView } from '../../domain/intent-view';
import { ensureTctl } from '../../infra/tools';
import { stateQuery } from '../../workflows';
import { testEnv } from '../harness/env';
import { run } from '../helpers/cli';
import { countRows, eventually } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { withTestWorker } from '../helpers/temporal';

const IN_FLIGHT = 20;

async function signalArgs(tool: 'tctl' | 'temporal', governorId: string, payload: object): Promise<[string, string[]]> {
  const { temporalAddress, namespace } = testEnv();
  const input = JSON.stringify(payload);
  if (tool === 'tctl') return [(await ensureTctl()).path, ['--address', temporalAddress, '--namespace', namespace, 'workflow', 'signal', '--workflow_id', governorId, '--name', 'killSwitch', '--input', input]];
  return [process.env.LEGWORK_TEMPORAL_CLI!, ['workflow', 'signal', '--address', temporalAddress, '--namespace', namespace, '--workflow-id', governorId, '--name', 'killSwitch', '--input', input]];
}

describe.each(['tctl', 'temporal'] as const)('kill switch by %s with intents in flight', (tool) => {
  it(`halts ${IN_FLIGHT} working intents: their resting orders are cancelled, nothing new is sent, new intents are refused`, async () => {
    const strategy = `ks-${tool}`;
    const inputs = Array.from({ length: IN_FLIGHT }, (_, i) => sampleIntent(`ks-${tool}-${i}`, { strategy, entryWindowMs: 120_000, maxReprices: 0 }));
    await withTestWorker(
      `ks-${tool}`,
      async ({ client, taskQueue, governorId, sim }) => {
        const handles = await Promise.all(inputs.map((input) => startIntent(client, input, { taskQueue })));
        // Every leg A rests at the venue (nothing offered at 43¢ or below).
        await eventually('all leg As resting', async () => {
          const views = await Promise.all(handles.map((h) => h.query(stateQuery)));
          return views.every((v) => v.legs[0]!.phase === 'open') || undefined;
        });
        expect(sim.kalshi.orderLog.filter((o) => o.status === 'resting')).toHaveLength(IN_FLIGHT);

        const [cmd, args] = await signalArgs(tool, governorId, { action: 'engage', scope: `strategy:${strategy}`, reason: 'drill', operator: 'ops' });
        const engagedAt = Date.now();
        expect((await run(cmd, args)).code).toBe(0);
        // New entry orders are refused as soon as the governor has the signal (a figure, printed; not a timed assertion).
        await eventually('entries refused', async () => ((await gate(client, governorId, { kind: 'entry', strategy, venues: ['kalshi'] })).allowed ? undefined : true));
        const refusedMs = Date.now() - engagedAt;
        const views: IntentView[] = await Promise.all(handles.map((h) => h.result()));
        const allHaltedMs = Date.now() - engagedAt;
        process.stderr.write(`[kill switch by ${tool}] new orders refused ${refusedMs} ms and ${IN_FLIGHT} in-flight intents halted with their orders cancelled ${allHaltedMs} ms after the CLI was started\n`);

        for (const v of views) {
          expect(v).toMatchObject({ phase: 'COMPLETED', outcome: 'CANCELLED' });
          expect(v.reason).toMatch(new RegExp(`kill switch strategy:${strategy} HALTED: drill`));
        }
        // Every order the intents sent is cancelled at the venue; no leg B was ever sent.
        expect(sim.kalshi.orderLog.map((o) => o.status)).toEqual(Array(IN_FLIGHT).fill('canceled'));
        expect(sim.polymarket.orderLog).toHaveLength(0);

        const late = await (await startIntent(client, sampleIntent(`ks-${tool}-late`, { strategy }), { taskQueue })).result();
        expect(late).toMatchObject({ phase: 'REJECTED' });
        expect(sim.kalshi.orderLog).toHaveLength(IN_FLIGHT);
      },
      { simulator: { books: { kalshi: { 'FED-25DEC-T4.25': { yes: [[40, 100]], no: [[55, 100]] } } } } },
    );
    for (const input of inputs) expect(await countRows('capital_reservations', `intent_id = $1 AND state = 'RESERVED'`, [intentIdFor(input.opportunityId)])).toBe(0);
  }, 180_000);
});
