/**
 * The embedded ledger server: data survives restarts, a taken port fails fast and clearly, stop
 * leaves no process behind, and a server orphaned by a killed parent is taken over, not fought.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { freePort } from '../../infra/ports';
import { PortInUseError } from '../../infra/ports';
import { startLedgerDatabase, urlWithoutPassword } from '../../infra/postgres';
import { queryRows } from './database';

/** PIDs of postgres processes serving a cluster under `dir` (from /proc, independent of the code under test). */
function postgresProcessesFor(dir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return cmd.includes('postgres') && cmd.includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

let savedUrl: string | undefined;
beforeAll(() => {
  savedUrl = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL; // these tests are about the embedded server itself
});
afterAll(() => {
  if (savedUrl !== undefined) process.env.DATABASE_URL = savedUrl;
});

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'legwork-embedded-'));

describe('startLedgerDatabase', () => {
  it('with DATABASE_URL set, uses it and starts nothing', async () => {
    process.env.DATABASE_URL = 'postgresql://u:secret@db.example:5432/x';
    try {
      const dir = tempDir();
      const db = await startLedgerDatabase({ dataDir: dir });
      expect([db.url, db.embedded]).toEqual(['postgresql://u:secret@db.example:5432/x', false]);
      await db.stop();
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      delete process.env.DATABASE_URL;
    }
  });

  it('initialises once, keeps data across restarts, and stops without leaving a process', async () => {
    const dir = tempDir();
    const port = await freePort();
    const first = await startLedgerDatabase({ dataDir: dir, port });
    expect(first.embedded).toBe(true);
    expect(first.url).toBe(`postgresql://legwork:legwork@127.0.0.1:${port}/legwork`);
    await queryRows(first.url, 'CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ($$still here$$)');
    expect(postgresProcessesFor(dir).length).toBeGreaterThan(0);
    await first.stop();
    expect(postgresProcessesFor(dir)).toEqual([]);

    const logs: string[] = [];
    const second = await startLedgerDatabase({ dataDir: dir, port, log: (l) => logs.push(l) });
    try {
      expect(logs.filter((l) => /initialising/.test(l))).toEqual([]);
      expect(await queryRows(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    } finally {
      await second.stop();
      await second.stop(); // twice is harmless
    }
    expect(postgresProcessesFor(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a taken port is a clear error at once, not a hang', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = tempDir();
    try {
      const started = Date.now();
      await expect(startLedgerDatabase({ dataDir: dir, port })).rejects.toThrow(PortInUseError);
      await expect(startLedgerDatabase({ dataDir: dir, port })).rejects.toThrow(new RegExp(`port ${port} .*already in use.*LEGWORK_POSTGRES_PORT`));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(postgresProcessesFor(dir)).toEqual([]);
    } finally {
      blocker.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over from a server whose parent was SIGKILLed (it would otherwise hold the port and the cluster)', async () => {
    const dir = tempDir();
    const port = await freePort();
    const holder = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'hold-database.ts'), dir, String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATABASE_URL: '' },
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      holder.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      holder.stderr.on('data', (c: Buffer) => (err += c.toString()));
      holder.once('exit', (code) => reject(new Error(`fixture exited (${code}): ${err}`)));
    });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    // Our ends of its pipes: a grandchild (tsx's esbuild service) may hold the other ends a moment longer.
    holder.stdout.destroy();
    holder.stderr.destroy();
    const orphans = postgresProcessesFor(dir);
    expect(orphans.length).toBeGreaterThan(0); // the server outlived its parent
    expect(await queryRows(url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);

    const logs: string[] = [];
    const db = await startLedgerDatabase({ dataDir: dir, port, log: (l) => logs.push(l) });
    try {
      expect(logs.some((l) => /left behind/.test(l))).toBe(true);
      expect(postgresProcessesFor(dir).some((pid) => orphans.includes(pid))).toBe(false);
      expect(await queryRows(db.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await db.stop();
    }
    expect(postgresProcessesFor(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('urlWithoutPassword', () => {
  it('hides the password and keeps the rest', () => {
    expect(urlWithoutPassword('postgresql://legwork:s3cret@127.0.0.1:5433/legwork')).toBe('postgresql://legwork:***@127.0.0.1:5433/legwork');
    expect(urlWithoutPassword('postgresql://127.0.0.1:5433/legwork')).toBe('postgresql://127.0.0.1:5433/legwork');
    expect(urlWithoutPassword('postgresql://user:pw@host:notaport/db')).toBe('postgresql://user:***@host:notaport/db'); // not a valid URL: still hidden
  });
});
