/** `legwork live confirm|status`: the operator confirmation the LIVE gate requires, and the gate's state. */
import type { Command } from 'commander';
import { LIVE_CONFIRM_ACTION, postingDecision } from '../../domain/live-gate';
import { loadConfig } from '../../infra/config';
import { createLedgerClient, latestOperatorConfirmation, recordOperatorConfirmation } from '../../ledger';
import { ledgerUrl } from '../ledger';
import { print, reportError, type OutputOptions } from './output';

export function registerLiveCommands(program: Command): void {
  const live = program.command('live').description('the LIVE gate: mode, LIVE_ORDER_POSTING_ENABLED and an operator confirmation');

  live
    .command('confirm')
    .description('record (in the ledger) that an operator confirms live order posting')
    .requiredOption('--operator <name>', 'who confirms')
    .requiredOption('--note <text>', 'what was checked')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  legwork live confirm --operator ana --note "keys rotated, limits set to 500 USD"')
    .action(async (opts: OutputOptions & { operator: string; note: string }) => {
      try {
        const db = createLedgerClient(ledgerUrl(loadConfig()), { poolSize: 1 });
        try {
          const saved = await recordOperatorConfirmation(db, { operator: opts.operator, action: LIVE_CONFIRM_ACTION, note: opts.note });
          print(opts, saved, () => `live trading confirmed by ${opts.operator} at ${saved.at}`);
        } finally {
          await db.$disconnect();
        }
      } catch (err) {
        process.exitCode = reportError(opts, err);
      }
    });

  live
    .command('status')
    .description('would an order be posted now, and if not, which gate is closed')
    .option('--json', 'print JSON')
    .action(async (opts: OutputOptions) => {
      try {
        const config = loadConfig();
        const db = createLedgerClient(ledgerUrl(config), { poolSize: 1 });
        try {
          const confirmation = await latestOperatorConfirmation(db, LIVE_CONFIRM_ACTION);
          const decision = postingDecision({ mode: config.LEGWORK_MODE, liveOrderPostingEnabled: process.env.LIVE_ORDER_POSTING_ENABLED, confirmation });
          print(opts, { mode: config.LEGWORK_MODE, ...decision }, () => `${config.LEGWORK_MODE}: ${decision.reason}`);
        } finally {
          await db.$disconnect();
        }
      } catch (err) {
        process.exitCode = reportError(opts, err);
      }
    });
}
