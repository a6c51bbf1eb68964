/** Direct SQL against the harness database, independent of the code under test. */
import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { applyMigrations } from '../../infra/migrate';
import { testEnv } from '../harness/env';

export async function withPg<T>(fn: (pg: PgClient) => Promise<T>): Promise<T> {
  const pg = new PgClient({ connectionString: testEnv().databaseUrl });
  await pg.connect();
  try {
    return await fn(pg);
  } finally {
    await pg.end();
  }
}

/** Rows of one query against `url` (a database of its own, e.g. from `freshDatabase`), on a connection opened for it. */
export async function sql<T extends object>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  try {
    return (await pg.query<T>(text, params)).rows;
  } finally {
    await pg.end();
  }
}

export async function countRows(table: string, where: string, params: unknown[]): Promise<number> {
  return withPg(async (pg) => {
    const { rows } = await pg.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE ${where}`, params);
    return Number(rows[0]?.n ?? '0');
  });
}

/** A new, migrated database on the harness server, for tests that must see only their own rows. */
export async function freshDatabase(prefix: string, opts: { migrate?: boolean } = {}): Promise<string> {
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await withPg((pg) => pg.query(`CREATE DATABASE ${name}`));
  const url = new URL(testEnv().databaseUrl);
  url.pathname = `/${name}`;
  if (opts.migrate !== false) await applyMigrations(url.toString(), { preferPrisma: false });
  return url.toString();
}

/** Polls a condition until it holds (a real event in another process), failing after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
