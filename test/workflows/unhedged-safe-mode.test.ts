/**
 * An intent left UNHEDGED (its unwind refused by the venue) → reconciliation finds the exposure →
 * SAFE_MODE → `legwork safe-mode ack` is refused while it stands → `legwork intent flatten`
 * closes it at the venue → the next reconciliation no longer finds it → the acknowledgement is
 * accepted; the audit trail holds each step. Real processes for every operator command.
 */
import { Client as PgClient } from 'pg';
import { governorState } from '../../clients/governor';
import { startIntent } from '../../clients/intents';
import { clientOrderId } from '../../domain/client-order-id';
import { intentIdFor } from '../../domain/intent';
import type { IntentView } from '../../domain/intent-view';
import { stateQuery } from '../../workflows';
import { legwork } from '../helpers/cli';
import { eventually, freshDatabase } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { injectFault, SUBMIT_ENDPOINT } from '../helpers/sim';
import { withTestWorker } from '../helpers/temporal';

const POLY = '7132104567925221259';

async function count(url: string, sql: string, params: unknown[]): Promise<number> {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${sql}`, params);
    return Number(rows[0]?.n ?? '0');
  } finally {
    await pg.end();
  }
}

describe('an unhedged leg and SAFE_MODE', () => {
  it('is found by reconciliation, holds SAFE_MODE until flattened, then the acknowledgement is accepted', async () => {
    // Its own ledger: reconciliation must see this test's intents only.
    const url = await freshDatabase('unhedged');
    const input = sampleIntent('unhedged-flat', { leggingWindowMs: 2_000, maxReprices: 0 });
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker(
      'unhedged-safe-mode',
      async ({ client, taskQueue, governorId, sim }) => {
        const env = { ...process.env, LEGWORK_TASK_QUEUE: taskQueue, LEGWORK_GOVERNOR_ID: governorId };
        const handle = await startIntent(client, input, { taskQueue });
        // Leg B rests (offered at 56¢, bid 55¢); while it does, Kalshi starts refusing orders, so
        // the unwind of leg A's 25 contracts is refused three times.
        await eventually('leg B working', async () => ((await handle.query(stateQuery)).legs[1]!.phase === 'open' ? true : undefined));
        await injectFault(sim, 'kalshi', { endpoint: SUBMIT_ENDPOINT.kalshi, kind: 'reject', count: 3 });
        const view: IntentView = await handle.result();
        expect(view).toMatchObject({ phase: 'UNHEDGED', exposedQuantity: '25' });

        const recon = await legwork(['reconcile', 'run', '--json'], env);
        expect(recon.code).toBe(0);
        expect(JSON.parse(recon.stdout).findings.map((f: { id: string }) => f.id)).toContain(`recon:unhedged_exposure:${intentId}`);
        await eventually('SAFE_MODE', async () => ((await governorState(client, governorId)).safeMode.active ? true : undefined));

        const refused = await legwork(['safe-mode', 'ack', '--operator', 'ana', '--note', 'looked at it'], env);
        expect(refused.code).toBe(5);
        expect(refused.stderr).toContain(`recon:unhedged_exposure:${intentId}`);

        const flattened = await legwork(['intent', 'flatten', input.opportunityId, '--operator', 'ana', '--reason', 'flatten the stuck leg', '--json'], env);
        expect(flattened.code).toBe(0);
        expect(JSON.parse(flattened.stdout)).toEqual({ intentId, flattened: '25', remaining: '0' });
        // The flatten's order continues the unwind's attempts: one more client order id, never a reuse.
        expect(sim.kalshi.orderLog.filter((o) => o.action === 'sell').map((o) => [o.client_order_id, o.fill_count])).toEqual([[clientOrderId(intentId, 'U', 4), 25]]);
        // A second flatten has nothing left to do.
        expect((await legwork(['intent', 'flatten', input.opportunityId, '--operator', 'ana', '--reason', 'again'], env)).code).toBe(1);

        expect((await legwork(['reconcile', 'run', '--json'], env)).code).toBe(0);
        const accepted = await legwork(['safe-mode', 'ack', '--operator', 'ana', '--note', 'flattened, balances match', '--json'], env);
        expect(accepted.code).toBe(0);
        expect((await governorState(client, governorId)).safeMode.active).toBe(false);
      },
      {
        databaseUrl: url,
        simulator: { books: { polymarket: { [POLY]: { bids: [['0.52', '100']], asks: [['0.56', '100']] } } } },
      },
    );
    expect(await count(url, `intents WHERE id = $1 AND state = 'FLATTENED'`, [intentId])).toBe(1);
    expect(await count(url, `audit_events WHERE intent_id = $1 AND action = 'intent.flattened' AND actor = 'ana'`, [intentId])).toBe(1);
    await eventually('SAFE_MODE entry and acknowledgement audited', async () =>
      (await count(url, `audit_events WHERE action IN ('governor.safe_mode.enter', 'governor.safe_mode.ack')`, [])) >= 2 ? true : undefined,
    );
    expect(await count(url, `capital_reservations WHERE intent_id = $1 AND state = 'RESERVED'`, [intentId])).toBe(0);
  });
});
