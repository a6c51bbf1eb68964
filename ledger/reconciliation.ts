/** Reconciliation runs and the differences each found, stored for operators and audits. */
import type { LedgerClient } from './client';

export interface DifferenceRecord {
  id: string;
  venue: string;
  kind: string;
  severity: 'low' | 'medium' | 'high';
  details: Record<string, unknown>;
  repaired: boolean;
}

export async function startReconciliationRun(db: LedgerClient, run: { id: string; trigger: string; startedAt: Date }): Promise<void> {
  await db.reconciliationRun.createMany({ data: [{ ...run, status: 'RUNNING' }], skipDuplicates: true });
}

export async function finishReconciliationRun(db: LedgerClient, id: string, differences: DifferenceRecord[], summary: Record<string, unknown>): Promise<void> {
  await db.$transaction([
    db.reconciliationDifference.createMany({ data: differences.map((d) => ({ ...d, runId: id, details: d.details as object })), skipDuplicates: true }),
    db.reconciliationRun.update({ where: { id }, data: { status: 'FINISHED', finishedAt: new Date(), summary: summary as object } }),
  ]);
}

export async function latestReconciliationRuns(db: LedgerClient, take = 5) {
  return db.reconciliationRun.findMany({ orderBy: { startedAt: 'desc' }, take, include: { differences: true } });
}

/** One difference, recorded as soon as it is found (idempotent by id), before the run finishes. */
export async function recordReconciliationDifference(db: LedgerClient, runId: string, d: DifferenceRecord): Promise<{ created: boolean }> {
  const { count } = await db.reconciliationDifference.createMany({ data: [{ ...d, runId, details: d.details as object }], skipDuplicates: true });
  return { created: count === 1 };
}
