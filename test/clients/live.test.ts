/** `legwork live confirm|status` against the real ledger. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../infra/paths';

function legwork(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'clients', 'cli.ts'), ...args], { cwd: PROJECT_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

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
