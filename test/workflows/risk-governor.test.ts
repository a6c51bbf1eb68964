/**
 * The risk governor on the real dev server, driven the way operators drive it: the real `tctl`
 * and `temporal` binaries signal it, `legwork` queries it and acknowledges SAFE_MODE.
 */
import type { GateDecision, GateRequest, GovernorState } from '../../domain/governor';
import { SA_GOVERNOR_LEVEL, SA_KILL_SWITCHES } from '../../domain/search-attributes';
import { ensureGovernor, gate, governorState } from '../../clients/governor';
import { ensureTctl } from '../../infra/tools';
import { testEnv } from '../harness/env';
import { legwork, run } from '../helpers/cli';
import { countRows, eventually } from '../helpers/db';
import { withTestWorker } from '../helpers/temporal';


const legworkFor = (args: string[], governorId: string) => legwork(args, { ...process.env, LEGWORK_GOVERNOR_ID: governorId });

const newIntent: GateRequest = { kind: 'new-intent', strategy: 'xvenue', venues: ['kalshi', 'polymarket'] };
const hedge: GateRequest = { kind: 'reducing', strategy: 'xvenue', venues: ['kalshi'] };

describe('risk governor', () => {
  it('kill switch by tctl engages, by the temporal CLI releases; decisions, search attributes and audit follow', async () => {
    const { temporalAddress, namespace } = testEnv();
    const tctl = await ensureTctl();
    const temporal = process.env.LEGWORK_TEMPORAL_CLI!;
    await withTestWorker('governor-cli', async ({ client, taskQueue }) => {
      const id = `governor-${taskQueue}`;
      await ensureGovernor(client, { workflowId: id, taskQueue });
      expect((await gate(client, id, newIntent)).allowed).toBe(true);

      const engage = await run(tctl.path, [
        '--address', temporalAddress, '--namespace', namespace, 'workflow', 'signal', '--workflow_id', id, '--name', 'killSwitch',
        '--input', JSON.stringify({ action: 'engage', scope: 'global', reason: 'exchange outage drill', operator: 'ana' }),
      ]);
      expect(engage.code).toBe(0);
      const halted = await eventually('tctl kill switch applied', async () => {
        const d = await gate(client, id, newIntent);
        return d.level === 'HALTED' ? d : undefined;
      });
      expect(halted).toMatchObject<Partial<GateDecision>>({ allowed: false, level: 'HALTED' });
      expect(halted.reason).toContain('exchange outage drill');
      expect((await gate(client, id, hedge)).allowed).toBe(true); // hedges and unwinds still go out

      const status = await legworkFor(['status', '--json'], id);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ level: 'HALTED', switches: { global: { level: 'HALTED', operator: 'ana' } }, openIntents: expect.any(Number) });

      const release = await run(temporal, [
        'workflow', 'signal', '--address', temporalAddress, '--namespace', namespace, '--workflow-id', id, '--name', 'killSwitch',
        '--input', JSON.stringify({ action: 'release', scope: 'global', reason: 'drill over', operator: 'ana' }),
      ]);
      expect(release.code).toBe(0);
      await eventually('temporal CLI release applied', async () => ((await gate(client, id, newIntent)).allowed ? true : undefined));

      const description = await client.workflow.getHandle(id).describe();
      expect(description.typedSearchAttributes.get(SA_GOVERNOR_LEVEL)).toBe('ACTIVE');
      expect(description.typedSearchAttributes.get(SA_KILL_SWITCHES) ?? []).toEqual([]);
      await eventually('both changes audited', async () => ((await countRows('audit_events', 'id LIKE $1', [`${id}:kill.%`])) === 2 ? true : undefined));
      expect(await countRows('audit_events', `id LIKE $1 AND action = 'governor.kill.engage' AND actor = 'ana'`, [`${id}:%`])).toBe(1);
    });
  }, 120_000);

  it('scopes: a venue switch at REDUCING blocks entries on that venue only', async () => {
    await withTestWorker('governor-scope', async ({ client, taskQueue }) => {
      const id = `governor-${taskQueue}`;
      await ensureGovernor(client, { workflowId: id, taskQueue });
      const engaged = await legworkFor(['kill', 'engage', '--scope', 'venue:kalshi', '--level', 'REDUCING', '--reason', 'kalshi 5xx storm', '--json'], id);
      expect(engaged.code).toBe(0);
      expect(JSON.parse(engaged.stdout).switches['venue:kalshi']).toMatchObject({ level: 'REDUCING', reason: 'kalshi 5xx storm' });
      expect(await gate(client, id, { kind: 'entry', strategy: 's', venues: ['kalshi'] })).toMatchObject({ allowed: false, level: 'REDUCING' });
      expect(await gate(client, id, { kind: 'entry', strategy: 's', venues: ['coinbase'] })).toMatchObject({ allowed: true, level: 'ACTIVE' });
      expect(await gate(client, id, { kind: 'reducing', strategy: 's', venues: ['kalshi'] })).toMatchObject({ allowed: true });
    });
  }, 120_000);

  it('a malformed signal is rejected with the field named and changes nothing; the CLI refuses it before sending', async () => {
    const { temporalAddress, namespace } = testEnv();
    await withTestWorker('governor-bad', async ({ client, taskQueue }) => {
      const id = `governor-${taskQueue}`;
      await ensureGovernor(client, { workflowId: id, taskQueue });
      const bad = await run(process.env.LEGWORK_TEMPORAL_CLI!, [
        'workflow', 'signal', '--address', temporalAddress, '--namespace', namespace, '--workflow-id', id, '--name', 'killSwitch',
        '--input', JSON.stringify({ action: 'engage', scope: 'venue:nyse', reason: '' }),
      ]);
      expect(bad.code).toBe(0); // the server accepts any payload; the governor judges it
      const state = await eventually('rejection recorded', async () => {
        const s = await governorState(client, id);
        return s.rejectedSignals === 1 ? s : undefined;
      });
      expect(state.switches).toEqual({});
      const rejection = state.events.at(-1)!;
      expect(rejection.kind).toBe('signal.rejected');
      expect(rejection.detail).toMatch(/scope: must be "global"/);
      expect(rejection.detail).toMatch(/reason: say why/);

      const cli = await legworkFor(['kill', 'engage', '--scope', 'venue:nyse', '--reason', 'x'], id);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toMatch(/scope: must be "global"/);
    });
  }, 120_000);

  it('SAFE_MODE: acknowledgement is refused while a finding stands and accepted once it is resolved, with audit', async () => {
    await withTestWorker('governor-safe', async ({ client, taskQueue }) => {
      const id = `governor-${taskQueue}`;
      await ensureGovernor(client, { workflowId: id, taskQueue });
      const handle = client.workflow.getHandle(id);
      await handle.signal('enterSafeMode', {
        reason: 'start-up reconciliation found an unhedged leg',
        source: 'reconciliation',
        findings: [{ id: 'unhedged-1', kind: 'unhedged_leg', venue: 'kalshi', detail: 'KXFED yes 25 filled, leg B never sent' }],
      });
      await eventually('safe mode entered', async () => ((await governorState(client, id)).safeMode.active ? true : undefined));
      expect((await gate(client, id, newIntent)).allowed).toBe(false);

      const refused = await legworkFor(['safe-mode', 'ack', '--operator', 'ana', '--note', 'looked at it'], id);
      expect(refused.code).toBe(5);
      expect(refused.stderr).toMatch(/refused: 1 finding\(s\) still stand: unhedged-1 \(unhedged_leg/);
      expect((await governorState(client, id)).safeMode.active).toBe(true);

      await handle.signal('resolveFinding', { id: 'unhedged-1', note: 'hedged on polymarket' });
      await eventually('finding resolved', async () => ((await governorState(client, id)).safeMode.findings[0]?.resolved ? true : undefined));
      const accepted = await legworkFor(['safe-mode', 'ack', '--operator', 'ana', '--note', 'hedge confirmed, balances match', '--json'], id);
      expect(accepted.code).toBe(0);
      expect(JSON.parse(accepted.stdout)).toMatchObject({ level: 'ACTIVE', safeMode: { active: false } });
      expect((await gate(client, id, newIntent)).allowed).toBe(true);

      await eventually('ack audited', async () =>
        (await countRows('audit_events', `id LIKE $1 AND action = 'governor.safe_mode.ack' AND actor = 'ana' AND reason = 'hedge confirmed, balances match'`, [`${id}:%`])) === 1 ? true : undefined,
      );
      const s: GovernorState = await governorState(client, id);
      expect(s.events.map((e) => e.kind)).toEqual(['safe_mode.enter', 'safe_mode.finding_resolved', 'safe_mode.ack']);
    });
  }, 120_000);
});

describe('risk governor breakers', () => {
  it('a 429 storm opens the endpoint breaker (venue REDUCING); it half-opens after the cooldown and closes when probes succeed', async () => {
    await withTestWorker('governor-breaker', async ({ client, taskQueue }) => {
      const id = `governor-${taskQueue}`;
      await ensureGovernor(client, { workflowId: id, taskQueue });
      const handle = client.workflow.getHandle(id);
      const breaker = 'endpoint:kalshi:POST /portfolio/orders';
      const config = { kind: 'error-rate', failures: 5, windowMs: 60_000, cooldownMs: 1_500, maxCooldownMs: 10_000, probeSuccesses: 2 };
      const report = (event: object) => handle.signal('breakerEvent', { breaker, scope: 'venue:kalshi', level: 'REDUCING', event, config });

      for (let i = 0; i < 5; i++) await report({ type: 'failure', detail: '429 Retry-After: 1' });
      const open = await eventually('breaker open', async () => {
        const d = await gate(client, id, { kind: 'entry', strategy: 's', venues: ['kalshi'] });
        return d.allowed ? undefined : d;
      });
      expect(open).toMatchObject({ level: 'REDUCING' });
      expect(open.reason).toContain(`breaker ${breaker} OPEN on venue:kalshi (5 failures within 60000 ms (last: 429 Retry-After: 1))`);
      expect((await gate(client, id, { kind: 'entry', strategy: 's', venues: ['polymarket'] })).allowed).toBe(true);

      // The governor's own timer half-opens it once the cooldown is over.
      await eventually('breaker half-open', async () => ((await governorState(client, id)).breakers?.[breaker]?.state.phase === 'HALF_OPEN' ? true : undefined), 20_000);
      await report({ type: 'success' });
      await report({ type: 'success' });
      await eventually('breaker closed', async () => ((await governorState(client, id)).breakers?.[breaker]?.state.phase === 'CLOSED' ? true : undefined));
      expect((await gate(client, id, { kind: 'entry', strategy: 's', venues: ['kalshi'] })).allowed).toBe(true);

      const kinds = (await governorState(client, id)).events.map((e) => e.kind);
      expect(kinds).toEqual(['breaker.open', 'breaker.half_open', 'breaker.close']);
      await eventually('breaker changes audited', async () =>
        (await countRows('audit_events', `id LIKE $1 AND action LIKE 'governor.breaker.%'`, [`${id}:%`])) === 3 ? true : undefined,
      );
    });
  }, 120_000);

  it('daily loss: the threshold breaker halts globally at the cap', async () => {
    await withTestWorker('governor-loss', async ({ client, taskQueue }) => {
      const id = `governor-${taskQueue}`;
      await ensureGovernor(client, { workflowId: id, taskQueue });
      const handle = client.workflow.getHandle(id);
      const config = { kind: 'threshold', trip: '250', recover: '0', cooldownMs: 3_600_000, maxCooldownMs: 3_600_000, probeSuccesses: 1 };
      // The PnL reporter sends realized loss (positive = loss) plus the worst case of what is in flight.
      await handle.signal('breakerEvent', { breaker: 'daily-loss:global', scope: 'global', event: { type: 'measure', value: '249.99' }, config });
      await eventually('measure applied', async () => ((await governorState(client, id)).breakers?.['daily-loss:global'] ? true : undefined));
      expect((await gate(client, id, newIntent)).allowed).toBe(true);
      await handle.signal('breakerEvent', { breaker: 'daily-loss:global', scope: 'global', event: { type: 'measure', value: '250.00' }, config });
      const halted = await eventually('halted at the cap', async () => {
        const d = await gate(client, id, newIntent);
        return d.allowed ? undefined : d;
      });
      expect(halted).toMatchObject({ level: 'HALTED' });
      expect(halted.reason).toMatch(/daily-loss:global OPEN on global \(value 250\.00 reached trip level 250\)/);
    });
  }, 60_000);
});
