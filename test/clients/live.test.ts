/** `legwork live confirm|status` against the real ledger. */
import { legwork } from '../helpers/cli';


describe('legwork live', () => {
  it('LIVE stays refused until LIVE_ORDER_POSTING_ENABLED=true and an operator confirmation is recorded', async () => {
    const live = { ...process.env, LEGWORK_MODE: 'LIVE' };
    const noFlag = JSON.parse((await legwork(['live', 'status', '--json'], { ...live, LIVE_ORDER_POSTING_ENABLED: 'false' })).stdout);
    expect(noFlag).toMatchObject({ mode: 'LIVE', post: false, refusedBy: 'LIVE_ORDER_POSTING_ENABLED' });

    // The harness database is shared: confirmations from other runs may exist, so judge the latest.
    const confirmed = await legwork(['live', 'confirm', '--operator', 'ana', '--note', 'limits checked', '--json'], live);
    expect(confirmed.code).toBe(0);
    const saved = JSON.parse(confirmed.stdout) as { id: string; at: string };
    const open = JSON.parse((await legwork(['live', 'status', '--json'], { ...live, LIVE_ORDER_POSTING_ENABLED: 'true' })).stdout);
    expect(open).toMatchObject({ post: true, target: 'venue' });
    expect(open.reason).toContain(`confirmed by ana at ${saved.at}`);

    const missing = await legwork(['live', 'confirm', '--operator', 'ana'], live);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--note/);
  });
});
