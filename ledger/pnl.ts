/** PnL events (realized PnL at settlement, fees, hedge losses), keyed by a stable caller-supplied id. */
import type { LedgerClient } from './client';
import { toDb } from './decimal';

export interface PnlEventRecord {
  id: string;
  intentId?: string;
  venue?: string;
  market?: string;
  kind: string;
  amount: string;
  fees?: string;
  currency: string;
  data?: Record<string, unknown>;
}

export async function recordPnlEvent(db: LedgerClient, e: PnlEventRecord): Promise<{ created: boolean }> {
  const { count } = await db.pnlEvent.createMany({
    data: [
      {
        id: e.id,
        intentId: e.intentId ?? null,
        venue: e.venue ?? null,
        market: e.market ?? null,
        kind: e.kind,
        amount: toDb(e.amount, 'amount'),
        fees: toDb(e.fees ?? '0', 'fees'),
        currency: e.currency,
        data: e.data as object | undefined,
      },
    ],
    skipDuplicates: true,
  });
  return { created: count === 1 };
}
