/** Handles shared between global setup and teardown (same process, different modules). */
import type { DevServer } from '../../infra/temporal-server';

export interface HarnessHandles {
  server: DevServer;
  database: { url: string; stop(): Promise<void> };
  scratch: string;
}

const KEY = Symbol.for('legwork.test.harness');
type WithHarness = typeof globalThis & { [KEY]?: HarnessHandles };

export function setHarness(handles: HarnessHandles): void {
  (globalThis as WithHarness)[KEY] = handles;
}

export function getHarness(): HarnessHandles | undefined {
  return (globalThis as WithHarness)[KEY];
}
