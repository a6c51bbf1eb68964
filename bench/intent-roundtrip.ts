/**
 * Intent start → workflow completed (validate, record intent + audit in PostgreSQL, complete),
 * one at a time and with 20 in flight. The baseline the full legging path is compared with.
 */
import { startIntent } from '../clients/intents';
import type { IntentInput } from '../domain/intent';
import type { BenchStack } from './stack';
import { summarize } from './stats';

function intent(i: number, runTag: string): IntentInput {
  return {
    opportunityId: `bench-${runTag}-${i}`,
    strategy: 'bench',
    legs: [
      { legId: 'A', venue: 'kalshi', market: 'BENCH-A', outcome: 'yes', action: 'buy', limitPrice: '0.40', quantity: '10' },
      { legId: 'B', venue: 'polymarket', market: 'BENCH-B', outcome: 'no', action: 'buy', limitPrice: '0.55', quantity: '10' },
    ],
  };
}

export async function benchIntentRoundTrip({ client, taskQueue }: BenchStack): Promise<Record<string, unknown>> {
  const runTag = Date.now().toString(36);
  const once = async (i: number) => {
    const started = performance.now();
    await (await startIntent(client, intent(i, runTag), { taskQueue })).result();
    return performance.now() - started;
  };
  for (let i = 0; i < 10; i++) await once(-1 - i); // warm-up: bundle load, connection pools, JIT

  const sequential: number[] = [];
  for (let i = 0; i < 100; i++) sequential.push(await once(i));

  const concurrency = 20;
  const total = 400;
  const concurrent: number[] = [];
  let next = 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < 1000 + total) concurrent.push(await once(next++));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    what: 'intent start -> workflow completed (validate, record intent + legs + audit, gate query, reserve and release capital, record the outcome), ms',
    sequential: summarize(sequential),
    concurrent: { concurrency, ...summarize(concurrent), intentsPerSecond: Math.round((total / seconds) * 10) / 10 },
  };
}
