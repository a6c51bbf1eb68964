/**
 * The daily realized-loss cap: intents whose leg B is refused unwind leg A at a loss; each loss is
 * recorded exactly (pnl_events) and the day's total goes to the governor's daily-loss breaker,
 * which halts everything once the cap is reached — the next intent is refused at the gate.
 */
import { Client as PgClient } from 'pg';
import { governorState } from '../../clients/governor';
import { startIntent } from '../../clients/intents';
import { kalshiFee } from '../../domain/fees';
import { intentIdFor } from '../../domain/intent';
import { dec, decStr } from '../../domain/money';
import { DAILY_LOSS_BREAKER } from '../../workers/daily-loss';
import { eventually, freshDatabase } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { injectFault, SUBMIT_ENDPOINT } from '../helpers/sim';
import { withTestWorker } from '../helpers/temporal';

describe('daily loss cap', () => {
  it('records each unwind loss exactly and halts once the day reaches the cap', async () => {
    // Its own ledger: the day's loss is summed over the whole ledger.
    const url = await freshDatabase('dailyloss');
    // Buy 25 YES at 43¢ (fee), sell them back at 40¢ (fee): the loss of one unwound intent.
    const oneLoss = decStr(dec('0.75').plus(dec(kalshiFee({ contracts: '25', price: '0.43', liquidity: 'taker' }))).plus(dec(kalshiFee({ contracts: '25', price: '0.40', liquidity: 'taker' }))));
    const cap = decStr(dec(oneLoss).times(dec('1.5'))); // reached by the second loss
    const inputs = [sampleIntent('loss-1'), sampleIntent('loss-2'), sampleIntent('loss-3')];
    await withTestWorker(
      'daily-loss',
      async ({ client, taskQueue, governorId, sim }) => {
        await injectFault(sim, 'polymarket', { endpoint: SUBMIT_ENDPOINT.polymarket, kind: 'reject', count: 10 });
        const first = await (await startIntent(client, inputs[0]!, { taskQueue })).result();
        expect(first).toMatchObject({ outcome: 'UNWOUND' });
        await eventually('the first loss measured', async () => ((await governorState(client, governorId)).breakers?.[DAILY_LOSS_BREAKER] ? true : undefined));
        expect((await governorState(client, governorId)).breakers?.[DAILY_LOSS_BREAKER]?.state.phase).toBe('CLOSED');

        expect(await (await startIntent(client, inputs[1]!, { taskQueue })).result()).toMatchObject({ outcome: 'UNWOUND' });
        await eventually('the breaker to trip at the cap', async () => ((await governorState(client, governorId)).breakers?.[DAILY_LOSS_BREAKER]?.state.phase === 'OPEN' ? true : undefined));

        const refused = await (await startIntent(client, inputs[2]!, { taskQueue })).result();
        expect(refused.phase).toBe('REJECTED');
        expect(refused.reason).toContain(DAILY_LOSS_BREAKER);
        // Only two intents ever traded.
        expect(sim.kalshi.orderLog.filter((o) => o.action === 'buy')).toHaveLength(2);
      },
      // Deep enough that both intents trade at the same prices: 43¢ in, 40¢ out.
      { databaseUrl: url, dailyLossCap: cap, simulator: { books: { kalshi: { 'FED-25DEC-T4.25': { yes: [[40, 1000]], no: [[57, 1000]] } } } } },
    );
    const pg = new PgClient({ connectionString: url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ intent_id: string; amount: string }>(`SELECT intent_id, amount::text AS amount FROM pnl_events WHERE kind = 'unwind' ORDER BY created_at`);
      expect(rows.map((r) => [r.intent_id, decStr(dec(r.amount))])).toEqual([
        [intentIdFor(inputs[0]!.opportunityId), decStr(dec(oneLoss).neg())],
        [intentIdFor(inputs[1]!.opportunityId), decStr(dec(oneLoss).neg())],
      ]);
    } finally {
      await pg.end();
    }
  });
});
