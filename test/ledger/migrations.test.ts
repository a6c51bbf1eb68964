/**
 * The offline migration applier on a real PostgreSQL: each test gets its own fresh database on the
 * harness server, so applying from scratch is observable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { applyMigrations, MigrationError, MIGRATIONS_DIR, readMigrations } from '../../infra/migrate';
import { createLedgerClient } from '../../ledger';
import { testEnv } from '../harness/env';
import { freshDatabase } from '../helpers/db';

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  try {
    return (await pg.query<T>(sql)).rows;
  } finally {
    await pg.end();
  }
}

/** A copy of the migrations folder we may change without touching the repo. */
function copyOfMigrations(): string {
  const dir = fs.mkdtempSync(path.join(testEnv().scratch, 'migrations-'));
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('migrations', () => {
  it('apply from scratch, record _prisma_migrations like Prisma, and re-apply as a no-op', async () => {
    const url = await freshDatabase('mig', { migrate: false });
    const first = await applyMigrations(url, { preferPrisma: false });
    const names = readMigrations().map((m) => m.name);
    expect(first).toEqual({ applied: names, skipped: [], via: 'legwork applier' });

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.finished_at instanceof Date && r.applied_steps_count === 1)).toBe(true);

    const second = await applyMigrations(url, { preferPrisma: false });
    expect(second).toEqual({ applied: [], skipped: names, via: 'legwork applier' });
    expect(await query(url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(names.length);
  });

  it('two appliers racing apply each migration once', async () => {
    const url = await freshDatabase('mig', { migrate: false });
    const results = await Promise.all([applyMigrations(url, { preferPrisma: false }), applyMigrations(url, { preferPrisma: false })]);
    const names = readMigrations().map((m) => m.name);
    expect([...results[0]!.applied, ...results[1]!.applied].sort()).toEqual(names);
    expect(await query(url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(names.length);
  });

  it('refuses an applied migration whose file changed, naming it', async () => {
    const url = await freshDatabase('mig', { migrate: false });
    const dir = copyOfMigrations();
    await applyMigrations(url, { migrationsDir: dir });
    const [first] = readMigrations(dir);
    fs.appendFileSync(path.join(dir, first!.name, 'migration.sql'), '\n-- edited after it was applied\n');
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(MigrationError);
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(new RegExp(`${first!.name} was changed after it was applied`));
  });

  it('a failing migration is recorded as failed, rolled back, and blocks later runs with instructions', async () => {
    const url = await freshDatabase('mig', { migrate: false });
    const dir = copyOfMigrations();
    const broken = path.join(dir, '29991231000000_broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE "half_done" ("id" TEXT);\nSELECT no_such_function();\n');
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/29991231000000_broken failed/);
    expect(await query(url, `SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }]); // rolled back whole
    const [row] = await query<{ finished_at: Date | null; logs: string }>(url, `SELECT finished_at, logs FROM "_prisma_migrations" WHERE migration_name = '29991231000000_broken'`);
    expect(row?.finished_at).toBeNull();
    expect(row?.logs).toMatch(/no_such_function/);
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/did not finish.*rolled_back_at/);
  });

  it('the migrated schema matches the Prisma client: every model writes and reads back', async () => {
    const url = await freshDatabase('mig', { migrate: false });
    await applyMigrations(url, { preferPrisma: false });
    const db = createLedgerClient(url, { poolSize: 2 });
    try {
      const intent = await db.intent.create({ data: { id: 'i1', opportunityId: 'o1', strategy: 's', state: 'RECORDED', payload: { a: 1 }, workflowId: 'w', runId: 'r' } });
      await db.leg.create({ data: { id: 'i1:A', intentId: intent.id, legId: 'A', venue: 'kalshi', market: 'M', action: 'buy', timeInForce: 'GTC', limitPrice: '0.42', quantity: '10', state: 'PLANNED' } });
      await db.venueOrder.create({ data: { clientOrderId: 'c1', venue: 'kalshi', market: 'M', action: 'buy', price: '0.42', quantity: '10', state: 'open' } });
      await db.fill.create({ data: { id: 'f1', venue: 'kalshi', venueTradeId: 't1', market: 'M', action: 'buy', price: '0.42', quantity: '3', fee: '0.02', filledAt: new Date() } });
      await db.position.create({ data: { id: 'p1', venue: 'kalshi', market: 'M', outcome: 'yes', quantity: '3' } });
      await db.balance.create({ data: { id: 'b1', venue: 'kalshi', asset: 'USD', available: '100.5', total: '100.5' } });
      await db.capitalReservation.create({ data: { id: 'cr1', intentId: 'i1', venue: 'kalshi', asset: 'USD', amount: '4.2', state: 'RESERVED' } });
      await db.pnlEvent.create({ data: { id: 'pnl1', kind: 'realized', amount: '-0.123456789012345678', currency: 'USD' } });
      await db.auditEvent.create({ data: { id: 'a1', actor: 'test', action: 'x', reason: 'y' } });
      await db.reconciliationRun.create({ data: { id: 'rr1', trigger: 'manual', status: 'done', startedAt: new Date(), differences: { create: [{ id: 'd1', venue: 'kalshi', kind: 'missing_fill', severity: 'high', details: {} }] } } });
      await db.quarantineRecord.create({ data: { id: 'q1', source: 'kalshi.ws', reason: 'bad', payload: '{' } });
      await db.operatorConfirmation.create({ data: { id: 'oc1', operator: 'ana', action: 'live.confirm', note: 'go' } });

      const pnl = await db.pnlEvent.findUniqueOrThrow({ where: { id: 'pnl1' } });
      expect(pnl.amount.toFixed()).toBe('-0.123456789012345678'); // exact to 18 places, no float on the way
      const run = await db.reconciliationRun.findUniqueOrThrow({ where: { id: 'rr1' }, include: { differences: true } });
      expect(run.differences).toHaveLength(1);
    } finally {
      await db.$disconnect();
    }
    // No money column is a float.
    const floats = await query<{ column_name: string }>(url, `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('real', 'double precision')`);
    expect(floats).toEqual([]);
  });
});
