/** The live summary's opportunity counts: read incrementally from the growing scan file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scanCounter } from '../../workers/live-summary';

describe('scanCounter', () => {
  it('counts appended records by decision, leaves a line still being written for the next read, and starts over on truncation', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scan-counter-')), 'scans.jsonl');
    const counter = scanCounter(file);
    expect(counter.read()).toEqual({ seen: 0, taken: 0 }); // no file yet

    const take = JSON.stringify({ strategy: 'parity', decision: 'take', reason: 'edge' });
    const skip = JSON.stringify({ strategy: 'parity', decision: 'skip', reason: 'no_edge' });
    fs.writeFileSync(file, `${take}\n${skip}\n${skip.slice(0, 10)}`);
    expect(counter.read()).toEqual({ seen: 2, taken: 1 });

    fs.appendFileSync(file, `${skip.slice(10)}\n${take}\n`);
    expect(counter.read()).toEqual({ seen: 4, taken: 2 });
    expect(counter.read()).toEqual({ seen: 4, taken: 2 }); // nothing new

    fs.writeFileSync(file, `${take}\n`); // replaced by a shorter file
    expect(counter.read()).toEqual({ seen: 5, taken: 3 });
  });
});
