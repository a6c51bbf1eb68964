/**
 * `npm start`: brings up everything Legwork needs on one machine, in order, with a progress line
 * per step, then runs until Ctrl-C or `--duration`, and shuts down in reverse order (workers drain
 * first, then the servers). Against a real cluster/database (TEMPORAL_ADDRESS, DATABASE_URL) it
 * starts only the workers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { ensureGovernor, governorState } from '../clients/governor';
import { withTemporalConnection } from '../clients/temporal';
import { ensureReconciliationSchedule, runReconciliation } from '../clients/reconciliation';
import { summaryLevel } from '../domain/governor';
import { Command } from 'commander';
import { loadConfig, type LegworkConfig } from '../infra/config';
import { parseDuration } from '../infra/duration';
import { acquireInstanceLock } from '../infra/instance-lock';
import { assertPortFree } from '../infra/ports';
import { startLedgerDatabase, urlWithoutPassword } from '../infra/postgres';
import { applyMigrations } from '../infra/migrate';
import { registerSearchAttributes, startTemporalDevServer, type DevServer } from '../infra/temporal-server';
import { ensureTemporalCli } from '../infra/tools';
import { startVenueSimulator, type VenueSimulator } from '../venues/sim';
import { writeSimulatorDescription } from '../venues/execution';
import { ensureRouter, ensureSignalLoop, signalLoopWorkflowId } from '../clients/routers';
import { feedModes } from '../clients/feed-status';
import { VENUES } from '../domain/venue';
import { startLiveSummary } from './live-summary';
import { buildPaperReport, gatherReportData, writePaperReport } from '../reports/paper-report';
import { createLedgerClient } from '../ledger';
import { bundleWorkflows } from './bundle';
import { spawnWorkerProcess, type WorkerProcess } from './worker-process';

const out = (line: string) => process.stdout.write(`[legwork] ${line}\n`);

async function step<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  out(`… ${label}`);
  const result = await fn();
  out(`✓ ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

interface Running {
  simulator?: VenueSimulator;
  temporal?: DevServer;
  database?: { stop(): Promise<void> };
  workers: WorkerProcess[];
  stopping: boolean;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('npm start')
    .option('--duration <time>', 'stop by itself after this long (e.g. 60s, 5m)')
    .option('--workers <n>', 'worker processes to run', '1')
    .option('--report <dir>', 'at the end, reconcile and write a report of the run (KPIs, SVG plots) into this folder')
    .parse(argv, { from: 'user' });
  const opts = program.opts<{ duration?: string; workers: string; report?: string }>();
  const durationMs = opts.duration ? parseDuration(opts.duration) : undefined;
  const workerCount = Math.max(1, Number.parseInt(opts.workers, 10) || 1);

  const config = loadConfig();
  fs.mkdirSync(path.join(config.dataDir, 'logs'), { recursive: true });
  const lock = acquireInstanceLock(config.dataDir);
  const running: Running = { workers: [], stopping: false };

  try {
    if (config.LEGWORK_MODE === 'PAPER') {
      // Parity mispricings at the dislocation rate too, and three BTC threshold contracts closing 3, 6 and 9 minutes in.
      const world =
        config.LEGWORK_WORLD === 'on'
          ? { seed: config.LEGWORK_WORLD_SEED, tickMs: 1_000, dislocationRate: config.LEGWORK_WORLD_DISLOCATION_RATE, parityRate: config.LEGWORK_WORLD_DISLOCATION_RATE, btcMarkets: 3, btcResolveAfterMs: 180_000 }
          : undefined;
      running.simulator = await step(`venue simulator (PAPER mode)${world ? ` with market world seed ${world.seed}` : ''}`, () => startVenueSimulator(world ? { world } : {}));
    }
    const temporalAddress = await startTemporal(config, running);
    const databaseUrl = await startDatabase(config, running);
    await step('ledger migrations', async () => {
      const { applied } = await applyMigrations(databaseUrl);
      if (applied.length) out(`  applied ${applied.join(', ')}`);
    });
    const bundlePath = await step('workflow bundle', async () => {
      if (config.LEGWORK_WORKFLOW_BUNDLE) return config.LEGWORK_WORKFLOW_BUNDLE;
      const code = await bundleWorkflows((l) => out(`  ${l}`));
      const file = path.join(config.dataDir, 'workflow-bundle.js');
      fs.writeFileSync(file, code);
      return file;
    });
    const workerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress,
      DATABASE_URL: databaseUrl,
      LEGWORK_WORKFLOW_BUNDLE: bundlePath,
      // Market data is recorded by default, next to the run's other files (set it empty to turn it off).
      LEGWORK_RECORD_DIR: process.env.LEGWORK_RECORD_DIR ?? path.join(config.dataDir, 'marketdata'),
    };
    if (running.simulator) {
      const simFile = path.join(config.dataDir, 'simulator.json');
      writeSimulatorDescription(simFile, running.simulator.describe());
      workerEnv.LEGWORK_SIM_FILE = simFile;
    }
    await step(`workers (${workerCount}) on task queue ${config.LEGWORK_TASK_QUEUE}`, async () => {
      for (let i = 0; i < workerCount; i++) running.workers.push(await superviseWorker(workerEnv, running, config, i));
    });

    // The control plane: one connection for its four steps.
    const governorLevel = await withTemporalConnection(temporalAddress, async (connection) => {
      const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
      const control = { taskQueue: config.LEGWORK_TASK_QUEUE, governorId: config.LEGWORK_GOVERNOR_ID };
      await step('risk governor', () => ensureGovernor(client, { workflowId: control.governorId, taskQueue: control.taskQueue }));
      // PAPER: the simulator's Kalshi, Polymarket and Coinbase user streams push fills into the intents that own them.
      if (running.simulator) {
        for (const venue of VENUES) await step(`user-stream router (${venue})`, () => ensureRouter(client, { taskQueue: control.taskQueue, venue }));
      }
      if (running.simulator?.world) {
        await step(`signal loop (every ${config.LEGWORK_SIGNAL_INTERVAL_MS} ms over ${running.simulator.world.mapping.pairs.length} mapped pairs and ${running.simulator.world.mapping.btcMarkets?.length ?? 0} BTC markets)`, () =>
          ensureSignalLoop(client, { taskQueue: control.taskQueue, intervalMs: config.LEGWORK_SIGNAL_INTERVAL_MS }),
        );
      }
      await step(`reconciliation schedule (daily ${config.LEGWORK_RECONCILE_AT} ${config.LEGWORK_RECONCILE_TZ})`, () =>
        ensureReconciliationSchedule(client, { ...control, at: config.LEGWORK_RECONCILE_AT, timezone: config.LEGWORK_RECONCILE_TZ }),
      );
      await step('start-up reconciliation', async () => {
        const result = await runReconciliation(client, { ...control, trigger: 'startup' });
        out(`  ${result.differences.length} difference(s), ${result.findings.length} finding(s)${result.findings.length ? ': SAFE_MODE until `legwork safe-mode ack`' : ''}`);
      });
      return summaryLevel(await governorState(client, control.governorId));
    });

    out('ready');
    out(`  Temporal        ${temporalAddress} (namespace ${config.TEMPORAL_NAMESPACE})`);
    if (running.temporal?.uiUrl) out(`  Temporal Web UI ${running.temporal.uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`);
    out(`  Ledger          ${urlWithoutPassword(databaseUrl)}`);
    out(`  Data folder     ${config.dataDir}`);
    if (running.simulator?.world && workerEnv.LEGWORK_RECORD_DIR) out(`  Market data     ${workerEnv.LEGWORK_RECORD_DIR} (JSONL, rotated by size)`);
    if (running.simulator) {
      const { kalshi, polymarket, coinbase } = running.simulator;
      out(`  Simulator       kalshi ${kalshi.restBaseUrl}, polymarket ${polymarket.restBaseUrl}, coinbase ${coinbase.restBaseUrl} (faults: npm run legwork -- sim fault --help)`);
    }
    if (config.LEGWORK_METRICS_PORT) {
      out(`  Metrics         ${running.workers.map((_, i) => `http://127.0.0.1:${config.LEGWORK_METRICS_PORT + i}/metrics`).join(' ')}`);
    }
    out(`  Risk governor   ${governorLevel} (workflow ${config.LEGWORK_GOVERNOR_ID}; npm run legwork -- status)`);
    out(`  Submit a trade  npm run legwork -- intent submit examples/intent.json`);
    out(durationMs ? `running for ${opts.duration}` : 'running; Ctrl-C to stop');

    // A line every 10 s: what the paper run is doing (feeds, opportunities, intents, exposure, PnL).
    const runStart = new Date();
    await withTemporalConnection(temporalAddress, async (connection) => {
      const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
      const summary = startLiveSummary(
        {
          databaseUrl,
          scansFile: path.join(config.dataDir, 'scans.jsonl'),
          ...(running.simulator?.world ? { feedModes: () => feedModes(client, signalLoopWorkflowId(config.LEGWORK_TASK_QUEUE)) } : {}),
        },
        out,
      );
      try {
        await waitForStop(durationMs);
      } finally {
        await summary.stop();
      }
    });
    if (opts.report) await writeRunReport(opts.report, { temporalAddress, databaseUrl, config, runStart });
    return 0;
  } finally {
    await shutdown(running);
    lock.release();
  }
}

/** `--report`: a final reconciliation (its result goes in the report), then the report itself. */
async function writeRunReport(dir: string, ctx: { temporalAddress: string; databaseUrl: string; config: LegworkConfig; runStart: Date }): Promise<void> {
  await step('final reconciliation', () =>
    withTemporalConnection(ctx.temporalAddress, async (connection) => {
      const client = new Client({ connection, namespace: ctx.config.TEMPORAL_NAMESPACE });
      const result = await runReconciliation(client, { taskQueue: ctx.config.LEGWORK_TASK_QUEUE, governorId: ctx.config.LEGWORK_GOVERNOR_ID, trigger: 'manual' });
      out(`  ${result.differences.length} difference(s), ${result.findings.length} finding(s)`);
    }),
  );
  await step(`report in ${dir}`, async () => {
    const db = createLedgerClient(ctx.databaseUrl);
    try {
      const report = buildPaperReport(await gatherReportData(db, { scansFile: path.join(ctx.config.dataDir, 'scans.jsonl'), since: ctx.runStart }));
      const files = await writePaperReport(path.resolve(dir), report);
      out(`  ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
    } finally {
      await db.$disconnect();
    }
  });
}

async function startTemporal(config: LegworkConfig, running: Running): Promise<string> {
  if (config.TEMPORAL_ADDRESS) {
    out(`using Temporal at ${config.TEMPORAL_ADDRESS} (TEMPORAL_ADDRESS is set; no dev server started)`);
    await step('search attributes', () => withTemporalConnection(config.TEMPORAL_ADDRESS!, (c) => registerSearchAttributes(c, config.TEMPORAL_NAMESPACE)));
    return config.TEMPORAL_ADDRESS;
  }
  const cli = await step('temporal CLI', async () => {
    const tool = await ensureTemporalCli({ log: (l) => out(`  ${l}`) });
    out(`  ${tool.path} (${tool.source})`);
    return tool;
  });
  running.temporal = await step('temporal dev server', () =>
    startTemporalDevServer({
      cliPath: cli.path,
      port: config.LEGWORK_TEMPORAL_PORT,
      uiPort: config.LEGWORK_TEMPORAL_UI_PORT,
      dbFile: path.join(config.dataDir, 'temporal.sqlite'),
      namespace: config.TEMPORAL_NAMESPACE,
      logFile: path.join(config.dataDir, 'logs', 'temporal.log'),
    }),
  );
  const address = running.temporal.address;
  await step('search attributes', async () => {
    const added = await withTemporalConnection(address, (c) => registerSearchAttributes(c, config.TEMPORAL_NAMESPACE));
    if (added.length) out(`  registered ${added.join(', ')}`);
  });
  return address;
}

async function startDatabase(config: LegworkConfig, running: Running): Promise<string> {
  if (config.DATABASE_URL) {
    out(`using PostgreSQL at ${urlWithoutPassword(config.DATABASE_URL)} (DATABASE_URL is set; no embedded server started)`);
    return config.DATABASE_URL;
  }
  await assertPortFree(config.LEGWORK_POSTGRES_PORT, 'embedded PostgreSQL', 'LEGWORK_POSTGRES_PORT');
  const db = await step('ledger database (embedded PostgreSQL)', () =>
    startLedgerDatabase({ dataDir: path.join(config.dataDir, 'postgres'), port: config.LEGWORK_POSTGRES_PORT, log: (l) => out(`  ${l}`) }),
  );
  running.database = db;
  return db.url;
}


/** Starts a worker process and restarts it (with back-off) if it dies while we are not stopping. */
async function superviseWorker(env: NodeJS.ProcessEnv, running: Running, config: LegworkConfig, index: number): Promise<WorkerProcess> {
  const logFile = fs.createWriteStream(path.join(config.dataDir, 'logs', `worker-${index}.log`), { flags: 'a' });
  const metricsPort = config.LEGWORK_METRICS_PORT ? config.LEGWORK_METRICS_PORT + index : 0;
  const start = () => spawnWorkerProcess({ env: { ...env, LEGWORK_METRICS_PORT: String(metricsPort) }, onLine: (line) => logFile.write(`${line}\n`) });
  const worker = await start();
  const watch = (w: WorkerProcess, restarts: number) => {
    void w.exited.then(async ({ code, signal }) => {
      if (running.stopping) return;
      const delay = Math.min(30_000, 500 * 2 ** restarts);
      out(`! worker ${index} (pid ${w.pid}) exited (${signal ?? code}); restarting in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
      if (running.stopping) return;
      try {
        const next = await start();
        running.workers[index] = next;
        out(`✓ worker ${index} restarted (pid ${next.pid})`);
        watch(next, 0);
      } catch (err) {
        out(`! worker ${index} failed to restart: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        watch(w, restarts + 1);
      }
    });
  };
  watch(worker, 0);
  return worker;
}

function waitForStop(durationMs?: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = durationMs ? setTimeout(resolve, durationMs) : undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      out(`${signal} received`);
      if (timer) clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

async function shutdown(running: Running): Promise<void> {
  running.stopping = true;
  if (running.workers.length) await step('stopping workers (draining)', () => Promise.all(running.workers.map((w) => w.stop())).then(() => undefined));
  if (running.temporal) await step('stopping temporal dev server', () => running.temporal!.stop());
  if (running.database) await step('stopping ledger database', () => running.database!.stop());
  if (running.simulator) await step('stopping venue simulator', () => running.simulator!.stop());
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      out(`✗ ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
