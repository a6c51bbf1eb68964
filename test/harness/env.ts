/** What the global setup started, as seen from a test file. */
import fs from 'node:fs';

export interface TestEnv {
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  workflowBundleCode: string;
  workflowBundlePath: string;
  scratch: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through \`npm test\` (jest's global setup starts the servers)`);
  return value;
}

let cached: TestEnv | undefined;
export function testEnv(): TestEnv {
  if (cached) return cached;
  const workflowBundlePath = required('LEGWORK_WORKFLOW_BUNDLE');
  cached = {
    temporalAddress: required('TEMPORAL_ADDRESS'),
    namespace: required('TEMPORAL_NAMESPACE'),
    databaseUrl: required('DATABASE_URL'),
    workflowBundlePath,
    workflowBundleCode: fs.readFileSync(workflowBundlePath, 'utf8'),
    scratch: required('LEGWORK_TEST_SCRATCH'),
  };
  return cached;
}

/** A task queue no other test file uses, so parallel files never steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
