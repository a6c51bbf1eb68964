/** Binds the ledger module to the activity interfaces, over one Prisma client per process. */
import type { IntentLedger } from '../activities/intent-recording';
import { createLedgerClient, findOrder, fromDb, recordAudit, recordIntent, recordPnlEvent, releaseCapital, reserveCapital, setIntentPhase, setIntentState, upsertOrder, type LedgerClient, type OrderRecord, type PnlEventRecord } from '../ledger';
import { orderRequestSchema, type OrderRequest } from '../domain/order';
import { parseOrThrow } from '../domain/validation';
import { TERMINAL_INTENT_PHASES } from '../domain/intent-view';

export function openIntentLedger(url: string): { ledger: IntentLedger; db: LedgerClient; recordOrder(order: OrderRecord): Promise<unknown>; recordPnl(event: PnlEventRecord): Promise<unknown>; findOrderOwner(clientOrderId: string): Promise<{ workflowId: string; request: OrderRequest } | undefined>; close(): Promise<void> } {
  const db = createLedgerClient(url);
  return {
    db,
    ledger: {
      recordIntent: (args) => recordIntent(db, args),
      recordAudit: (event) => recordAudit(db, event),
      setIntentState: (intentId, state) => setIntentState(db, intentId, state),
      setIntentPhase: (intentId, phase) => setIntentPhase(db, intentId, phase, TERMINAL_INTENT_PHASES),
      reserveCapital: (r) => reserveCapital(db, r),
      releaseCapital: (id, reason) => releaseCapital(db, id, reason),
    },
    recordOrder: (order) => upsertOrder(db, order),
    recordPnl: (event) => recordPnlEvent(db, event),
    // Intent ids are the intents' workflow ids (domain/intent.ts), so the order row names its workflow.
    async findOrderOwner(clientOrderId) {
      const row = await findOrder(db, clientOrderId);
      if (!row?.intentId) return undefined;
      const request = parseOrThrow(orderRequestSchema, `ledger order ${clientOrderId}`, {
        venue: row.venue,
        market: row.market,
        ...(row.outcome ? { outcome: row.outcome } : {}),
        action: row.action,
        price: fromDb(row.price),
        quantity: fromDb(row.quantity),
        timeInForce: 'GTC',
        clientOrderId,
      });
      return { workflowId: row.intentId, request };
    },
    close: () => db.$disconnect(),
  };
}
