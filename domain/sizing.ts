/**
 * How many contracts (pairs) to trade on an opportunity: fractional Kelly on a haircut edge, net
 * of the cost of locking capital until resolution, then clipped by book depth and exposure caps.
 *
 * The bet: pay `c` per contract for a payoff of 1 with expected profit `e` (so the implied win
 * probability is c + e). Kelly's stake for such a binary contract is f* = e / (1 − c) of the
 * bankroll. For a clean arbitrage (e = 1 − c) that is the whole bankroll, which is why the edge is
 * haircut (model and legging risk) and only a fraction of Kelly is staked.
 */
import { z } from 'zod';
import { Dec, dec, decimalString, decStr, nonNegativeDecimalString, ONE, ZERO } from './money';
import { parseOrThrow } from './validation';

const DAYS_PER_YEAR = 365;

/** Every constraint that can set the size, so callers can count which one binds. */
export const SIZING_CONSTRAINTS = ['no_edge', 'capital_lock', 'kelly', 'depth', 'market_cap', 'venue_cap'] as const;
export type SizingConstraint = (typeof SIZING_CONSTRAINTS)[number];

const fraction = (what: string, lo: 'open' | 'closed', hi: 'open' | 'closed') =>
  decimalString.refine((s) => {
    const x = dec(s);
    return (lo === 'open' ? x.gt(ZERO) : x.gte(ZERO)) && (hi === 'open' ? x.lt(ONE) : x.lte(ONE));
  }, `${what} must lie in ${lo === 'open' ? '(' : '['}0, 1${hi === 'open' ? ')' : ']'}`);

export const sizingInputSchema = z
  .object({
    /** Expected profit per contract after fees (from the cost model); may be 0 or negative. */
    netEdgePerContract: decimalString,
    /** Capital one contract ties up, fees included; a binary pays at most 1, so below 1. */
    costPerContract: fraction('cost per contract', 'open', 'open'),
    /** Capital available to the strategy, in the quote currency. */
    bankroll: nonNegativeDecimalString,
    kellyFraction: fraction('kelly fraction', 'open', 'closed').default('0.25'),
    /** Share of the estimated edge assumed not to be real: 0.5 keeps half of it. */
    haircut: fraction('haircut', 'closed', 'open').default('0.5'),
    /** Contracts available at the quoted price on the thinner side of the pair. */
    depth: nonNegativeDecimalString,
    /** Remaining exposure capacity (quote currency) on this market; omitted means no cap. */
    marketCapRemaining: nonNegativeDecimalString.optional(),
    /**
     * Remaining exposure capacity (quote currency) on the venue. Charged the full per-contract
     * cost, which over-counts a cross-venue pair's share on each venue: conservative on purpose.
     */
    venueCapRemaining: nonNegativeDecimalString.optional(),
    /** Annual rate the locked capital could earn elsewhere, e.g. "0.05". */
    annualCostOfCapital: nonNegativeDecimalString,
    daysToResolution: nonNegativeDecimalString,
  })
  .superRefine((s, ctx) => {
    // Payoff is at most 1, so cost plus expected profit cannot exceed it: a larger edge is a bug upstream.
    if (dec(s.netEdgePerContract).plus(dec(s.costPerContract)).gt(ONE)) {
      ctx.addIssue({ code: 'custom', path: ['netEdgePerContract'], message: 'edge plus cost per contract exceeds the payoff of 1' });
    }
  });
export type SizingInput = z.input<typeof sizingInputSchema>;

export interface SizingResult {
  /** Whole contracts to trade (floored), as a decimal string. */
  contracts: string;
  binding: SizingConstraint;
  /** Edge after the haircut and the capital-lock penalty, per contract. */
  adjustedEdgePerContract: string;
  capitalLockPenaltyPerContract: string;
  /** Share of the bankroll staked (fractional Kelly, capped at 1). */
  stakeFraction: string;
  /** Each limit in contracts, floored; absent caps are omitted. */
  limits: Partial<Record<'kelly' | 'depth' | 'market_cap' | 'venue_cap', string>>;
}

export function sizePosition(input: SizingInput): SizingResult {
  const s = parseOrThrow(sizingInputSchema, 'sizing input', input);
  const edge = dec(s.netEdgePerContract);
  const cost = dec(s.costPerContract);

  const penalty = dec(s.annualCostOfCapital).times(dec(s.daysToResolution)).div(DAYS_PER_YEAR).times(cost);
  // Haircut the uncertain estimate first, then subtract the known cost of waiting: the penalty is
  // not itself uncertain, so it is not softened by the haircut.
  const haircutEdge = edge.times(ONE.minus(dec(s.haircut)));
  const adjusted = haircutEdge.minus(penalty);

  const base = { adjustedEdgePerContract: decStr(adjusted), capitalLockPenaltyPerContract: decStr(penalty) };
  if (adjusted.lte(ZERO)) {
    // Tell apart "no edge at all" from "edge that waiting for resolution eats".
    const binding: SizingConstraint = haircutEdge.gt(ZERO) ? 'capital_lock' : 'no_edge';
    return { contracts: '0', binding, ...base, stakeFraction: '0', limits: {} };
  }

  const stakeFraction = Dec.min(ONE, dec(s.kellyFraction).times(adjusted).div(ONE.minus(cost)));
  // Hard limits listed before Kelly: on a tie, report the limit a bigger bankroll would not lift.
  const candidates: [Exclude<SizingConstraint, 'no_edge' | 'capital_lock'>, Dec][] = [['depth', dec(s.depth)]];
  if (s.marketCapRemaining !== undefined) candidates.push(['market_cap', dec(s.marketCapRemaining).div(cost)]);
  if (s.venueCapRemaining !== undefined) candidates.push(['venue_cap', dec(s.venueCapRemaining).div(cost)]);
  candidates.push(['kelly', stakeFraction.times(dec(s.bankroll)).div(cost)]);

  // Strictly smaller wins, so the earliest of tied limits is the one reported.
  const [binding, limit] = candidates.reduce((best, c) => (c[1].lt(best[1]) ? c : best));
  return {
    contracts: decStr(limit.floor()),
    binding,
    ...base,
    stakeFraction: decStr(stakeFraction),
    limits: Object.fromEntries(candidates.map(([name, value]) => [name, decStr(value.floor())])),
  };
}
