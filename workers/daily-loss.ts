/**
 * Feeds the risk governor's daily realized-loss breaker: after each realized PnL (unwinds,
 * settlements) the day's realized PnL is summed from the ledger and, when negative, sent as the
 * breaker's measure. The breaker trips (HALTED, global) once the loss reaches the cap, and
 * recovers only when the measure is back to zero: the next day.
 */
import type { Client } from '@temporalio/client';
import { dec, decStr, ZERO } from '../domain/money';
import type { BreakerSignal } from '../domain/governor';
import type { LedgerClient } from '../ledger';

export const DAILY_LOSS_BREAKER = 'daily-loss:global';

export function dailyLossReporter(opts: { db: LedgerClient; client: Client; governorId: string; cap: string; now?: () => Date }): () => Promise<void> {
  return async () => {
    const now = opts.now?.() ?? new Date();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const { _sum } = await opts.db.pnlEvent.aggregate({ _sum: { amount: true }, where: { createdAt: { gte: dayStart } } });
    const total = _sum.amount ? dec(_sum.amount.toFixed()) : ZERO;
    const loss = total.lt(ZERO) ? total.neg() : ZERO;
    const signal: BreakerSignal = {
      breaker: DAILY_LOSS_BREAKER,
      scope: 'global',
      level: 'HALTED',
      event: { type: 'measure', value: decStr(loss) },
      config: { kind: 'threshold', trip: opts.cap, recover: '0', cooldownMs: 3_600_000, maxCooldownMs: 86_400_000, probeSuccesses: 1 },
    };
    await opts.client.workflow.getHandle(opts.governorId).signal('breakerEvent', signal);
  };
}
