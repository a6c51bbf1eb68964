/**
 * Reconciliation checks. Today they compare the ledger with Temporal (the source of truth for
 * trades in flight); venue checks (balances, open orders, fills, positions against each venue)
 * plug in as `VenueReconciler`s with the venue adapters. What is safe to repair is repaired
 * (stale reserved capital is released); the rest is returned as findings for SAFE_MODE.
 */
import { TERMINAL_INTENT_PHASES } from '../domain/intent-view';
import type { Finding } from '../domain/governor';
import type { LegworkMetrics } from '../infra/metrics';
import { finishReconciliationRun, releaseCapital, staleReservations, startReconciliationRun, type DifferenceRecord, type LedgerClient } from '../ledger';

export interface VenueReconciler {
  venue: string;
  /** Differences between the ledger and this venue; repairs what is safe and says so. */
  reconcile(db: LedgerClient): Promise<DifferenceRecord[]>;
}

/** What Temporal says of an intent's workflow; `phase` is the result's phase when it completed. */
export type WorkflowFate = { status: 'RUNNING' } | { status: 'COMPLETED'; phase: string } | { status: 'ENDED'; how: string } | { status: 'NOT_FOUND' };

export interface ReconciliationDeps {
  db: LedgerClient;
  workflowFate(workflowId: string): Promise<WorkflowFate>;
  venues: VenueReconciler[];
  metrics?: Pick<LegworkMetrics, 'reconciliationDifferences'>;
}

export interface ReconciliationResult {
  runId: string;
  differences: DifferenceRecord[];
  /** The unrepaired high-severity differences, as governor findings. */
  findings: Finding[];
}

export function createReconciliationActivities(deps: ReconciliationDeps) {
  return {
    async reconcileLedger(input: { runId: string; trigger: string }): Promise<ReconciliationResult> {
      const { db } = deps;
      await startReconciliationRun(db, { id: input.runId, trigger: input.trigger, startedAt: new Date() });
      const differences: DifferenceRecord[] = [];

      for (const r of await staleReservations(db, [...TERMINAL_INTENT_PHASES])) {
        const { released } = await releaseCapital(db, r.id, `released by reconciliation ${input.runId}: intent ${r.intentId} has ended`);
        differences.push({
          id: `${input.runId}:stale_reservation:${r.id}`,
          venue: r.venue,
          kind: 'stale_reservation',
          severity: 'low',
          details: { reservationId: r.id, intentId: r.intentId, amount: r.amount.toFixed(), asset: r.asset },
          repaired: released,
        });
      }

      const open = await db.intent.findMany({ where: { state: { notIn: [...TERMINAL_INTENT_PHASES] } }, select: { id: true, workflowId: true, state: true } });
      for (const intent of open) {
        const fate = await deps.workflowFate(intent.workflowId);
        if (fate.status === 'RUNNING') continue;
        if (fate.status === 'COMPLETED') {
          // The workflow finished but the ledger missed its last write: safe to copy the outcome over.
          const { count } = await db.intent.updateMany({ where: { id: intent.id, state: intent.state }, data: { state: fate.phase } });
          if (count === 0) continue; // written meanwhile by the workflow itself
          differences.push({
            id: `${input.runId}:intent_state_lag:${intent.id}`,
            venue: 'ledger',
            kind: 'intent_state_lag',
            severity: 'low',
            details: { intentId: intent.id, ledgerState: intent.state, workflowPhase: fate.phase },
            repaired: true,
          });
          continue;
        }
        differences.push({
          id: `${input.runId}:orphaned_intent:${intent.id}`,
          venue: 'ledger',
          kind: 'orphaned_intent',
          severity: 'high',
          details: {
            intentId: intent.id,
            workflowId: intent.workflowId,
            ledgerState: intent.state,
            why: `the ledger says the intent is open but its workflow ${fate.status === 'ENDED' ? `ended ${fate.how}` : 'does not exist'}`,
          },
          repaired: false,
        });
      }

      // Exposure an intent's unwind could not close: it stays a finding (and SAFE_MODE stays) until
      // an operator flattens it (`legwork intent flatten`), after which the intent is FLATTENED.
      for (const intent of await db.intent.findMany({ where: { state: 'UNHEDGED' }, select: { id: true, workflowId: true } })) {
        differences.push({
          id: `${input.runId}:unhedged_exposure:${intent.id}`,
          venue: 'ledger',
          kind: 'unhedged_exposure',
          severity: 'high',
          details: { intentId: intent.id, workflowId: intent.workflowId, why: `intent ${intent.id} holds exposure its unwind could not close: flatten it (legwork intent flatten ${intent.id})` },
          repaired: false,
        });
      }

      for (const venue of deps.venues) differences.push(...(await venue.reconcile(db)));

      const findings: Finding[] = differences
        .filter((d) => d.severity === 'high' && !d.repaired)
        .map((d) => ({
          // Stable across runs, so a later run can say the same finding is gone.
          id: `recon:${d.kind}:${String(d.details.intentId ?? d.details.orderId ?? d.id.split(':').slice(-1)[0])}`,
          kind: `recon.${d.kind}`,
          detail: String(d.details.why ?? JSON.stringify(d.details)),
          resolved: false,
        }));
      await finishReconciliationRun(db, input.runId, differences, { differences: differences.length, findings: findings.length, trigger: input.trigger });
      for (const d of differences) deps.metrics?.reconciliationDifferences.inc({ kind: d.kind, severity: d.severity, repaired: String(d.repaired) });
      return { runId: input.runId, differences, findings };
    },
  };
}

export type ReconciliationActivities = ReturnType<typeof createReconciliationActivities>;
