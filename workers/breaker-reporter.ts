/**
 * Feeds the risk governor's per-endpoint circuit breakers from what this worker's venue requests
 * meet: every failure that says something about an endpoint (429, 5xx, timeouts) is sent at once
 * as a `breakerEvent`; successes are sent only while the endpoint has failed recently (the breaker
 * may be OPEN or probing), so healthy traffic adds nothing to the governor's history.
 * Fire-and-forget: order flow never waits on the governor.
 */
import type { Client } from '@temporalio/client';
import type { BreakerConfig } from '../domain/breakers';
import type { BreakerSignal } from '../domain/governor';
import type { EndpointOutcome } from '../venues/http/client';

export interface BreakerReporterOptions {
  client: Client;
  governorId: string;
  /** The breaker's rule (the governor's default for endpoint breakers otherwise). */
  config?: BreakerConfig;
  /** Successes are reported for this long after an endpoint's last failure. */
  reportSuccessesForMs?: number;
  onError?: (err: unknown) => void;
}

export function createBreakerReporter(opts: BreakerReporterOptions): { onOutcome(outcome: EndpointOutcome): void } {
  const lastFailure = new Map<string, number>();
  const quietMs = opts.reportSuccessesForMs ?? 10 * 60_000;
  const send = (signal: BreakerSignal) => {
    opts.client.workflow
      .getHandle(opts.governorId)
      .signal('breakerEvent', signal)
      .catch((err: unknown) => opts.onError?.(err));
  };
  return {
    onOutcome(outcome) {
      const breaker = `endpoint:${outcome.venue}:${outcome.endpoint}`;
      const base = { breaker, scope: `venue:${outcome.venue}`, level: 'REDUCING' as const, ...(opts.config ? { config: opts.config } : {}) };
      const now = Date.now();
      if (!outcome.ok) {
        lastFailure.set(breaker, now);
        send({ ...base, event: { type: 'failure', ...(outcome.detail ? { detail: outcome.detail } : {}) } });
        return;
      }
      const failedAt = lastFailure.get(breaker);
      if (failedAt === undefined) return;
      if (now - failedAt > quietMs) {
        lastFailure.delete(breaker);
        return;
      }
      send({ ...base, event: { type: 'success' } });
    },
  };
}
