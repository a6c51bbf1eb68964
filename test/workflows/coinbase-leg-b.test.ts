/**
 * A Coinbase leg B is quote-checked against Coinbase's REST book (the execution seam's `touch`,
 * `GET /product_book`) and sent, instead of being skipped for want of a quote (which would unwind
 * leg A). Both legs trade BTC-USD here so their quantities are in one unit: bought at the ask,
 * hedged at the bid.
 */
import { clientOrderId } from '../../domain/client-order-id';
import { intentIdFor } from '../../domain/intent';
import { startIntent } from '../../clients/intents';
import { countRows } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { withTestWorker } from '../helpers/temporal';

const PRODUCT = 'BTC-USD';

describe('a Coinbase leg B', () => {
  it('is quote-checked against the product book and sent when its touch is within tolerance', async () => {
    // Leg B may sell down to 96900 − 50; the best bid is 97000.
    const input = sampleIntent('cb-leg-b', {
      priceTolerance: '50',
      legs: [
        { legId: 'A', venue: 'coinbase', market: PRODUCT, action: 'buy', limitPrice: '97100', quantity: '0.25' },
        { legId: 'B', venue: 'coinbase', market: PRODUCT, action: 'sell', limitPrice: '96900', quantity: '0.25' },
      ],
    });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker(
      'cb-leg-b',
      async ({ client, taskQueue, sim }) => {
        const view = await (await startIntent(client, input, { taskQueue })).result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED', exposedQuantity: '0' });
        expect(view.legs[1]).toMatchObject({ phase: 'filled', filledQuantity: '0.25', averagePrice: '97000' });
        expect(sim.coinbase.orderLog.map((o) => [o.client_order_id, o.side, o.filled_size])).toEqual([
          [clientOrderId(intentId, 'A', 1), 'BUY', '0.25'],
          [clientOrderId(intentId, 'B', 1), 'SELL', '0.25'],
        ]);
      },
      { simulator: { books: { coinbase: { [PRODUCT]: { bids: [['97000', '1']], asks: [['97100', '0.5']] } } } } },
    );
    expect(await countRows('audit_events', `intent_id = $1 AND action = 'leg.B.skipped'`, [intentId])).toBe(0);
    expect(await countRows('audit_events', `intent_id = $1 AND action = 'unwind.started'`, [intentId])).toBe(0);
  });
});
