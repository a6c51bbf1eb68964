/** Binds the ledger module to the activity interfaces, over one Prisma client per process. */
import type { IntentLedger } from '../activities/intent-recording';
import { createLedgerClient, recordAudit, recordIntent, recordPnlEvent, releaseCapital, reserveCapital, setIntentState, upsertOrder, type LedgerClient, type OrderRecord, type PnlEventRecord } from '../ledger';

export function openIntentLedger(url: string): { ledger: IntentLedger; db: LedgerClient; recordOrder(order: OrderRecord): Promise<unknown>; recordPnl(event: PnlEventRecord): Promise<unknown>; close(): Promise<void> } {
  const db = createLedgerClient(url);
  return {
    db,
    ledger: {
      recordIntent: (args) => recordIntent(db, args),
      recordAudit: (event) => recordAudit(db, event),
      setIntentState: (intentId, state) => setIntentState(db, intentId, state),
      reserveCapital: (r) => reserveCapital(db, r),
      releaseCapital: (id, reason) => releaseCapital(db, id, reason),
    },
    recordOrder: (order) => upsertOrder(db, order),
    recordPnl: (event) => recordPnlEvent(db, event),
    close: () => db.$disconnect(),
  };
}
