/**
 * Tracking a resting Coinbase leg: the Coinbase user-stream router (the `user` channel) pushes the
 * fill into the owning workflow as an `orderUpdate` signal. The fill is real: another trader (the
 * simulator's admin API) sells into our resting bid.
 */
import { startIntent } from '../../clients/intents';
import type { IntentView } from '../../domain/intent-view';
import type { VenueSimulator } from '../../venues/sim';
import { stateQuery } from '../../workflows';
import { eventually } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { simAdmin } from '../helpers/sim';
import { signalsReceived, withTestWorker } from '../helpers/temporal';

const PRODUCT = 'BTC-USD';

/** Someone else sells 0.1 BTC down to 96000: other traders bid only at 90000, so it meets our bid. */
async function sellIntoOurBid(sim: VenueSimulator): Promise<void> {
  expect(await simAdmin(sim, 'coinbase', 'trade', { product_id: PRODUCT, side: 'SELL', size: '0.1', price: '96000' })).toEqual({ traded: '0.1', oursTraded: '0.1' });
}

describe('tracking a resting Coinbase leg', () => {
  it('the Coinbase user-stream router pushes the fill into the workflow, which completes', async () => {
    // One leg, resting: a bid at 96000 under the 97100 ask (one leg keeps this about the router;
    // test/workflows/coinbase-leg-b.test.ts hedges with a Coinbase leg B).
    const input = sampleIntent('cb-router-fill', {
      entryWindowMs: 120_000,
      maxReprices: 0,
      priceTolerance: '0',
      legs: [
        { legId: 'A', venue: 'coinbase', market: PRODUCT, action: 'buy', limitPrice: '96000', quantity: '0.1' },
      ],
    });
    await withTestWorker(
      'cb-router-fill',
      async ({ client, taskQueue, sim }) => {
        const handle = await startIntent(client, input, { taskQueue });
        await eventually('leg A resting', async () => ((await handle.query(stateQuery)).legs[0]!.phase === 'open' ? true : undefined));
        await sellIntoOurBid(sim);
        const view: IntentView = await handle.result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });
        expect(view.legs[0]).toMatchObject({ filledQuantity: '0.1', phase: 'filled', averagePrice: '96000' });
        expect(await signalsReceived(client, handle.workflowId)).toContain('orderUpdate');
      },
      { simulator: { books: { coinbase: { [PRODUCT]: { bids: [['90000', '1']], asks: [['97100', '1']] } } } }, router: 'coinbase' },
    );
  });
});
