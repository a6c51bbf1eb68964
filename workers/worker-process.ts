/**
 * Runs a worker (workers/intent-worker.ts) as a child process and waits for its "ready" line.
 * Used by the supervisor (which restarts workers that die) and by crash tests (which SIGKILL them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { PROJECT_ROOT } from '../infra/paths';

export interface WorkerProcess {
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Graceful: SIGTERM, the worker drains in-flight tasks, then exits. */
  stop(graceMs?: number): Promise<void>;
  /** A crash: SIGKILL, nothing runs after it. */
  kill(): Promise<void>;
}

export interface SpawnWorkerOptions {
  env: NodeJS.ProcessEnv;
  /** Extra stderr/stdout lines go here (pino JSON logs). */
  onLine?: (line: string) => void;
  readyTimeoutMs?: number;
}

export const WORKER_ENTRY = path.join(PROJECT_ROOT, 'workers', 'intent-worker.ts');
export const READY_EVENT = 'worker.ready';

export async function spawnWorkerProcess(opts: SpawnWorkerOptions): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
    cwd: PROJECT_ROOT,
    env: opts.env,
    // An IPC channel only so the worker notices when we die (it then drains and exits): a
    // crashed supervisor or test runner never leaves workers polling on their own.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const tail: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready after ${opts.readyTimeoutMs ?? 60_000} ms:\n${tail.join('\n')}`)), opts.readyTimeoutMs ?? 60_000);
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (line.includes(`"${READY_EVENT}"`)) {
        clearTimeout(timer);
        resolve();
      }
      opts.onLine?.(line);
    };
    readline.createInterface({ input: child.stdout! }).on('line', onLine);
    readline.createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${signal ?? code}) before it was ready:\n${tail.join('\n')}`));
    });
  });
  await ready;

  const done = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid ?? -1,
    child,
    exited,
    async stop(graceMs = 30_000) {
      if (done()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (done()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
