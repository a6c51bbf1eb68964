/**
 * Tracking a resting leg: the Kalshi user-stream router pushes the fill into the owning workflow
 * as an `orderUpdate` signal; when the stream goes silent, the workflow's polling finds the fill.
 * The fill is real: another trader (the simulator's admin API) lifts our resting order.
 */
import { startIntent } from '../../clients/intents';
import type { IntentView } from '../../domain/intent-view';
import type { VenueSimulator, VenueSimulatorOptions } from '../../venues/sim';
import { stateQuery } from '../../workflows';
import { eventually } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { injectFault } from '../helpers/sim';
import { signalsReceived, withTestWorker } from '../helpers/temporal';

const KALSHI = 'FED-25DEC-T4.25';
// Nothing offered at 43¢: leg A (buy YES at 43¢) rests until someone sells YES to it.
const restingBook = (): { simulator: VenueSimulatorOptions } => ({ simulator: { books: { kalshi: { [KALSHI]: { yes: [[40, 100]], no: [[55, 100]] } } } } });

/** Someone else buys NO at 57¢, i.e. sells YES at 43¢: it lifts our resting YES bid. */
async function liftOurBid(sim: VenueSimulator): Promise<void> {
  const res = await fetch(`${sim.describe().kalshi.adminUrl}/trade`, { method: 'POST', body: JSON.stringify({ ticker: KALSHI, side: 'no', action: 'buy', count: 25, price: 57 }) });
  expect(await res.json()).toEqual({ traded: 25 });
}

describe('tracking a resting leg', () => {
  it('the user-stream router pushes the fill into the workflow, which goes on to leg B', async () => {
    const input = sampleIntent('router-fill', { entryWindowMs: 120_000, maxReprices: 0 });
    await withTestWorker(
      'router-fill',
      async ({ client, taskQueue, sim }) => {
        const handle = await startIntent(client, input, { taskQueue });
        await eventually('leg A resting', async () => ((await handle.query(stateQuery)).legs[0]!.phase === 'open' ? true : undefined));
        await liftOurBid(sim);
        const view: IntentView = await handle.result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });
        expect(view.legs[0]).toMatchObject({ filledQuantity: '25', phase: 'filled', averagePrice: '0.43' });
        expect(sim.kalshi.fills.filter((f) => !f.is_taker).map((f) => [f.client_order_id, f.count])).toEqual([[view.legs[0]!.orders![0]!.clientOrderId, 25]]);
        expect(await signalsReceived(client, handle.workflowId)).toContain('orderUpdate');
      },
      { ...restingBook(), router: true },
    );
  });

  it('a user stream that goes silent: polling finds the fill', async () => {
    const input = sampleIntent('silent-stream', { entryWindowMs: 120_000, maxReprices: 0 });
    await withTestWorker(
      'silent-stream',
      async ({ client, taskQueue, sim }) => {
        await injectFault(sim, 'kalshi', { endpoint: 'WS fill', kind: 'user_stream_silent', count: 100 });
        const handle = await startIntent(client, input, { taskQueue });
        await eventually('leg A resting', async () => ((await handle.query(stateQuery)).legs[0]!.phase === 'open' ? true : undefined));
        await liftOurBid(sim);
        const view: IntentView = await handle.result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });
        expect(view.legs[0]).toMatchObject({ filledQuantity: '25', phase: 'filled' });
        // Nothing came through the stream: the router had nothing to push.
        expect(await signalsReceived(client, handle.workflowId)).not.toContain('orderUpdate');
      },
      { ...restingBook(), router: true },
    );
  });
});
