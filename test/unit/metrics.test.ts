import { createMetrics, measuredActivities } from '../../infra/metrics';
import { recordGovernorMetrics } from '../../workers/governor-metrics';
import { applyBreakerSignal, applyKillSwitch, initialGovernorState, killSwitchSignalSchema } from '../../domain/governor';

describe('metrics', () => {
  it('measures activity outcomes, errors included', async () => {
    const metrics = createMetrics();
    const acts = measuredActivities({ ok: async () => 1, boom: async () => Promise.reject(new Error('x')) }, metrics);
    await acts.ok();
    await expect(acts.boom()).rejects.toThrow('x');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/legwork_activity_duration_seconds_count\{activity="ok",result="ok"\} 1/);
    expect(text).toMatch(/legwork_activity_duration_seconds_count\{activity="boom",result="error"\} 1/);
  });

  it('mirrors kill switches and breakers, and clears what is released', async () => {
    const metrics = createMetrics();
    const at = '2026-11-24T00:00:00.000Z';
    let state = applyKillSwitch(initialGovernorState(), killSwitchSignalSchema.parse({ action: 'engage', scope: 'venue:kalshi', level: 'REDUCING', reason: 'r' }), at);
    state = applyBreakerSignal(state, { breaker: 'execution:global', scope: 'global', level: 'HALTED', event: { type: 'failure' }, config: { kind: 'consecutive-failures', failures: 1, cooldownMs: 1000, maxCooldownMs: 1000, probeSuccesses: 1 } }, 0, at);
    recordGovernorMetrics(metrics, state);
    let text = await metrics.registry.metrics();
    expect(text).toContain('legwork_kill_switch_engaged{scope="venue:kalshi"} 1');
    expect(text).toContain('legwork_governor_level{scope="venue:kalshi"} 1');
    expect(text).toContain('legwork_breaker_open{breaker="execution:global",scope="global"} 2');
    recordGovernorMetrics(metrics, initialGovernorState());
    text = await metrics.registry.metrics();
    expect(text).not.toContain('legwork_kill_switch_engaged{scope="venue:kalshi"}');
  });
});
