/**
 * Once per `npm test` run: one real Temporal dev server (in memory, random port), one embedded
 * PostgreSQL (temporary data, random port, migrations applied) and one prebuilt workflow bundle.
 * Test files reach them through the environment (test/harness/env.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withTemporalConnection } from '../../clients/temporal';
import { bundleWorkflows } from '../../workers/bundle';
import { ensureTemporalCli } from '../../infra/tools';
import { registerSearchAttributes, startTemporalDevServer } from '../../infra/temporal-server';
import { freePort } from '../../infra/ports';
import { startTestDatabase } from './postgres';
import { setHarness } from './handles';

const log = (line: string) => process.stderr.write(`[harness] ${line}\n`);

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await fn();
  log(`${label}: ${Date.now() - started} ms`);
  return result;
}

export default async function globalSetup(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'legwork-test-'));
  const namespace = 'default';

  const cli = await timed('temporal CLI', () => ensureTemporalCli({ log }));
  const [server, database, bundle] = await Promise.all([
    timed('temporal dev server', async () =>
      startTemporalDevServer({ cliPath: cli.path, port: await freePort(), namespace, logFile: path.join(scratch, 'temporal.log') }),
    ),
    timed('embedded postgres + migrations', () => startTestDatabase()),
    timed('workflow bundle', () => bundleWorkflows(log)),
  ]);
  await timed('search attributes', () => withTemporalConnection(server.address, (c) => registerSearchAttributes(c, namespace)));

  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle);
  // Workers inherit this environment; so do processes the tests spawn (crash tests).
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_NAMESPACE = namespace;
  process.env.DATABASE_URL = database.url;
  process.env.LEGWORK_WORKFLOW_BUNDLE = bundlePath;
  process.env.LEGWORK_TEMPORAL_CLI = cli.path;
  process.env.LEGWORK_TEST_SCRATCH = scratch;
  // Worker processes started by tests serve no /metrics unless a test asks (no fixed-port clashes).
  process.env.LEGWORK_METRICS_PORT = '0';
  setHarness({ server, database, scratch });
}
