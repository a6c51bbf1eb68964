/**
 * Fills (executions), de-duplicated on (venue, venue trade id): the user stream, polling and
 * reconciliation may all report the same trade, and each is recorded once.
 */
import type { Fill } from '../domain/order';
import type { LedgerClient } from './client';
import { fromDb, toDb } from './decimal';
import { UTC_NOW } from './sql';

export type FillRecord = Fill & { intentId?: string };

/** The fill row's id: a pure function of the dedupe key. */
export function fillId(venue: string, venueTradeId: string): string {
  return `${venue}:${venueTradeId}`;
}

/**
 * Inserts the fill unless (venue, venueTradeId) is already recorded. A new fill raises the owning
 * order's filled quantity to the sum of its recorded fills (never lowers it). The order row is
 * locked first, so concurrent fills of one order each see the others' committed rows in the sum.
 */
export async function recordFill(db: LedgerClient, fill: FillRecord): Promise<{ created: boolean }> {
  const data = {
    id: fillId(fill.venue, fill.venueTradeId),
    venue: fill.venue,
    venueTradeId: fill.venueTradeId,
    venueOrderId: fill.venueOrderId,
    clientOrderId: fill.clientOrderId ?? null,
    intentId: fill.intentId ?? null,
    market: fill.market,
    outcome: fill.outcome ?? null,
    action: fill.action,
    price: toDb(fill.price, 'price'),
    quantity: toDb(fill.quantity, 'quantity'),
    fee: toDb(fill.fee, 'fee'),
    liquidity: fill.liquidity ?? null,
    filledAt: new Date(fill.at),
  };
  const clientOrderId = fill.clientOrderId ?? null;
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`
      SELECT 1 FROM "venue_orders"
      WHERE "client_order_id" = ${clientOrderId} OR ("venue" = ${fill.venue} AND "venue_order_id" = ${fill.venueOrderId})
      FOR UPDATE`;
    const { count } = await tx.fill.createMany({ data: [data], skipDuplicates: true });
    if (count === 1) {
      await tx.$executeRaw`
        UPDATE "venue_orders" AS o SET
          "filled_quantity" = GREATEST(o."filled_quantity", (
            SELECT COALESCE(SUM(f."quantity"), 0) FROM "fills" AS f
            WHERE f."client_order_id" = o."client_order_id" OR (f."venue" = o."venue" AND f."venue_order_id" = o."venue_order_id"))),
          "updated_at" = ${UTC_NOW}
        WHERE o."client_order_id" = ${clientOrderId} OR (o."venue" = ${fill.venue} AND o."venue_order_id" = ${fill.venueOrderId})`;
    }
    return { created: count === 1 };
  });
}

/** The fills recorded for one order, oldest first, money as decimal strings. */
export async function fillsForOrder(db: LedgerClient, clientOrderId: string) {
  const rows = await db.fill.findMany({ where: { clientOrderId }, orderBy: { filledAt: 'asc' } });
  return rows.map((r) => ({ ...r, price: fromDb(r.price), quantity: fromDb(r.quantity), fee: fromDb(r.fee) }));
}
