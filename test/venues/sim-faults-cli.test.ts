/** `legwork sim fault` (arm), `sim fault list` and `sim fault clear` as an operator runs them, against a running simulator. */
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { legwork } from '../helpers/cli';
import { armedFaults } from '../helpers/sim';

let sim: VenueSimulator;
beforeAll(async () => {
  sim = await startVenueSimulator();
});
afterAll(async () => {
  await sim.stop();
});

describe('legwork sim fault', () => {
  it('arms a fault with probability, seed, delay and market; lists it (text and --json); clears it', async () => {
    const admin = sim.describe().polymarket.adminUrl;
    const armed = await legwork(['sim', 'fault', '--admin', admin, '--endpoint', 'GET /book', '--kind', 'slow', '--delay-ms', '30', '--count', '2', '--probability', '0.5', '--seed', '7']);
    expect(armed).toMatchObject({ code: 0, stdout: 'fault armed: slow × 2 on GET /book (probability 0.5, seed 7, delay 30 ms)\n' });
    const stale = await legwork(['sim', 'fault', '--admin', admin, '--endpoint', 'WS /ws/market', '--kind', 'stale_book', '--market', '7132104567925221259', '--json']);
    expect(stale.code).toBe(0);
    expect(JSON.parse(stale.stdout)).toMatchObject({ fault: { endpoint: 'WS /ws/market', kind: 'stale_book', market: '7132104567925221259', count: 1 } });
    expect(await armedFaults(sim, 'polymarket')).toMatchObject([
      { endpoint: 'GET /book', kind: 'slow', count: 2, probability: 0.5, seed: 7, delayMs: 30 },
      { endpoint: 'WS /ws/market', kind: 'stale_book', market: '7132104567925221259' },
    ]);

    const listed = await legwork(['sim', 'fault', 'list', '--admin', admin]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe('#1 slow × 2 on GET /book (probability 0.5, seed 7, delay 30 ms) (0 hit so far)\n#2 stale_book × 1 on WS /ws/market (market 7132104567925221259) (0 hit so far)\n');
    const listedJson = await legwork(['sim', 'fault', 'list', '--admin', admin, '--json']);
    expect(JSON.parse(listedJson.stdout)).toEqual({ faults: await armedFaults(sim, 'polymarket') });

    const cleared = await legwork(['sim', 'fault', 'clear', '--admin', admin]);
    expect(cleared).toMatchObject({ code: 0, stdout: 'cleared 2 fault(s)\n' });
    expect(await armedFaults(sim, 'polymarket')).toEqual([]);
    expect((await legwork(['sim', 'fault', 'list', '--admin', admin])).stdout).toBe('no faults armed\n');
  });

  it('an armed fault acts on the venue', async () => {
    const d = sim.describe().kalshi;
    const armed = await legwork(['sim', 'fault', '--admin', d.adminUrl, '--endpoint', 'GET /trade-api/v2/portfolio/balance', '--kind', 'http_5xx']);
    expect(armed.code).toBe(0);
    const adapter = new KalshiAdapter({ restBaseUrl: d.restBaseUrl, credentials: { keyId: d.apiKeyId, privateKeyPem: d.privateKeyPem } });
    try {
      await expect(adapter.balance()).rejects.toMatchObject({ details: { errorClass: 'retryable', httpStatus: 503 } });
      await expect(adapter.balance()).resolves.toMatch(/^\d/);
    } finally {
      await adapter.close();
    }
  });

  it('bad input exits 2 naming the flag, whether the CLI or the simulator finds it', async () => {
    const admin = sim.describe().kalshi.adminUrl;
    const outOfRange = await legwork(['sim', 'fault', '--admin', admin, '--endpoint', 'GET /x', '--kind', 'http_5xx', '--probability', '1.5']);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toMatch(/^--probability: /m);
    const noDelay = await legwork(['sim', 'fault', '--admin', admin, '--endpoint', 'GET /x', '--kind', 'slow', '--json']);
    expect(noDelay.code).toBe(2);
    expect(JSON.parse(noDelay.stdout)).toMatchObject({ error: { type: 'ValidationError', message: expect.stringMatching(/--delay-ms: required for kind slow/) } });
    // Only the venue knows its streams: the simulator refuses, naming the field.
    const wrongStream = await legwork(['sim', 'fault', '--admin', admin, '--endpoint', 'WS fill', '--kind', 'ws_seq_gap']);
    expect(wrongStream.code).toBe(2);
    expect(wrongStream.stderr).toMatch(/kind: ws_seq_gap does not apply to WS fill/);
    expect(await armedFaults(sim, 'kalshi')).toEqual([]);
  });

  it('an unreachable simulator is a failure (exit 1)', async () => {
    const gone = await legwork(['sim', 'fault', 'list', '--admin', 'http://127.0.0.1:9/_sim']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/cannot reach the simulator at http:\/\/127\.0\.0\.1:9\/_sim/);
  });
});
