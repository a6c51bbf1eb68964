import fs from 'node:fs';
import { getHarness } from './handles';

export default async function globalTeardown(): Promise<void> {
  const harness = getHarness();
  if (!harness) return;
  await Promise.allSettled([harness.server.stop(), harness.database.stop()]);
  if (!process.env.LEGWORK_KEEP_TEST_DATA) fs.rmSync(harness.scratch, { recursive: true, force: true });
}
