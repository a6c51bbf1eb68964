/**
 * Small pieces the strategies share: touch sides from the quote firewall, the smaller of optional
 * caps, judging and sizing an edge, the settlement poll for an intent held to resolution.
 */
import { z } from 'zod';
import { Dec, dec, decimalString, decStr, nonNegativeDecimalString, ZERO } from '../money';
import type { QuoteCheck } from '../quote-firewall';
import { sizePosition } from '../sizing';
import type { IntentInput } from '../intent';
import type { AnyScanReason, ScanRecord } from './strategy';

export const MS_PER_DAY = 86_400_000;

/** What can be bought at the touch: price and the size there. */
export interface Side {
  price: string;
  size: string;
}

export type SideResult = { ok: true; side: Side } | { ok: false; reason: AnyScanReason; detail: string };

/** A firewall check turned into the side a strategy buys, or the rejection as a scan reason. */
export function sideFrom(check: QuoteCheck, what: string, pick: (c: Extract<QuoteCheck, { ok: true }>) => Side): SideResult {
  if (!check.ok) return { ok: false, reason: `quote_rejected:${check.reason}`, detail: `${what}: ${check.detail}` };
  return { ok: true, side: pick(check) };
}

/** The smallest of the caps given, or undefined when none is. */
export function minDefined(values: (string | undefined)[]): string | undefined {
  const present = values.filter((v): v is string => v !== undefined).map((v) => dec(v));
  if (present.length === 0) return undefined;
  return decStr(Dec.min(...present));
}

/** zod: a whole number of contracts above 0, as a decimal string. */
export const wholeContracts = decimalString.refine((s) => dec(s).isInteger() && dec(s).gt(ZERO), 'must be a whole number above 0');

/** Params the two-leg strategies (cross-venue, parity) add to `sharedSizingParamsShape` (./strategy.ts). */
export const pairParamsShape = {
  /** Smallest net edge per contract (after fees, at the sized quantity) worth taking. */
  minNetEdgePerContract: nonNegativeDecimalString.default('0.005'),
  /** Hard cap on contracts (pairs) per intent. */
  maxContractsPerIntent: wholeContracts.default('100'),
  leggingWindowMs: z.number().int().positive().max(3_600_000).default(5_000),
  priceTolerance: nonNegativeDecimalString.default('0.01'),
  /** Polymarket taker fee rate; the simulator's markets charge nothing. */
  polymarketFeeRate: nonNegativeDecimalString.default('0'),
  polymarketFeeExponent: z.number().int().min(0).default(1),
};

/**
 * How often an intent held to resolution asks whether its market has resolved: about ten times
 * over the wait, between every second (markets minutes away) and every minute (days away).
 */
export function settlementPollMsFor(msToResolution: number): number {
  return Math.min(60_000, Math.max(1_000, Math.round(msToResolution / 10)));
}

/** A record's sizing and edge fields before any edge is judged (spread in this place: scan files keep key order). */
export const NOT_SIZED = { quantity: '0', binding: null, fees: null, grossEdgePerContract: null, netEdgePerContract: null } as const;

/** The record as it ends: a take when an intent is given, else a skip, with the reason and its detail. */
export function finishRecord(record: ScanRecord, reason: AnyScanReason, detail?: string, intent?: IntentInput): ScanRecord {
  return { ...record, decision: intent ? 'take' : 'skip', reason, ...(detail !== undefined ? { detail } : {}), ...(intent ? { intent } : {}) };
}

/** An edge at one quantity, as a strategy's cost model prices it (exact decimal strings). */
export interface EdgeQuote {
  grossEdgePerContract: string;
  netEdgePerContract: string;
  /** All legs' fees for the quantity. */
  feesTotal: string;
  feesPerContract: string;
  /** Capital one contract ties up, fees included. */
  costPerContract: string;
}

export type SizedEdge<E extends EdgeQuote> = { ok: true; quantity: Dec; final: E } | { ok: false; reason: AnyScanReason; detail: string };

/**
 * What every strategy does once it has touch prices, in one order so the first failing check is
 * the record's reason in all of them: judge the edge at the most the touch and the cap allow
 * (`no_edge`, `fees_exceed_edge`, `edge_below_min`), size it (fractional Kelly with a haircut,
 * depth, market/venue caps, the capital-lock cost; `size_zero`), clip to `maxContractsPerIntent`,
 * and judge the minimum again at the sized quantity (fees are rounded per order, so the edge per
 * contract moves with the quantity).
 *
 * `edgeAt` prices a quantity (and writes each leg's fee onto the record's legs, which differ per
 * strategy); this writes the fees and edges of every quantity judged onto the record, so a skip
 * shows the edge it was judged at, and sets the record's `binding` and `quantity`.
 */
export function judgeAndSize<E extends EdgeQuote>(input: {
  record: Pick<ScanRecord, 'binding' | 'quantity' | 'fees' | 'grossEdgePerContract' | 'netEdgePerContract'>;
  edgeAt: (quantity: string) => E;
  /** Whole contracts at the thinner touch. */
  depth: Dec;
  params: { maxContractsPerIntent: string; minNetEdgePerContract: string; kellyFraction?: string; haircut?: string; annualCostOfCapital: string };
  bankroll: string;
  caps: { market?: string; venue?: string };
  msToResolution: number;
  /** The `no_edge` detail; default `gross edge <gross>`. */
  noEdgeDetail?: (provisional: E) => string;
}): SizedEdge<E> {
  const { record, depth, params } = input;
  const edgeAt = (quantity: string): E => {
    const edge = input.edgeAt(quantity);
    record.fees = { total: edge.feesTotal, perContract: edge.feesPerContract };
    record.grossEdgePerContract = edge.grossEdgePerContract;
    record.netEdgePerContract = edge.netEdgePerContract;
    return edge;
  };
  const skip = (reason: AnyScanReason, detail: string): SizedEdge<E> => ({ ok: false, reason, detail });
  const maxContracts = dec(params.maxContractsPerIntent);
  const minEdge = dec(params.minNetEdgePerContract);
  const provisional = edgeAt(decStr(Dec.min(depth, maxContracts)));
  if (!dec(provisional.grossEdgePerContract).gt(ZERO)) return skip('no_edge', input.noEdgeDetail?.(provisional) ?? `gross edge ${provisional.grossEdgePerContract}`);
  if (!dec(provisional.netEdgePerContract).gt(ZERO)) return skip('fees_exceed_edge', `gross ${provisional.grossEdgePerContract}, fees per contract ${provisional.feesPerContract}`);
  if (dec(provisional.netEdgePerContract).lt(minEdge)) return skip('edge_below_min', `net ${provisional.netEdgePerContract} < ${params.minNetEdgePerContract}`);

  const sizing = sizePosition({
    netEdgePerContract: provisional.netEdgePerContract,
    costPerContract: provisional.costPerContract,
    bankroll: input.bankroll,
    ...(params.kellyFraction !== undefined ? { kellyFraction: params.kellyFraction } : {}),
    ...(params.haircut !== undefined ? { haircut: params.haircut } : {}),
    depth: decStr(depth),
    ...(input.caps.market !== undefined ? { marketCapRemaining: input.caps.market } : {}),
    ...(input.caps.venue !== undefined ? { venueCapRemaining: input.caps.venue } : {}),
    annualCostOfCapital: params.annualCostOfCapital,
    daysToResolution: decStr(dec(String(input.msToResolution)).div(MS_PER_DAY)),
  });
  let quantity = dec(sizing.contracts);
  record.binding = sizing.binding;
  if (quantity.gt(maxContracts)) {
    quantity = maxContracts;
    record.binding = 'max_contracts';
  }
  if (quantity.lte(ZERO)) return skip('size_zero', `binding: ${sizing.binding}`);
  record.quantity = decStr(quantity);
  const final = edgeAt(record.quantity);
  if (dec(final.netEdgePerContract).lt(minEdge)) return skip('edge_below_min', `net ${final.netEdgePerContract} at ${record.quantity} contracts < ${params.minNetEdgePerContract}`);
  return { ok: true, quantity, final };
}
