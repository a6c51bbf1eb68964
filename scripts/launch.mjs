#!/usr/bin/env node
// The one entry point behind `npm start`, `npm test`, `npm run bench` and `legwork`.
// Dependency-free on purpose: it runs on a fresh clone before anything is installed, installs what
// is missing (npm ci from the lockfile, the generated Prisma client), then hands over.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const say = (line) => process.stderr.write(`[legwork] ${line}\n`);

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function step(label, fn) {
  const started = Date.now();
  say(`${label} ...`);
  fn();
  say(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function runOrDie(cmd, args, env = process.env) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    say(`\`${cmd} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

/** Serialises installs between launchers started at the same time on a fresh clone. */
function withInstallLock(fn) {
  const lock = path.join(root, 'node_modules.install-lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) {
        say(`waited 15 min for ${lock}; remove it if no install is running`);
        process.exit(1);
      }
      spawnSync(process.execPath, ['-e', 'setTimeout(()=>{}, 500)']);
    }
  }
  try {
    fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function dependenciesStale() {
  // npm writes node_modules/.package-lock.json after every install: older than the lockfile = stale.
  const installed = mtime(path.join(root, 'node_modules', '.package-lock.json'));
  return installed < 0 || installed < mtime(path.join(root, 'package-lock.json'));
}

function prismaClientStale() {
  const generated = mtime(path.join(root, 'generated', 'prisma', 'client.ts'));
  return generated < 0 || generated < mtime(path.join(root, 'prisma', 'schema.prisma'));
}

function ensureInstalled() {
  if (!dependenciesStale() && !prismaClientStale()) return;
  withInstallLock(() => {
    if (dependenciesStale()) {
      step('installing dependencies (npm ci)', () => runOrDie('npm', ['ci', '--no-audit', '--no-fund']));
    }
    if (prismaClientStale() && fs.existsSync(path.join(root, 'prisma', 'schema.prisma'))) {
      // prisma 7's client is engine-free; `generate` only insists that a schema engine path exists,
      // so offline we point it at any existing file (the real engine is used when present).
      const env = { ...process.env };
      env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
      step('generating the Prisma client', () => runOrDie(bin('prisma'), ['generate'], env));
    }
  });
}

// TypeScript entry points run as `node --import tsx file.ts`: one process (no tsx wrapper), so
// signals and exit codes are the program's own.
function handOver(cmd, args) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
}

const [command = 'start', ...rest] = process.argv.slice(2);
const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  say(`Node ${process.versions.node} is too old: Legwork needs Node 20 or newer`);
  process.exit(1);
}
ensureInstalled();

switch (command) {
  case 'start':
    handOver(process.execPath, ['--import', 'tsx', 'workers/supervisor.ts', ...rest]);
    break;
  case 'test': {
    step('type checking (tsc --noEmit)', () => runOrDie(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']));
    handOver(bin('jest'), rest);
    break;
  }
  case 'bench':
    handOver(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...rest]);
    break;
  case 'cli':
    handOver(process.execPath, ['--import', 'tsx', 'clients/cli.ts', ...rest]);
    break;
  case 'install':
    break;
  default:
    say(`unknown command ${command}: use start | test | bench | cli | install`);
    process.exit(2);
}
