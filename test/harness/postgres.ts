/** A fresh embedded PostgreSQL for one test run: temporary folder, random port, migrations applied. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations } from '../../infra/migrate';
import { freePort } from '../../infra/ports';
import { startLedgerDatabase } from '../../infra/postgres';

export async function startTestDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legwork-pg-'));
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL; // always our own server, never a developer's database
  try {
    const db = await startLedgerDatabase({ dataDir: dir, port: await freePort() });
    await applyMigrations(db.url);
    return {
      url: db.url,
      async stop() {
        await db.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } finally {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  }
}
