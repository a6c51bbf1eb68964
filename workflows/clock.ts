/**
 * Timestamps inside workflows. In the workflow sandbox the SDK replaces Date with its own
 * deterministic clock (the start time of the current workflow task, identical on replay), so
 * this is the SDK's clock, not the wall clock. It is the one place workflows read the time.
 */
export function workflowTimestamp(offsetMs = 0): string {
  return new Date(workflowNowMs() + offsetMs).toISOString();
}

/** The same clock in epoch milliseconds (deadlines, timer arithmetic). */
export function workflowNowMs(): number {
  return Date.now();
}
