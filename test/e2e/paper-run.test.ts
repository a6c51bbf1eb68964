/**
 * A paper run end to end: the simulator's seeded market world opens dislocations between Kalshi
 * and Polymarket, the signal loop (a heartbeating activity under its keeper workflow) finds them
 * through the venues' REST books, starts intents with deterministic opportunity ids, and the
 * intents trade both legs. At the end the capital invariants hold: nothing reserved, every
 * intent terminal, and the ledger's orders equal the venues' order logs fill for fill.
 */
import { governorState } from '../../clients/governor';
import { ensureSignalLoop } from '../../clients/routers';
import { TERMINAL_INTENT_PHASES, type IntentView } from '../../domain/intent-view';
import { SCAN_REASONS } from '../../domain/strategies/cross-venue';
import { countRows, eventually, withPg } from '../helpers/db';
import { withTestWorker } from '../helpers/temporal';

describe('paper run', () => {
  it('the seeded world produces opportunities, intents complete, and the capital invariants hold', async () => {
    await withTestWorker(
      'paper-run',
      async ({ client, taskQueue, sim, governorId }) => {
        const world = sim.world!;
        const loopId = await ensureSignalLoop(client, { taskQueue, intervalMs: 100 });
        // Drive the world until the loop has started intents (each tick may open a dislocation).
        const started = await eventually(
          'intents started by the signal loop',
          async () => {
            await world.tick();
            const ids: string[] = [];
            for await (const wf of client.workflow.list({ query: `WorkflowType = 'orderIntentWorkflow' AND TaskQueue = '${taskQueue}'` })) ids.push(wf.workflowId);
            return ids.length >= 2 ? ids : undefined;
          },
          60_000,
        );
        const loop = client.workflow.getHandle(loopId);
        await loop.cancel();
        await loop.result().catch(() => undefined);
        // The loop may have started more before it stopped: wait for every intent it started to end.
        const all = await eventually('every intent of the run finished', async () => {
          const ids: string[] = [];
          let running = 0;
          for await (const wf of client.workflow.list({ query: `WorkflowType = 'orderIntentWorkflow' AND TaskQueue = '${taskQueue}'` })) {
            ids.push(wf.workflowId);
            if (wf.status.name === 'RUNNING') running += 1;
          }
          const recorded = await countRows('intents', `workflow_id LIKE 'intent-xv:%' AND id = ANY($1)`, [ids]);
          return running === 0 && ids.length >= started.length && recorded === ids.length ? ids : undefined;
        }, 120_000);
        started.splice(0, started.length, ...all);

        // Each id is the deterministic opportunity id of one dislocation (xv:<pair>:<direction>:<prices>:e<epoch>).
        for (const id of started) expect(id).toMatch(/^intent-xv:[A-Za-z0-9._-]+:(ky-pn|kn-py):[\d.]+-[\d.]+:e\d+$/);
        const views: IntentView[] = [];
        for (const id of started) views.push(await client.workflow.getHandle(id).result());
        for (const v of views) expect(TERMINAL_INTENT_PHASES).toContain(v.phase);
        expect(views.some((v) => v.outcome === 'FILLED' || v.outcome === 'PARTIAL' || v.outcome === 'UNWOUND')).toBe(true);
        // Only high-confidence pairs ever traded.
        const lowConfidence = world.mapping.pairs.filter((p) => p.confidence === 'low').map((p) => p.kalshi.ticker);
        for (const v of views) expect(lowConfidence).not.toContain(v.legs.find((l) => l.venue === 'kalshi')?.market);

        const intentIds = views.map((v) => v.intentId);
        expect(await countRows('capital_reservations', `intent_id = ANY($1) AND state = 'RESERVED'`, [intentIds])).toBe(0);
        await withPg(async (pg) => {
          const { rows } = await pg.query<{ venue_order_id: string; filled: string }>(
            `SELECT venue_order_id, filled_quantity::text AS filled FROM venue_orders WHERE intent_id = ANY($1) AND venue_order_id IS NOT NULL`,
            [intentIds],
          );
          const ledger = new Map(rows.map((r) => [r.venue_order_id, Number(r.filled)]));
          for (const o of sim.kalshi.orderLog) expect([o.order_id, ledger.get(o.order_id)]).toEqual([o.order_id, o.fill_count]);
          for (const o of sim.polymarket.orderLog) expect([o.id, ledger.get(o.id)]).toEqual([o.id, Number(o.size_matched)]);
          expect(rows).toHaveLength(sim.kalshi.orderLog.length + sim.polymarket.orderLog.length);
        });
        expect(SCAN_REASONS).toContain('ok');
        // The loop reported its feeds' health to the governor: both venues' streams known, breakers closed.
        const breakers = (await governorState(client, governorId)).breakers ?? {};
        expect(breakers['data:kalshi']?.state.phase).toBe('CLOSED');
        expect(breakers['data:polymarket']?.state.phase).toBe('CLOSED');
      },
      { simulator: { world: { seed: 7, tickMs: 0, dislocationRate: 0.5 } }, signalLoop: true },
    );
  }, 180_000);
});
