/**
 * A worker process: hosts the intent workflows and their activities on one task queue until
 * SIGINT/SIGTERM (then drains in-flight tasks and exits 0). Prints one `worker.ready` JSON line
 * when it polls, which the supervisor and the crash tests wait for.
 */
import fs from 'node:fs';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { createMetrics, startMetricsServer } from '../infra/metrics';
import { installTemporalLogging } from '../infra/temporal-logging';
import { temporalAddress } from '../clients/temporal';
import { createLegworkWorker } from './create-worker';
import { activityDependencies } from './dependencies';
import { pollGovernorMetrics } from './governor-metrics';
import { pollLedgerAndRateMetrics } from './ledger-metrics';
import { openIntentLedger } from './ledger-wiring';
import { closeExecutionVenues, executionVenuesFor, paperAdapters, readSimulatorDescription, userStreamsForSimulator, venueReconcilersForSimulator } from '../venues/execution';
import path from 'node:path';
import { READY_EVENT } from './worker-process';
import { createBreakerReporter } from './breaker-reporter';
import { feedTuningFrom, startFeedHostForSimulator } from './feed-host';
import { createRecorder } from '../venues/recording';
import { balanceSourcesFor, startBalanceRefresher } from './balance-refresh';
import { ledgerBankroll } from './bankroll';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('worker', { level: config.LEGWORK_LOG_LEVEL });
  installTemporalLogging(config.LEGWORK_LOG_LEVEL);
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is not set: the worker needs the ledger database');
  const address = temporalAddress(config);
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const ledger = openIntentLedger(config.DATABASE_URL);
  // PAPER: trade against the simulator the supervisor (or `legwork sim`) described.
  const sim = config.LEGWORK_SIM_FILE ? readSimulatorDescription(config.LEGWORK_SIM_FILE) : undefined;
  const breakers = config.LEGWORK_ENDPOINT_BREAKERS === 'on' ? createBreakerReporter({ client, governorId: config.LEGWORK_GOVERNOR_ID, onError: (err) => log.warn({ err }, 'breaker event not delivered') }) : undefined;
  // One adapter per venue, shared by orders, books and reconciliation (one rate budget per venue).
  const adapters = sim ? paperAdapters(sim, { onOutcome: breakers?.onOutcome }) : undefined;
  const venues = adapters ? executionVenuesFor(adapters) : {};
  const userStreams = sim ? userStreamsForSimulator(sim) : {};
  const venueReconcilers = sim ? venueReconcilersForSimulator(sim, adapters) : undefined;
  const metrics = createMetrics();
  // The signal loop trades the simulator's market world, when one runs: one feed per venue and the
  // loop itself run on this process's feed host, sharing its book store (workers/feed-host.ts).
  const recorder = sim?.world && config.LEGWORK_RECORD_DIR ? createRecorder({ dir: config.LEGWORK_RECORD_DIR, maxFileBytes: config.LEGWORK_RECORD_MAX_FILE_MB * 1024 * 1024 }) : undefined;
  const loopDeps = { dataHealth: { governorId: config.LEGWORK_GOVERNOR_ID }, scansFile: path.join(config.dataDir, 'scans.jsonl'), bankroll: ledgerBankroll(ledger.db) };
  const feedHost = sim?.world
    ? await startFeedHostForSimulator({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        sharedTaskQueue: config.LEGWORK_TASK_QUEUE,
        sim,
        mapping: sim.world.mapping,
        ...(adapters ? { adapters } : {}),
        loop: { ...loopDeps, client, taskQueue: config.LEGWORK_TASK_QUEUE, metrics },
        ...(recorder ? { recorder } : {}),
        tuning: feedTuningFrom(config),
        metrics,
        identity: `${process.pid}@${os.hostname()}`,
      })
    : undefined;
  const signalLoop = feedHost ? { ...loopDeps, mapping: feedHost.loop.mapping, books: feedHost.loop.books, feedHealth: feedHost.store.health, feedHost: feedHost.info } : undefined;
  const metricsServer = config.LEGWORK_METRICS_PORT ? await startMetricsServer(config.LEGWORK_METRICS_PORT, metrics) : undefined;
  const governorPoller = pollGovernorMetrics(client, config.LEGWORK_GOVERNOR_ID, metrics);
  const ledgerPoller = pollLedgerAndRateMetrics(metrics, ledger.db, venues);
  // Every venue's balances into the ledger (the signal loop's bankroll), the gauges and the `balance:<venue>` breakers.
  const balanceRefresh = adapters
    ? startBalanceRefresher({
        sources: balanceSourcesFor(adapters),
        db: ledger.db,
        everyMs: config.LEGWORK_BALANCE_REFRESH_MS,
        minAvailable: config.LEGWORK_MIN_VENUE_BALANCE,
        governor: { client, governorId: config.LEGWORK_GOVERNOR_ID },
        metrics,
        onError: (venue, err) => log.warn({ venue, error: err instanceof Error ? err.message : String(err) }, 'balance refresh or its breaker event failed'),
      })
    : undefined;
  try {
    const worker = await createLegworkWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.LEGWORK_TASK_QUEUE,
      ...activityDependencies({ ledger, client, governorId: config.LEGWORK_GOVERNOR_ID, venues, userStreams, venueReconcilers: venueReconcilers?.reconcilers, dailyLossCap: config.LEGWORK_DAILY_LOSS_CAP }),
      metrics,
      logger: createLogger('activities', { level: config.LEGWORK_LOG_LEVEL }),
      ...(signalLoop ? { signalLoop } : {}),
      workflowBundleCode: config.LEGWORK_WORKFLOW_BUNDLE ? fs.readFileSync(config.LEGWORK_WORKFLOW_BUNDLE, 'utf8') : undefined,
      identity: `${process.pid}@${os.hostname()}`,
    });
    const running = worker.run();
    // Started by a supervisor (IPC channel): when it goes away, drain and stop instead of
    // polling on as an orphan.
    if (process.send) process.once('disconnect', () => worker.shutdown());
    // Printed whatever the log level: the supervisor and crash tests wait for this line.
    process.stdout.write(
      `${JSON.stringify({ event: READY_EVENT, pid: process.pid, taskQueue: config.LEGWORK_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, address, metrics: metricsServer?.url })}\n`,
    );
    await running;
    log.info({ event: 'worker.stopped' }, 'worker drained and stopped');
  } finally {
    governorPoller.stop();
    ledgerPoller.stop();
    await balanceRefresh?.stop();
    await metricsServer?.close();
    await closeExecutionVenues(venues);
    await venueReconcilers?.close();
    await feedHost?.close();
    await recorder?.close();
    await ledger.close();
    await clientConnection.close();
    await connection.close();
  }
}

// Exit explicitly once drained: an open IPC channel to the supervisor would keep the process alive.
main().then(() => process.exit(0)).catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
