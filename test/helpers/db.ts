/** Direct SQL against the harness database, independent of the code under test. */
import { Client as PgClient } from 'pg';
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

export async function countRows(table: string, where: string, params: unknown[]): Promise<number> {
  return withPg(async (pg) => {
    const { rows } = await pg.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE ${where}`, params);
    return Number(rows[0]?.n ?? '0');
  });
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
