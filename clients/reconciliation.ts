/** Starting reconciliation runs and keeping the daily Temporal Schedule in place. */
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import type { ReconciliationResult } from '../activities/reconciliation';
import type { ReconciliationInput, reconciliationWorkflow } from '../workflows/reconciliation';

export const RECONCILIATION_SCHEDULE_ID = 'legwork-reconciliation-daily';

export async function runReconciliation(
  client: Client,
  opts: { taskQueue: string; governorId: string; trigger: ReconciliationInput['trigger'] },
): Promise<ReconciliationResult> {
  const handle = await client.workflow.start<typeof reconciliationWorkflow>('reconciliationWorkflow', {
    workflowId: `reconciliation-${opts.trigger}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    taskQueue: opts.taskQueue,
    args: [{ trigger: opts.trigger, governorWorkflowId: opts.governorId }],
  });
  return handle.result();
}

/** Creates the daily schedule, or brings an existing one to the configured time and zone. */
export async function ensureReconciliationSchedule(
  client: Client,
  opts: { taskQueue: string; governorId: string; at: string; timezone: string; scheduleId?: string },
): Promise<{ scheduleId: string; created: boolean }> {
  const [hour, minute] = opts.at.split(':').map(Number) as [number, number];
  const scheduleId = opts.scheduleId ?? RECONCILIATION_SCHEDULE_ID;
  const spec = { calendars: [{ hour, minute }], timezone: opts.timezone };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'reconciliationWorkflow',
    taskQueue: opts.taskQueue,
    args: [{ trigger: 'schedule', governorWorkflowId: opts.governorId } satisfies ReconciliationInput],
  };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { catchupWindow: '1 hour' } });
    return { scheduleId, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
    return { scheduleId, created: false };
  }
}
