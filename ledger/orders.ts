/**
 * Venue orders, keyed by the deterministic client order id. Written on every observation (submit,
 * user-stream update, poll), in any order and concurrently: the row converges on the most advanced
 * state. Filled quantity only grows and a terminal state stays terminal, so a stale or replayed
 * update can never move an order backwards.
 */
import { dec, decStr, ZERO } from '../domain/money';
import { TERMINAL_ORDER_STATES } from '../domain/order';
import { Prisma } from '../generated/prisma/client';
import type { LedgerClient } from './client';
import { ledgerDecimalString } from './decimal';
import { numeric, UTC_NOW } from './sql';

export interface OrderRecord {
  clientOrderId: string;
  venue: string;
  venueOrderId?: string;
  intentId?: string;
  legId?: string;
  attempt?: number;
  market: string;
  outcome?: string;
  action: string;
  price: string;
  quantity: string;
  /** The venue's cumulative filled quantity as observed now. */
  filledQuantity?: string;
  state: string;
  /** Temporal run id of the workflow execution writing this observation. */
  executionId?: string;
}

export interface OrderWriteResult {
  created: boolean;
  /** What the row holds after the write (may differ from the input when the input was stale). */
  state: string;
  filledQuantity: string;
}

const TERMINAL = Prisma.join(TERMINAL_ORDER_STATES.map((s) => Prisma.sql`${s}`));

/** One statement (INSERT … ON CONFLICT DO UPDATE): safe under any number of concurrent writers. */
export async function upsertOrder(db: LedgerClient, order: OrderRecord): Promise<OrderWriteResult> {
  const price = ledgerDecimalString(order.price, 'price');
  const quantity = ledgerDecimalString(order.quantity, 'quantity');
  const filled = ledgerDecimalString(order.filledQuantity ?? '0', 'filledQuantity');
  const rows = await db.$queryRaw<{ inserted: boolean; state: string; filled_quantity: string }[]>`
    INSERT INTO "venue_orders" AS o
      ("client_order_id", "venue", "venue_order_id", "intent_id", "leg_id", "attempt", "market", "outcome", "action",
       "price", "quantity", "filled_quantity", "state", "execution_id", "created_at", "updated_at")
    VALUES (${order.clientOrderId}, ${order.venue}, ${order.venueOrderId ?? null}, ${order.intentId ?? null}, ${order.legId ?? null},
       ${order.attempt ?? 1}, ${order.market}, ${order.outcome ?? null}, ${order.action},
       ${numeric(price)}, ${numeric(quantity)}, ${numeric(filled)}, ${order.state}, ${order.executionId ?? null}, ${UTC_NOW}, ${UTC_NOW})
    ON CONFLICT ("client_order_id") DO UPDATE SET
      "venue_order_id" = COALESCE(o."venue_order_id", EXCLUDED."venue_order_id"),
      "filled_quantity" = GREATEST(o."filled_quantity", EXCLUDED."filled_quantity"),
      "state" = CASE
        WHEN o."state" IN (${TERMINAL}) THEN o."state"
        WHEN EXCLUDED."filled_quantity" < o."filled_quantity" THEN o."state"
        ELSE EXCLUDED."state" END,
      "execution_id" = COALESCE(EXCLUDED."execution_id", o."execution_id"),
      "updated_at" = EXCLUDED."updated_at"
    RETURNING (xmax = 0) AS "inserted", "state", "filled_quantity"::text AS "filled_quantity"`;
  const row = rows[0];
  if (!row) throw new Error(`upsertOrder ${order.clientOrderId}: the database returned no row`);
  return { created: row.inserted, state: row.state, filledQuantity: ledgerDecimalString(row.filled_quantity) };
}

export async function findOrder(db: LedgerClient, clientOrderId: string) {
  return db.venueOrder.findUnique({ where: { clientOrderId } });
}

/**
 * The order a venue knows by this id. For venues whose fills carry no client order id (Polymarket:
 * the order hash is the id), this is how a fill finds its order. Venue order ids are unique per
 * venue; the oldest row wins should two ever claim one.
 */
export async function findOrderByVenueOrderId(db: LedgerClient, venue: string, venueOrderId: string) {
  return db.venueOrder.findFirst({ where: { venue, venueOrderId }, orderBy: { createdAt: 'asc' } });
}

/**
 * The unwind orders (leg "U") of an intent after a given attempt, summed: what operator flattens
 * have already taken off an UNHEDGED intent's exposure, and the last attempt number used.
 */
export async function unwindsAfter(db: LedgerClient, intentId: string, afterAttempt: number): Promise<{ filledQuantity: string; lastAttempt: number }> {
  const rows = await db.venueOrder.findMany({ where: { intentId, legId: 'U', attempt: { gt: afterAttempt } }, select: { attempt: true, filledQuantity: true } });
  let filled = ZERO;
  let last = afterAttempt;
  for (const r of rows) {
    filled = filled.plus(dec(r.filledQuantity.toFixed()));
    last = Math.max(last, r.attempt);
  }
  return { filledQuantity: decStr(filled), lastAttempt: last };
}
