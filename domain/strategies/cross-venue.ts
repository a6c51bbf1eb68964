/**
 * Cross-venue binary arbitrage (Kalshi ↔ Polymarket): the pure evaluator.
 *
 * For one mapped pair (the same outcome listed on both venues) and the current books it evaluates
 * both directions of the arbitrage, each of which pays exactly 1 per pair at resolution:
 *   - `kalshi_yes_poly_no`: buy YES on Kalshi at its best YES ask + buy the NO token on Polymarket
 *     at that token's best ask;
 *   - `kalshi_no_poly_yes`: buy NO on Kalshi at 1 − its best YES bid (Kalshi's NO ask mirrors the
 *     YES bid, with the bid's size) + buy the YES token on Polymarket at its best ask.
 * Each evaluation yields one normalized `ScanRecord` (taken or skipped, with a short reason code),
 * and a take carries the `IntentInput` the signal loop starts.
 *
 * Pure: no I/O and no clock (`nowMs` is a parameter); every price, size, fee and edge is an exact
 * decimal (domain/money). Inputs are validated with zod; malformed input throws a ValidationError
 * naming the field, while well-formed but untradeable books become skip records.
 *
 * Evaluation order per direction (the first failing check is the reason):
 *   1. the quote firewall on each book the direction uses (`quote_rejected:<firewall reason>`);
 *   2. the pair must not be past its resolution time (`past_resolution`);
 *   3. gross edge 1 − p_kalshi − p_poly > 0 (`no_edge`), fees must leave a positive net edge
 *      (`fees_exceed_edge`), and the net edge must reach `minNetEdgePerContract` (`edge_below_min`);
 *   4. sizing (domain/sizing: fractional Kelly, depth at the touch, exposure caps, the capital-lock
 *      cost) clipped to `maxContractsPerIntent` must give at least one contract (`size_zero`); fees
 *      are then recomputed at the sized quantity (Kalshi rounds fees per order, so a smaller order
 *      pays more per contract) and the minimum is checked again (`edge_below_min`);
 *   5. a caller-held cooldown for the (pair, direction) turns a would-be take into `cooldown`.
 * A low-confidence pair is evaluated all the same (so the record shows what it would have done) but
 * its reason is always `low_confidence` and it is never taken.
 *
 * Leg order of a take: leg A goes on the venue whose touch is thinner (smaller size at the best
 * price), Kalshi on a tie. The scarcer liquidity is the likelier to vanish, and the executor sends
 * leg B only for what leg A filled, so filling the hard side first keeps the legging exposure small.
 * Both legs are limit orders at their touch prices.
 *
 * Opportunity ids (see `opportunityIdFor`) are a pure function of (pair id, direction, the two
 * touch prices in cents, dislocation epoch), so the same dislocation seen on consecutive scans maps
 * to the same id and Temporal's one-workflow-per-id refuses the second start. The scan loop keeps
 * one epoch per (pair, direction), starting at 0, and bumps it when that dislocation closes (a scan
 * where the direction is no longer worth taking), so the same prices seen again later are a new
 * opportunity with a new id and can trade again.
 */
import { sha256 } from '@noble/hashes/sha256';
import { utf8ToBytes } from '@noble/hashes/utils';
import { z } from 'zod';
import { crossVenueEdge, type PairEdge } from '../cost-model';
import type { IntentInput } from '../intent';
import { idSchema } from '../intent';
import { Dec, dec, decimalString, decStr, nonNegativeDecimalString, ONE, positiveDecimalString, ZERO } from '../money';
import { bookSnapshotSchema, checkQuote, QUOTE_REJECTIONS, type BookSnapshot, type QuoteCheck } from '../quote-firewall';
import { sizePosition, SIZING_CONSTRAINTS } from '../sizing';
import { parseOrThrow, ValidationError } from '../validation';
import { marketMappingSchema, type MarketMapping } from '../../venues/sim/world';

export const CROSS_VENUE_STRATEGY = 'xvenue-binary-arb' as const;

export const CROSS_VENUE_DIRECTIONS = ['kalshi_yes_poly_no', 'kalshi_no_poly_yes'] as const;
export const crossVenueDirectionSchema = z.enum(CROSS_VENUE_DIRECTIONS);
export type CrossVenueDirection = z.infer<typeof crossVenueDirectionSchema>;

/** Every reason code a scan record can carry, so metrics can pre-register one counter per reason. */
export const SCAN_REASONS = [
  'ok',
  'low_confidence',
  ...QUOTE_REJECTIONS.map((r) => `quote_rejected:${r}` as const),
  'past_resolution',
  'no_edge',
  'fees_exceed_edge',
  'edge_below_min',
  'size_zero',
  'cooldown',
] as const;
export type ScanReason = (typeof SCAN_REASONS)[number];
export const scanReasonSchema = z.enum(SCAN_REASONS);

/** What binds the sized quantity: a sizing constraint, or the per-intent contract cap. */
export const SCAN_BINDINGS = [...SIZING_CONSTRAINTS, 'max_contracts'] as const;

// ---------------------------------------------------------------- inputs

/** One pair of the mapping file (venues/sim/world). */
export const mappingPairSchema = marketMappingSchema.shape.pairs.element;
export type MappingPair = z.infer<typeof mappingPairSchema>;

const wholeNumber = decimalString.refine((s) => dec(s).isInteger() && dec(s).gt(ZERO), 'must be a whole number above 0');

export const crossVenueParamsSchema = z.object({
  /** Smallest net edge per contract (after fees, at the sized quantity) worth taking. */
  minNetEdgePerContract: nonNegativeDecimalString.default('0.005'),
  /** Capital available to the strategy (quote currency). */
  bankroll: nonNegativeDecimalString.default('1000'),
  /** Passed to sizePosition (its defaults apply when omitted). */
  kellyFraction: decimalString.optional(),
  haircut: decimalString.optional(),
  /** Hard cap on contracts (pairs) per intent. */
  maxContractsPerIntent: wholeNumber.default('100'),
  /**
   * Remaining exposure capacity (quote currency) per market key (Kalshi ticker, Polymarket token
   * id); the smaller of the two legs' entries applies. A market not listed is uncapped.
   */
  marketCapRemaining: z.record(z.string(), nonNegativeDecimalString).optional(),
  /** Remaining exposure capacity (quote currency) per venue; the smaller of the two legs' applies. */
  venueCapRemaining: z.object({ kalshi: nonNegativeDecimalString.optional(), polymarket: nonNegativeDecimalString.optional() }).optional(),
  /** Annual rate the capital locked until resolution could earn elsewhere. */
  annualCostOfCapital: nonNegativeDecimalString.default('0.05'),
  leggingWindowMs: z.number().int().positive().max(3_600_000).default(5_000),
  priceTolerance: nonNegativeDecimalString.default('0.01'),
  /** Quote firewall: the oldest book worth trusting. */
  maxQuoteAgeMs: z.number().int().positive().default(2_000),
  /** Quote firewall: the smallest size at the touch worth trusting (at least one whole contract). */
  minTouchSize: positiveDecimalString.default('1'),
  /** Polymarket taker fee rate; the simulator's markets charge nothing. */
  polymarketFeeRate: nonNegativeDecimalString.default('0'),
  polymarketFeeExponent: z.number().int().min(0).default(1),
});
export type CrossVenueParams = z.infer<typeof crossVenueParamsSchema>;
export type CrossVenueParamsInput = z.input<typeof crossVenueParamsSchema>;

const epochSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const evaluatePairInputSchema = z.object({
  pair: mappingPairSchema,
  /** Kalshi YES book (bids = YES bids, asks = YES asks), decimal dollars. */
  kalshiBook: bookSnapshotSchema,
  /** Polymarket YES token's book. */
  polyYesBook: bookSnapshotSchema,
  /** Polymarket NO token's book. */
  polyNoBook: bookSnapshotSchema,
  nowMs: z.number().int().nonnegative(),
  params: crossVenueParamsSchema.prefault({}),
  /**
   * The dislocation epoch per direction, kept by the loop and bumped when the direction's
   * dislocation closes: one number for both directions, a record by direction, or a lookup
   * function. Default 0.
   */
  dislocationEpoch: z
    .union([
      epochSchema,
      z.partialRecord(crossVenueDirectionSchema, epochSchema),
      z.custom<(direction: CrossVenueDirection) => number>((v) => typeof v === 'function', 'must be a number, a record by direction or a function'),
    ])
    .optional(),
  /** Caller-held cooldowns: no take in a direction before this instant (ms epoch). */
  cooldownUntilMs: z.partialRecord(crossVenueDirectionSchema, z.number().int().nonnegative()).optional(),
});
export type EvaluatePairInput = z.input<typeof evaluatePairInputSchema>;

// ---------------------------------------------------------------- the scan record

const nullableDecimal = decimalString.nullable();

export const scanRecordSchema = z.object({
  strategy: z.literal(CROSS_VENUE_STRATEGY),
  pairId: z.string().min(1),
  direction: crossVenueDirectionSchema,
  /** Market keys of the two legs: the Kalshi ticker and the Polymarket token bought. */
  markets: z.object({ kalshi: z.string().min(1), polymarket: z.string().min(1) }),
  /** The outcome bought on each venue. */
  outcomes: z.object({ kalshi: z.enum(['yes', 'no']), polymarket: z.enum(['yes', 'no']) }),
  /** Touch prices of what is bought (Kalshi NO = 1 − best YES bid); null when the book was rejected. */
  prices: z.object({ kalshi: nullableDecimal, polymarket: nullableDecimal }),
  /** Sizes available at those prices. */
  sizes: z.object({ kalshi: nullableDecimal, polymarket: nullableDecimal }),
  /** Contracts (pairs) sized; "0" on a skip that never got a size. */
  quantity: decimalString,
  /** What bound the size, when sizing ran. */
  binding: z.enum(SCAN_BINDINGS).nullable(),
  /**
   * Fees for `quantity` (or, before sizing, for the depth-clipped quantity the edge was judged at):
   * per leg and together. Null when no edge was computed.
   */
  fees: z.object({ kalshi: decimalString, polymarket: decimalString, total: decimalString }).nullable(),
  grossEdgePerContract: nullableDecimal,
  netEdgePerContract: nullableDecimal,
  decision: z.enum(['take', 'skip']),
  reason: scanReasonSchema,
  /** Human detail for the reason (firewall message, binding constraint, …). */
  detail: z.string().optional(),
  /** The epoch this evaluation used for the (pair, direction). */
  dislocationEpoch: epochSchema,
  /** Present whenever both touch prices are known (takes, and skips past the firewall). */
  opportunityId: idSchema.optional(),
  /** ISO time of the scan (from nowMs). */
  at: z.iso.datetime(),
  /** Present exactly when decision is "take". */
  intent: z.custom<IntentInput>((v) => typeof v === 'object' && v !== null).optional(),
});
export type ScanRecord = z.infer<typeof scanRecordSchema>;

// ---------------------------------------------------------------- opportunity ids

const ID_ALPHABET_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const DIRECTION_CODES: Record<CrossVenueDirection, string> = { kalshi_yes_poly_no: 'ky-pn', kalshi_no_poly_yes: 'kn-py' };
const MAX_READABLE_PAIR_ID = 60;

function shortHash(text: string, hexChars: number): string {
  return Array.from(sha256(utf8ToBytes(text)), (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, hexChars);
}

/**
 * Price in cents, canonical ("0.4" → "40", "0.455" → "45.5"). Done by moving the decimal point in
 * the string, so no digit is ever rounded away (decimal arithmetic would round at 50 digits).
 */
function cents(price: string): string {
  const canonical = decStr(dec(price));
  if (canonical.startsWith('-')) throw new Error(`price must not be negative: ${price}`);
  const [whole = '0', fraction = ''] = canonical.split('.');
  const padded = fraction.padEnd(2, '0');
  const intPart = `${whole}${padded.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = padded.slice(2).replace(/0+$/, '');
  return rest ? `${intPart}.${rest}` : intPart;
}

export interface OpportunityIdInput {
  pairId: string;
  direction: CrossVenueDirection;
  /** Touch price bought on Kalshi (for kalshi_no_poly_yes: the NO price, 1 − best YES bid). */
  kalshiPrice: string;
  polymarketPrice: string;
  dislocationEpoch: number;
}

/**
 * `xv:<pairId>:<ky-pn|kn-py>:<kalshi cents>-<polymarket cents>:e<epoch>`, e.g.
 * `xv:FEDCUT42:ky-pn:40-55:e0`. A pair id outside the id alphabet or longer than 60 characters is
 * replaced by its safe-character prefix (at most 40) plus `.h` and 12 hex digits of its SHA-256,
 * so distinct pair ids stay distinct; if the whole id would still exceed 120 characters (prices
 * with very many decimals) the price part is replaced by `h` and 16 hex digits of a hash of the
 * full tuple. Always valid under domain/intent's idSchema.
 */
export function opportunityIdFor(input: OpportunityIdInput): string {
  const { pairId, direction } = input;
  const epoch = parseOrThrow(epochSchema, 'dislocation epoch', input.dislocationEpoch);
  const kc = cents(input.kalshiPrice);
  const pc = cents(input.polymarketPrice);
  let pairPart = pairId;
  if (!ID_ALPHABET_RE.test(pairId) || pairId.length > MAX_READABLE_PAIR_ID) {
    const safe = pairId.replace(/[^A-Za-z0-9._:-]/g, '').replace(/^[^A-Za-z0-9]+/, '').slice(0, 40);
    pairPart = `${safe || 'p'}.h${shortHash(`pair\u0000${pairId}`, 12)}`;
  }
  const code = DIRECTION_CODES[direction];
  let id = `xv:${pairPart}:${code}:${kc}-${pc}:e${epoch}`;
  if (id.length > 120) {
    id = `xv:${pairPart}:${code}:h${shortHash(`prices\u0000${pairId}\u0000${direction}\u0000${kc}\u0000${pc}`, 16)}:e${epoch}`;
  }
  return idSchema.parse(id);
}

// ---------------------------------------------------------------- evaluation

/** The high-confidence pairs of a mapping: the only ones a strategy may trade. */
export function mappingPairsToTrade(mapping: MarketMapping): MappingPair[] {
  return parseOrThrow(marketMappingSchema, 'market mapping', mapping).pairs.filter((p) => p.confidence === 'high');
}

interface Side {
  price: string;
  size: string;
}

type SideResult = { ok: true; side: Side } | { ok: false; reason: ScanReason; detail: string };

function sideFrom(check: QuoteCheck, what: string, pick: (c: Extract<QuoteCheck, { ok: true }>) => Side): SideResult {
  if (!check.ok) return { ok: false, reason: `quote_rejected:${check.reason}`, detail: `${what}: ${check.detail}` };
  return { ok: true, side: pick(check) };
}

function epochFor(input: z.infer<typeof evaluatePairInputSchema>, direction: CrossVenueDirection): number {
  const e = input.dislocationEpoch;
  if (e === undefined) return 0;
  if (typeof e === 'number') return e;
  if (typeof e === 'function') return parseOrThrow(epochSchema, `dislocation epoch of ${direction}`, e(direction));
  return e[direction] ?? 0;
}

function minDefined(values: (string | undefined)[]): string | undefined {
  const present = values.filter((v): v is string => v !== undefined).map((v) => dec(v));
  if (present.length === 0) return undefined;
  return decStr(Dec.min(...present));
}

function expectBook(book: BookSnapshot, venue: BookSnapshot['venue'], market: string, field: string): void {
  if (book.venue !== venue || book.market !== market) {
    throw new ValidationError('cross-venue evaluation input', `${field}: expected the ${venue} book of ${market}, got ${book.venue} ${book.market}`);
  }
}

/**
 * Evaluates both directions of one mapped pair: always two records, `kalshi_yes_poly_no` first.
 * Throws a ValidationError on malformed input or books that are not the pair's markets.
 */
export function evaluatePair(rawInput: EvaluatePairInput): ScanRecord[] {
  const input = parseOrThrow(evaluatePairInputSchema, 'cross-venue evaluation input', rawInput);
  const { pair, nowMs, params } = input;
  expectBook(input.kalshiBook, 'kalshi', pair.kalshi.ticker, 'kalshiBook');
  expectBook(input.polyYesBook, 'polymarket', pair.polymarket.yesTokenId, 'polyYesBook');
  expectBook(input.polyNoBook, 'polymarket', pair.polymarket.noTokenId, 'polyNoBook');

  const firewall = { maxAgeMs: params.maxQuoteAgeMs, minSize: params.minTouchSize, binary: true };
  const kalshiCheck = checkQuote(input.kalshiBook, nowMs, firewall);
  const polyYesCheck = checkQuote(input.polyYesBook, nowMs, firewall);
  const polyNoCheck = checkQuote(input.polyNoBook, nowMs, firewall);

  const at = new Date(nowMs).toISOString();
  const ctx = { input, at };
  return [
    evaluateDirection(ctx, 'kalshi_yes_poly_no', {
      kalshi: sideFrom(kalshiCheck, 'kalshi YES book', (c) => ({ price: c.bestAsk, size: c.bestAskSize })),
      poly: sideFrom(polyNoCheck, 'polymarket NO book', (c) => ({ price: c.bestAsk, size: c.bestAskSize })),
    }),
    evaluateDirection(ctx, 'kalshi_no_poly_yes', {
      kalshi: sideFrom(kalshiCheck, 'kalshi YES book', (c) => ({ price: decStr(ONE.minus(dec(c.bestBid))), size: c.bestBidSize })),
      poly: sideFrom(polyYesCheck, 'polymarket YES book', (c) => ({ price: c.bestAsk, size: c.bestAskSize })),
    }),
  ];
}

const MS_PER_DAY = 86_400_000;

function evaluateDirection(
  ctx: { input: z.infer<typeof evaluatePairInputSchema>; at: string },
  direction: CrossVenueDirection,
  sides: { kalshi: SideResult; poly: SideResult },
): ScanRecord {
  const { input, at } = ctx;
  const { pair, params, nowMs } = input;
  const kalshiOutcome: 'yes' | 'no' = direction === 'kalshi_yes_poly_no' ? 'yes' : 'no';
  const polyOutcome: 'yes' | 'no' = direction === 'kalshi_yes_poly_no' ? 'no' : 'yes';
  const polyMarket = polyOutcome === 'yes' ? pair.polymarket.yesTokenId : pair.polymarket.noTokenId;
  const epoch = epochFor(input, direction);

  const record: ScanRecord = {
    strategy: CROSS_VENUE_STRATEGY,
    pairId: pair.id,
    direction,
    markets: { kalshi: pair.kalshi.ticker, polymarket: polyMarket },
    outcomes: { kalshi: kalshiOutcome, polymarket: polyOutcome },
    prices: { kalshi: sides.kalshi.ok ? sides.kalshi.side.price : null, polymarket: sides.poly.ok ? sides.poly.side.price : null },
    sizes: { kalshi: sides.kalshi.ok ? sides.kalshi.side.size : null, polymarket: sides.poly.ok ? sides.poly.side.size : null },
    quantity: '0',
    binding: null,
    fees: null,
    grossEdgePerContract: null,
    netEdgePerContract: null,
    decision: 'skip',
    reason: 'ok',
    dislocationEpoch: epoch,
    at,
  };
  // Low confidence wins over every other reason, but the rest is still evaluated and recorded.
  const finish = (reason: ScanReason, detail?: string, intent?: IntentInput): ScanRecord => {
    if (pair.confidence === 'low') {
      const { intent: _dropped, ...rest } = record;
      return { ...rest, decision: 'skip', reason: 'low_confidence', detail: `mapping confidence is low; otherwise: ${reason}${detail ? ` (${detail})` : ''}` };
    }
    const out: ScanRecord = { ...record, decision: intent ? 'take' : 'skip', reason };
    if (detail !== undefined) out.detail = detail;
    if (intent) out.intent = intent;
    return out;
  };

  if (!sides.kalshi.ok) return finish(sides.kalshi.reason, sides.kalshi.detail);
  if (!sides.poly.ok) return finish(sides.poly.reason, sides.poly.detail);
  const k = sides.kalshi.side;
  const p = sides.poly.side;
  record.opportunityId = opportunityIdFor({ pairId: pair.id, direction, kalshiPrice: k.price, polymarketPrice: p.price, dislocationEpoch: epoch });

  if (nowMs >= pair.resolvesAt) return finish('past_resolution', `resolves at ${new Date(pair.resolvesAt).toISOString()}`);

  const edgeAt = (quantity: string): PairEdge => {
    const kalshiLeg = { venue: 'kalshi' as const, price: k.price };
    const polyLeg = { venue: 'polymarket' as const, price: p.price, feeRate: params.polymarketFeeRate, exponent: params.polymarketFeeExponent };
    return kalshiOutcome === 'yes'
      ? crossVenueEdge({ yes: kalshiLeg, no: polyLeg, quantity })
      : crossVenueEdge({ yes: polyLeg, no: kalshiLeg, quantity });
  };
  const applyEdge = (edge: PairEdge) => {
    const kalshiFee = kalshiOutcome === 'yes' ? edge.fees.yes : edge.fees.no;
    const polyFee = kalshiOutcome === 'yes' ? edge.fees.no : edge.fees.yes;
    record.fees = { kalshi: kalshiFee, polymarket: polyFee, total: edge.fees.total };
    record.grossEdgePerContract = edge.grossEdgePerContract;
    record.netEdgePerContract = edge.netEdgePerContract;
  };

  // Judge the edge first at the most the touch and the cap allow (the firewall guarantees >= 1).
  const depth = Dec.min(dec(k.size), dec(p.size)).floor();
  const maxContracts = dec(params.maxContractsPerIntent);
  const provisional = edgeAt(decStr(Dec.min(depth, maxContracts)));
  applyEdge(provisional);
  const minEdge = dec(params.minNetEdgePerContract);
  if (!dec(provisional.grossEdgePerContract).gt(ZERO)) return finish('no_edge', `gross edge ${provisional.grossEdgePerContract}`);
  if (!dec(provisional.netEdgePerContract).gt(ZERO)) return finish('fees_exceed_edge', `gross ${provisional.grossEdgePerContract}, fees per contract ${provisional.feesPerContract}`);
  if (dec(provisional.netEdgePerContract).lt(minEdge)) return finish('edge_below_min', `net ${provisional.netEdgePerContract} < ${params.minNetEdgePerContract}`);

  const daysToResolution = dec(String(pair.resolvesAt - nowMs)).div(MS_PER_DAY);
  const sizing = sizePosition({
    netEdgePerContract: provisional.netEdgePerContract,
    costPerContract: provisional.costPerContract,
    bankroll: params.bankroll,
    ...(params.kellyFraction !== undefined ? { kellyFraction: params.kellyFraction } : {}),
    ...(params.haircut !== undefined ? { haircut: params.haircut } : {}),
    depth: decStr(depth),
    marketCapRemaining: minDefined([params.marketCapRemaining?.[pair.kalshi.ticker], params.marketCapRemaining?.[polyMarket]]),
    venueCapRemaining: minDefined([params.venueCapRemaining?.kalshi, params.venueCapRemaining?.polymarket]),
    annualCostOfCapital: params.annualCostOfCapital,
    daysToResolution: decStr(daysToResolution),
  });
  let quantity = dec(sizing.contracts);
  record.binding = sizing.binding;
  if (quantity.gt(maxContracts)) {
    quantity = maxContracts;
    record.binding = 'max_contracts';
  }
  if (quantity.lte(ZERO)) return finish('size_zero', `binding: ${sizing.binding}`);

  const final = edgeAt(decStr(quantity));
  record.quantity = decStr(quantity);
  applyEdge(final);
  if (dec(final.netEdgePerContract).lt(minEdge)) {
    return finish('edge_below_min', `net ${final.netEdgePerContract} at ${record.quantity} contracts < ${params.minNetEdgePerContract}`);
  }

  const cooldown = input.cooldownUntilMs?.[direction];
  if (cooldown !== undefined && nowMs < cooldown) return finish('cooldown', `until ${new Date(cooldown).toISOString()}`);

  const kalshiLeg = { venue: 'kalshi' as const, market: pair.kalshi.ticker, outcome: kalshiOutcome, limitPrice: k.price };
  const polyLeg = { venue: 'polymarket' as const, market: polyMarket, outcome: polyOutcome, limitPrice: p.price };
  // Thinner touch first; Kalshi on a tie.
  const [first, second] = dec(p.size).lt(dec(k.size)) ? [polyLeg, kalshiLeg] : [kalshiLeg, polyLeg];
  const leg = (legId: 'A' | 'B', l: typeof kalshiLeg | typeof polyLeg) => ({
    legId,
    ...l,
    action: 'buy' as const,
    quantity: record.quantity,
    timeInForce: 'GTC' as const,
  });
  const intent: IntentInput = {
    opportunityId: record.opportunityId,
    strategy: CROSS_VENUE_STRATEGY,
    legs: [leg('A', first), leg('B', second)],
    leggingWindowMs: params.leggingWindowMs,
    priceTolerance: params.priceTolerance,
    expectedEdge: final.netEdgePerContract,
  };
  return finish('ok', `binding: ${record.binding}`, intent);
}
