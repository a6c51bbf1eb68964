/**
 * The signal loop's keeper: runs `runSignalLoop` (retried on another worker when its heartbeat
 * stops), and continues as new after each long run so its history stays small.
 */
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { SignalLoopActivities } from '../activities/signal-loop';

const { runSignalLoop } = proxyActivities<SignalLoopActivities>({
  startToCloseTimeout: '1 day',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export async function signalLoopWorkflow(input: { intervalMs: number }): Promise<void> {
  await runSignalLoop(input);
  await continueAsNew<typeof signalLoopWorkflow>(input);
}
