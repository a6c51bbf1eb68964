/**
 * The signal loop's keeper. Since `feeds-per-venue-v1` it asks the shared task queue for a host
 * (`signalLoopHost`: a worker's own task queue, and the feeds to run), then runs one feed activity
 * per venue and the loop activity there, concurrently, sharing that process's book store. The first
 * of them to end — a host that died times out its heartbeats — ends the others, and the keeper
 * picks a host again (a second later). A worker without a feed host answers null, and the loop
 * runs on the shared queue owning its feeds, as before. It continues as new after a number of
 * hosts, so its history stays small.
 *
 * Before the patch: one `runSignalLoop` on the shared queue, then continue as new.
 */
import { ActivityCancellationType, CancellationScope, CancelledFailure, continueAsNew, isCancellation, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { SignalLoopActivities } from '../activities/signal-loop';
import type { FeedActivities, FeedHostActivities } from '../activities/feeds';

const { runSignalLoop } = proxyActivities<SignalLoopActivities>({
  startToCloseTimeout: '1 day',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const { signalLoopHost } = proxyActivities<FeedHostActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Hosts one run goes through before it continues as new. */
const HOSTS_PER_RUN = 50;

export async function signalLoopWorkflow(input: { intervalMs: number }): Promise<void> {
  if (!patched('feeds-per-venue-v1')) {
    await runSignalLoop(input);
    await continueAsNew<typeof signalLoopWorkflow>(input);
    return;
  }
  for (let hosts = 0; hosts < HOSTS_PER_RUN; hosts++) {
    const host = await signalLoopHost();
    if (!host) {
      await runSignalLoop(input);
      break;
    }
    // A failing feed or loop is retried on the same host (the others keep running); one that keeps
    // failing, or a host that is gone (nobody takes its queue's tasks), ends this host's turn.
    const onHost = proxyActivities<FeedActivities & SignalLoopActivities>({
      taskQueue: host.taskQueue,
      startToCloseTimeout: '1 day',
      heartbeatTimeout: '15 seconds',
      // The next host's feeds never overlap this one's: wait until they have stopped (a dead host's
      // time out on their heartbeats).
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      // Nobody polls a dead host's queue: give up on it rather than wait there.
      scheduleToStartTimeout: '15 seconds',
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3 },
    });
    let ended: unknown;
    await CancellationScope.cancellable(async () => {
      const runs = [...host.feeds.map((f) => onHost.runFeed(f)), onHost.runSignalLoop(input)];
      await Promise.race(runs).catch((err: unknown) => (ended = err));
      CancellationScope.current().cancel();
      await Promise.allSettled(runs);
    });
    // Cancelled from outside (the workflow itself): stop here.
    if (CancellationScope.current().consideredCancelled) throw isCancellation(ended) ? ended : new CancelledFailure('signal loop cancelled');
    await sleep('1 second');
  }
  await continueAsNew<typeof signalLoopWorkflow>(input);
}
