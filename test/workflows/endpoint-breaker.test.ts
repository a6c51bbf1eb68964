/**
 * A 429 storm on Kalshi's order endpoint, met by the adapters of a real worker, opens that
 * endpoint's circuit breaker in the risk governor (entries on Kalshi refused at REDUCING); the
 * governor's timer half-opens it after the cooldown, and the first order that gets through
 * closes it. Recovery criteria and the hysteresis are the breaker's own (domain/breakers.ts).
 */
import { gate, governorState } from '../../clients/governor';
import { startIntent } from '../../clients/intents';
import type { BreakerConfig } from '../../domain/breakers';
import type { GovernorState } from '../../domain/governor';
import { countRows, eventually } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { injectFault, SUBMIT_ENDPOINT } from '../helpers/sim';
import { withTestWorker } from '../helpers/temporal';

const BREAKER = 'endpoint:kalshi:POST /portfolio/orders';
const config: BreakerConfig = { kind: 'error-rate', failures: 3, windowMs: 10_000, cooldownMs: 3_000, maxCooldownMs: 30_000, probeSuccesses: 1 };

const phaseOf = (state: GovernorState) => state.breakers?.[BREAKER]?.state.phase;

describe('endpoint circuit breaker', () => {
  it('a 429 storm opens it, it half-opens after the cooldown and closes when orders get through again', async () => {
    await withTestWorker(
      'endpoint-breaker',
      async ({ client, taskQueue, governorId, sim }) => {
        await injectFault(sim, 'kalshi', { endpoint: SUBMIT_ENDPOINT.kalshi, kind: 'http_429', count: 4, retryAfterSeconds: 0 });
        const first = await startIntent(client, sampleIntent('breaker-storm'), { taskQueue });

        await eventually('the breaker to open', async () => (phaseOf(await governorState(client, governorId)) === 'OPEN' ? true : undefined));
        const refused = await gate(client, governorId, { kind: 'entry', strategy: 'xvenue-binary-arb', venues: ['kalshi'] });
        expect(refused).toMatchObject({ allowed: false, level: 'REDUCING' });
        expect(refused.reason).toContain(BREAKER);
        // Unwinds and hedges still go out, and other venues are untouched.
        expect((await gate(client, governorId, { kind: 'reducing', strategy: 'xvenue-binary-arb', venues: ['kalshi'] })).allowed).toBe(true);
        expect((await gate(client, governorId, { kind: 'entry', strategy: 'xvenue-binary-arb', venues: ['polymarket'] })).allowed).toBe(true);
        // The storm's own intent gets its order through once the 429s stop.
        expect(await first.result()).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });

        await eventually('the breaker to half-open after its cooldown', async () => (phaseOf(await governorState(client, governorId)) === 'HALF_OPEN' ? true : undefined));
        // A probe: the next intent's order succeeds and closes the breaker.
        expect(await (await startIntent(client, sampleIntent('breaker-probe'), { taskQueue })).result()).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });
        await eventually('the breaker to close', async () => (phaseOf(await governorState(client, governorId)) === 'CLOSED' ? true : undefined));
        expect(await gate(client, governorId, { kind: 'entry', strategy: 'xvenue-binary-arb', venues: ['kalshi'] })).toMatchObject({ allowed: true, level: 'ACTIVE' });

        await eventually('each transition audited', async () =>
          (await countRows('audit_events', `id LIKE $1 AND action IN ('governor.breaker.open', 'governor.breaker.half_open', 'governor.breaker.close')`, [`${governorId}:%`])) >= 3 ? true : undefined,
        );
      },
      // Deep enough that both intents fill in full at 43¢.
      { breakers: config, simulator: { books: { kalshi: { 'FED-25DEC-T4.25': { yes: [[40, 1000]], no: [[57, 1000]] } } } } },
    );
  });
});
