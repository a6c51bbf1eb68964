/**
 * Fee-aware edge for binary pair trades. Buying YES at p1 and the complementary NO at p2 pays
 * exactly 1 per pair at resolution, so the gross edge is 1 − p1 − p2; fees come off that.
 * - Cross-venue: YES on one venue, NO on the other (the classic Kalshi/Polymarket arbitrage).
 * - Same-venue parity: YES and NO on one venue whose asks sum below 1 after fees.
 *
 * Fees are computed for the whole quantity, not per contract, because Kalshi rounds each order's
 * fee up to the cent: one contract at 50¢ costs 0.02 in fees, a hundred cost 1.75, not 2.
 * USD (Kalshi) and USDC (Polymarket) are treated as equal; the depeg risk is outside this model.
 */
import { z } from 'zod';
import { kalshiFee, polymarketFee } from './fees';
import { dec, decimalString, decStr, nonNegativeDecimalString, ONE, positiveDecimalString, ZERO } from './money';
import { parseOrThrow } from './validation';

const binaryPrice = decimalString.refine((s) => dec(s).gt(ZERO) && dec(s).lt(ONE), 'binary contract prices lie strictly between 0 and 1');

/** Taker by default: an arbitrage takes liquidity, and assuming maker fees would flatter the edge. */
const liquiditySchema = z.enum(['maker', 'taker']).default('taker');

const kalshiLegSchema = z.object({
  venue: z.literal('kalshi'),
  /** Ask price of the contract bought (YES or NO). */
  price: binaryPrice,
  liquidity: liquiditySchema,
  makerFeesCharged: z.boolean().default(false),
});

const polymarketLegSchema = z.object({
  venue: z.literal('polymarket'),
  price: binaryPrice,
  liquidity: liquiditySchema,
  /** Required, not defaulted: silently assuming a fee-free market would overstate the edge. */
  feeRate: nonNegativeDecimalString,
  exponent: z.number().int().min(0).default(1),
});

export const pairLegSchema = z.discriminatedUnion('venue', [kalshiLegSchema, polymarketLegSchema]);
export type PairLeg = z.infer<typeof pairLegSchema>;
export type PairLegInput = z.input<typeof pairLegSchema>;

const pairSchema = z.object({
  /** The leg that buys YES. */
  yes: pairLegSchema,
  /** The leg that buys NO (the complementary outcome). */
  no: pairLegSchema,
  /** Pairs to buy; fractional shares are allowed (Polymarket), Kalshi rounds per order anyway. */
  quantity: positiveDecimalString,
});

export const crossVenueSchema = pairSchema.superRefine((p, ctx) => {
  if (p.yes.venue === p.no.venue) {
    ctx.addIssue({ code: 'custom', path: ['no', 'venue'], message: 'a cross-venue pair needs two different venues (use parityEdge for one venue)' });
  }
});
export const paritySchema = pairSchema.superRefine((p, ctx) => {
  if (p.yes.venue !== p.no.venue) {
    ctx.addIssue({ code: 'custom', path: ['no', 'venue'], message: 'a parity pair buys YES and NO on the same venue (use crossVenueEdge across venues)' });
  }
});
export type PairInput = z.input<typeof pairSchema>;

export interface PairEdge {
  quantity: string;
  /** 1 − p_yes − p_no. */
  grossEdgePerContract: string;
  grossEdge: string;
  /** Fees for the whole quantity, per leg and together. */
  fees: { yes: string; no: string; total: string };
  /** Total fees spread over the quantity (may carry many digits: Kalshi rounds per order). */
  feesPerContract: string;
  netEdgePerContract: string;
  netEdge: string;
  /** What one pair costs to put on, fees included: the capital it ties up until resolution. */
  costPerContract: string;
  /** Net edge strictly above 0. */
  profitable: boolean;
}

/** Fee for buying `quantity` contracts on one leg. */
function legFee(leg: PairLeg, quantity: string): string {
  if (leg.venue === 'kalshi') {
    return kalshiFee({ contracts: quantity, price: leg.price, liquidity: leg.liquidity, makerFeesCharged: leg.makerFeesCharged });
  }
  return polymarketFee({ shares: quantity, price: leg.price, liquidity: leg.liquidity, feeRate: leg.feeRate, exponent: leg.exponent });
}

function pairEdge(pair: z.infer<typeof pairSchema>): PairEdge {
  const qty = dec(pair.quantity);
  const grossPer = ONE.minus(dec(pair.yes.price)).minus(dec(pair.no.price));
  const feeYes = dec(legFee(pair.yes, pair.quantity));
  const feeNo = dec(legFee(pair.no, pair.quantity));
  const feeTotal = feeYes.plus(feeNo);
  const gross = grossPer.times(qty);
  const net = gross.minus(feeTotal);
  const feesPer = feeTotal.div(qty);
  return {
    quantity: decStr(qty),
    grossEdgePerContract: decStr(grossPer),
    grossEdge: decStr(gross),
    fees: { yes: decStr(feeYes), no: decStr(feeNo), total: decStr(feeTotal) },
    feesPerContract: decStr(feesPer),
    netEdgePerContract: decStr(net.div(qty)),
    netEdge: decStr(net),
    costPerContract: decStr(dec(pair.yes.price).plus(dec(pair.no.price)).plus(feesPer)),
    profitable: net.gt(ZERO),
  };
}

/** Edge of buying YES on one venue and NO on the other. */
export function crossVenueEdge(input: PairInput): PairEdge {
  return pairEdge(parseOrThrow(crossVenueSchema, 'cross-venue pair', input));
}

/** Edge of buying both YES and NO on one venue (a parity violation if profitable). */
export function parityEdge(input: PairInput): PairEdge {
  return pairEdge(parseOrThrow(paritySchema, 'parity pair', input));
}
