/**
 * `npm start` end to end: the supervisor brings up its own Temporal dev server (with Web UI),
 * embedded PostgreSQL and a worker on random ports in a temporary data folder, reaches "ready",
 * runs a trade, refuses a second instance, and shuts down in order with exit code 0.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { startIntent } from '../../clients/intents';
import { freePort, isPortFree } from '../../infra/ports';
import { PROJECT_ROOT } from '../../infra/paths';
import { testEnv } from '../harness/env';
import { eventually } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';

interface Supervisor {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  waitFor(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

function startSupervisor(env: NodeJS.ProcessEnv, args: string[] = []): Supervisor {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'workers', 'supervisor.ts'), ...args], { cwd: PROJECT_ROOT, env });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  readline.createInterface({ input: child.stdout }).on('line', onLine);
  readline.createInterface({ input: child.stderr }).on('line', onLine);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen) return resolve(seen);
        waiters.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`supervisor exited (${code}) before printing ${pattern}:\n${lines.join('\n')}`)));
      }),
  };
}

describe('npm start (supervisor)', () => {
  it('starts everything, serves the Web UI, runs a trade, refuses a second instance, and stops cleanly', async () => {
    const ports = { temporal: await freePort(), ui: await freePort(), pg: await freePort(), metrics: await freePort() };
    const dataDir = fs.mkdtempSync(path.join(testEnv().scratch, 'supervisor-'));
    // The harness's servers are in our environment; the supervisor must start its own.
    const { TEMPORAL_ADDRESS: _t, DATABASE_URL: _d, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      LEGWORK_DATA_DIR: dataDir,
      LEGWORK_TEMPORAL_PORT: String(ports.temporal),
      LEGWORK_TEMPORAL_UI_PORT: String(ports.ui),
      LEGWORK_POSTGRES_PORT: String(ports.pg),
      LEGWORK_METRICS_PORT: String(ports.metrics),
      LEGWORK_TASK_QUEUE: 'supervisor-e2e',
    };
    const supervisor = startSupervisor(env);
    try {
      await supervisor.waitFor(/^\[legwork\] ready$/);
      expect(await supervisor.waitFor(/Risk governor/)).toBe(`[legwork]   Risk governor   ACTIVE (workflow legwork-risk-governor; npm run legwork -- status)`);
      expect(await supervisor.waitFor(/Simulator/)).toMatch(/kalshi http:\/\/127\.0\.0\.1:\d+\/trade-api\/v2, polymarket http:\/\/127\.0\.0\.1:\d+, coinbase http:\/\/127\.0\.0\.1:\d+\/api\/v3\/brokerage/);
      for (const step of ['venue simulator (PAPER mode)', 'temporal dev server', 'ledger database', 'ledger migrations', 'workers (1)', 'risk governor', 'user-stream router (kalshi)', 'signal loop']) {
        expect(supervisor.lines.some((l) => l.startsWith(`[legwork] ✓ ${step}`) && /\(\d+\.\d s\)$/.test(l))).toBe(true);
      }
      const uiLine = await supervisor.waitFor(/Temporal Web UI/);
      const uiUrl = /(http:\/\/\S+)/.exec(uiLine)?.[1];
      expect(uiUrl).toContain(`127.0.0.1:${ports.ui}`);
      expect((await fetch(uiUrl!)).status).toBe(200);
      expect(supervisor.lines.join('\n')).not.toMatch(/postgresql:\/\/[^:\s]+:(?!\*\*\*@)[^@\s]+@/); // no password printed

      const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
      try {
        const client = new Client({ connection });
        const view = await (await startIntent(client, sampleIntent('supervisor'), { taskQueue: 'supervisor-e2e' })).result();
        expect(view.phase).toBe('COMPLETED');
      } finally {
        await connection.close();
      }

      // The worker's Prometheus endpoint counts what it did and mirrors the governor.
      const metrics = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
      // At least our intent (the signal loop may have started more on the market world meanwhile).
      const count = (re: RegExp) => Number(re.exec(metrics)?.[1] ?? '0');
      expect(count(/legwork_intents_total\{outcome="accepted"\} (\d+)/)).toBeGreaterThanOrEqual(1);
      expect(count(/legwork_intents_total\{outcome="completed"\} (\d+)/)).toBeGreaterThanOrEqual(1);
      expect(count(/legwork_activity_duration_seconds_count\{activity="recordIntentAccepted",result="ok"\} (\d+)/)).toBeGreaterThanOrEqual(1);
      // Governor gauges follow within one poll (5 s).
      const mirrored = await eventually('governor gauges', async () => {
        const text = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
        return text.includes('legwork_governor_level{scope="global"} 0') ? text : undefined;
      });
      expect(mirrored).toContain('legwork_safe_mode 0');

      const second = startSupervisor(env);
      expect(await second.exited).toBe(1);
      expect(second.lines.join('\n')).toMatch(new RegExp(`already running \\(pid ${supervisor.child.pid}\\)`));

      supervisor.child.kill('SIGINT');
      expect(await supervisor.exited).toBe(0);
      const text = supervisor.lines.join('\n');
      // Workers drain and exit by themselves; the 30 s SIGKILL fallback must not be what ends them.
      const drained = /✓ stopping workers \(draining\) \((\d+\.\d) s\)/.exec(text);
      expect(Number(drained?.[1])).toBeLessThan(30);
      expect(text.indexOf('stopping workers')).toBeLessThan(text.indexOf('stopping temporal dev server'));
      expect(text.indexOf('stopping temporal dev server')).toBeLessThan(text.indexOf('stopping ledger database'));
      expect(text.indexOf('stopping ledger database')).toBeLessThan(text.indexOf('stopping venue simulator'));
      for (const port of Object.values(ports)) expect(await isPortFree(port)).toBe(true);
      expect(fs.existsSync(path.join(dataDir, 'legwork.pid'))).toBe(false);
      expect(fs.existsSync(path.join(dataDir, 'temporal.sqlite'))).toBe(true);
    } finally {
      supervisor.child.kill('SIGKILL');
    }
  }, 180_000);

  it('--duration ends by itself with exit code 0', async () => {
    const dataDir = fs.mkdtempSync(path.join(testEnv().scratch, 'supervisor-duration-'));
    // Against the harness's Temporal and PostgreSQL (TEMPORAL_ADDRESS/DATABASE_URL set): only workers start.
    const supervisor = startSupervisor(
      // No market world here: a signal loop would leave intents on the shared harness servers.
      { ...process.env, LEGWORK_DATA_DIR: dataDir, LEGWORK_TASK_QUEUE: 'supervisor-duration', LEGWORK_GOVERNOR_ID: 'governor-supervisor-duration', LEGWORK_WORLD: 'off' },
      ['--duration', '2s'],
    );
    await supervisor.waitFor(/^\[legwork\] ready$/);
    expect(supervisor.lines.join('\n')).toMatch(/TEMPORAL_ADDRESS is set; no dev server started/);
    expect(supervisor.lines.join('\n')).toMatch(/DATABASE_URL is set; no embedded server started/);
    expect(await supervisor.exited).toBe(0);
  }, 120_000);

  it('--duration with --report: the paper run trades on the market world by itself, then reconciles and writes its report', async () => {
    const ports = { temporal: await freePort(), pg: await freePort() };
    const dataDir = fs.mkdtempSync(path.join(testEnv().scratch, 'supervisor-report-'));
    const reportDir = path.join(dataDir, 'report');
    const { TEMPORAL_ADDRESS: _t, DATABASE_URL: _d, ...inherited } = process.env;
    const supervisor = startSupervisor(
      {
        ...inherited,
        LEGWORK_DATA_DIR: dataDir,
        LEGWORK_TEMPORAL_PORT: String(ports.temporal),
        LEGWORK_TEMPORAL_UI_PORT: String(await freePort()),
        LEGWORK_POSTGRES_PORT: String(ports.pg),
        LEGWORK_METRICS_PORT: '0',
        LEGWORK_TASK_QUEUE: 'supervisor-report',
        // Dislocations often, so a short run sees some.
        LEGWORK_WORLD_DISLOCATION_RATE: '0.5',
        LEGWORK_SIGNAL_INTERVAL_MS: '200',
      },
      ['--duration', '15s', '--report', reportDir],
    );
    expect(await supervisor.exited).toBe(0);
    const text = supervisor.lines.join('\n');
    expect(text).toMatch(/✓ signal loop/);
    expect(text).toMatch(/✓ final reconciliation/);
    expect(text).toMatch(/✓ report in /);
    // The live summary (every 10 s): the feeds' modes from their heartbeats, opportunities from the scan file, exposure and PnL from the ledger.
    expect(text).toMatch(/feeds (\w+ (stream|hybrid|poll)(, )?){3} \| opportunities \d+ seen, \d+ taken \| intents: .* \| exposure .* \| realized PnL -?\d/);
    const report = JSON.parse(fs.readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as { opportunities: { evaluated?: number; seen?: number; taken: number }; intents: { total: number }; reconciliation?: unknown };
    expect(JSON.stringify(report.opportunities)).toMatch(/"taken":[1-9]/);
    expect(report.intents.total).toBeGreaterThanOrEqual(1);
    expect(report.reconciliation).toBeTruthy();
    for (const f of fs.readdirSync(reportDir).filter((n) => n.endsWith('.svg'))) expect(fs.readFileSync(path.join(reportDir, f), 'utf8').startsWith('<svg')).toBe(true);
    expect(fs.existsSync(path.join(reportDir, 'report.md'))).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, 'scans.jsonl'), 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(0);
  }, 180_000);
});
