/**
 * One Legwork per data folder: a pid file created exclusively. A second `npm start` gets a clear
 * error naming the running pid; a pid file left by a crashed run is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';

export class AlreadyRunningError extends Error {
  constructor(public readonly pid: number, dir: string) {
    super(`Legwork is already running (pid ${pid}) with data folder ${dir}; stop it first, or use another LEGWORK_DATA_DIR`);
    this.name = 'AlreadyRunningError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireInstanceLock(dir: string): { release(): void } {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'legwork.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return {
        release: () => {
          if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new AlreadyRunningError(pid, dir);
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not take ${file}`);
}
