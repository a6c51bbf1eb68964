/** Where Legwork keeps things on disk. One place, so every entry point agrees. */
import os from 'node:os';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Binaries we install (Temporal CLI, tctl) live outside the checkout so fresh clones and CI reuse them. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LEGWORK_CACHE_DIR) return path.resolve(env.LEGWORK_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'legwork');
}

/** Temporal's SQLite file, the embedded PostgreSQL cluster, pid file and recordings. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LEGWORK_DATA_DIR ? path.resolve(env.LEGWORK_DATA_DIR) : path.join(PROJECT_ROOT, '.legwork', 'data');
}
