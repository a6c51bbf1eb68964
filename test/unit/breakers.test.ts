import fc from 'fast-check';
import { applyBreakerEvent, breakerAllows, initialBreaker, tick, type BreakerConfig, type BreakerState } from '../../domain/breakers';

const endpoint: BreakerConfig = { kind: 'error-rate', failures: 5, windowMs: 10_000, cooldownMs: 30_000, maxCooldownMs: 240_000, probeSuccesses: 3 };
const execution: BreakerConfig = { kind: 'consecutive-failures', failures: 3, cooldownMs: 60_000, maxCooldownMs: 600_000, probeSuccesses: 1 };
const loss: BreakerConfig = { kind: 'threshold', trip: '500', recover: '400', cooldownMs: 1_000, maxCooldownMs: 1_000, probeSuccesses: 1 };

function run(config: BreakerConfig, events: Parameters<typeof applyBreakerEvent>[2][]): BreakerState {
  return events.reduce((s, e) => applyBreakerEvent(config, s, e), initialBreaker(config));
}

describe('circuit breakers', () => {
  it('a 429 storm opens the endpoint breaker; it half-opens after the cooldown and closes after enough good probes', () => {
    let s = run(endpoint, [0, 1000, 2000, 3000].map((at) => ({ type: 'failure', at, detail: '429' })));
    expect(s.phase).toBe('CLOSED');
    s = applyBreakerEvent(endpoint, s, { type: 'failure', at: 4000, detail: '429' });
    expect(s).toMatchObject({ phase: 'OPEN', openUntil: 34_000 });
    expect(s.reason).toMatch(/5 failures within 10000 ms \(last: 429\)/);
    expect(breakerAllows(tick(s, 33_999))).toBe(false);
    s = tick(s, 34_000);
    expect(s.phase).toBe('HALF_OPEN');
    s = applyBreakerEvent(endpoint, s, { type: 'success', at: 34_100 });
    s = applyBreakerEvent(endpoint, s, { type: 'success', at: 34_200 });
    expect(s.phase).toBe('HALF_OPEN');
    s = applyBreakerEvent(endpoint, s, { type: 'success', at: 34_300 });
    expect(s.phase).toBe('CLOSED');
  });

  it('failures spread wider than the window do not trip it', () => {
    const s = run(endpoint, [0, 3000, 6000, 9000, 12_000, 15_000, 18_000].map((at) => ({ type: 'failure', at })));
    expect(s.phase).toBe('CLOSED');
  });

  it('a failed probe re-opens with a doubled cooldown (no flapping), capped', () => {
    let s = run(execution, [0, 1, 2].map((at) => ({ type: 'failure', at })));
    expect(s).toMatchObject({ phase: 'OPEN', openUntil: 60_002 });
    s = applyBreakerEvent(execution, s, { type: 'failure', at: 60_002 }); // half-opens, then the probe fails
    expect(s).toMatchObject({ phase: 'OPEN', openUntil: 60_002 + 120_000, trips: 2 });
    const cooldowns: number[] = [];
    let at = 60_002 + 120_000;
    for (let i = 0; i < 5; i++) {
      s = applyBreakerEvent(execution, s, { type: 'failure', at }); // each probe fails again
      cooldowns.push(s.openUntil! - at);
      at = s.openUntil!;
    }
    expect(cooldowns).toEqual([240_000, 480_000, 600_000, 600_000, 600_000]);
  });

  it('threshold breakers trip at the trip level and recover only below the recovery level (hysteresis)', () => {
    let s = run(loss, [{ type: 'measure', at: 0, value: '499.99' }]);
    expect(s.phase).toBe('CLOSED');
    s = applyBreakerEvent(loss, s, { type: 'measure', at: 10, value: '500' });
    expect(s.phase).toBe('OPEN');
    s = applyBreakerEvent(loss, s, { type: 'measure', at: 2_000, value: '450' }); // half-open but not recovered
    expect(s.phase).toBe('HALF_OPEN');
    s = applyBreakerEvent(loss, s, { type: 'measure', at: 3_000, value: '400' });
    expect(s.phase).toBe('CLOSED');
  });

  it('property: a breaker never closes straight from OPEN, and never passes traffic while OPEN', () => {
    const event = fc.oneof(
      fc.record({ type: fc.constant('failure' as const), dt: fc.integer({ min: 0, max: 20_000 }) }),
      fc.record({ type: fc.constant('success' as const), dt: fc.integer({ min: 0, max: 20_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 200 }), (events) => {
        let s = initialBreaker(endpoint);
        let at = 0;
        for (const e of events) {
          at += e.dt;
          const before = tick(s, at);
          s = applyBreakerEvent(endpoint, s, { type: e.type, at });
          if (before.phase === 'OPEN' && s.phase === 'CLOSED') return false;
          if (s.phase === 'OPEN' && breakerAllows(s)) return false;
        }
        return true;
      }),
    );
  });
});
