/** Mirrors the risk governor's state into the worker's Prometheus gauges (polled: a query writes no history). */
import type { Client } from '@temporalio/client';
import { governorState } from '../clients/governor';
import { summaryLevel, type GovernorState } from '../domain/governor';
import type { LegworkMetrics } from '../infra/metrics';

const LEVEL_VALUE = { ACTIVE: 0, REDUCING: 1, HALTED: 2, SAFE_MODE: 3 } as const;
const PHASE_VALUE = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 } as const;

export function recordGovernorMetrics(metrics: LegworkMetrics, state: GovernorState): void {
  metrics.governorLevel.reset();
  metrics.killSwitches.reset();
  metrics.breakerOpen.reset();
  metrics.governorLevel.set({ scope: 'global' }, LEVEL_VALUE[summaryLevel(state)]);
  for (const [scope, s] of Object.entries(state.switches)) {
    metrics.killSwitches.set({ scope }, 1);
    if (scope !== 'global') metrics.governorLevel.set({ scope }, LEVEL_VALUE[s.level]);
  }
  for (const [breaker, b] of Object.entries(state.breakers ?? {})) metrics.breakerOpen.set({ breaker, scope: b.scope }, PHASE_VALUE[b.state.phase]);
  metrics.safeMode.set(state.safeMode.active ? 1 : 0);
}

export function pollGovernorMetrics(client: Client, governorId: string, metrics: LegworkMetrics, everyMs = 5_000): { stop(): void } {
  const poll = () =>
    governorState(client, governorId).then(
      (state) => recordGovernorMetrics(metrics, state),
      () => undefined, // not running yet: the gauges keep their last values
    );
  void poll();
  const timer = setInterval(poll, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
