/** Inputs rejected at a boundary, kept with the reason so nothing is silently dropped. */
import type { LedgerClient } from './client';

export async function recordQuarantine(db: LedgerClient, entry: { id: string; source: string; reason: string; payload: string }): Promise<{ created: boolean }> {
  const { count } = await db.quarantineRecord.createMany({ data: [entry], skipDuplicates: true });
  return { created: count === 1 };
}
