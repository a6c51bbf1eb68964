/**
 * The durable path against the direct one, in the same run and against the same simulator:
 * - opportunity (intent start) → leg A acknowledged by the venue, through the workflow, against a
 *   direct adapter submit of the same order shape (lookup-then-submit) — both, and the difference;
 * - start → both legs filled and the intent completed, one at a time;
 * - sustained two-leg intents completed per second with 20 in flight, with their latency.
 * "Acknowledged" is the venue's side: when the simulator accepted the order (its own clock, in
 * this process), so the figure does not include the workflow's bookkeeping after the submit.
 */
import { startIntent } from '../clients/intents';
import { clientOrderId } from '../domain/client-order-id';
import { intentIdFor, type IntentInput } from '../domain/intent';
import { orderRequestSchema } from '../domain/order';
import { executionVenuesForSimulator, closeExecutionVenues } from '../venues/execution';
import { BENCH_KALSHI_MARKET, BENCH_POLYMARKET_TOKEN, type BenchStack } from './stack';
import { summarize } from './stats';

function intent(i: number, runTag: string): IntentInput {
  return {
    opportunityId: `bench-${runTag}-${i}`,
    strategy: 'bench',
    legs: [
      { legId: 'A', venue: 'kalshi', market: BENCH_KALSHI_MARKET, outcome: 'yes', action: 'buy', limitPrice: '0.43', quantity: '10' },
      { legId: 'B', venue: 'polymarket', market: BENCH_POLYMARKET_TOKEN, outcome: 'no', action: 'buy', limitPrice: '0.55', quantity: '10' },
    ],
  };
}

export async function benchIntentRoundTrip({ client, taskQueue, sim }: BenchStack): Promise<Record<string, unknown>> {
  const runTag = Date.now().toString(36);
  const ackAt = (i: number): number => {
    const id = clientOrderId(intentIdFor(`bench-${runTag}-${i}`), 'A', 1);
    const order = sim.kalshi.orderLog.find((o) => o.client_order_id === id);
    if (!order) throw new Error(`leg A of intent ${i} never reached the venue`);
    return Date.parse(order.created_time);
  };
  const once = async (i: number) => {
    const startedAt = Date.now();
    const started = performance.now();
    await (await startIntent(client, intent(i, runTag), { taskQueue })).result();
    return { completedMs: performance.now() - started, legAAckMs: ackAt(i) - startedAt };
  };
  for (let i = 0; i < 10; i++) await once(-1 - i); // warm-up: bundle load, connection pools, JIT

  const sequential: { completedMs: number; legAAckMs: number }[] = [];
  for (let i = 0; i < 60; i++) sequential.push(await once(i));

  // The same order shape submitted directly through the adapter (lookup-then-submit), same simulator.
  const venues = executionVenuesForSimulator(sim.describe());
  const direct: number[] = [];
  try {
    for (let i = 0; i < 70; i++) {
      const request = orderRequestSchema.parse({ venue: 'kalshi', market: BENCH_KALSHI_MARKET, outcome: 'yes', action: 'buy', price: '0.43', quantity: '10', timeInForce: 'GTC', clientOrderId: clientOrderId(`direct-${runTag}`, 'A', i + 1) });
      // Paced like the sequential intents above (Kalshi's order budget is 10/s; the adapter's rate
      // governor would otherwise measure its own pacing, not the round trip).
      await new Promise((r) => setTimeout(r, 150));
      const t = performance.now();
      await venues.kalshi!.submit(request);
      if (i >= 10) direct.push(performance.now() - t);
    }
  } finally {
    await closeExecutionVenues(venues);
  }

  const concurrency = 20;
  const total = 200;
  const concurrent: number[] = [];
  let next = 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < 1000 + total) concurrent.push((await once(next++)).completedMs);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const ack = summarize(sequential.map((s) => s.legAAckMs));
  const directStats = summarize(direct);
  return {
    what: 'ms; intent start -> leg A acknowledged by the venue through the workflow, vs a direct adapter submit; start -> both legs filled and completed; 20 in flight',
    legAAckThroughWorkflow: ack,
    directAdapterSubmit: directStats,
    workflowOverheadP50Ms: Math.round((ack.p50 - directStats.p50) * 10) / 10,
    completedSequential: summarize(sequential.map((s) => s.completedMs)),
    concurrent: { concurrency, ...summarize(concurrent), twoLegIntentsPerSecond: Math.round((total / seconds) * 10) / 10 },
  };
}
