/**
 * Venue reconciliation marks: where a venue reconciler stopped reading the venue's fill history
 * (its cursor), written in one transaction with the balance and positions it read at that point.
 * The next run explains balance and position changes by the fills after that cursor, so the three
 * must move together: a crash between them would turn fills into false "drift".
 *
 * Stored as append-only audit events (no migration): one per run, id `recon-mark:<venue>:<seq>`
 * with a zero-padded sequence, so the latest is the greatest id and two concurrent runs of one
 * venue cannot both commit the same next mark (the loser's transaction fails and is retried).
 */
import type { LedgerClient } from './client';
import { toDb } from './decimal';
import { balanceId, positionId, type BalanceSnapshot, type PositionSnapshot } from './holdings';

const ACTION = 'reconciliation.venue_mark';

export interface VenueMark {
  venue: string;
  seq: number;
  /** The venue's fill cursor after the last fill read; undefined: read from the beginning. */
  cursor?: string;
  /** What the reconciler carries to its next run (e.g. fills it could not attribute), as JSON. */
  carry: Record<string, unknown>;
}

/**
 * A mark as read back, with the cash balance read with it. Reconcilers measure drift against this
 * balance, not the `balances` table, which other writers (the balance refresh) keep current.
 */
export interface StoredVenueMark extends VenueMark {
  recordedBalance?: string;
}

function markId(venue: string, seq: number): string {
  return `recon-mark:${venue}:${String(seq).padStart(12, '0')}`;
}

export async function latestVenueMark(db: LedgerClient, venue: string): Promise<StoredVenueMark | undefined> {
  const row = await db.auditEvent.findFirst({ where: { action: ACTION, id: { startsWith: `recon-mark:${venue}:` } }, orderBy: { id: 'desc' } });
  if (!row) return undefined;
  const data = (row.data ?? {}) as { seq?: number; cursor?: string; carry?: Record<string, unknown>; balance?: unknown };
  if (typeof data.seq !== 'number') throw new Error(`reconciliation mark ${row.id} has no sequence number`);
  return { venue, seq: data.seq, ...(typeof data.cursor === 'string' ? { cursor: data.cursor } : {}), carry: data.carry ?? {}, ...(typeof data.balance === 'string' ? { recordedBalance: data.balance } : {}) };
}

/**
 * Records the mark, the balance and the positions (a full snapshot: every position of the venue
 * given, zero included) atomically. Fails if a mark with this sequence number already exists.
 */
export async function recordVenueMark(
  db: LedgerClient,
  mark: VenueMark & { balance: BalanceSnapshot; positions: PositionSnapshot[] },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.auditEvent.create({
      data: {
        id: markId(mark.venue, mark.seq),
        actor: 'reconciliation',
        action: ACTION,
        reason: `${mark.venue} reconciled up to fill cursor ${mark.cursor ?? '(start)'}; ${mark.balance.asset} balance ${mark.balance.available}`,
        data: { seq: mark.seq, ...(mark.cursor !== undefined ? { cursor: mark.cursor } : {}), carry: mark.carry, balance: mark.balance.available } as object,
      },
    });
    const b = mark.balance;
    const money = { available: toDb(b.available, 'available'), total: toDb(b.total, 'total') };
    await tx.balance.upsert({ where: { id: balanceId(b) }, create: { id: balanceId(b), venue: b.venue, asset: b.asset, ...money }, update: money });
    for (const p of mark.positions) {
      const id = positionId(p);
      const quantity = toDb(p.quantity, 'quantity');
      await tx.position.upsert({ where: { id }, create: { id, venue: p.venue, market: p.market, outcome: p.outcome ?? '', quantity }, update: { quantity } });
    }
  });
}
