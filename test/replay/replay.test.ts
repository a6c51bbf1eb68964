/**
 * Every recorded history (test/replay/histories, from real runs) must replay against the current
 * workflow code. A change that would break executions already running fails here: guard it with
 * patched(), or keep the old path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { installTemporalLogging } from '../../infra/temporal-logging';
import { testEnv } from '../harness/env';

installTemporalLogging('error');
const DIR = path.join(__dirname, 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded histories', () => {
  it('has histories for the intent workflow and the risk governor', () => {
    expect(files.some((f) => f.startsWith('order-intent.'))).toBe(true);
    expect(files.some((f) => f.startsWith('risk-governor.'))).toBe(true);
  });

  it.each(files)('%s replays against the current workflow code', async (file) => {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: { code: testEnv().workflowBundleCode } }, history, file);
  });
});
