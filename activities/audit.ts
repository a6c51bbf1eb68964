/** Audit events written from workflows that are not intents (the risk governor, reconciliation). */
import type { IntentLedger } from './intent-recording';

export type AuditRecorder = Pick<IntentLedger, 'recordAudit'>;
export type AuditInput = Parameters<IntentLedger['recordAudit']>[0];

export function createAuditActivities(ledger: AuditRecorder) {
  return {
    /** Idempotent by event id: a retried activity writes the event once. */
    async recordAuditEvent(event: AuditInput): Promise<void> {
      await ledger.recordAudit(event);
    },
  };
}

export type AuditActivities = ReturnType<typeof createAuditActivities>;
