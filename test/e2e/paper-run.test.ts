/**
 * A paper run end to end: the simulator's seeded market world opens dislocations between Kalshi
 * and Polymarket, YES/NO parity mispricings on Polymarket and mispriced Kalshi BTC threshold
 * contracts; the signal loop (a heartbeating activity under its keeper workflow) finds them
 * through the venues' books, starts intents with deterministic opportunity ids for all three
 * strategies, and the intents trade. Parity and BTC intents are held to resolution: the world
 * resolves the event and the BTC contract within the run and the intents settle. At the end the
 * capital invariants hold: nothing reserved, every intent terminal, and the ledger's orders equal
 * the venues' order logs fill for fill.
 */
import { governorState } from '../../clients/governor';
import { ensureSignalLoop } from '../../clients/routers';
import { TERMINAL_INTENT_PHASES, type IntentView } from '../../domain/intent-view';
import { ALL_SCAN_REASONS } from '../../domain/strategies/strategy';
import { dec } from '../../domain/money';
import { countRows, eventually, withPg } from '../helpers/db';
import { withTestWorker } from '../helpers/temporal';

describe('paper run', () => {
  it('the seeded world produces opportunities for every strategy, intents complete or settle, and the capital invariants hold', async () => {
    await withTestWorker(
      'paper-run',
      async ({ client, taskQueue, sim, governorId }) => {
        const world = sim.world!;
        const loopId = await ensureSignalLoop(client, { taskQueue, intervalMs: 100 });
        const listIntents = async () => {
          const found: { id: string; running: boolean }[] = [];
          for await (const wf of client.workflow.list({ query: `WorkflowType = 'orderIntentWorkflow' AND TaskQueue = '${taskQueue}'` })) found.push({ id: wf.workflowId, running: wf.status.name === 'RUNNING' });
          return found;
        };
        // Drive the world until the loop has started intents of every strategy (each tick may open a dislocation).
        const started = await eventually(
          'intents of all three strategies started by the signal loop',
          async () => {
            await world.tick();
            const ids = (await listIntents()).map((w) => w.id);
            const has = (prefix: string) => ids.some((id) => id.startsWith(`intent-${prefix}:`));
            return has('xv') && has('parity') && has('btc') ? ids : undefined;
          },
          60_000,
        );
        const loop = client.workflow.getHandle(loopId);
        await loop.cancel();
        await loop.result().catch(() => undefined);
        // The loop may have started more before it stopped: wait for every intent it started to end.
        // Held intents end at their markets' resolution, which the world publishes on a tick from
        // then: keep ticking (every half second is enough).
        let lastTick = 0;
        const all = await eventually(
          'every intent of the run finished',
          async () => {
            if (Date.now() - lastTick > 500) {
              await world.tick();
              lastTick = Date.now();
            }
            const found = await listIntents();
            const ids = found.map((w) => w.id);
            const recorded = await countRows('intents', `id = ANY($1)`, [ids]);
            return found.every((w) => !w.running) && ids.length >= started.length && recorded === ids.length ? ids : undefined;
          },
          120_000,
        );
        started.splice(0, started.length, ...all);

        // Each id is the deterministic opportunity id of one dislocation:
        // xv:<pair>:<direction>:<prices>:e<epoch>, parity:<venue>:<market>:<prices>:e<epoch>, btc:<market>:<side>:<price>:e<epoch>.
        for (const id of started) {
          expect(id).toMatch(/^intent-(xv:[A-Za-z0-9._-]+:(ky-pn|kn-py):[\d.]+-[\d.]+|parity:(kalshi|poly):[A-Za-z0-9._-]+:[\d.]+-[\d.]+|btc:[A-Za-z0-9._-]+:(yes|no):[\d.]+):e\d+$/);
        }
        const views: IntentView[] = [];
        for (const id of started) views.push(await client.workflow.getHandle(id).result());
        for (const v of views) expect(TERMINAL_INTENT_PHASES).toContain(v.phase);
        expect(views.some((v) => v.outcome === 'FILLED' || v.outcome === 'PARTIAL' || v.outcome === 'UNWOUND')).toBe(true);
        // Parity: both tokens of one Polymarket market; BTC: one Kalshi leg on a BTC market. Either,
        // once filled, is held to its market's resolution and settled there.
        const btcTickers = world.btcMarkets.map((b) => b.kalshiTicker);
        const parity = views.filter((v) => v.strategy === 'parity');
        const btc = views.filter((v) => v.strategy === 'btc-fair-value');
        for (const v of parity) expect(v.legs.map((l) => [l.venue, l.outcome])).toEqual(expect.arrayContaining([['polymarket', 'yes'], ['polymarket', 'no']]));
        for (const v of btc) expect(v.legs.map((l) => [l.venue, btcTickers.includes(l.market)])).toEqual([['kalshi', true]]);
        // What an intent still holds after legging: leg A less what was unwound, and leg B.
        const holds = (v: IntentView) => v.legs.some((l) => dec(l.filledQuantity).minus(l.legId === 'A' ? dec(v.unwind?.filledQuantity ?? '0') : 0).gt(0));
        const settled = [...parity, ...btc].filter(holds);
        expect(settled.length).toBeGreaterThan(0);
        for (const v of settled) {
          expect(v.phases).toContain('SETTLING');
          expect(v.settlement?.realizedPnl).toBeDefined();
        }
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
        expect(ALL_SCAN_REASONS).toContain('ok');
        // The loop reported its feeds' health to the governor: both venues' streams known, breakers closed.
        const breakers = (await governorState(client, governorId)).breakers ?? {};
        expect(breakers['data:kalshi']?.state.phase).toBe('CLOSED');
        expect(breakers['data:polymarket']?.state.phase).toBe('CLOSED');
      },
      // One event (resolving 40 s in) and one BTC contract (45 s in: tradeable for its first 15 s, before the 30 s
      // minimum to expiry), so held intents settle within the run.
      { simulator: { world: { seed: 7, tickMs: 0, events: 1, resolveAfterMs: 40_000, dislocationRate: 0.5, parityRate: 0.5, btcMarkets: 1, btcResolveAfterMs: 45_000 } }, signalLoop: true },
    );
  }, 180_000);
});
