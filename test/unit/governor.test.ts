import {
  acknowledgeSafeMode,
  applyKillSwitch,
  decide,
  enterSafeMode,
  initialGovernorState,
  killSwitchSignalSchema,
  MAX_EVENTS,
  resolveFinding,
  safeModeAckRefusal,
  summaryLevel,
} from '../../domain/governor';

const at = '2026-11-24T00:00:00.000Z';
const engage = (scope: string, level: 'HALTED' | 'REDUCING', reason = 'r') => killSwitchSignalSchema.parse({ action: 'engage', scope, level, reason, operator: 'op' });
const release = (scope: string) => killSwitchSignalSchema.parse({ action: 'release', scope, reason: 'done' });

describe('governor rules', () => {
  it('the most restrictive applicable scope wins; unrelated scopes do not apply', () => {
    let s = applyKillSwitch(initialGovernorState(), engage('venue:kalshi', 'REDUCING'), at);
    s = applyKillSwitch(s, engage('strategy:parity', 'HALTED'), at);
    expect(decide(s, { kind: 'entry', strategy: 'xvenue', venues: ['polymarket'] })).toMatchObject({ allowed: true, level: 'ACTIVE' });
    expect(decide(s, { kind: 'entry', strategy: 'xvenue', venues: ['kalshi', 'polymarket'] })).toMatchObject({ allowed: false, level: 'REDUCING' });
    expect(decide(s, { kind: 'entry', strategy: 'parity', venues: ['kalshi'] })).toMatchObject({ allowed: false, level: 'HALTED' });
    expect(decide(s, { kind: 'reducing', strategy: 'parity', venues: ['kalshi'] }).allowed).toBe(true);
    s = applyKillSwitch(s, release('strategy:parity'), at);
    expect(decide(s, { kind: 'entry', strategy: 'parity', venues: ['kalshi'] }).level).toBe('REDUCING');
  });

  it('SAFE_MODE halts everything but reducing orders until acknowledged with no open findings', () => {
    let s = enterSafeMode(initialGovernorState(), { reason: 'recon', source: 'reconciliation', findings: [{ id: 'f1', kind: 'unknown_order', detail: 'x', resolved: false }] }, at);
    expect(summaryLevel(s)).toBe('SAFE_MODE');
    expect(decide(s, { kind: 'new-intent', strategy: 'a', venues: [] })).toMatchObject({ allowed: false, safeMode: true });
    expect(safeModeAckRefusal(s)).toMatch(/1 finding\(s\) still stand: f1/);
    // A second entry merges findings by id instead of dropping the first.
    s = enterSafeMode(s, { reason: 'recon again', source: 'reconciliation', findings: [{ id: 'f2', kind: 'unhedged_leg', detail: 'y', resolved: false }] }, at);
    expect(s.safeMode.findings.map((f) => f.id)).toEqual(['f1', 'f2']);
    s = resolveFinding(resolveFinding(s, 'f1', '', at), 'f2', 'hedged', at);
    expect(safeModeAckRefusal(s)).toBeUndefined();
    s = acknowledgeSafeMode(s, { operator: 'ana', note: 'ok' }, at);
    expect(summaryLevel(s)).toBe('ACTIVE');
    expect(safeModeAckRefusal(s)).toBe('SAFE_MODE is not active');
  });

  it('keeps a bounded event list', () => {
    let s = initialGovernorState();
    for (let i = 0; i < MAX_EVENTS + 50; i++) s = applyKillSwitch(s, engage('global', 'HALTED', `r${i}`), at);
    expect(s.events).toHaveLength(MAX_EVENTS);
    expect(s.events.at(-1)?.detail).toBe(`HALTED: r${MAX_EVENTS + 49}`);
  });
});
