/** `legwork replay <recording>`: the deterministic backtest over a market-data recording (replay/replay.ts). */
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { formatZodError, ValidationError } from '../../domain/validation';
import { loadConfig } from '../../infra/config';
import { resolveReplayMapping } from '../../replay/mapping';
import { recordingFiles } from '../../replay/recording-input';
import { runReplay } from '../../replay/replay';
import { print, reportError, type OutputOptions } from './output';

interface ReplayFlags extends OutputOptions {
  mapping?: string;
  intervalMs?: string;
  out: string;
  execute: boolean;
  lenient?: boolean;
}

const flagsSchema = z.object({
  intervalMs: z.string().regex(/^[1-9]\d*$/, 'must be a whole number of ms above 0').transform(Number).optional(),
  out: z.string().min(1),
});

export function registerReplayCommands(program: Command): void {
  program
    .command('replay')
    .description('backtest: replay a market-data recording through the strategies, executing the takes against a fresh simulator; the same recording gives the same outputs')
    .argument('<recording>', 'a recording file (JSONL) or a directory of rotated recording files (LEGWORK_RECORD_DIR)')
    .option('--mapping <file>', "market mapping file, or a run's simulator.json (default: the simulator.json of the run that wrote the recording)")
    .option('--interval-ms <ms>', 'recorded time between scans (default: LEGWORK_SIGNAL_INTERVAL_MS, the loop\'s interval)')
    .option('--out <dir>', 'where scans.jsonl, fills.jsonl and the report go', 'replay-out')
    .option('--no-execute', 'scan records only: send no orders')
    .option('--lenient', 'skip and count malformed recording lines instead of stopping at the first')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      [
        '',
        'Outputs: scans.jsonl, fills.jsonl, report.json, report.md and SVG charts in --out; report.json holds no wall-clock time,',
        'so two replays of the same recording give identical files. Exit codes: 0 done, 2 invalid input (a bad line names file:line and field), 1 failure.',
        '',
        'Examples:',
        '  npm start -- --duration 2m                                   # records into .legwork/data/marketdata',
        '  npm run legwork -- replay .legwork/data/marketdata --out backtest   # mapping from .legwork/data/simulator.json',
        '  LEGWORK_RECORD_DIR=$PWD/rec npm start -- --duration 2m',
        '  npm run legwork -- replay rec --mapping .legwork/data/simulator.json --out backtest',
        '  npm run legwork -- replay rec/marketdata-20261130T120000Z-4242-0000.jsonl --mapping config/market-mapping.example.json --interval-ms 1000 --no-execute --json',
      ].join('\n'),
    )
    .action(async (recording: string, flags: ReplayFlags) => {
      try {
        const parsed = flagsSchema.safeParse(flags);
        if (!parsed.success) throw new ValidationError('replay options', formatZodError(parsed.error).replace(/^intervalMs/m, '--interval-ms').replace(/^out/m, '--out'));
        recordingFiles(recording); // a missing recording is named before the mapping is looked for next to it
        const { file: mappingFile, mapping } = resolveReplayMapping(recording, flags.mapping);
        const intervalMs = parsed.data.intervalMs ?? loadConfig().LEGWORK_SIGNAL_INTERVAL_MS;
        const started = Date.now();
        const summary = await runReplay({ input: recording, mapping, intervalMs, outDir: path.resolve(parsed.data.out), execute: flags.execute, lenient: flags.lenient ?? false });
        // Run metadata (wall-clock duration) goes to stdout only: the files stay deterministic.
        const run = { mappingFile, intervalMs, execute: flags.execute, durationMs: Date.now() - started };
        print(flags, { ...summary, run }, () =>
          [
            `replayed ${summary.records} records from ${summary.files.length} file(s), ${summary.from} → ${summary.to}${summary.skippedLines ? ` (${summary.skippedLines} bad lines skipped)` : ''}`,
            `  ${summary.scans} scans every ${intervalMs} ms: ${summary.scanRecords} scan records, ${summary.taken} taken${summary.duplicates ? ` (${summary.duplicates} duplicates)` : ''}`,
            flags.execute
              ? `  ${summary.intents} intents executed against the simulator, ${summary.orders} orders: ${Object.entries(summary.intentsByOutcome).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`
              : '  --no-execute: no orders sent',
            `  outputs: ${summary.outputs.scans}, ${summary.outputs.fills}, ${summary.outputs.report[0] ?? ''} (+ ${summary.outputs.report.length - 1} more)`,
            `  took ${run.durationMs} ms (mapping ${mappingFile})`,
          ].join('\n'),
        );
      } catch (err) {
        process.exitCode = reportError(flags, err);
      }
    });
}
