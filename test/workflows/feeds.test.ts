/**
 * The signal-loop keeper with a feed host, on the real Temporal dev server: it asks the shared
 * queue for a host, runs one `runFeed` per venue and the loop on the host's own queue, each feed
 * heartbeats its health (mode, messages, gaps…), and cancelling the keeper cancels the feeds, whose
 * activities stop and close their streams (the store's books are let go).
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { createSignalLoopActivities } from '../../activities/signal-loop';
import type { VenueFeedHealth } from '../../venues/feed-store';
import { startVenueSimulator } from '../../venues/sim';
import { startFeedHostForSimulator } from '../../workers/feed-host';
import { testEnv, uniqueTaskQueue } from '../harness/env';
import { eventually } from '../helpers/db';
import { connectTestClient } from '../helpers/temporal';

describe('feed activities per venue', () => {
  it('run on the worker\'s own queue, heartbeat their health and stop when the keeper is cancelled', async () => {
    const env = testEnv();
    const taskQueue = uniqueTaskQueue('feeds');
    const connection = await NativeConnection.connect({ address: env.temporalAddress });
    const { client, close } = await connectTestClient();
    const sim = await startVenueSimulator({ world: { seed: 4, tickMs: 0, dislocationRate: 0 } });
    const mapping = sim.describe().world!.mapping;
    const host = await startFeedHostForSimulator({ connection, namespace: env.namespace, sharedTaskQueue: taskQueue, sim: sim.describe(), mapping, loop: { client, taskQueue } });
    try {
      const worker = await Worker.create({
        connection,
        namespace: env.namespace,
        taskQueue,
        workflowBundle: { code: env.workflowBundleCode },
        activities: createSignalLoopActivities({ ...host.loop, feedHost: host.info }),
      });
      await worker.runUntil(async () => {
        const handle = await client.workflow.start('signalLoopWorkflow', { workflowId: `signal-loop-${taskQueue}`, taskQueue, args: [{ intervalMs: 100 }] });
        // Every feed heartbeats its venue's health from the host's queue, streaming.
        const beats = await eventually('three feeds heartbeating in stream mode, and the loop scanning', async () => {
          const pending = (await handle.describe()).raw.pendingActivities ?? [];
          const feeds = pending
            .filter((a) => a.activityType?.name === 'runFeed' && a.heartbeatDetails?.payloads?.[0])
            .map((a) => defaultPayloadConverter.fromPayload<VenueFeedHealth>(a.heartbeatDetails!.payloads![0]!));
          const loop = pending.some((a) => a.activityType?.name === 'runSignalLoop' && a.heartbeatDetails);
          return loop && feeds.length === 3 && feeds.every((h) => h.mode === 'stream' && h.messages > 0) ? feeds : undefined;
        });
        expect(beats.map((h) => h.streamMarkets).sort((a, b) => a - b)).toEqual([1, mapping.pairs.length + (mapping.btcMarkets?.length ?? 0), mapping.pairs.length * 2].sort((a, b) => a - b));
        for (const h of beats) expect(h).toMatchObject({ unknown: 0, gaps: 0, resyncs: 0, polledMarkets: 0 });
        // The feeds and the loop were scheduled on the host's queue, not the shared one.
        const history = await handle.fetchHistory();
        const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
        expect(scheduled.filter((a) => a.taskQueue?.name === host.info.taskQueue).map((a) => a.activityType?.name).sort()).toEqual(['runFeed', 'runFeed', 'runFeed', 'runSignalLoop']);
        expect(host.store.health().synced).toBe(mapping.pairs.length * 3 + (mapping.btcMarkets?.length ?? 0) + 1);

        await handle.cancel();
        await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
        // Cancellation reached the feed activities: they closed their feeds, the store let the books go.
        await eventually('every feed stopped', async () => (['kalshi', 'polymarket', 'coinbase'] as const).every((v) => host.store.venueHealth(v)?.streamMarkets === 0 && host.store.venueHealth(v)?.unknown !== 0));
        const events = (await handle.fetchHistory()).events ?? [];
        expect(events.filter((e) => e.activityTaskCancelRequestedEventAttributes)).toHaveLength(4);
      });
    } finally {
      await host.close();
      await sim.stop();
      await close();
      await connection.close();
    }
  }, 90_000);
});
