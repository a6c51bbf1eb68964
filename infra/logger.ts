/**
 * pino JSON logs. Secrets are redacted by key wherever they appear in a logged object, so a
 * credential that slips into a log call is printed as "[redacted]", never in clear.
 */
import pino, { type Logger } from 'pino';
import { SECRET_KEYS } from '../domain/secrets';

export const REDACTED_KEYS: readonly string[] = SECRET_KEYS;

/** Paths for pino's redact: the key at the top level and up to two levels deep, plus headers. */
export const REDACT_PATHS = REDACTED_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
  return [key, dot('*'), dot('*.*'), dot('headers'), dot('*.headers')];
});

export function createLogger(name: string, opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      name,
      level: opts.level ?? process.env.LEGWORK_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    opts.destination,
  );
}

export type { Logger };
