/** Ledger writes are idempotent under concurrency: same key, many callers, exactly one row. */
import { randomUUID } from 'node:crypto';
import { parseIntent } from '../../domain/intent';
import { createLedgerClient, recordAudit, recordIntent, recordQuarantine, type LedgerClient } from '../../ledger';
import { testEnv } from '../harness/env';
import { countRows } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';

let db: LedgerClient;
beforeAll(() => {
  db = createLedgerClient(testEnv().databaseUrl, { poolSize: 20 });
});
afterAll(async () => {
  await db.$disconnect();
});

describe('ledger upserts', () => {
  it('recordIntent: 20 concurrent calls write one intent, its legs once, and exactly one caller "created" it', async () => {
    const intent = parseIntent(sampleIntent('upsert'));
    const intentId = `intent-${intent.opportunityId}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => recordIntent(db, { intentId, intent, workflowId: intentId, runId: `run-${i}`, state: 'RECORDED' })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await countRows('intents', 'id = $1', [intentId])).toBe(1);
    expect(await countRows('legs', 'intent_id = $1', [intentId])).toBe(2);
    const leg = await db.leg.findUniqueOrThrow({ where: { intentId_legId: { intentId, legId: 'A' } } });
    expect(leg.limitPrice.toFixed()).toBe('0.42');
  });

  it('recordAudit and recordQuarantine: 20 concurrent calls with one id write one row', async () => {
    const id = `audit-${randomUUID()}`;
    const audits = await Promise.all(Array.from({ length: 20 }, () => recordAudit(db, { id, actor: 'test', action: 'a', reason: 'r', data: { n: 1 } })));
    expect(audits.filter((r) => r.created)).toHaveLength(1);
    expect(await countRows('audit_events', 'id = $1', [id])).toBe(1);

    const qid = `q-${randomUUID()}`;
    await Promise.all(Array.from({ length: 20 }, () => recordQuarantine(db, { id: qid, source: 'test', reason: 'bad field x', payload: '{"x":1}' })));
    expect(await countRows('quarantine_records', 'id = $1', [qid])).toBe(1);
  });
});
