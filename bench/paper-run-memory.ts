/**
 * Resident memory over a long paper run: `npm start -- --duration <d>` (the supervisor on its own
 * Temporal dev server, PostgreSQL, simulator with the market world, feeds, signal loop and
 * workers), sampled every few seconds from /proc for the whole process tree. Reported per part —
 * our Node processes (supervisor + workers) and the servers (Temporal, PostgreSQL) — as the RSS a
 * minute in, at the peak and at the end, so growth over the run is visible (a leak shows as the
 * end far above the one-minute figure). LEGWORK_BENCH_PAPER_DURATION sets the length (default 5m).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../infra/duration';
import { freePort } from '../infra/ports';

const SAMPLE_MS = 5_000;

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  rssKiB: number;
}

function readProcs(): Proc[] {
  const procs: Proc[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const field = (name: string) => new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(status)?.[1] ?? '';
      procs.push({ pid: Number(entry), ppid: Number(field('PPid')), comm: field('Name'), rssKiB: Number(field('VmRSS').replace(/\s*kB$/, '')) || 0 });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return procs;
}

/** RSS in MiB of the tree under `root`, split into our Node processes and the servers. */
function sampleTree(root: number): { node: number; servers: number; processes: number } {
  const procs = readProcs();
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const self = procs.find((p) => p.pid === root);
  const tree: Proc[] = self ? [self] : [];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!.pid) ?? []));
  const mib = (ps: Proc[]) => Math.round(ps.reduce((s, p) => s + p.rssKiB, 0) / 1024);
  const isNode = (p: Proc) => p.comm === 'node' || p.comm.startsWith('MainThread');
  return { node: mib(tree.filter(isNode)), servers: mib(tree.filter((p) => !isNode(p))), processes: tree.length };
}

export async function benchPaperRunMemory({ scratch }: { scratch: string }): Promise<Record<string, unknown>> {
  const duration = process.env.LEGWORK_BENCH_PAPER_DURATION ?? '5m';
  parseDuration(duration); // a bad value fails here, not after the run
  const dataDir = fs.mkdtempSync(path.join(scratch, 'paper-memory-'));
  // The bench stack's servers are in the environment: the paper run must start its own.
  const { TEMPORAL_ADDRESS: _t, DATABASE_URL: _d, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    LEGWORK_DATA_DIR: dataDir,
    LEGWORK_TEMPORAL_PORT: String(await freePort()),
    LEGWORK_TEMPORAL_UI_PORT: String(await freePort()),
    LEGWORK_POSTGRES_PORT: String(await freePort()),
    LEGWORK_METRICS_PORT: '0',
    LEGWORK_LOG_LEVEL: 'warn',
  };
  const root = path.resolve(__dirname, '..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'workers', 'supervisor.ts'), '--duration', duration], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const samples: { atS: number; node: number; servers: number; processes: number }[] = [];
  const started = Date.now();
  const timer = setInterval(() => samples.push({ atS: Math.round((Date.now() - started) / 1000), ...sampleTree(child.pid!) }), SAMPLE_MS);
  const code = await exited;
  clearInterval(timer);
  if (code !== 0) throw new Error(`paper run exited ${code}: ${output.slice(-2_000)}`);
  // Start-up and shutdown (servers starting or stopping) are not the steady run.
  const most = Math.max(...samples.map((s) => s.processes));
  const running = samples.filter((s) => s.processes === most);
  const oneMinute = running.find((s) => s.atS >= 60) ?? running[0];
  const last = running.at(-1);
  if (!oneMinute || !last) throw new Error('no samples taken');
  const peak = (k: 'node' | 'servers') => Math.max(...running.map((s) => s[k]));
  return {
    duration,
    wallSeconds: Math.round((Date.now() - started) / 1000),
    sampleEverySeconds: SAMPLE_MS / 1000,
    nodeMiB: { atOneMinute: oneMinute.node, peak: peak('node'), atEnd: last.node },
    serversMiB: { atOneMinute: oneMinute.servers, peak: peak('servers'), atEnd: last.servers },
    processes: last.processes,
  };
}
