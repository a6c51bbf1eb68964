export { createLedgerClient, closeLedgerClient, type LedgerClient } from './client';
export { recordIntent, setIntentState, setIntentPhase, type RecordIntentArgs } from './intents';
export { recordAudit, type AuditEventArgs } from './audit';
export { recordQuarantine } from './quarantine';
export { toDb, fromDb, ledgerDecimalString, LedgerValueError } from './decimal';
export { upsertOrder, findOrder, unwindsAfter, type OrderRecord, type OrderWriteResult } from './orders';
export { recordFill, fillId, fillsForOrder, type FillRecord } from './fills';
export { upsertPosition, upsertBalance, positionId, type PositionSnapshot, type BalanceSnapshot } from './holdings';
export { recordPnlEvent, type PnlEventRecord } from './pnl';
export { recordOperatorConfirmation, latestOperatorConfirmation } from './operator-confirmations';
export { reserveCapital, releaseCapital, staleReservations } from './capital';
export {
  startReconciliationRun,
  finishReconciliationRun,
  recordReconciliationDifference,
  latestReconciliationRuns,
  type DifferenceRecord,
} from './reconciliation';
export { recordPreflight } from './preflight';
export { balanceId, findBalance, positionsForVenue } from './holdings';
export { latestVenueMark, recordVenueMark, type VenueMark } from './venue-marks';
