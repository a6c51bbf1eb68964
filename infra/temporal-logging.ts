/**
 * Routes the Temporal SDK's own logs (worker state, workflow and activity logs, which carry the
 * workflow id and run id) through pino, so a worker's output is one JSON stream with redaction.
 */
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { createLogger, type Logger } from './logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

export function sdkLoggerFrom(pino: Logger): SdkLogger {
  const emit = (level: LogLevel, message: string, meta?: LogMetadata) => pino[LEVELS[level]]({ ...meta }, message);
  return {
    log: emit,
    trace: (m, meta) => emit('TRACE', m, meta),
    debug: (m, meta) => emit('DEBUG', m, meta),
    info: (m, meta) => emit('INFO', m, meta),
    warn: (m, meta) => emit('WARN', m, meta),
    error: (m, meta) => emit('ERROR', m, meta),
  };
}

/**
 * Installs the SDK runtime with our logger. Call before creating any worker or connection in the
 * process; a second call in the same process keeps the first runtime.
 */
export function installTemporalLogging(level: string): Logger {
  const pino = createLogger('temporal', { level });
  try {
    Runtime.install({ logger: sdkLoggerFrom(pino) });
  } catch {
    // Already installed in this process (e.g. several test files share a Jest worker).
  }
  return pino;
}
