/**
 * Circuit breakers with explicit recovery criteria and hysteresis, so nothing flaps.
 *
 * CLOSED --trip--> OPEN --cooldown elapsed--> HALF_OPEN --enough successes--> CLOSED
 *                   ^                              |
 *                   +-------- any failure ---------+   (cooldown doubles, up to a cap)
 *
 * Trip rules per kind:
 * - consecutive-failures: N failures in a row (execution failures of intents).
 * - error-rate: N failures inside a sliding window (per venue endpoint: 429s, 5xx, timeouts).
 * - threshold: a measured value crosses a trip level (daily realized loss, feed staleness); it
 *   only recovers once the value is back past a separate, safer recovery level (hysteresis).
 * Pure: time is passed in as epoch milliseconds, so the governor workflow can drive it with the
 * SDK's deterministic clock and tests can drive it with any clock.
 */
import { z } from 'zod';
import { dec } from './money';

export const breakerConfigSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('consecutive-failures'),
    failures: z.number().int().positive(),
    cooldownMs: z.number().int().positive(),
    maxCooldownMs: z.number().int().positive(),
    probeSuccesses: z.number().int().positive(),
  }),
  z.object({
    kind: z.literal('error-rate'),
    failures: z.number().int().positive(),
    windowMs: z.number().int().positive(),
    cooldownMs: z.number().int().positive(),
    maxCooldownMs: z.number().int().positive(),
    probeSuccesses: z.number().int().positive(),
  }),
  z.object({
    kind: z.literal('threshold'),
    /** Trips when value >= trip (decimal string: money, or milliseconds of staleness). */
    trip: z.string(),
    /** Recovers (through HALF_OPEN) only when value <= recover, which must be below trip. */
    recover: z.string(),
    cooldownMs: z.number().int().positive(),
    maxCooldownMs: z.number().int().positive(),
    probeSuccesses: z.number().int().positive(),
  }),
]);
export type BreakerConfig = z.infer<typeof breakerConfigSchema>;

export type BreakerPhase = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface BreakerState {
  phase: BreakerPhase;
  consecutiveFailures: number;
  /** Failure times inside the window (error-rate). */
  recentFailures: number[];
  /** When OPEN: when it may half-open. */
  openUntil?: number;
  /** Cooldown to use at the next trip (doubles on each re-trip from HALF_OPEN). */
  nextCooldownMs: number;
  probeSuccesses: number;
  trips: number;
  lastValue?: string;
  reason?: string;
}

export type BreakerEvent = { type: 'failure'; at: number; detail?: string } | { type: 'success'; at: number } | { type: 'measure'; at: number; value: string };

export function initialBreaker(config: BreakerConfig): BreakerState {
  return { phase: 'CLOSED', consecutiveFailures: 0, recentFailures: [], nextCooldownMs: config.cooldownMs, probeSuccesses: 0, trips: 0 };
}

function trip(config: BreakerConfig, state: BreakerState, at: number, reason: string): BreakerState {
  const cooldown = state.nextCooldownMs;
  return {
    ...state,
    phase: 'OPEN',
    openUntil: at + cooldown,
    nextCooldownMs: Math.min(config.maxCooldownMs, cooldown * 2),
    probeSuccesses: 0,
    consecutiveFailures: 0,
    recentFailures: [],
    trips: state.trips + 1,
    reason,
  };
}

/** Moves OPEN to HALF_OPEN once the cooldown has elapsed (call with the current time before using the state). */
export function tick(state: BreakerState, at: number): BreakerState {
  if (state.phase === 'OPEN' && state.openUntil !== undefined && at >= state.openUntil) {
    return { ...state, phase: 'HALF_OPEN', openUntil: undefined, probeSuccesses: 0 };
  }
  return state;
}

export function applyBreakerEvent(config: BreakerConfig, current: BreakerState, event: BreakerEvent): BreakerState {
  const state = tick(current, event.at);
  if (event.type === 'measure') {
    if (config.kind !== 'threshold') return state;
    const value = dec(event.value);
    const withValue = { ...state, lastValue: event.value };
    if (value.gte(dec(config.trip))) {
      return state.phase === 'OPEN' ? withValue : trip(config, withValue, event.at, `value ${event.value} reached trip level ${config.trip}`);
    }
    // Below the trip level counts as a probe success only once it is back past the recovery level.
    if (value.lte(dec(config.recover))) return applyBreakerEvent(config, withValue, { type: 'success', at: event.at });
    return withValue;
  }
  if (event.type === 'failure') {
    if (state.phase === 'OPEN') return state;
    if (state.phase === 'HALF_OPEN') return trip(config, state, event.at, `probe failed${event.detail ? `: ${event.detail}` : ''}`);
    if (config.kind === 'consecutive-failures') {
      const n = state.consecutiveFailures + 1;
      return n >= config.failures ? trip(config, state, event.at, `${n} consecutive failures${event.detail ? ` (last: ${event.detail})` : ''}`) : { ...state, consecutiveFailures: n };
    }
    if (config.kind === 'error-rate') {
      const recent = [...state.recentFailures.filter((t) => t > event.at - config.windowMs), event.at];
      return recent.length >= config.failures
        ? trip(config, state, event.at, `${recent.length} failures within ${config.windowMs} ms${event.detail ? ` (last: ${event.detail})` : ''}`)
        : { ...state, recentFailures: recent };
    }
    return state;
  }
  // success
  if (state.phase === 'HALF_OPEN') {
    const probes = state.probeSuccesses + 1;
    if (probes >= config.probeSuccesses) {
      // Recovered: the next trip starts again from the base cooldown.
      return { ...state, phase: 'CLOSED', probeSuccesses: 0, consecutiveFailures: 0, recentFailures: [], nextCooldownMs: config.cooldownMs, reason: undefined };
    }
    return { ...state, probeSuccesses: probes };
  }
  if (state.phase === 'CLOSED') return { ...state, consecutiveFailures: 0 };
  return state;
}

/** While OPEN nothing passes; HALF_OPEN lets probes through (the caller limits how many). */
export function breakerAllows(state: BreakerState): boolean {
  return state.phase !== 'OPEN';
}
