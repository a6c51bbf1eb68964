/**
 * Records workflow histories from real runs (its own dev server, PostgreSQL and worker) into
 * test/replay/histories/, for the replay test that keeps workflow changes compatible with
 * executions already running. Run it when a new path is added, never to "fix" a failing replay:
 *   npx tsx test/replay/record.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Client } from '@temporalio/client';
import { BENCH_KALSHI_MARKET, BENCH_POLYMARKET_TOKEN, withBenchStack } from '../../bench/stack';
import { ensureGovernor } from '../../clients/governor';
import { startIntent } from '../../clients/intents';
import { runReconciliation } from '../../clients/reconciliation';
import { intentWorkflowId, type IntentInput } from '../../domain/intent';
import { cancelIntentSignal, stateQuery } from '../../workflows';

const OUT = path.join(__dirname, 'histories');

// The bench stack's simulator books: YES offered at 43¢ on Kalshi, the token offered at 55¢ on Polymarket.
const intent = (id: string, over: Partial<IntentInput> = {}, aPrice = '0.43'): IntentInput => ({
  opportunityId: id,
  strategy: 'replay',
  legs: [
    { legId: 'A', venue: 'kalshi', market: BENCH_KALSHI_MARKET, outcome: 'yes', action: 'buy', limitPrice: aPrice, quantity: '10' },
    { legId: 'B', venue: 'polymarket', market: BENCH_POLYMARKET_TOKEN, outcome: 'no', action: 'buy', limitPrice: '0.55', quantity: '10' },
  ],
  ...over,
});

/** Existing histories are never overwritten: they prove compatibility with older executions. */
async function save(client: Client, workflowId: string, name: string, runId?: string): Promise<void> {
  const file = path.join(OUT, `${name}.json`);
  if (fs.existsSync(file) && !process.argv.includes('--force')) {
    process.stderr.write(`kept existing ${name} (rename it, or --force to replace)\n`);
    return;
  }
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  fs.writeFileSync(file, `${historyToJSON(history)}\n`);
  process.stderr.write(`recorded ${name} (${history.events?.length ?? 0} events)\n`);
}

withBenchStack(async ({ client, taskQueue, sim }) => {
  fs.mkdirSync(OUT, { recursive: true });
  const tag = Date.now().toString(36);

  await (await startIntent(client, intent(`replay-happy-${tag}`), { taskQueue })).result();
  await save(client, intentWorkflowId(`replay-happy-${tag}`), 'order-intent.happy');

  // The other legging paths (legs-v1; "happy" above is both legs filled): unwound after leg B is
  // refused, repriced then not filled, and cancelled by an operator while leg A rests.
  await fetch(`${sim.describe().polymarket.adminUrl}/faults`, { method: 'POST', body: JSON.stringify({ endpoint: 'POST /order', kind: 'reject' }) });
  await (await startIntent(client, intent(`replay-legs-unwound-${tag}`), { taskQueue })).result();
  await save(client, intentWorkflowId(`replay-legs-unwound-${tag}`), 'order-intent.legs-unwound');
  await (await startIntent(client, intent(`replay-legs-not-filled-${tag}`, { entryWindowMs: 1_500, repriceAfterMs: 300, priceTolerance: '0.01' }, '0.41'), { taskQueue })).result();
  await save(client, intentWorkflowId(`replay-legs-not-filled-${tag}`), 'order-intent.legs-not-filled');
  const resting = await startIntent(client, intent(`replay-legs-cancelled-${tag}`, { entryWindowMs: 60_000, maxReprices: 0 }, '0.30'), { taskQueue });
  while ((await resting.query(stateQuery)).legs[0]?.phase !== 'open') await new Promise((r) => setTimeout(r, 50));
  await resting.signal(cancelIntentSignal, { reason: 'recording', operator: 'rec' });
  await resting.result();
  await save(client, resting.workflowId, 'order-intent.legs-cancelled');

  const recon = await runReconciliation(client, { taskQueue, governorId: 'bench-governor', trigger: 'manual' });
  await save(client, recon.runId.split(':')[0]!, 'reconciliation.manual');

  // The bench stack's governor: halt the strategy to record the rejected path, then release.
  const benchGovernor = client.workflow.getHandle('bench-governor');
  await benchGovernor.signal('killSwitch', { action: 'engage', scope: 'strategy:replay', reason: 'recording', operator: 'rec' });
  await benchGovernor.query('governorState');
  await (await startIntent(client, intent(`replay-gated-${tag}`), { taskQueue })).result();
  await save(client, intentWorkflowId(`replay-gated-${tag}`), 'order-intent.gate-rejected');
  await benchGovernor.signal('killSwitch', { action: 'release', scope: 'strategy:replay', reason: 'recorded', operator: 'rec' });
  await benchGovernor.query('governorState');

  const bad = await client.workflow.start('orderIntentWorkflow', { workflowId: `intent-replay-bad-${tag}`, taskQueue, args: [{ ...intent('x'), legs: [] }] });
  await bad.result().catch(() => undefined);
  await save(client, bad.workflowId, 'order-intent.invalid');

  // Settlement: both legs held to resolution, one continue-as-new of the wait, then resolved.
  const settling = await startIntent(client, intent(`replay-settled-${tag}`, { awaitSettlement: true, settlementPollMs: 100, settlementPollsPerRun: 2 }), { taskQueue });
  while ((await client.workflow.getHandle(settling.workflowId).query(stateQuery)).runId === settling.firstExecutionRunId) await new Promise((r) => setTimeout(r, 50));
  const d = sim.describe();
  await fetch(`${d.kalshi.adminUrl}/resolve`, { method: 'POST', body: JSON.stringify({ ticker: BENCH_KALSHI_MARKET, result: 'yes' }) });
  await fetch(`${d.polymarket.adminUrl}/resolve`, { method: 'POST', body: JSON.stringify({ token_id: BENCH_POLYMARKET_TOKEN, winner: false }) });
  await client.workflow.getHandle(settling.workflowId).result();
  await save(client, settling.workflowId, 'order-intent.settled-after-continue-as-new');
  await save(client, settling.workflowId, 'order-intent.settling-first-run', settling.firstExecutionRunId);

  // A kill switch engaged while an intent works: the governor pushes it to its safe path.
  const haltGovernorId = `governor-halt-${tag}`;
  await ensureGovernor(client, { workflowId: haltGovernorId, taskQueue });
  await client.workflow.getHandle(haltGovernorId).signal('killSwitch', { action: 'engage', scope: 'strategy:nothing-runs-here', reason: 'replay', operator: 'rec' });
  await client.workflow.getHandle(haltGovernorId).signal('killSwitch', { action: 'release', scope: 'strategy:nothing-runs-here', reason: 'replay over', operator: 'rec' });
  await client.workflow.getHandle(haltGovernorId).query('governorState');
  for (let i = 0; i < 100 && !(await client.workflow.getHandle(haltGovernorId).fetchHistory()).events?.some((e) => e.activityTaskCompletedEventAttributes); i++) await new Promise((r) => setTimeout(r, 50));
  await client.workflow.getHandle(haltGovernorId).terminate('recording finished');
  await save(client, haltGovernorId, 'risk-governor.halt-in-flight');

  const governorId = `governor-replay-${tag}`;
  await ensureGovernor(client, { workflowId: governorId, taskQueue });
  const governor = client.workflow.getHandle(governorId);
  await governor.signal('killSwitch', { action: 'engage', scope: 'venue:kalshi', level: 'REDUCING', reason: 'replay', operator: 'rec' });
  await governor.signal('killSwitch', { action: 'engage', scope: 'bogus', reason: '' });
  await governor.signal('enterSafeMode', { reason: 'replay', source: 'rec', findings: [{ id: 'f1', kind: 'unknown_order', detail: 'x' }] });
  await governor.executeUpdate('acknowledgeSafeMode', { args: [{ operator: 'rec', note: 'too early' }] }).catch(() => undefined);
  await governor.signal('resolveFinding', { id: 'f1' });
  await governor.executeUpdate('acknowledgeSafeMode', { args: [{ operator: 'rec', note: 'resolved' }] });
  await governor.signal('killSwitch', { action: 'release', scope: 'venue:kalshi', reason: 'replay over', operator: 'rec' });
  await governor.query('governorState'); // all signals processed before the history is taken
  await governor.terminate('recording finished');
  await save(client, governorId, 'risk-governor.signals');

  const breakerGovernorId = `governor-breakers-${tag}`;
  await ensureGovernor(client, { workflowId: breakerGovernorId, taskQueue });
  const bg = client.workflow.getHandle(breakerGovernorId);
  const config = { kind: 'error-rate', failures: 3, windowMs: 60_000, cooldownMs: 500, maxCooldownMs: 5_000, probeSuccesses: 1 };
  const report = (event: object) => bg.signal('breakerEvent', { breaker: 'endpoint:kalshi:POST /portfolio/orders', scope: 'venue:kalshi', level: 'REDUCING', event, config });
  for (let i = 0; i < 3; i++) await report({ type: 'failure', detail: '429' });
  for (;;) {
    const s = await bg.query<{ breakers?: Record<string, { state: { phase: string } }> }>('governorState');
    if (s.breakers?.['endpoint:kalshi:POST /portfolio/orders']?.state.phase === 'HALF_OPEN') break;
    await new Promise((r) => setTimeout(r, 100)); // the governor's own timer half-opens it
  }
  await report({ type: 'success' });
  await bg.query('governorState');
  await bg.terminate('recording finished');
  await save(client, breakerGovernorId, 'risk-governor.breakers');
}).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
