/** Audit events: who decided what, why, in which workflow execution. Keyed by a stable id. */
import type { LedgerClient } from './client';

export interface AuditEventArgs {
  id: string;
  actor: string;
  action: string;
  reason: string;
  intentId?: string;
  executionId?: string;
  data?: Record<string, unknown>;
}

export async function recordAudit(db: LedgerClient, event: AuditEventArgs): Promise<{ created: boolean }> {
  const { count } = await db.auditEvent.createMany({
    data: [
      {
        id: event.id,
        actor: event.actor,
        action: event.action,
        reason: event.reason,
        intentId: event.intentId ?? null,
        executionId: event.executionId ?? null,
        data: (event.data ?? undefined) as object | undefined,
      },
    ],
    skipDuplicates: true,
  });
  return { created: count === 1 };
}
