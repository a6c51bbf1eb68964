/**
 * Reconciliation on real Temporal and PostgreSQL. Each test runs on its own migrated database so
 * it sees only the rows it made.
 */
import { ensureReconciliationSchedule, runReconciliation } from '../../clients/reconciliation';
import { governorState } from '../../clients/governor';
import { startIntent } from '../../clients/intents';
import { intentIdFor, parseIntent } from '../../domain/intent';
import { createLedgerClient, recordIntent, reserveCapital } from '../../ledger';
import { legwork } from '../helpers/cli';
import { eventually, freshDatabase, sql } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { withTestWorker } from '../helpers/temporal';

async function seedIntent(url: string, tag: string, state: string): Promise<string> {
  const intent = parseIntent(sampleIntent(tag));
  const intentId = intentIdFor(intent.opportunityId);
  const db = createLedgerClient(url, { poolSize: 1 });
  try {
    await recordIntent(db, { intentId, intent, workflowId: intentId, runId: 'gone', state });
    await reserveCapital(db, { id: `${intentId}:A`, intentId, venue: 'kalshi', asset: 'USD', amount: '10.50' });
  } finally {
    await db.$disconnect();
  }
  return intentId;
}


describe('reconciliation', () => {
  it('releases capital still reserved for an ended intent, and stores the run and its difference', async () => {
    const url = await freshDatabase('recon');
    const intentId = await seedIntent(url, 'recon-stale', 'COMPLETED');
    await withTestWorker(
      'recon-stale',
      async ({ client, taskQueue, governorId }) => {
        const result = await runReconciliation(client, { taskQueue, governorId, trigger: 'manual' });
        expect(result.findings).toEqual([]);
        expect(result.differences).toEqual([expect.objectContaining({ kind: 'stale_reservation', severity: 'low', repaired: true, details: expect.objectContaining({ intentId, amount: '10.5' }) })]);
        expect((await governorState(client, governorId)).safeMode.active).toBe(false);
      },
      { databaseUrl: url },
    );
    expect(await sql(url, `SELECT state FROM capital_reservations WHERE intent_id = $1`, [intentId])).toEqual([{ state: 'RELEASED' }]);
    expect(await sql(url, `SELECT trigger, status FROM reconciliation_runs`)).toEqual([{ trigger: 'manual', status: 'FINISHED' }]);
    expect(await sql(url, `SELECT kind, repaired FROM reconciliation_differences`)).toEqual([{ kind: 'stale_reservation', repaired: true }]);
  });

  it('an open intent with no workflow puts the governor in SAFE_MODE; ack is refused until a later run finds it resolved', async () => {
    const url = await freshDatabase('recon');
    const intentId = await seedIntent(url, 'recon-orphan', 'RECORDED');
    await withTestWorker(
      'recon-orphan',
      async ({ client, taskQueue, governorId }) => {
        const first = await runReconciliation(client, { taskQueue, governorId, trigger: 'startup' });
        expect(first.findings).toEqual([expect.objectContaining({ id: `recon:orphaned_intent:${intentId}`, kind: 'recon.orphaned_intent' })]);
        const state = await eventually('SAFE_MODE entered', async () => {
          const s = await governorState(client, governorId);
          return s.safeMode.active ? s : undefined;
        });
        expect(state.safeMode.findings[0]?.detail).toMatch(/workflow does not exist/);

        const env = { ...process.env, LEGWORK_GOVERNOR_ID: governorId };
        const refused = await legwork(['safe-mode', 'ack', '--operator', 'ana', '--note', 'checked'], env);
        expect(refused.code).toBe(5);
        expect(refused.stderr).toContain(`recon:orphaned_intent:${intentId}`);

        // The operator settles it on the venue and marks the intent ended; the next run agrees.
        await sql(url, `UPDATE intents SET state = 'REJECTED' WHERE id = $1`, [intentId]);
        const second = await runReconciliation(client, { taskQueue, governorId, trigger: 'manual' });
        expect(second.findings).toEqual([]);
        await eventually('finding resolved', async () => ((await governorState(client, governorId)).safeMode.findings.every((f) => f.resolved) ? true : undefined));
        const accepted = await legwork(['safe-mode', 'ack', '--operator', 'ana', '--note', 'unwound by hand on kalshi'], env);
        expect(accepted.code).toBe(0);
        expect((await governorState(client, governorId)).safeMode.active).toBe(false);
      },
      { databaseUrl: url },
    );
  });

  it('a completed workflow whose final ledger write was lost is repaired from its result', async () => {
    const url = await freshDatabase('recon');
    const input = sampleIntent('recon-lag');
    const intentId = intentIdFor(input.opportunityId);
    await withTestWorker(
      'recon-lag',
      async ({ client, taskQueue, governorId }) => {
        await (await startIntent(client, input, { taskQueue })).result();
        await sql(url, `UPDATE intents SET state = 'RECORDED' WHERE id = $1`, [intentId]); // the lost write
        const result = await runReconciliation(client, { taskQueue, governorId, trigger: 'manual' });
        expect(result.findings).toEqual([]);
        expect(result.differences).toEqual([expect.objectContaining({ kind: 'intent_state_lag', repaired: true, details: expect.objectContaining({ workflowPhase: 'COMPLETED' }) })]);
      },
      { databaseUrl: url },
    );
    expect(await sql(url, `SELECT state FROM intents WHERE id = $1`, [intentId])).toEqual([{ state: 'COMPLETED' }]);
  });

  it('keeps one daily Temporal Schedule at the configured time and zone', async () => {
    await withTestWorker('recon-schedule', async ({ client, taskQueue, governorId }) => {
      const scheduleId = `reconciliation-${taskQueue}`;
      const first = await ensureReconciliationSchedule(client, { taskQueue, governorId, at: '06:30', timezone: 'America/New_York', scheduleId });
      expect(first.created).toBe(true);
      const again = await ensureReconciliationSchedule(client, { taskQueue, governorId, at: '07:15', timezone: 'Europe/London', scheduleId });
      expect(again.created).toBe(false);
      const description = await client.schedule.getHandle(scheduleId).describe();
      expect(description.spec.timezone).toBe('Europe/London');
      expect(description.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7, step: 1 }], minute: [{ start: 15, end: 15, step: 1 }] });
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconciliationWorkflow', taskQueue });
      await client.schedule.getHandle(scheduleId).delete();
    });
  });
});
