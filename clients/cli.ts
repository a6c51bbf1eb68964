/** `legwork`: the operator CLI. Each command group lives in clients/commands/. */
import { Command } from 'commander';
import { registerGovernorCommands } from './commands/governor';
import { registerIntentCommands } from './commands/intent';
import { registerLiveCommands } from './commands/live';
import { registerReconcileCommands } from './commands/reconcile';
import { registerReplayCommands } from './commands/replay';
import { registerSimCommands } from './commands/sim';

export function buildProgram(): Command {
  const program = new Command('legwork')
    .description('Legwork operator CLI: durable cross-venue order execution on Temporal')
    .showHelpAfterError()
    .addHelpText('after', '\nConnects to TEMPORAL_ADDRESS, or to the dev server `npm start` runs (127.0.0.1:7233).');
  registerIntentCommands(program);
  registerGovernorCommands(program);
  registerLiveCommands(program);
  registerReconcileCommands(program);
  registerSimCommands(program);
  registerReplayCommands(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
