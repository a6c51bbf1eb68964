/**
 * Every legging path of orderIntentWorkflow on the real dev server, trading over real HTTP against
 * the venue simulator, with the simulator's own order log as the venue's truth.
 */
import { clientOrderId } from '../../domain/client-order-id';
import { intentIdFor } from '../../domain/intent';
import type { IntentView } from '../../domain/intent-view';
import { SA_LEG_A_STATE, SA_STUCK_SINCE } from '../../domain/search-attributes';
import { startIntent } from '../../clients/intents';
import { cancelIntentSignal, stateQuery } from '../../workflows';
import { countRows, eventually } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { injectFault, SUBMIT_ENDPOINT } from '../helpers/sim';
import { withTestWorker } from '../helpers/temporal';

const KALSHI = 'FED-25DEC-T4.25';
const POLY = '7132104567925221259';

async function expectNothingReserved(intentId: string): Promise<void> {
  expect(await countRows('capital_reservations', `intent_id = $1 AND state = 'RESERVED'`, [intentId])).toBe(0);
  expect(await countRows('capital_reservations', `intent_id = $1 AND state = 'RELEASED'`, [intentId])).toBe(2);
}

describe('legging paths', () => {
  it('leg A rejected by the venue: the intent is REJECTED with the venue reason, leg B is never sent', async () => {
    const input = sampleIntent('leg-a-rejected');
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker('leg-a-rejected', async ({ client, taskQueue, sim }) => {
      await injectFault(sim, 'kalshi', { endpoint: SUBMIT_ENDPOINT.kalshi, kind: 'reject' });
      const view = await (await startIntent(client, input, { taskQueue })).result();
      expect(view).toMatchObject({ phase: 'REJECTED', outcome: 'NOT_FILLED' });
      expect(view.reason).toMatch(/leg A rejected by kalshi: .*insufficient balance/);
      expect(view.legs.map((l) => l.phase)).toEqual(['rejected', 'SKIPPED']);
      expect(sim.kalshi.orderLog).toHaveLength(0);
      expect(sim.polymarket.orderLog).toHaveLength(0);
    });
    expect(await countRows('intents', `id = $1 AND state = 'REJECTED'`, [intentId])).toBe(1);
    expect(await countRows('venue_orders', `intent_id = $1 AND state = 'rejected'`, [intentId])).toBe(1);
    await expectNothingReserved(intentId);
  });

  it('leg A partly filled, the rest cancelled at the window end; leg B trades only what A filled', async () => {
    // 10 YES offered at 43¢ (a NO bid at 57¢), nothing else: A fills 10 of 25 and rests 15.
    const input = sampleIntent('leg-a-partial', { entryWindowMs: 800, maxReprices: 0, priceTolerance: '0' });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker(
      'leg-a-partial',
      async ({ client, taskQueue, sim }) => {
        const view = await (await startIntent(client, input, { taskQueue })).result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'PARTIAL', exposedQuantity: '0' });
        expect(view.legs.map((l) => [l.legId, l.filledQuantity, l.phase])).toEqual([
          ['A', '10', 'cancelled'],
          ['B', '10', 'filled'],
        ]);
        expect(sim.kalshi.orderLog.map((o) => [o.client_order_id, o.status, o.fill_count, o.remaining_count])).toEqual([[clientOrderId(intentId, 'A', 1), 'canceled', 10, 15]]);
        expect(sim.polymarket.orderLog.map((o) => [o.original_size, o.size_matched])).toEqual([['10', '10']]);
      },
      { simulator: { books: { kalshi: { [KALSHI]: { yes: [[40, 100]], no: [[57, 10]] } } } } },
    );
    expect(await countRows('venue_orders', `intent_id = $1 AND leg_id = 'A' AND state = 'cancelled' AND filled_quantity = 10`, [intentId])).toBe(1);
    await expectNothingReserved(intentId);
  });

  it('reprices a resting leg one tick at a time within tolerance, and fills', async () => {
    // Offered at 43¢; A bids 41¢ with 2¢ of tolerance: 41 → 42 → 43 fills on the second reprice.
    const input = sampleIntent('reprice', { entryWindowMs: 30_000, repriceAfterMs: 400, maxReprices: 2, priceTolerance: '0.02' });
    input.legs[0] = { ...input.legs[0]!, limitPrice: '0.41' };
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker('reprice', async ({ client, taskQueue, sim }) => {
      const view = await (await startIntent(client, input, { taskQueue })).result();
      expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });
      expect(view.legs[0]!.orders!.map((o) => [o.attempt, o.price, o.state, o.filledQuantity])).toEqual([
        [1, '0.41', 'cancelled', '0'],
        [2, '0.42', 'cancelled', '0'],
        [3, '0.43', 'filled', '25'],
      ]);
      expect(sim.kalshi.orderLog.map((o) => [o.client_order_id, o.yes_price, o.status])).toEqual([
        [clientOrderId(intentId, 'A', 1), 41, 'canceled'],
        [clientOrderId(intentId, 'A', 2), 42, 'canceled'],
        [clientOrderId(intentId, 'A', 3), 43, 'executed'],
      ]);
    });
    expect(await countRows('audit_events', `intent_id = $1 AND action LIKE 'leg.A.%.repriced'`, [intentId])).toBe(2);
  });

  it('cancels instead of chasing a price that moved beyond tolerance', async () => {
    // Offered at 43¢; A bids 41¢ with 1¢ of tolerance: 42, and 43 would be 2¢ away. The window
    // leaves room for more reprices than the tolerance does.
    const input = sampleIntent('beyond-tolerance', { entryWindowMs: 30_000, repriceAfterMs: 400, maxReprices: 2, priceTolerance: '0.01' });
    input.legs[0] = { ...input.legs[0]!, limitPrice: '0.41' };
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker('beyond-tolerance', async ({ client, taskQueue, sim }) => {
      const view = await (await startIntent(client, input, { taskQueue })).result();
      expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'NOT_FILLED' });
      expect(view.legs[0]!.orders!.map((o) => o.price)).toEqual(['0.41', '0.42']);
      expect(sim.kalshi.orderLog.every((o) => o.status === 'canceled' && o.fill_count === 0)).toBe(true);
      expect(sim.polymarket.orderLog).toHaveLength(0);
    });
    expect(await countRows('audit_events', `intent_id = $1 AND action LIKE 'leg.A.%.given-up' AND reason LIKE '%tolerance%'`, [intentId])).toBe(1);
    await expectNothingReserved(intentId);
  });

  it('leg B rejected: leg A is unwound on its own venue and the intent ends flat', async () => {
    const input = sampleIntent('leg-b-rejected');
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker('leg-b-rejected', async ({ client, taskQueue, sim }) => {
      await injectFault(sim, 'polymarket', { endpoint: SUBMIT_ENDPOINT.polymarket, kind: 'reject' });
      const view = await (await startIntent(client, input, { taskQueue })).result();
      expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'UNWOUND', exposedQuantity: '0' });
      expect(view.phases).toEqual(['RECEIVED', 'RECORDED', 'LEG_A', 'LEG_B', 'UNWINDING', 'COMPLETED']);
      expect(view.legs[1]!.phase).toBe('rejected');
      // The unwind sells the 25 YES back into the 40¢ YES bids (limit 43 − 5 = 38¢, immediate-or-cancel).
      expect(view.unwind).toMatchObject({ action: 'sell', filledQuantity: '25', averagePrice: '0.4' });
      expect(sim.kalshi.orderLog.map((o) => [o.client_order_id, o.action, o.fill_count])).toEqual([
        [clientOrderId(intentId, 'A', 1), 'buy', 25],
        [clientOrderId(intentId, 'U', 1), 'sell', 25],
      ]);
    });
    expect(await countRows('audit_events', `intent_id = $1 AND action = 'unwind.started'`, [intentId])).toBe(1);
    await expectNothingReserved(intentId);
  });

  it("leg B's quote moved beyond tolerance: leg B is never sent and leg A is unwound", async () => {
    const input = sampleIntent('leg-b-stale');
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker(
      'leg-b-stale',
      async ({ client, taskQueue, sim }) => {
        const view = await (await startIntent(client, input, { taskQueue })).result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'UNWOUND', exposedQuantity: '0' });
        expect(view.legs[1]!.phase).toBe('SKIPPED');
        expect(sim.polymarket.orderLog).toHaveLength(0);
        expect(sim.kalshi.orderLog.map((o) => [o.action, o.fill_count])).toEqual([
          ['buy', 25],
          ['sell', 25],
        ]);
      },
      // Leg B may pay up to 55¢ + 2¢; the token is now offered at 60¢.
      { simulator: { books: { polymarket: { [POLY]: { bids: [['0.52', '100']], asks: [['0.60', '100']] } } } } },
    );
    expect(await countRows('audit_events', `intent_id = $1 AND action = 'leg.B.skipped' AND reason LIKE '%beyond its limit 0.55%'`, [intentId])).toBe(1);
    await expectNothingReserved(intentId);
  });

  it('hedges each fill of leg A as it arrives: leg B is sent per increment while leg A still rests', async () => {
    const input = sampleIntent('hedge-per-fill', { entryWindowMs: 120_000, maxReprices: 0 });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker(
      'hedge-per-fill',
      async ({ client, taskQueue, sim }) => {
        const lift = async (count: number) => {
          // Another trader sells YES at 43¢ (buys NO at 57¢) into our resting bid.
          const res = await fetch(`${sim.describe().kalshi.adminUrl}/trade`, { method: 'POST', body: JSON.stringify({ ticker: KALSHI, side: 'no', action: 'buy', count, price: 57 }) });
          expect(await res.json()).toEqual({ traded: count });
        };
        const handle = await startIntent(client, input, { taskQueue });
        await eventually('leg A resting', async () => ((await handle.query(stateQuery)).legs[0]!.phase === 'open' ? true : undefined));
        await lift(10);
        // The first hedge goes out for the 10 filled while the other 15 of leg A still rest.
        const hedgedWhileResting = await eventually('a hedge for the first fill', async () => {
          const v = await handle.query(stateQuery);
          return v.legs[1]!.filledQuantity === '10' ? v : undefined;
        });
        expect(hedgedWhileResting.legs[0]).toMatchObject({ phase: 'partially_filled', filledQuantity: '10' });
        await lift(15);
        const view: IntentView = await handle.result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED', exposedQuantity: '0' });
        expect(view.legs[1]!.orders!.map((o) => [o.attempt, o.quantity, o.filledQuantity])).toEqual([
          [1, '10', '10'],
          [2, '15', '15'],
        ]);
        expect(sim.polymarket.orderLog.map((o) => o.size_matched)).toEqual(['10', '15']);
        expect(sim.kalshi.orderLog).toHaveLength(1);
      },
      { simulator: { books: { kalshi: { [KALSHI]: { yes: [[40, 100]], no: [[55, 100]] } } } } },
    );
    await expectNothingReserved(intentId);
  });

  it('re-sends a good-till-date order the venue expired while its window is open, then fills', async () => {
    // Each order lives 1 s at Kalshi; leg A rests (nothing offered at 43¢) through at least one expiry.
    const input = sampleIntent('expiry', { entryWindowMs: 120_000, maxReprices: 0, orderTtlMs: 1_000 });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker(
      'expiry',
      async ({ client, taskQueue, sim }) => {
        const handle = await startIntent(client, input, { taskQueue });
        await eventually('a re-sent order after an expiry', async () => {
          const v = await handle.query(stateQuery);
          return (v.legs[0]!.orders?.length ?? 0) >= 2 && v.legs[0]!.phase === 'open' ? true : undefined;
        }, 60_000);
        const expired = sim.kalshi.orderLog.filter((o) => o.status === 'canceled');
        expect(expired.length).toBeGreaterThanOrEqual(1);
        expect(expired.every((o) => o.yes_price === 43 && o.expiration_time !== undefined && o.fill_count === 0)).toBe(true);
        // Someone sells YES at 43¢ into the current order. Between an expiry and its re-send there
        // is a moment with no bid at 43¢: the sell then trades nothing (IOC) and is tried again.
        await eventually('our bid lifted', async () => {
          const res = await fetch(`${sim.describe().kalshi.adminUrl}/trade`, { method: 'POST', body: JSON.stringify({ ticker: KALSHI, side: 'no', action: 'buy', count: 25, price: 57 }) });
          const { traded } = (await res.json()) as { traded: number };
          expect([0, 25]).toContain(traded);
          return traded === 25 ? true : undefined;
        });
        const view: IntentView = await handle.result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });
        const orders = view.legs[0]!.orders!;
        expect(orders.at(-1)).toMatchObject({ state: 'filled', filledQuantity: '25', price: '0.43' });
        expect(orders.slice(0, -1).every((o) => o.state === 'cancelled' && o.filledQuantity === '0')).toBe(true);
        // Every attempt is its own client order id: nothing was ever sent twice.
        expect(new Set(sim.kalshi.orderLog.map((o) => o.client_order_id)).size).toBe(sim.kalshi.orderLog.length);
      },
      { simulator: { books: { kalshi: { [KALSHI]: { yes: [[40, 100]], no: [[55, 100]] } } } } },
    );
    expect(await countRows('audit_events', `intent_id = $1 AND action LIKE 'leg.A.%.resubmitted'`, [intentId])).toBeGreaterThanOrEqual(1);
    await expectNothingReserved(intentId);
  });

  it('leg B partly filled: the remainder is cancelled and exactly the uncovered quantity is unwound', async () => {
    const input = sampleIntent('leg-b-partial', { leggingWindowMs: 800, maxReprices: 0 });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker(
      'leg-b-partial',
      async ({ client, taskQueue, sim }) => {
        const view = await (await startIntent(client, input, { taskQueue })).result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'UNWOUND' });
        expect(view.legs.map((l) => [l.legId, l.filledQuantity])).toEqual([
          ['A', '25'],
          ['B', '10'],
        ]);
        expect(view.unwind).toMatchObject({ quantity: '15', filledQuantity: '15' });
        expect(sim.kalshi.orderLog.filter((o) => o.action === 'sell').map((o) => o.fill_count)).toEqual([15]);
      },
      { simulator: { books: { polymarket: { [POLY]: { bids: [['0.52', '100']], asks: [['0.55', '10']] } } } } },
    );
    await expectNothingReserved(intentId);
  });

  it('an unwind that finds no bids leaves the intent UNHEDGED, audited, with its capital released', async () => {
    const input = sampleIntent('unhedged');
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker(
      'unhedged',
      async ({ client, taskQueue, sim }) => {
        await injectFault(sim, 'polymarket', { endpoint: SUBMIT_ENDPOINT.polymarket, kind: 'reject' });
        const view = await (await startIntent(client, input, { taskQueue })).result();
        expect(view).toMatchObject({ phase: 'UNHEDGED', outcome: 'UNHEDGED', exposedQuantity: '25' });
        expect(sim.kalshi.orderLog.filter((o) => o.action === 'sell')).toHaveLength(3);
      },
      // Nobody bids for YES: the unwind has nothing to sell into.
      { simulator: { books: { kalshi: { [KALSHI]: { yes: [], no: [[57, 30]] } } } } },
    );
    expect(await countRows('intents', `id = $1 AND state = 'UNHEDGED'`, [intentId])).toBe(1);
    expect(await countRows('audit_events', `intent_id = $1 AND action = 'unwind.unhedged'`, [intentId])).toBe(1);
    await expectNothingReserved(intentId);
  });

  it('accept-then-drop on submit: the lookup finds the order, exactly one order exists at the venue', async () => {
    const input = sampleIntent('accept-drop');
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker('accept-drop', async ({ client, taskQueue, sim }) => {
      await injectFault(sim, 'kalshi', { endpoint: SUBMIT_ENDPOINT.kalshi, kind: 'accept_then_drop' });
      await injectFault(sim, 'polymarket', { endpoint: SUBMIT_ENDPOINT.polymarket, kind: 'accept_then_drop' });
      const view = await (await startIntent(client, input, { taskQueue })).result();
      expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });
      expect(sim.kalshi.orderLog.map((o) => o.client_order_id)).toEqual([clientOrderId(intentId, 'A', 1)]);
      expect(sim.polymarket.orderLog).toHaveLength(1);
    });
  });

  it('a submit that stays unresolved past its deadline is treated as possibly live: cancelled by client id, never re-sent blind', async () => {
    // Every lookup fails for a while, so no submit attempt can learn whether the order exists (and
    // none may post without that answer); past the 2 s deadline the leg is cancelled by client id.
    const input = sampleIntent('unresolved', { submitDeadlineMs: 2_000 });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker('unresolved', async ({ client, taskQueue, sim }) => {
      await injectFault(sim, 'kalshi', { endpoint: 'GET /trade-api/v2/portfolio/orders', kind: 'http_5xx', count: 8 });
      const view = await (await startIntent(client, input, { taskQueue })).result();
      // The cancel's own lookup, once the venue answers again, says the venue never had it.
      expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'NOT_FILLED' });
      expect(view.legs[0]!.orders!.map((o) => [o.clientOrderId, o.state])).toEqual([[clientOrderId(intentId, 'A', 1), 'cancelled']]);
      expect(sim.kalshi.orderLog).toHaveLength(0);
    });
    expect(await countRows('audit_events', `intent_id = $1 AND action = 'leg.A.1.unresolved'`, [intentId])).toBe(1);
    await expectNothingReserved(intentId);
  });

  it('a 429 storm with Retry-After delays the submit but never duplicates it', async () => {
    const input = sampleIntent('storm-429');
    await withTestWorker('storm-429', async ({ client, taskQueue, sim }) => {
      await injectFault(sim, 'kalshi', { endpoint: SUBMIT_ENDPOINT.kalshi, kind: 'http_429', count: 4, retryAfterSeconds: 0 });
      await injectFault(sim, 'polymarket', { endpoint: SUBMIT_ENDPOINT.polymarket, kind: 'http_5xx', count: 3 });
      const view = await (await startIntent(client, input, { taskQueue })).result();
      expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });
      expect(sim.kalshi.orderLog).toHaveLength(1);
      expect(sim.polymarket.orderLog).toHaveLength(1);
    });
  });

  it('shows a resting leg as stuck in visibility, and an operator cancel cancels it at the venue', async () => {
    // Nothing offered below 45¢: leg A rests at 43¢ for the whole (long) window.
    const input = sampleIntent('operator-cancel', { entryWindowMs: 120_000, maxReprices: 0 });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker(
      'operator-cancel',
      async ({ client, taskQueue, sim }) => {
        const handle = await startIntent(client, input, { taskQueue });
        const resting: IntentView = await eventually('leg A resting', async () => {
          const v = await handle.query(stateQuery);
          return v.legs[0]!.phase === 'open' ? v : undefined;
        });
        expect(resting.legs[0]!.waitingSince).toEqual(expect.any(String));
        // The ledger follows the working phase too.
        expect(await countRows('intents', `id = $1 AND state = 'LEG_A'`, [intentId])).toBe(1);
        const described = await handle.describe();
        expect(described.typedSearchAttributes.get(SA_LEG_A_STATE)).toBe('open');
        expect(described.typedSearchAttributes.get(SA_STUCK_SINCE)).toBeInstanceOf(Date);
        // The Web UI's stuck-leg query (README) finds it.
        const query = `WorkflowId = '${handle.workflowId}' AND LegworkStuckSince < '${new Date(Date.now() + 1000).toISOString()}' AND ExecutionStatus = 'Running'`;
        await eventually('stuck-leg query', async () => {
          for await (const wf of client.workflow.list({ query })) return wf.workflowId === handle.workflowId;
          return false;
        });

        await handle.signal(cancelIntentSignal, { reason: 'edge gone', operator: 'ops' });
        const view = await handle.result();
        expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'CANCELLED' });
        expect(view.reason).toMatch(/cancelled by ops: edge gone/);
        expect(sim.kalshi.orderLog.map((o) => o.status)).toEqual(['canceled']);
        expect((await handle.describe()).typedSearchAttributes.get(SA_STUCK_SINCE)).toBeUndefined();
      },
      { simulator: { books: { kalshi: { [KALSHI]: { yes: [[40, 100]], no: [[55, 100]] } } } } },
    );
    await expectNothingReserved(intentId);
  });
});
