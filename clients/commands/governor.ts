/** `legwork status`, `legwork kill engage|release`, `legwork safe-mode ack`: the risk governor from the shell. */
import type { Command } from 'commander';
import type { GovernorState } from '../../domain/governor';
import { summaryLevel } from '../../domain/governor';
import { loadConfig } from '../../infra/config';
import { acknowledgeSafeMode, governorState, sendKillSwitch } from '../governor';
import { connectClient } from '../temporal';
import { print, reportError, type OutputOptions } from './output';

function describeGovernor(state: GovernorState): string {
  const lines = [`governor: ${summaryLevel(state)}`];
  const switches = Object.entries(state.switches);
  lines.push(switches.length ? 'kill switches:' : 'kill switches: none engaged');
  for (const [scope, s] of switches) lines.push(`  ${scope}: ${s.level} since ${s.since} by ${s.operator} — ${s.reason}`);
  if (state.safeMode.active) {
    lines.push(`SAFE_MODE since ${state.safeMode.since}: ${state.safeMode.reason}`);
    for (const f of state.safeMode.findings) lines.push(`  ${f.resolved ? 'resolved' : 'OPEN    '} ${f.id} ${f.kind}${f.venue ? ` (${f.venue})` : ''}: ${f.detail}`);
  }
  if (state.rejectedSignals) lines.push(`rejected signals: ${state.rejectedSignals}`);
  return lines.join('\n');
}

async function withGovernor<T>(opts: OutputOptions, fn: (ctx: { client: Awaited<ReturnType<typeof connectClient>>['client']; id: string }) => Promise<T>): Promise<void> {
  try {
    const config = loadConfig();
    const { client, close } = await connectClient(config);
    try {
      await fn({ client, id: config.LEGWORK_GOVERNOR_ID });
    } finally {
      await close();
    }
  } catch (err) {
    process.exitCode = reportError(opts, err);
  }
}

export function registerGovernorCommands(program: Command): void {
  program
    .command('status')
    .description('the risk governor: level, kill switches, SAFE_MODE and its findings')
    .option('--json', 'print JSON')
    .action((opts: OutputOptions) =>
      withGovernor(opts, async ({ client, id }) => {
        const state = await governorState(client, id);
        // Intents still in flight, straight from Temporal's visibility (the search attributes).
        const { count: openIntents } = await client.workflow.count(`WorkflowType = "orderIntentWorkflow" AND ExecutionStatus = "Running"`);
        print(opts, { level: summaryLevel(state), openIntents, ...state }, () => `${describeGovernor(state)}\nopen intents: ${openIntents}`);
      }),
    );

  const kill = program.command('kill').description('engage or release a kill switch (global, per venue, per strategy)');
  for (const action of ['engage', 'release'] as const) {
    kill
      .command(action)
      .description(action === 'engage' ? 'stop new orders in a scope (HALTED, or REDUCING: only exposure-reducing orders)' : 'release a kill switch')
      .requiredOption('--reason <text>', 'why (audited)')
      .option('--scope <scope>', 'global | venue:<kalshi|polymarket|coinbase> | strategy:<id>', 'global')
      .option('--level <level>', 'HALTED or REDUCING', 'HALTED')
      .option('--operator <name>', 'who (audited)', process.env.USER ?? 'unknown')
      .option('--json', 'print JSON')
      .addHelpText('after', `\nExamples:\n  legwork kill ${action} --reason "venue outage" --scope venue:kalshi\n  legwork kill ${action} --reason "drawdown" --scope global${action === 'engage' ? ' --level REDUCING' : ''}`)
      .action((opts: OutputOptions & { reason: string; scope: string; level: string; operator: string }) =>
        withGovernor(opts, async ({ client, id }) => {
          await sendKillSwitch(client, id, { action, scope: opts.scope, level: opts.level, reason: opts.reason, operator: opts.operator });
          const state = await governorState(client, id);
          print(opts, { level: summaryLevel(state), ...state }, () => describeGovernor(state));
        }),
      );
  }

  program
    .command('safe-mode')
    .description('SAFE_MODE: acknowledge it once every finding is resolved')
    .command('ack')
    .description('acknowledge SAFE_MODE (refused while findings stand); audited with your name and note')
    .requiredOption('--operator <name>', 'who acknowledges')
    .requiredOption('--note <text>', 'what was checked')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  legwork safe-mode ack --operator ana --note "hedged KXFED leg by hand, balances match"')
    .action((opts: OutputOptions & { operator: string; note: string }) =>
      withGovernor(opts, async ({ client, id }) => {
        const state = await acknowledgeSafeMode(client, id, { operator: opts.operator, note: opts.note });
        print(opts, { level: summaryLevel(state), ...state }, () => describeGovernor(state));
      }),
    );
}
