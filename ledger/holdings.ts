/**
 * Positions and balances: the latest snapshot per (venue, market, outcome) and per (venue, asset).
 * Each write replaces the snapshot in one INSERT … ON CONFLICT DO UPDATE, so concurrent writers
 * never collide; the last writer's snapshot stands. The conflict target is the primary key, a pure
 * function of the natural key: PostgreSQL arbitrates on one index only, and with the natural key
 * as target a racing insert would still fail on the primary key (the test caught exactly that);
 * the other way round it can fail on the natural key, so a lost race is retried (retryingUniqueRace).
 */
import type { LedgerClient } from './client';
import { fromDb, ledgerDecimalString } from './decimal';
import { numeric, retryingUniqueRace, UTC_NOW } from './sql';

export interface PositionSnapshot {
  venue: string;
  market: string;
  /** "yes"/"no" for binary contracts; omitted for spot. */
  outcome?: string;
  quantity: string;
  averagePrice?: string;
}

export interface BalanceSnapshot {
  venue: string;
  asset: string;
  available: string;
  total: string;
}

/** Spot positions have no outcome; the key stores "" so the unique index covers them too. */
export function positionId(p: Pick<PositionSnapshot, 'venue' | 'market' | 'outcome'>): string {
  return `${p.venue}:${p.market}:${p.outcome ?? ''}`;
}

export async function upsertPosition(db: LedgerClient, p: PositionSnapshot): Promise<{ created: boolean }> {
  const quantity = numeric(ledgerDecimalString(p.quantity, 'quantity'));
  const averagePrice = p.averagePrice === undefined ? null : numeric(ledgerDecimalString(p.averagePrice, 'averagePrice'));
  const rows = await retryingUniqueRace(() => db.$queryRaw<{ inserted: boolean }[]>`
    INSERT INTO "positions" AS p ("id", "venue", "market", "outcome", "quantity", "average_price", "updated_at")
    VALUES (${positionId(p)}, ${p.venue}, ${p.market}, ${p.outcome ?? ''}, ${quantity}, ${averagePrice}, ${UTC_NOW})
    ON CONFLICT ("id") DO UPDATE SET
      "quantity" = EXCLUDED."quantity", "average_price" = EXCLUDED."average_price", "updated_at" = EXCLUDED."updated_at"
    RETURNING (xmax = 0) AS "inserted"`);
  return { created: rows[0]?.inserted === true };
}

export async function upsertBalance(db: LedgerClient, b: BalanceSnapshot): Promise<{ created: boolean }> {
  const available = numeric(ledgerDecimalString(b.available, 'available'));
  const total = numeric(ledgerDecimalString(b.total, 'total'));
  const rows = await retryingUniqueRace(() => db.$queryRaw<{ inserted: boolean }[]>`
    INSERT INTO "balances" AS b ("id", "venue", "asset", "available", "total", "updated_at")
    VALUES (${balanceId(b)}, ${b.venue}, ${b.asset}, ${available}, ${total}, ${UTC_NOW})
    ON CONFLICT ("id") DO UPDATE SET
      "available" = EXCLUDED."available", "total" = EXCLUDED."total", "updated_at" = EXCLUDED."updated_at"
    RETURNING (xmax = 0) AS "inserted"`);
  return { created: rows[0]?.inserted === true };
}

/** The balance row's id: a pure function of (venue, asset), as `upsertBalance` writes it. */
export function balanceId(b: Pick<BalanceSnapshot, 'venue' | 'asset'>): string {
  return `${b.venue}:${b.asset}`;
}

/** The last balance recorded for (venue, asset), money as decimal strings; undefined if none. */
export async function findBalance(db: LedgerClient, venue: string, asset: string): Promise<BalanceSnapshot | undefined> {
  const row = await db.balance.findUnique({ where: { id: balanceId({ venue, asset }) } });
  return row ? { venue: row.venue, asset: row.asset, available: fromDb(row.available), total: fromDb(row.total) } : undefined;
}

/** The positions recorded for a venue, quantities as decimal strings. */
export async function positionsForVenue(db: LedgerClient, venue: string): Promise<PositionSnapshot[]> {
  const rows = await db.position.findMany({ where: { venue } });
  return rows.map((r) => ({ venue: r.venue, market: r.market, ...(r.outcome ? { outcome: r.outcome } : {}), quantity: fromDb(r.quantity) }));
}
