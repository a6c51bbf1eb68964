/**
 * Tracking a resting Polymarket leg: the Polymarket user-stream router finds the owner of a fill
 * that carries no client order id by the order hash in the ledger, and pushes it into the intent as
 * an `orderUpdate` signal. The fill is real: another trader (the simulator's admin API) takes our
 * resting bid, over loopback HTTP and the simulator's `/ws/user`.
 */
import { startIntent } from '../../clients/intents';
import type { IntentView } from '../../domain/intent-view';
import { stateQuery } from '../../workflows';
import { eventually } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { simAdmin } from '../helpers/sim';
import { signalsReceived, withTestWorker } from '../helpers/temporal';

const TOKEN = '7132104567925221259'; // asks from 0.55: a bid at 0.50 rests
const KALSHI = 'FED-25DEC-T4.25'; // YES offered at 0.43 × 30

describe('tracking a resting Polymarket leg', () => {
  it('the router finds the owner by the order hash and pushes the fill into the workflow, which goes on to leg B', async () => {
    const input = sampleIntent('pm-router-fill', {
      entryWindowMs: 120_000,
      maxReprices: 0,
      legs: [
        { legId: 'A', venue: 'polymarket', market: TOKEN, outcome: 'yes', action: 'buy', limitPrice: '0.50', quantity: '25' },
        { legId: 'B', venue: 'kalshi', market: KALSHI, outcome: 'yes', action: 'buy', limitPrice: '0.43', quantity: '25' },
      ],
    });
    await withTestWorker(
      'pm-router-fill',
      async ({ client, taskQueue, sim }) => {
        // The router is listening before anything trades (fills are not replayed to late subscribers).
        await eventually('router subscribed to the user channel', async () => sim.polymarket.account.subscribedUserClients() === 1);
        const handle = await startIntent(client, input, { taskQueue });
        await eventually('leg A resting', async () => ((await handle.query(stateQuery)).legs[0]!.phase === 'open' ? true : undefined));
        expect(await simAdmin(sim, 'polymarket', 'trade', { token_id: TOKEN, side: 'SELL', size: '25', price: '0.5' })).toEqual({ traded: '25' });

        const view: IntentView = await handle.result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });
        expect(view.legs[0]).toMatchObject({ filledQuantity: '25', phase: 'filled', averagePrice: '0.5' });
        const ours = sim.polymarket.orderLog.find((o) => o.asset_id === TOKEN)!;
        expect(sim.polymarket.account.trades.flatMap((t) => t.maker_orders.filter((m) => m.order_id === ours.id).map((m) => m.matched_amount))).toEqual(['25']);
        expect(await signalsReceived(client, handle.workflowId)).toContain('orderUpdate');
      },
      { router: 'polymarket' },
    );
  });
});
