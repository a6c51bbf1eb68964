/**
 * Runs the Temporal dev server (`temporal server start-dev`) as a child process: SQLite file for
 * durable history (or in-memory for tests), the Web UI, our namespace and search attributes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { LEGWORK_SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { assertPortFree } from './ports';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  /** Omit for a headless server (tests). */
  uiPort?: number;
  /** SQLite file: history survives restarts. Omit for an in-memory server. */
  dbFile?: string;
  namespace: string;
  /** Server output goes here (appended); otherwise it is discarded except for the tail kept for errors. */
  logFile?: string;
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  pid: number;
  /** Resolves when the process has exited. SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL without any clean-up (crash tests). */
  kill(): Promise<void>;
}

export async function startTemporalDevServer(opts: DevServerOptions): Promise<DevServer> {
  // Checked up front: otherwise the readiness probe could be answered by whatever holds the port.
  await assertPortFree(opts.port, 'Temporal frontend', 'LEGWORK_TEMPORAL_PORT');
  if (opts.uiPort) await assertPortFree(opts.uiPort, 'Temporal Web UI', 'LEGWORK_TEMPORAL_UI_PORT');
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--namespace', opts.namespace, '--log-level', 'warn'];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);

  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const tail: string[] = [];
  const logStream = opts.logFile ? fs.createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
  const keep = (chunk: Buffer) => {
    logStream?.write(chunk);
    tail.push(...chunk.toString().split('\n').filter(Boolean));
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const address = `127.0.0.1:${opts.port}`;
  try {
    await waitUntilServing(address, exited, opts.readyTimeoutMs ?? 60_000, () => tail.join('\n'));
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    logStream?.end();
    throw err;
  }

  const stopWith = async (signal: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    logStream?.end();
  };
  return {
    address,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    namespace: opts.namespace,
    pid: child.pid ?? -1,
    stop: () => stopWith('SIGTERM', 10_000),
    kill: () => stopWith('SIGKILL', 0),
  };
}

/** Polls the frontend until it answers, or fails with the server's own last words if it exits. */
async function waitUntilServing(address: string, exited: Promise<number | null>, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  let lastError = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`temporal dev server exited (code ${exitCode}) before it was ready:\n${tail()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`temporal dev server at ${address} not ready after ${timeoutMs} ms: ${lastError}\n${tail()}`);
}

/** temporal.api.enums.v1.IndexedValueType numbers (the SDK's own mapping is not exported). */
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};

/**
 * Registers Legwork's search attributes on the namespace. Idempotent: only the missing ones are
 * added (the dev server ignores --search-attribute when its database file already exists).
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = LEGWORK_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  const searchAttributes: Record<string, number> = {};
  for (const key of missing) {
    searchAttributes[key.name] = INDEXED_VALUE_TYPE[key.type];
  }
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    // Two starters racing: the loser sees AlreadyExists for attributes the winner just added.
    if (!/already exists/i.test(err instanceof Error ? err.message : String(err))) throw err;
  }
  return missing.map((k) => k.name);
}
