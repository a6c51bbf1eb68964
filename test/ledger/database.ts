/**
 * The database these ledger tests run against: the run's shared server when jest's global setup
 * exported DATABASE_URL, otherwise (a single file run without it) our own embedded PostgreSQL for
 * this file, started in beforeAll and stopped in afterAll.
 */
import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { applyMigrations } from '../../infra/migrate';
import { startTestDatabase } from '../harness/postgres';

export interface LedgerTestDatabase {
  /** The migrated database's URL (valid from beforeAll on). */
  url(): string;
}

export function useLedgerDatabase(): LedgerTestDatabase {
  let url: string | undefined;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (process.env.DATABASE_URL) {
      url = process.env.DATABASE_URL;
    } else {
      const db = await startTestDatabase();
      url = db.url;
      stop = () => db.stop();
    }
  });
  afterAll(async () => {
    await stop?.();
  });
  return {
    url() {
      if (!url) throw new Error('the ledger test database is not ready (use it inside tests, after beforeAll)');
      return url;
    },
  };
}

export async function withPg<T>(url: string, fn: (pg: PgClient) => Promise<T>): Promise<T> {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  try {
    return await fn(pg);
  } finally {
    await pg.end();
  }
}

export async function queryRows<T extends object>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withPg(url, async (pg) => (await pg.query<T>(sql, params)).rows);
}

export async function countRows(url: string, table: string, where: string, params: unknown[]): Promise<number> {
  const [row] = await queryRows<{ n: string }>(url, `SELECT count(*)::text AS n FROM ${table} WHERE ${where}`, params);
  return Number(row?.n ?? '0');
}

/** A new empty database on the same server (migrated unless told not to), for tests that must start from nothing. */
export async function freshDatabase(serverUrl: string, opts: { migrate?: boolean } = {}): Promise<string> {
  const name = `ledger_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await withPg(serverUrl, (pg) => pg.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (opts.migrate !== false) await applyMigrations(url.toString(), { preferPrisma: false });
  return url.toString();
}

/** A unique id for this test's rows, so test files can share one database and run in parallel. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** Runs `fn` n times at once (each call starts before any finishes). */
export function concurrently<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => fn(i)));
}
