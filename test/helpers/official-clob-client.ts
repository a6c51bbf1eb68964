/**
 * Polymarket's official client (@polymarket/clob-client) for tests, run unmodified in a worker
 * thread. The package is an ES module only; Jest runs tests as CommonJS through its own module
 * registry, which refuses ES modules (and it wraps `node:module` and `process.getBuiltinModule`,
 * so no native `require` is reachable from a test). A worker thread is plain Node: there the
 * package loads with Node's own `require` (Node ≥ 20.19 loads ES modules that way).
 *
 * `officialClobClient()` starts one worker holding one `ClobClient` (a viem WalletClient for the
 * given key as its signer) and returns a proxy: each method call is posted to the worker and its
 * result (or error: message, HTTP status, body) comes back by structured clone.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ApiKeyCreds, ClobClient } from '@polymarket/clob-client';

// CommonJS run by the worker (eval), so `require` is Node's own.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const load = require('node:module').createRequire(workerData.resolveFrom);
const clob = load('@polymarket/clob-client');
const { createWalletClient, http } = load('viem');
const { privateKeyToAccount } = load('viem/accounts');
const { polygon } = load('viem/chains');
// Signs locally; the transport is never used.
const wallet = createWalletClient({ account: privateKeyToAccount(workerData.privateKey), chain: polygon, transport: http('http://127.0.0.1:9') });
// Positional options: signatureType 0 (EOA); throwOnError (the default hands back {error} objects instead).
const client = new clob.ClobClient(workerData.host, workerData.chainId, wallet, workerData.creds, 0, undefined, undefined, undefined, undefined, undefined, undefined, undefined, true);
parentPort.on('message', async ({ id, method, args }) => {
  try {
    parentPort.postMessage({ id, ok: true, value: await client[method](...args) });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: { message: String((e && e.message) || e), status: e && e.status, data: e && e.data } });
  }
});
parentPort.postMessage({ ready: true });
`;

/** ClobClient's async methods, called across the worker boundary. */
export type OfficialClobClient = {
  [K in keyof ClobClient as ClobClient[K] extends (...args: never[]) => Promise<unknown> ? K : never]: ClobClient[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never;
} & { close(): Promise<void> };

/** The venue's refusal as the client threw it (clob-client's ApiError: message, status, data). */
export class OfficialClientError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly data: unknown,
  ) {
    super(message);
  }
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { message: string; status?: number; data?: unknown } };

export async function officialClobClient(opts: { host: string; privateKey: `0x${string}`; creds?: ApiKeyCreds; chainId?: number }): Promise<OfficialClobClient> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { host: opts.host, privateKey: opts.privateKey, creds: opts.creds, chainId: opts.chainId ?? 137, resolveFrom: path.join(process.cwd(), 'package.json') },
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  let nextId = 1;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve()); // { ready: true }
  });
  worker.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) p?.resolve(reply.value);
    else p?.reject(new OfficialClientError(reply.error.message, reply.error.status, reply.error.data));
  });
  worker.on('error', (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  const call = (method: string, args: unknown[]) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args });
    });
  return new Proxy({} as OfficialClobClient, {
    get: (_, method) => {
      if (method === 'close') return async () => void (await worker.terminate());
      if (method === 'then') return undefined; // not a thenable: `await officialClobClient()` must resolve to the proxy
      return (...args: unknown[]) => call(String(method), args);
    },
  });
}
