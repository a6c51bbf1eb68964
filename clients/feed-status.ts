/**
 * Each venue's feed mode as its feed activity last heartbeated it (activities/feeds.ts `runFeed`
 * heartbeats `{ venue, ...health }`), read from the signal-loop workflow's pending activities —
 * what the Web UI shows as heartbeat details, for the supervisor's live summary.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { z } from 'zod';

const heartbeat = z.object({ venue: z.string(), mode: z.string() }).passthrough();

export async function feedModes(client: Client, signalLoopWorkflowId: string): Promise<Record<string, string>> {
  const { raw } = await client.workflow.getHandle(signalLoopWorkflowId).describe();
  const modes: Record<string, string> = {};
  for (const a of raw.pendingActivities ?? []) {
    if (a.activityType?.name !== 'runFeed') continue;
    const payload = a.heartbeatDetails?.payloads?.[0];
    if (!payload) continue;
    const parsed = heartbeat.safeParse(defaultPayloadConverter.fromPayload(payload));
    if (parsed.success) modes[parsed.data.venue] = parsed.data.mode;
  }
  return Object.fromEntries(Object.entries(modes).sort(([a], [b]) => a.localeCompare(b)));
}
