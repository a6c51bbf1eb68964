/** DRY_RUN preflight payloads: what would have been sent, kept for review; idempotent by id. */
import type { LedgerClient } from './client';

export async function recordPreflight(
  db: LedgerClient,
  p: { id: string; venue: string; clientOrderId?: string; method: string; path: string; body?: string; headers: Record<string, string> },
): Promise<{ created: boolean }> {
  const { count } = await db.preflightPayload.createMany({ data: [{ ...p, clientOrderId: p.clientOrderId ?? null, body: p.body ?? null }], skipDuplicates: true });
  return { created: count === 1 };
}
