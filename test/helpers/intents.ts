/** Intent fixtures: each call gets a fresh opportunity id so test files never collide. */
import type { IntentInput } from '../../domain/intent';

let counter = 0;
export function sampleIntent(tag: string, overrides: Partial<IntentInput> = {}): IntentInput {
  counter += 1;
  return {
    opportunityId: `${tag}-${process.pid}-${Date.now().toString(36)}-${counter}`,
    strategy: 'xvenue-binary-arb',
    legs: [
      { legId: 'A', venue: 'kalshi', market: 'FED-25DEC-T4.25', outcome: 'yes', action: 'buy', limitPrice: '0.43', quantity: '25' },
      { legId: 'B', venue: 'polymarket', market: '7132104567925221259', outcome: 'no', action: 'buy', limitPrice: '0.55', quantity: '25' },
    ],
    leggingWindowMs: 10_000,
    priceTolerance: '0.02',
    expectedEdge: '0.025',
    ...overrides,
  };
}
