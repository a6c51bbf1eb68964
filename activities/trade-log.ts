/**
 * One way for activities to log about trading (submits, lookups, cancels, fills observed, unwinds,
 * settlement, flattens): every line carries the intent, leg and client order id it concerns and
 * the workflow execution (workflowId, runId) the activity runs for, read from the activity's
 * Context, so an operator can follow one trade or one execution through the logs with one filter.
 * Lines go to the given pino logger (worker processes, tests), or else to the SDK's activity
 * logger, which worker processes route through pino too (infra/temporal-logging.ts); either way
 * the logger's redaction applies.
 */
import { Context } from '@temporalio/activity';
import type { Logger } from '../infra/logger';

export interface TradeLogFields {
  intentId: string;
  legId?: string;
  clientOrderId?: string;
  /** What happened, a stable dotted name (`leg.submitted`, `leg.fill_observed`, ...). */
  event: string;
  [key: string]: unknown;
}

export interface TradeLog {
  debug(fields: TradeLogFields, message: string): void;
  info(fields: TradeLogFields, message: string): void;
  warn(fields: TradeLogFields, message: string): void;
}

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // outside an activity (a unit test calling the function directly)
  }
}

export function tradeLog(base?: Logger): TradeLog {
  const emit = (level: 'debug' | 'info' | 'warn', fields: TradeLogFields, message: string) => {
    const ctx = currentContext();
    const info = ctx?.info;
    const line = {
      ...fields,
      ...(info ? { workflowId: info.workflowExecution?.workflowId, runId: info.workflowExecution?.runId, activity: info.activityType, activityAttempt: info.attempt } : {}),
    };
    if (base) base[level](line, message);
    else ctx?.log[level](message, line);
  };
  return { debug: (f, m) => emit('debug', f, m), info: (f, m) => emit('info', f, m), warn: (f, m) => emit('warn', f, m) };
}
