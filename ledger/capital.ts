/** Capital reservations: reserved before an intent trades, released on every terminal path. */
import type { LedgerClient } from './client';
import { toDb } from './decimal';

export async function reserveCapital(
  db: LedgerClient,
  r: { id: string; intentId: string; venue: string; asset: string; amount: string; reason?: string },
): Promise<{ created: boolean }> {
  const { count } = await db.capitalReservation.createMany({
    data: [{ id: r.id, intentId: r.intentId, venue: r.venue, asset: r.asset, amount: toDb(r.amount, 'amount'), state: 'RESERVED', reason: r.reason ?? null }],
    skipDuplicates: true,
  });
  return { created: count === 1 };
}

/** Idempotent: releasing a released reservation changes nothing. */
export async function releaseCapital(db: LedgerClient, id: string, reason: string): Promise<{ released: boolean }> {
  const { count } = await db.capitalReservation.updateMany({ where: { id, state: 'RESERVED' }, data: { state: 'RELEASED', releasedAt: new Date(), reason } });
  return { released: count === 1 };
}

/** Reservations still held although their intent has ended (or never existed). */
export async function staleReservations(db: LedgerClient, terminalIntentStates: string[]) {
  const held = await db.capitalReservation.findMany({ where: { state: 'RESERVED' }, orderBy: { createdAt: 'asc' } });
  if (held.length === 0) return [];
  const intents = await db.intent.findMany({ where: { id: { in: [...new Set(held.map((r) => r.intentId))] } }, select: { id: true, state: true } });
  const stateOf = new Map(intents.map((i) => [i.id, i.state]));
  return held.filter((r) => {
    const state = stateOf.get(r.intentId);
    return state === undefined || terminalIntentStates.includes(state);
  });
}
