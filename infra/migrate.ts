/**
 * Applies the ledger's SQL migrations (prisma/migrations/<stamp>_<name>/migration.sql).
 *
 * Where Prisma's migration engine is installed, `prisma migrate deploy` does it. The engine is a
 * binary download that offline machines cannot fetch, so otherwise this applier runs the same
 * files and records them in `_prisma_migrations` exactly as Prisma does (same table, sha256
 * checksums, timestamps, step counts), so either tool can take over from the other. Applying
 * twice is a no-op; an applied migration whose file changed, or a failed one, is an error.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { PROJECT_ROOT } from './paths';

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');
/** The advisory lock key Prisma's engine takes, so our applier and `migrate deploy` exclude each other. */
const PRISMA_ADVISORY_LOCK = 72707369;

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  skipped: string[];
  via: 'prisma migrate deploy' | 'legwork applier';
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: sha256(sql) };
    });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** As Prisma checks: the file as it is, or with its line endings converted (git may rewrite them). */
export function matchesChecksum(sql: string, checksum: string): boolean {
  return [sql, sql.replace(/\r\n/g, '\n'), sql.replace(/\r?\n/g, '\r\n')].some((variant) => sha256(variant) === checksum);
}

/** The real Prisma migration engine, when one is installed (never on offline machines). */
function prismaSchemaEngine(): string | undefined {
  const fromEnv = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  if (fromEnv && fs.existsSync(fromEnv) && /schema-engine/.test(path.basename(fromEnv))) return fromEnv;
  const enginesDir = path.join(PROJECT_ROOT, 'node_modules', '@prisma', 'engines');
  if (!fs.existsSync(enginesDir)) return undefined;
  const engine = fs.readdirSync(enginesDir).find((f) => f.startsWith('schema-engine'));
  return engine ? path.join(enginesDir, engine) : undefined;
}

export async function applyMigrations(url: string, opts: { migrationsDir?: string; log?: (line: string) => void; preferPrisma?: boolean } = {}): Promise<MigrationResult> {
  const dir = opts.migrationsDir ?? MIGRATIONS_DIR;
  // `prisma migrate deploy` reads prisma.config.ts, i.e. the repo's migrations folder only.
  const engine = opts.preferPrisma === false || opts.migrationsDir ? undefined : prismaSchemaEngine();
  if (engine) {
    opts.log?.(`applying migrations with prisma migrate deploy (schema engine ${engine})`);
    return applyWithPrisma(url, engine, readMigrations(dir));
  }
  opts.log?.('applying migrations with the legwork applier (no Prisma schema engine installed)');
  return applyWithOwnApplier(url, readMigrations(dir), opts.log);
}

async function appliedNames(url: string): Promise<Set<string>> {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  try {
    const exists = await pg.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
    if (!exists.rows[0]?.present) return new Set();
    const { rows } = await pg.query<{ migration_name: string }>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    return new Set(rows.map((r) => r.migration_name));
  } finally {
    await pg.end();
  }
}

async function applyWithPrisma(url: string, engine: string, migrations: MigrationFile[]): Promise<MigrationResult> {
  const before = await appliedNames(url);
  try {
    execFileSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'prisma'), ['migrate', 'deploy'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: url, PRISMA_SCHEMA_ENGINE_BINARY: engine },
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } catch (err) {
    const output = err as { stdout?: string; stderr?: string };
    throw new MigrationError(`prisma migrate deploy failed:\n${output.stderr || output.stdout || String(err)}`);
  }
  const names = migrations.map((m) => m.name);
  return { applied: names.filter((n) => !before.has(n)), skipped: names.filter((n) => before.has(n)), via: 'prisma migrate deploy' };
}

async function applyWithOwnApplier(url: string, migrations: MigrationFile[], log?: (line: string) => void): Promise<MigrationResult> {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  const applied: string[] = [];
  const skipped: string[] = [];
  try {
    await pg.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await pg.query(MIGRATIONS_TABLE);
    const { rows } = await pg.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const recorded = new Map(rows.map((r) => [r.migration_name, r]));
    for (const migration of migrations) {
      const previous = recorded.get(migration.name);
      if (previous && previous.finished_at === null) {
        throw new MigrationError(
          `migration ${migration.name} started earlier but did not finish (see the logs column of "_prisma_migrations"). ` +
            `Undo whatever part of it reached the database, then mark it rolled back — \`npx prisma migrate resolve --rolled-back ${migration.name}\` ` +
            `or, without the schema engine, UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${migration.name}' — and run again`,
        );
      }
      if (previous) {
        if (!matchesChecksum(migration.sql, previous.checksum)) {
          throw new MigrationError(
            `migration ${migration.name} was changed after it was applied (checksum ${previous.checksum.slice(0, 12)}… in the database, ` +
              `${migration.checksum.slice(0, 12)}… on disk); add a new migration instead of editing an applied one`,
          );
        }
        skipped.push(migration.name);
        continue;
      }
      log?.(`applying ${migration.name}`);
      const id = randomUUID();
      await pg.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)', [
        id,
        migration.checksum,
        migration.name,
      ]);
      try {
        await pg.query('BEGIN');
        await pg.query(migration.sql);
        await pg.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await pg.query('COMMIT');
      } catch (err) {
        await pg.query('ROLLBACK');
        // The row stays (finished_at NULL) with the error, as Prisma records a failed migration.
        await pg.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, err instanceof Error ? err.message : String(err)]);
        throw new MigrationError(`migration ${migration.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      applied.push(migration.name);
    }
    return { applied, skipped, via: 'legwork applier' };
  } finally {
    await pg.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await pg.end();
  }
}

/** `node --import tsx infra/migrate.ts`: applies migrations to DATABASE_URL (the container entry point uses this). */
if (require.main === module) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('DATABASE_URL is not set\n');
    process.exit(2);
  }
  applyMigrations(url, { log: (l) => process.stderr.write(`${l}\n`) }).then(
    (r) => process.stdout.write(`${r.via}: applied ${r.applied.length} (${r.applied.join(', ') || 'none'}), already applied ${r.skipped.length}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
