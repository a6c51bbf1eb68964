/** Operator confirmations (e.g. the one the LIVE gate requires), append-only. */
import { randomUUID } from 'node:crypto';
import type { LedgerClient } from './client';

export async function recordOperatorConfirmation(db: LedgerClient, entry: { operator: string; action: string; note: string }): Promise<{ id: string; at: string }> {
  const row = await db.operatorConfirmation.create({ data: { id: randomUUID(), ...entry } });
  return { id: row.id, at: row.createdAt.toISOString() };
}

export async function latestOperatorConfirmation(db: LedgerClient, action: string): Promise<{ operator: string; note: string; at: string } | undefined> {
  const row = await db.operatorConfirmation.findFirst({ where: { action }, orderBy: { createdAt: 'desc' } });
  return row ? { operator: row.operator, note: row.note, at: row.createdAt.toISOString() } : undefined;
}
