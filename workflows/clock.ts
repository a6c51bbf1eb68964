/**
 * Timestamps inside workflows. In the workflow sandbox the SDK replaces Date with its own
 * deterministic clock (the start time of the current workflow task, identical on replay), so
 * this is the SDK's clock, not the wall clock. It is the one place workflows read the time.
 */
export function workflowTimestamp(): string {
  return new Date().toISOString();
}
