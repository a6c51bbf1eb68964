/** How every CLI command reports: human text by default, one JSON document with --json; meaningful exit codes. */
import type { Client } from '@temporalio/client';
import { loadConfig, type LegworkConfig } from '../../infra/config';
import { SafeModeAckRefusedError } from '../governor';
import { connectClient } from '../temporal';
import { DuplicateIntentError } from '../intents';
import { ValidationError } from '../../domain/validation';

export const EXIT = { ok: 0, failure: 1, invalidInput: 2, duplicate: 3, unreachable: 4, refused: 5 } as const;

export interface OutputOptions {
  json?: boolean;
}

export function print(opts: OutputOptions, value: unknown, human: () => string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Prints an error the way the user asked for and returns the exit code that classifies it. */
export function reportError(opts: OutputOptions, err: unknown): number {
  const code =
    err instanceof ValidationError
      ? EXIT.invalidInput
      : err instanceof DuplicateIntentError
        ? EXIT.duplicate
        : err instanceof SafeModeAckRefusedError
          ? EXIT.refused
          : /cannot reach Temporal/.test(String(err))
            ? EXIT.unreachable
            : EXIT.failure;
  const message = err instanceof Error ? err.message : String(err);
  if (opts.json) process.stdout.write(`${JSON.stringify({ error: { type: err instanceof Error ? err.name : 'Error', message } }, null, 2)}\n`);
  else process.stderr.write(`error: ${message}\n`);
  return code;
}

/**
 * Runs a command body with a Temporal client from the environment's configuration, always closes
 * it, and turns any error into the report and exit code every command uses.
 */
export async function withCliClient(opts: OutputOptions, fn: (client: Client, config: LegworkConfig) => Promise<void>): Promise<void> {
  try {
    const config = loadConfig();
    const { client, close } = await connectClient(config);
    try {
      await fn(client, config);
    } finally {
      await close();
    }
  } catch (err) {
    process.exitCode = reportError(opts, err);
  }
}
