/** Binds the ledger module to the activity interfaces, over one Prisma client per process. */
import type { IntentLedger } from '../activities/intent-recording';
import { createLedgerClient, recordAudit, recordIntent, setIntentState } from '../ledger';

export function openIntentLedger(url: string): { ledger: IntentLedger; close(): Promise<void> } {
  const db = createLedgerClient(url);
  return {
    ledger: {
      recordIntent: (args) => recordIntent(db, args),
      recordAudit: (event) => recordAudit(db, event),
      setIntentState: (intentId, state) => setIntentState(db, intentId, state),
    },
    close: () => db.$disconnect(),
  };
}
