export { createLedgerClient, type LedgerClient } from './client';
export { recordIntent, setIntentState, type RecordIntentArgs } from './intents';
export { recordAudit, type AuditEventArgs } from './audit';
export { recordQuarantine } from './quarantine';
export { toDb, fromDb } from './decimal';
export { recordOperatorConfirmation, latestOperatorConfirmation } from './operator-confirmations';
export { reserveCapital, releaseCapital, staleReservations } from './capital';
export { startReconciliationRun, finishReconciliationRun, latestReconciliationRuns, type DifferenceRecord } from './reconciliation';
export { recordPreflight } from './preflight';
