/**
 * The supervisor's live terminal summary: every few seconds one line with intents by state,
 * realized PnL and capital still reserved, read from the ledger (the source operators trust).
 */
import { dec, decStr, ZERO } from '../domain/money';
import { createLedgerClient } from '../ledger';

export function startLiveSummary(databaseUrl: string, out: (line: string) => void, everyMs = 10_000): { stop(): Promise<void> } {
  const db = createLedgerClient(databaseUrl);
  let last = '';
  const tick = async () => {
    const [byState, pnl, reserved] = await Promise.all([
      db.intent.groupBy({ by: ['state'], _count: { _all: true } }),
      db.pnlEvent.aggregate({ _sum: { amount: true } }),
      db.capitalReservation.count({ where: { state: 'RESERVED' } }),
    ]);
    const states = byState.map((r) => `${r.state} ${r._count._all}`).sort().join(', ') || 'none yet';
    const realized = pnl._sum.amount ? decStr(dec(pnl._sum.amount.toFixed())) : decStr(ZERO);
    const line = `intents: ${states} | realized PnL ${realized} | reservations open ${reserved}`;
    if (line !== last) out(line); // quiet while nothing changes
    last = line;
  };
  const timer = setInterval(() => void tick().catch(() => undefined), everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await db.$disconnect();
    },
  };
}
