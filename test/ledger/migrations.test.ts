/**
 * The offline migration applier on a real PostgreSQL: each test gets its own fresh database on the
 * test server, so applying from scratch is observable.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations, MigrationError, MIGRATIONS_DIR, readMigrations } from '../../infra/migrate';
import { freshDatabase, queryRows, useLedgerDatabase } from './database';

const server = useLedgerDatabase();
const names = readMigrations().map((m) => m.name);

/** A copy of the migrations folder we may change without touching the repo. */
function copyOfMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legwork-migrations-'));
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

describe('migrations', () => {
  it('are in Prisma\'s layout: <timestamp>_<name>/migration.sql plus migration_lock.toml for postgresql', () => {
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
    expect(names[0]).toMatch(/_init$/);
    expect(fs.readFileSync(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "postgresql"$/m);
  });

  it('apply from scratch, record _prisma_migrations as Prisma does, and re-apply as a no-op', async () => {
    const url = await freshDatabase(server.url(), { migrate: false });
    const first = await applyMigrations(url, { preferPrisma: false });
    expect(first).toEqual({ applied: names, skipped: [], via: 'legwork applier' });

    const rows = await queryRows<MigrationRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      // Prisma's checksum: sha256 (hex) of the migration.sql bytes.
      const file = fs.readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
    }
    // Prisma's own table definition, column for column.
    const columns = await queryRows<{ column_name: string; data_type: string; is_nullable: string }>(
      url,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => `${c.column_name} ${c.data_type} ${c.is_nullable}`)).toEqual([
      'id character varying NO',
      'checksum character varying NO',
      'finished_at timestamp with time zone YES',
      'migration_name character varying NO',
      'logs text YES',
      'rolled_back_at timestamp with time zone YES',
      'started_at timestamp with time zone NO',
      'applied_steps_count integer NO',
    ]);

    const second = await applyMigrations(url, { preferPrisma: false });
    expect(second).toEqual({ applied: [], skipped: names, via: 'legwork applier' });
    expect(await queryRows(url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(names.length);
  });

  it('two appliers racing on two connections apply each migration exactly once', async () => {
    const url = await freshDatabase(server.url(), { migrate: false });
    const results = await Promise.all([applyMigrations(url, { preferPrisma: false }), applyMigrations(url, { preferPrisma: false })]);
    expect([...results[0]!.applied, ...results[1]!.applied].sort()).toEqual(names);
    expect([...results[0]!.skipped, ...results[1]!.skipped].sort()).toEqual(names);
    expect(await queryRows(url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(names.length);
  });

  it('refuses an applied migration whose file changed, naming it', async () => {
    const url = await freshDatabase(server.url(), { migrate: false });
    const dir = copyOfMigrations();
    await applyMigrations(url, { migrationsDir: dir });
    const [first] = readMigrations(dir);
    fs.appendFileSync(path.join(dir, first!.name, 'migration.sql'), '\n-- edited after it was applied\n');
    const attempt = applyMigrations(url, { migrationsDir: dir });
    await expect(attempt).rejects.toThrow(MigrationError);
    await expect(attempt).rejects.toThrow(new RegExp(`${first!.name} was changed after it was applied`));
  });

  it('accepts an applied migration whose only change is its line endings (as Prisma does: git may rewrite them)', async () => {
    const url = await freshDatabase(server.url(), { migrate: false });
    const dir = copyOfMigrations();
    await applyMigrations(url, { migrationsDir: dir });
    const file = path.join(dir, names[0]!, 'migration.sql');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    await expect(applyMigrations(url, { migrationsDir: dir })).resolves.toMatchObject({ applied: [], skipped: names });
  });

  it('a failing migration is rolled back whole, recorded as failed, and blocks later runs with instructions', async () => {
    const url = await freshDatabase(server.url(), { migrate: false });
    const dir = copyOfMigrations();
    const broken = path.join(dir, '29991231000000_broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE "half_done" ("id" TEXT);\nSELECT no_such_function();\n');
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/29991231000000_broken failed/);
    expect(await queryRows(url, `SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }]);
    const [row] = await queryRows<MigrationRow>(url, `SELECT * FROM "_prisma_migrations" WHERE migration_name = '29991231000000_broken'`);
    expect(row?.finished_at).toBeNull();
    expect(row?.logs).toMatch(/no_such_function/);
    // The earlier migrations stay applied; the next run names the failed one and says how to go on.
    expect(await queryRows(url, 'SELECT 1 FROM "_prisma_migrations" WHERE finished_at IS NOT NULL')).toHaveLength(names.length);
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/29991231000000_broken started earlier but did not finish.*migrate resolve --rolled-back 29991231000000_broken/);

    // Following the instructions unblocks it.
    await queryRows(url, `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '29991231000000_broken'`);
    fs.writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE "half_done" ("id" TEXT);\n');
    await expect(applyMigrations(url, { migrationsDir: dir })).resolves.toMatchObject({ applied: ['29991231000000_broken'] });
  });
});
