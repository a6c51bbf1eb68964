/** `legwork intent submit|show`. */
import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../infra/config';
import { ValidationError } from '../../domain/validation';
import { intentWorkflowId, parseIntent } from '../../domain/intent';
import type { IntentView } from '../../domain/intent-view';
import { connectClient } from '../temporal';
import { startIntent } from '../intents';
import { print, reportError, type OutputOptions } from './output';

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
  const intent = program.command('intent').description('order intents: submit one, or show one');

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
      try {
        const config = loadConfig();
        const { client, close } = await connectClient(config);
        try {
          const workflowId = id.startsWith('intent-') ? id : intentWorkflowId(id);
          const view = await client.workflow.getHandle(workflowId).query<IntentView>('state');
          print(opts, view, () => describe(view));
        } finally {
          await close();
        }
      } catch (err) {
        process.exitCode = reportError(opts, err);
      }
    });
}
