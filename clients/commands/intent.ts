/** `legwork intent submit|show|cancel` and `legwork stuck`. */
import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../infra/config';
import { ValidationError } from '../../domain/validation';
import { parseIntent } from '../../domain/intent';
import type { IntentView } from '../../domain/intent-view';
import { connectClient } from '../temporal';
import { cancelIntent, flattenIntent, intentWorkflowIdFrom, startIntent, stuckLegs } from '../intents';
import { parseDuration } from '../../infra/duration';
import { EXIT, print, reportError, withCliClient, type OutputOptions } from './output';

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ValidationError(`intent file ${file}`, (err as Error).message);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ValidationError(`intent file ${file}`, `not JSON: ${(err as Error).message}`);
  }
}

function describe(view: IntentView): string {
  const legs = view.legs.map((l) => `  leg ${l.legId}: ${l.action} ${l.quantity} ${l.venue}:${l.market}${l.outcome ? ` ${l.outcome}` : ''} @ ${l.limitPrice} — ${l.phase}, filled ${l.filledQuantity}`);
  return [`intent ${view.intentId} (${view.strategy}) — ${view.phase}`, `  workflow ${view.workflowId} run ${view.runId}`, ...legs].join('\n');
}

export function registerIntentCommands(program: Command): void {
  const intent = program.command('intent').description('order intents: submit, show or cancel one');

  intent
    .command('submit <file>')
    .description('validate an intent JSON file, start its workflow and print the result')
    .option('--json', 'print JSON')
    .option('--no-wait', 'print the workflow id and return without waiting for the result')
    .addHelpText('after', '\nExample:\n  legwork intent submit examples/intent.json\n  legwork intent submit examples/intent.json --json')
    .action(async (file: string, opts: OutputOptions & { wait: boolean }) => {
      try {
        // Validate before connecting: a bad file is reported even when Temporal is down.
        const input = parseIntent(readJsonFile(file));
        const config = loadConfig();
        const { client, close } = await connectClient(config);
        try {
          const handle = await startIntent(client, input, { taskQueue: config.LEGWORK_TASK_QUEUE });
          if (!opts.wait) {
            print(opts, { workflowId: handle.workflowId, runId: handle.firstExecutionRunId }, () => `started ${handle.workflowId}`);
            return;
          }
          const view = await handle.result();
          print(opts, view, () => describe(view));
        } finally {
          await close();
        }
      } catch (err) {
        process.exitCode = reportError(opts, err);
      }
    });

  intent
    .command('show <opportunityOrIntentId>')
    .description("query a running or finished intent's state")
    .option('--json', 'print JSON')
    .action(async (id: string, opts: OutputOptions) => {
      await withCliClient(opts, async (client, config) => {
        const workflowId = intentWorkflowIdFrom(id);
        const view = await client.workflow.getHandle(workflowId).query<IntentView>('state');
        print(opts, view, () => describe(view));
      });
    });

  intent
    .command('cancel <opportunityOrIntentId>')
    .description('cancel a running intent: its open legs are cancelled at the venues and what leg A holds uncovered is unwound')
    .requiredOption('--reason <text>', 'why (written to the audit trail)')
    .requiredOption('--operator <name>', 'who')
    .option('--no-wait', 'return once the request is delivered, without waiting for the intent to end')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  legwork intent cancel demo-fed-cut-dec-0001 --reason "edge gone" --operator alice')
    .action(async (id: string, opts: OutputOptions & { reason: string; operator: string; wait: boolean }) => {
      await withCliClient(opts, async (client, config) => {
        const workflowId = await cancelIntent(client, id, { reason: opts.reason, operator: opts.operator });
        if (!opts.wait) {
          print(opts, { workflowId, cancelRequested: true }, () => `cancel requested for ${workflowId}`);
          return;
        }
        const view = await client.workflow.getHandle(workflowId).result() as IntentView;
        print(opts, view, () => describe(view));
      });
    });

  intent
    .command('flatten <opportunityOrIntentId>')
    .description("close what an UNHEDGED intent still holds: sell (buy) it back on leg A's venue, then mark it FLATTENED")
    .requiredOption('--reason <text>', 'why (written to the audit trail)')
    .requiredOption('--operator <name>', 'who')
    .option('--price <price>', "limit for the immediate-or-cancel unwind (default: leg A's fill price through the intent's unwindSlippage)")
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  legwork intent flatten demo-fed-cut-dec-0001 --reason "hedged the book by hand" --operator ana\n  legwork reconcile run   # the unhedged finding is gone; then: legwork safe-mode ack ...')
    .action(async (id: string, opts: OutputOptions & { reason: string; operator: string; price?: string }) => {
      await withCliClient(opts, async (client, config) => {
        const result = await flattenIntent(client, id, { reason: opts.reason, operator: opts.operator, ...(opts.price ? { price: opts.price } : {}) }, { taskQueue: config.LEGWORK_TASK_QUEUE });
        print(opts, result, () =>
          result.remaining === '0' ? `flattened ${result.flattened} of ${result.intentId}: it is FLATTENED` : `unwound ${result.flattened} of ${result.intentId}; ${result.remaining} still exposed (try again, or with --price)`,
        );
        if (result.remaining !== '0') process.exitCode = EXIT.failure;
      });
    });

  program
    .command('stuck')
    .description('running intents with a leg waiting on a venue for longer than --older-than (from search attributes)')
    .option('--older-than <duration>', 'e.g. 30s, 5m', '60s')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  legwork stuck --older-than 60s\n  legwork stuck --older-than 5m --json')
    .action(async (opts: OutputOptions & { olderThan: string }) => {
      // Validated before connecting: a bad duration is reported (exit 2) even when Temporal is down.
      let olderThanMs: number;
      try {
        olderThanMs = parseDuration(opts.olderThan);
      } catch (err) {
        process.exitCode = reportError(opts, new ValidationError('--older-than', (err as Error).message));
        return;
      }
      await withCliClient(opts, async (client) => {
        const result = await stuckLegs(client, olderThanMs);
        print(opts, result, () =>
          result.legs.length === 0
            ? `no leg stuck for more than ${opts.olderThan}`
            : result.legs
                .map((l) => `${l.workflowId}  ${l.intentState ?? '?'}  A=${l.legAState ?? '-'} B=${l.legBState ?? '-'}  since ${l.stuckSince}  ${l.market ?? ''}`)
                .join('\n'),
        );
      });
    });
}
