/** `legwork reconcile run|show`: reconciliation on demand, and the latest runs with their differences. */
import type { Command } from 'commander';
import { loadConfig } from '../../infra/config';
import { createLedgerClient, latestReconciliationRuns } from '../../ledger';
import { ledgerUrl } from '../ledger';
import { runReconciliation } from '../reconciliation';
import { connectClient } from '../temporal';
import { print, reportError, type OutputOptions } from './output';

export function registerReconcileCommands(program: Command): void {
  const reconcile = program.command('reconcile').description('compare the ledger with Temporal and the venues; repair what is safe, escalate the rest');

  reconcile
    .command('run')
    .description('run a reconciliation now and print what it found')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  legwork reconcile run --json')
    .action(async (opts: OutputOptions) => {
      try {
        const config = loadConfig();
        const { client, close } = await connectClient(config);
        try {
          const result = await runReconciliation(client, { taskQueue: config.LEGWORK_TASK_QUEUE, governorId: config.LEGWORK_GOVERNOR_ID, trigger: 'manual' });
          print(opts, result, () =>
            [
              `reconciliation ${result.runId}: ${result.differences.length} difference(s), ${result.findings.length} finding(s) for SAFE_MODE`,
              ...result.differences.map((d) => `  ${d.severity.padEnd(6)} ${d.kind} ${d.repaired ? '(repaired)' : ''} ${JSON.stringify(d.details)}`),
            ].join('\n'),
          );
        } finally {
          await close();
        }
      } catch (err) {
        process.exitCode = reportError(opts, err);
      }
    });

  reconcile
    .command('show')
    .description('the latest reconciliation runs and their differences (from the ledger)')
    .option('--json', 'print JSON')
    .option('--last <n>', 'how many runs', '5')
    .action(async (opts: OutputOptions & { last: string }) => {
      try {
        const db = createLedgerClient(ledgerUrl(loadConfig()), { poolSize: 1 });
        try {
          const runs = await latestReconciliationRuns(db, Math.max(1, Number.parseInt(opts.last, 10) || 5));
          print(opts, runs, () =>
            runs
              .map((r) => [`${r.startedAt.toISOString()} ${r.trigger} ${r.status} ${r.id}: ${r.differences.length} difference(s)`, ...r.differences.map((d) => `  ${d.severity} ${d.kind}${d.repaired ? ' (repaired)' : ''}`)].join('\n'))
              .join('\n') || 'no reconciliation runs yet',
          );
        } finally {
          await db.$disconnect();
        }
      } catch (err) {
        process.exitCode = reportError(opts, err);
      }
    });
}
