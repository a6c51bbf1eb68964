/** Binds the ledger module to the activity interfaces, over one Prisma client per process. */
import type { IntentLedger } from '../activities/intent-recording';
import { createLedgerClient, findOrder, fromDb, recordAudit, recordIntent, recordPnlEvent, releaseCapital, reserveCapital, setIntentPhase, setIntentState, upsertOrder, type LedgerClient, type OrderRecord, type PnlEventRecord } from '../ledger';
import { findOrderByVenueOrderId } from '../ledger/orders';
import type { OrderRef } from '../activities/user-stream-router';
import { orderRequestSchema, type OrderRequest } from '../domain/order';
import { parseOrThrow } from '../domain/validation';
import { TERMINAL_INTENT_PHASES } from '../domain/intent-view';

export function openIntentLedger(url: string): { ledger: IntentLedger; db: LedgerClient; recordOrder(order: OrderRecord): Promise<unknown>; recordPnl(event: PnlEventRecord): Promise<unknown>; findOrderOwner(ref: OrderRef): Promise<{ workflowId: string; request: OrderRequest } | undefined>; close(): Promise<void> } {
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
    // A fill without a client order id (Polymarket) finds its row by the venue's order id.
    async findOrderOwner(ref) {
      const row = ref.clientOrderId ? await findOrder(db, ref.clientOrderId) : await findOrderByVenueOrderId(db, ref.venue, ref.venueOrderId);
      if (!row?.intentId) return undefined;
      const clientOrderId = row.clientOrderId;
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
