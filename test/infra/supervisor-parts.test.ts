import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseDuration } from '../../infra/duration';
import { acquireInstanceLock, AlreadyRunningError } from '../../infra/instance-lock';
import { assertPortFree, freePort, PortInUseError } from '../../infra/ports';
import { loadConfig } from '../../infra/config';

describe('supervisor building blocks', () => {
  it('parses durations and rejects nonsense', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });

  it('allows one instance per data folder and takes over a stale pid file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legwork-lock-'));
    const first = acquireInstanceLock(dir);
    expect(() => acquireInstanceLock(dir)).toThrow(AlreadyRunningError);
    first.release();

    // A pid file whose process is gone (a crashed run) is taken over.
    const dead = spawn(process.execPath, ['-e', '0']);
    const deadPid = dead.pid!;
    await new Promise((r) => dead.once('exit', r));
    fs.writeFileSync(path.join(dir, 'legwork.pid'), String(deadPid));
    const second = acquireInstanceLock(dir);
    expect(fs.readFileSync(path.join(dir, 'legwork.pid'), 'utf8')).toBe(String(process.pid));
    second.release();
    expect(fs.existsSync(path.join(dir, 'legwork.pid'))).toBe(false);
  });

  it('reports a taken port with the variable that moves it', async () => {
    const port = await freePort();
    const server = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      await expect(assertPortFree(port, 'Temporal frontend', 'LEGWORK_TEMPORAL_PORT')).rejects.toThrow(PortInUseError);
      await expect(assertPortFree(port, 'Temporal frontend', 'LEGWORK_TEMPORAL_PORT')).rejects.toThrow(/LEGWORK_TEMPORAL_PORT/);
    } finally {
      server.close();
    }
    await expect(assertPortFree(port, 'x', 'Y')).resolves.toBeUndefined();
  });

  it('validates configuration and names the bad variable', () => {
    expect(loadConfig({ LEGWORK_TEMPORAL_PORT: '7999' }).LEGWORK_TEMPORAL_PORT).toBe(7999);
    expect(() => loadConfig({ LEGWORK_TEMPORAL_PORT: 'abc' })).toThrow(/LEGWORK_TEMPORAL_PORT/);
    expect(() => loadConfig({ LEGWORK_MODE: 'YOLO' })).toThrow(/LEGWORK_MODE/);
  });
});
