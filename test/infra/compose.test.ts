/** The production shape: docker-compose.yml must be a valid Compose file with the services the README promises. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../infra/paths';
import { ensureDockerCompose } from '../../infra/tools';

/** `docker compose` where the docker CLI has the plugin, else Compose v2 standalone (installed into our cache). */
async function composeCommand(): Promise<{ cmd: string; args: string[] }> {
  const plugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  if (plugin.status === 0) return { cmd: 'docker', args: ['compose'] };
  const tool = await ensureDockerCompose({ log: (l) => process.stderr.write(`${l}\n`) });
  return { cmd: tool.path, args: [] };
}

function compose(c: { cmd: string; args: string[] }, file: string, ...rest: string[]) {
  return spawnSync(c.cmd, [...c.args, '-f', file, ...rest], { encoding: 'utf8', cwd: path.dirname(file) });
}

describe('docker-compose.yml', () => {
  it('validates with `docker compose config -q` and wires the worker to Temporal and PostgreSQL', async () => {
    const c = await composeCommand();
    const file = path.join(PROJECT_ROOT, 'docker-compose.yml');
    const quiet = compose(c, file, 'config', '-q');
    expect(quiet.stderr).toBe('');
    expect(quiet.status).toBe(0);

    const rendered = compose(c, file, 'config', '--format', 'json');
    expect(rendered.status).toBe(0);
    const config = JSON.parse(rendered.stdout) as { services: Record<string, { environment?: Record<string, string>; build?: unknown }> };
    expect(Object.keys(config.services).sort()).toEqual(['legwork-worker', 'postgresql', 'temporal', 'temporal-ui']);
    const worker = config.services['legwork-worker']!;
    expect(worker.build).toBeDefined();
    expect(worker.environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'default' });
    expect(worker.environment?.DATABASE_URL).toMatch(/^postgresql:\/\/.*@postgresql:5432\/legwork$/);
  }, 600_000);

  it('the same check fails on a broken file (so the check above means something)', async () => {
    const c = await composeCommand();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legwork-compose-'));
    const broken = fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8').replace('condition: service_healthy', 'condition: whenever');
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), broken);
    fs.mkdirSync(path.join(dir, 'docker'));
    fs.copyFileSync(path.join(PROJECT_ROOT, 'docker', 'init-ledger-db.sql'), path.join(dir, 'docker', 'init-ledger-db.sql'));
    const result = compose(c, path.join(dir, 'docker-compose.yml'), 'config', '-q');
    expect(result.status).not.toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 600_000);
});
