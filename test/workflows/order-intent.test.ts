/** orderIntentWorkflow on the real Temporal dev server with the real ledger. */
import { WorkflowNotFoundError } from '@temporalio/client';
import { clientOrderId } from '../../domain/client-order-id';
import { intentIdFor, intentWorkflowId } from '../../domain/intent';
import { SA_INTENT_STATE, SA_STRATEGY, SA_VENUES } from '../../domain/search-attributes';
import { ValidationError } from '../../domain/validation';
import { DuplicateIntentError, startIntent } from '../../clients/intents';
import { stateQuery } from '../../workflows';
import { countRows, eventually } from '../helpers/db';
import { governorState } from '../../clients/governor';
import { sampleIntent } from '../helpers/intents';
import { withTestWorker } from '../helpers/temporal';

describe('orderIntentWorkflow', () => {
  it('records the intent, trades both legs at the venues, answers the state query, and completes', async () => {
    const input = sampleIntent('happy');
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker('intent-happy', async ({ client, taskQueue, sim }) => {
      const handle = await startIntent(client, input, { taskQueue });
      const view = await handle.result();
      expect(view).toMatchObject({ intentId, opportunityId: input.opportunityId, phase: 'COMPLETED', outcome: 'FILLED', workflowId: intentWorkflowId(input.opportunityId) });
      expect(view.phases).toEqual(['RECEIVED', 'RECORDED', 'LEG_A', 'LEG_B', 'COMPLETED']);
      expect(view.legs.map((l) => [l.legId, l.limitPrice, l.quantity, l.filledQuantity, l.phase])).toEqual([
        ['A', '0.43', '25', '25', 'filled'],
        ['B', '0.55', '25', '25', 'filled'],
      ]);
      // One order per leg at each venue, with the deterministic client order ids.
      expect(sim.kalshi.orderLog.map((o) => [o.client_order_id, o.fill_count])).toEqual([[clientOrderId(intentId, 'A', 1), 25]]);
      expect(sim.polymarket.orderLog.map((o) => o.size_matched)).toEqual(['25']);
      // The query still answers after completion (operators look at finished intents too).
      expect(await handle.query(stateQuery)).toEqual(view);

      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(SA_INTENT_STATE)).toBe('COMPLETED');
      expect(description.typedSearchAttributes.get(SA_STRATEGY)).toBe('xvenue-binary-arb');
      expect(description.typedSearchAttributes.get(SA_VENUES)).toEqual(['kalshi', 'polymarket']);
    });
    expect(await countRows('intents', 'id = $1', [intentId])).toBe(1);
    expect(await countRows('legs', 'intent_id = $1', [intentId])).toBe(2);
    // intent.accepted and intent.completed
    expect(await countRows('audit_events', 'intent_id = $1', [intentId])).toBe(2);
    expect(await countRows('venue_orders', `intent_id = $1 AND state = 'filled'`, [intentId])).toBe(2);
    expect(await countRows('intents', `id = $1 AND state = 'COMPLETED'`, [intentId])).toBe(1);
    // Both legs' capital was reserved and is released again.
    expect(await countRows('capital_reservations', `intent_id = $1 AND state = 'RELEASED'`, [intentId])).toBe(2);
    expect(await countRows('capital_reservations', `intent_id = $1 AND state = 'RESERVED'`, [intentId])).toBe(0);
  });

  it('rejects a second start for the same opportunity instead of running it twice', async () => {
    const input = sampleIntent('dupe');
    await withTestWorker('intent-dupe', async ({ client, taskQueue }) => {
      await (await startIntent(client, input, { taskQueue })).result();
      await expect(startIntent(client, input, { taskQueue })).rejects.toThrow(DuplicateIntentError);
    });
    expect(await countRows('intents', 'opportunity_id = $1', [input.opportunityId])).toBe(1);
  });

  it('rejects a bad intent with the field named, and starts and writes nothing', async () => {
    const input = sampleIntent('bad');
    const bad = { ...input, legs: [{ ...input.legs[0]!, limitPrice: '1.20' }] };
    await withTestWorker('intent-bad', async ({ client, taskQueue }) => {
      await expect(startIntent(client, bad, { taskQueue })).rejects.toThrow(ValidationError);
      await expect(startIntent(client, bad, { taskQueue })).rejects.toThrow(/legs\.0\.limitPrice/);
      await expect(client.workflow.getHandle(intentWorkflowId(input.opportunityId)).describe()).rejects.toThrow(WorkflowNotFoundError);
    });
    expect(await countRows('intents', 'opportunity_id = $1', [input.opportunityId])).toBe(0);
  });

  it('fails fast (no retries) when another tool starts it with a bad intent', async () => {
    const input = sampleIntent('bad-direct');
    await withTestWorker('intent-bad-direct', async ({ client, taskQueue }) => {
      const handle = await client.workflow.start('orderIntentWorkflow', {
        workflowId: intentWorkflowId(input.opportunityId),
        taskQueue,
        args: [{ ...input, legs: [] }],
      });
      await expect(handle.result()).rejects.toThrow(/workflow execution failed/i);
      const description = await handle.describe();
      expect(description.status.name).toBe('FAILED');
    });
    expect(await countRows('intents', 'opportunity_id = $1', [input.opportunityId])).toBe(0);
  });
});

describe('orderIntentWorkflow gate', () => {
  it('asks the risk governor: a halted strategy rejects the intent with the reason, recorded and audited', async () => {
    const input = sampleIntent('gated', { strategy: 'gated-strategy' });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker('intent-gate', async ({ client, taskQueue, governorId }) => {
      await client.workflow.getHandle(governorId).signal('killSwitch', { action: 'engage', scope: 'strategy:gated-strategy', reason: 'strategy review', operator: 'ana' });
      await eventually('switch applied', async () => (Object.keys((await governorState(client, governorId)).switches).length ? true : undefined));

      const view = await (await startIntent(client, input, { taskQueue })).result();
      expect(view.phases).toEqual(['RECEIVED', 'RECORDED', 'REJECTED']);
      expect(view.reason).toMatch(/risk gate HALTED: strategy:gated-strategy HALTED \(strategy review\)/);

      // Another strategy still trades.
      const other = await (await startIntent(client, sampleIntent('ungated'), { taskQueue })).result();
      expect(other.phase).toBe('COMPLETED');
    });
    expect(await countRows('intents', `id = $1 AND state = 'REJECTED'`, [intentId])).toBe(1);
    expect(await countRows('audit_events', `id = $1 AND action = 'intent.rejected' AND reason LIKE '%strategy review%'`, [`${intentId}:rejected`])).toBe(1);
  });

  it('fails closed when the governor does not answer', async () => {
    const input = sampleIntent('no-governor');
    await withTestWorker('intent-nogov', async ({ client, taskQueue, governorId }) => {
      await client.workflow.getHandle(governorId).terminate('test: governor gone');
      const view = await (await startIntent(client, input, { taskQueue })).result();
      expect(view.phase).toBe('REJECTED');
      expect(view.reason).toMatch(/did not answer.*failing closed/);
    });
  });
});
