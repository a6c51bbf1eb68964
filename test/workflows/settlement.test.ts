/**
 * Settlement on the real dev server: a filled pair waits durably for both markets to resolve
 * (resolved through the simulator's admin API, as a venue would), then payout, fees and realized
 * PnL are exact in the view and the ledger; a pair the venues resolve differently is recorded as
 * divergent; a long wait continues as new and keeps its capital reserved until the end.
 */
import { startIntent } from '../../clients/intents';
import { kalshiFee } from '../../domain/fees';
import { intentIdFor } from '../../domain/intent';
import type { IntentView } from '../../domain/intent-view';
import { dec, decStr } from '../../domain/money';
import type { VenueSimulator } from '../../venues/sim';
import { stateQuery } from '../../workflows';
import { countRows, eventually, withPg } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { withTestWorker } from '../helpers/temporal';

const KALSHI = 'FED-25DEC-T4.25';
const POLY = '7132104567925221259';

async function resolve(sim: VenueSimulator, kalshiResult: 'yes' | 'no', polymarketWins: boolean): Promise<void> {
  const d = sim.describe();
  for (const [url, body] of [
    [`${d.kalshi.adminUrl}/resolve`, { ticker: KALSHI, result: kalshiResult }],
    [`${d.polymarket.adminUrl}/resolve`, { token_id: POLY, winner: polymarketWins }],
  ] as const) {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  }
}

describe('settlement', () => {
  it('waits for both markets, then records payout, fees and realized PnL exactly; capital stays reserved until then', async () => {
    const input = sampleIntent('settle', { awaitSettlement: true, settlementPollMs: 200 });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker('settle', async ({ client, taskQueue, sim }) => {
      const handle = await startIntent(client, input, { taskQueue });
      await eventually('the intent waits for settlement', async () => ((await handle.query(stateQuery)).phase === 'SETTLING' ? true : undefined));
      expect(await countRows('capital_reservations', `intent_id = $1 AND state = 'RESERVED'`, [intentId])).toBe(2);

      // Kalshi says YES: leg A (YES on Kalshi) pays 1 per contract, leg B (the NO token) nothing.
      await resolve(sim, 'yes', false);
      const view: IntentView = await handle.result();
      const feeA = kalshiFee({ contracts: '25', price: '0.43', liquidity: 'taker' });
      const expectedA = decStr(dec('25').minus(dec('10.75')).minus(dec(feeA)));
      expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });
      expect(view.phases).toEqual(['RECEIVED', 'RECORDED', 'LEG_A', 'LEG_B', 'SETTLING', 'COMPLETED']);
      expect(view.settlement?.legs?.map((l) => [l.legId, l.result, l.payout, l.cost, l.fees, l.realizedPnl, l.currency])).toEqual([
        ['A', 'yes', '25', '10.75', feeA, expectedA, 'USD'],
        ['B', 'lost', '0', '13.75', '0', '-13.75', 'USDC'],
      ]);
      expect(view.settlement).toMatchObject({ divergent: false, realizedPnl: decStr(dec(expectedA).minus(dec('13.75'))) });
      expect(view.reason).toMatch(/settled: realized PnL/);
    });
    await withPg(async (pg) => {
      const { rows } = await pg.query<{ id: string; amount: string; kind: string }>(`SELECT id, amount::text AS amount, kind FROM pnl_events WHERE intent_id = $1 ORDER BY id`, [intentId]);
      expect(rows.map((r) => [r.id, r.kind, decStr(dec(r.amount))])).toEqual([
        [`${intentId}:settlement:A`, 'settlement', decStr(dec('14.25').minus(dec(kalshiFee({ contracts: '25', price: '0.43', liquidity: 'taker' }))))],
        [`${intentId}:settlement:B`, 'settlement', '-13.75'],
      ]);
    });
    expect(await countRows('audit_events', `intent_id = $1 AND action = 'intent.settled'`, [intentId])).toBe(1);
    expect(await countRows('capital_reservations', `intent_id = $1 AND state = 'RELEASED'`, [intentId])).toBe(2);
  });

  it('records a pair the venues resolved differently as divergent, across continue-as-new runs of the wait', async () => {
    const input = sampleIntent('settle-divergent', { awaitSettlement: true, settlementPollMs: 100, settlementPollsPerRun: 2 });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker('settle-divergent', async ({ client, taskQueue, sim }) => {
      const handle = await startIntent(client, input, { taskQueue });
      const firstRun = handle.firstExecutionRunId;
      // Wait until the wait has continued as new at least once (a new run id answers the query).
      await eventually('the settlement wait continued as new', async () => {
        const v = await client.workflow.getHandle(handle.workflowId).query(stateQuery);
        return v.phase === 'SETTLING' && v.runId !== firstRun ? true : undefined;
      });
      expect(await countRows('capital_reservations', `intent_id = $1 AND state = 'RESERVED'`, [intentId])).toBe(2);
      // Both venues say the contract each leg bought won: one of them is wrong about the event.
      await resolve(sim, 'yes', true);
      const view: IntentView = await client.workflow.getHandle(handle.workflowId).result();
      expect(view.settlement).toMatchObject({ divergent: true });
      expect(view.reason).toMatch(/resolved the pair differently/);
    });
    expect(await countRows('audit_events', `intent_id = $1 AND action = 'intent.settled.divergent'`, [intentId])).toBe(1);
    expect(await countRows('capital_reservations', `intent_id = $1 AND state = 'RESERVED'`, [intentId])).toBe(0);
    expect(await countRows('intents', `id = $1 AND state = 'COMPLETED'`, [intentId])).toBe(1);
  });
});
