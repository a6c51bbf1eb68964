/**
 * An order intent: the two (or more) legs of one trade, as the signal loop hands it to the
 * execution layer. Validated with zod at every boundary (CLI file, workflow start, activity input).
 */
import { z } from 'zod';
import { dec, decimalString, nonNegativeDecimalString, ONE, positiveDecimalString } from './money';
import { parseOrThrow } from './validation';
import { actionSchema, outcomeSchema, timeInForceSchema, venueSchema } from './venue';

/** Ids end up in workflow ids, client order ids and search attributes: keep them to a safe alphabet. */
export const idSchema = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'may contain only letters, digits and . _ : - (and must start with a letter or digit)');

export const legSchema = z.object({
  /** "A" is submitted first; "B" only for the quantity A filled. */
  legId: z.enum(['A', 'B']),
  venue: venueSchema,
  /** Venue market key: Kalshi ticker, Polymarket token id, Coinbase product id. */
  market: z.string().min(1).max(200),
  /** yes/no for binary contracts; omitted for spot. */
  outcome: outcomeSchema.optional(),
  action: actionSchema,
  /** Limit price in the venue's quote currency per contract/unit, as an exact decimal string. */
  limitPrice: positiveDecimalString,
  quantity: positiveDecimalString,
  timeInForce: timeInForceSchema.default('GTC'),
});
export type Leg = z.infer<typeof legSchema>;

export const intentSchema = z
  .object({
    opportunityId: idSchema,
    strategy: idSchema,
    legs: z.array(legSchema).min(1).max(2),
    /** How long leg A may work (repriced within tolerance) before what is left of it is cancelled. */
    entryWindowMs: z.number().int().positive().max(3_600_000).default(5_000),
    /** How long leg B may take after leg A fills before the exposure is hedged/unwound. */
    leggingWindowMs: z.number().int().positive().max(3_600_000).default(10_000),
    /** How many times a resting leg may be cancelled and re-sent one tick closer, within priceTolerance. */
    maxReprices: z.number().int().min(0).max(10).default(2),
    /**
     * Entry orders are sent good-till-date, each expiring this long after it is sent (venues such as
     * Kalshi take an expiry); one that expires while its window is still open is re-sent at the
     * same price. Unset: good-till-cancelled, cancelled by us at the window's end.
     */
    orderTtlMs: z.number().int().min(1_000).max(86_400_000).optional(),
    /**
     * How long a submit may stay unresolved (the venue keeps failing or timing out, so whether the
     * order exists is unknown) before the order is treated as possibly live: cancelled by client
     * order id, whatever it filled then hedged. Never a blind re-send.
     */
    submitDeadlineMs: z.number().int().min(1_000).max(600_000).default(45_000),
    /** How long a leg rests unfilled before a reprice; by default the window split evenly across the reprices. */
    repriceAfterMs: z.number().int().min(100).max(3_600_000).optional(),
    /** How far through leg A's fill price the unwind may go to get out (absolute, in price units). */
    unwindSlippage: nonNegativeDecimalString.default('0.05'),
    /** How far a leg may be repriced from its original limit (absolute, in price units). */
    priceTolerance: nonNegativeDecimalString.default('0'),
    /** Expected edge per contract after costs, as the signal loop computed it. */
    expectedEdge: decimalString.default('0'),
    /**
     * Hold the legs to their markets' resolution, then record payout, fees and realized PnL (and
     * whether the venues resolved the pair differently). Off: the intent ends once legging is done.
     */
    awaitSettlement: z.boolean().default(false),
    /** How often an unresolved market is asked again while the intent waits for settlement. */
    settlementPollMs: z.number().int().min(100).max(86_400_000).default(60_000),
    /** Polls per workflow run while waiting: the wait then continues as new, so its history stays small. */
    settlementPollsPerRun: z.number().int().min(1).max(1_000).default(200),
    /** After this instant nothing new is submitted for the intent. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((intent, ctx) => {
    const ids = intent.legs.map((l) => l.legId);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: 'custom', path: ['legs'], message: 'leg ids must be unique' });
    }
    if (ids[0] !== 'A') {
      ctx.addIssue({ code: 'custom', path: ['legs', 0, 'legId'], message: 'the first leg must be "A"' });
    }
    intent.legs.forEach((leg, i) => {
      const binary = leg.venue !== 'coinbase';
      if (binary && !leg.outcome) {
        ctx.addIssue({ code: 'custom', path: ['legs', i, 'outcome'], message: `required for ${leg.venue} (yes or no)` });
      }
      if (binary && !dec(leg.limitPrice).lt(ONE)) {
        ctx.addIssue({ code: 'custom', path: ['legs', i, 'limitPrice'], message: 'binary contract prices lie strictly between 0 and 1' });
      }
    });
  });
export type Intent = z.infer<typeof intentSchema>;
/** What a caller may send: defaults not yet applied. */
export type IntentInput = z.input<typeof intentSchema>;

/** Parses an intent or throws a ValidationError that names every bad field. */
export function parseIntent(input: unknown): Intent {
  return parseOrThrow(intentSchema, 'intent', input);
}

/** Intent ids and workflow ids are pure functions of the opportunity id: the same opportunity never runs twice. */
export function intentIdFor(opportunityId: string): string {
  return `intent-${opportunityId}`;
}
export const intentWorkflowId = intentIdFor;
