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
import { z } from 'zod';
import { crossVenueEdge } from '../cost-model';
import type { IntentInput } from '../intent';
import { idSchema } from '../intent';
import { Dec, dec, decimalString, decStr, ONE } from '../money';
import { bookSnapshotSchema, checkQuote, QUOTE_REJECTIONS, type BookSnapshot } from '../quote-firewall';
import { parseOrThrow, ValidationError } from '../validation';
import { marketMappingSchema, type MarketMapping } from '../../venues/sim/world';
import { finishRecord, judgeAndSize, minDefined, NOT_SIZED, pairParamsShape, sideFrom, type SideResult } from './shared';
import {
  bookKey,
  centsOf,
  epochKeyOf,
  epochSchema,
  idSafePart,
  SCAN_BINDINGS,
  scanRecordSchema as normalizedScanRecordSchema,
  sharedSizingParamsShape,
  shortHash,
  type AnyScanReason,
  type BookMap,
  type MarketRef,
  type ScanLeg,
  type ScanRecord,
  type Strategy,
  type StrategyContext,
} from './strategy';

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

export { SCAN_BINDINGS };

// ---------------------------------------------------------------- inputs

/** One pair of the mapping file (venues/sim/world). */
export const mappingPairSchema = marketMappingSchema.shape.pairs.element;
export type MappingPair = z.infer<typeof mappingPairSchema>;

export const crossVenueParamsSchema = z.object({
  /**
   * Bankroll, Kelly fraction, haircut, caps, cost of capital and the quote firewall, as every
   * strategy has them (./strategy.ts). Caps are keyed by Kalshi ticker and Polymarket token id;
   * for a pair the smaller of the two legs' market (and venue) entries applies.
   */
  ...sharedSizingParamsShape,
  ...pairParamsShape,
});
export type CrossVenueParams = z.infer<typeof crossVenueParamsSchema>;
export type CrossVenueParamsInput = z.input<typeof crossVenueParamsSchema>;

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

/** The normalized record every strategy emits (./strategy.ts). */
export { type ScanRecord };

const nullableDecimal = decimalString.nullable();

/**
 * A cross-venue scan line as written before the records were normalized (venue-keyed markets,
 * outcomes, prices, sizes and fees instead of `legs`). Still read, so a report over an older
 * scan file counts its lines rather than calling them malformed.
 */
export const legacyCrossVenueScanRecordSchema = z.object({
  strategy: z.literal(CROSS_VENUE_STRATEGY),
  pairId: z.string().min(1),
  direction: crossVenueDirectionSchema,
  markets: z.object({ kalshi: z.string().min(1), polymarket: z.string().min(1) }),
  outcomes: z.object({ kalshi: z.enum(['yes', 'no']), polymarket: z.enum(['yes', 'no']) }),
  prices: z.object({ kalshi: nullableDecimal, polymarket: nullableDecimal }),
  sizes: z.object({ kalshi: nullableDecimal, polymarket: nullableDecimal }),
  quantity: decimalString,
  binding: z.enum(SCAN_BINDINGS).nullable(),
  fees: z.object({ kalshi: decimalString, polymarket: decimalString, total: decimalString }).nullable(),
  grossEdgePerContract: nullableDecimal,
  netEdgePerContract: nullableDecimal,
  decision: z.enum(['take', 'skip']),
  reason: scanReasonSchema,
  detail: z.string().optional(),
  dislocationEpoch: epochSchema,
  opportunityId: idSchema.optional(),
  at: z.iso.datetime(),
  intent: z.custom<IntentInput>((v) => typeof v === 'object' && v !== null).optional(),
});

/**
 * What a reader of scan files accepts: a normalized record (every strategy, ./strategy.ts
 * `scanRecordSchema`) or a legacy cross-venue line. Both carry strategy, pairId, direction,
 * decision, reason, the edges, opportunityId and at.
 */
export const scanRecordSchema = z.union([normalizedScanRecordSchema, legacyCrossVenueScanRecordSchema]);

// ---------------------------------------------------------------- opportunity ids

const DIRECTION_CODES: Record<CrossVenueDirection, string> = { kalshi_yes_poly_no: 'ky-pn', kalshi_no_poly_yes: 'kn-py' };
const cents = centsOf;

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
  const pairPart = idSafePart(pairId);
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

function epochFor(input: z.infer<typeof evaluatePairInputSchema>, direction: CrossVenueDirection): number {
  const e = input.dislocationEpoch;
  if (e === undefined) return 0;
  if (typeof e === 'number') return e;
  if (typeof e === 'function') return parseOrThrow(epochSchema, `dislocation epoch of ${direction}`, e(direction));
  return e[direction] ?? 0;
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

  const kalshiLegView = (): ScanLeg => ({
    venue: 'kalshi',
    market: pair.kalshi.ticker,
    outcome: kalshiOutcome,
    price: sides.kalshi.ok ? sides.kalshi.side.price : null,
    size: sides.kalshi.ok ? sides.kalshi.side.size : null,
    fee: null,
  });
  const polyLegView = (): ScanLeg => ({
    venue: 'polymarket',
    market: polyMarket,
    outcome: polyOutcome,
    price: sides.poly.ok ? sides.poly.side.price : null,
    size: sides.poly.ok ? sides.poly.side.size : null,
    fee: null,
  });
  // Kalshi first until a take orders the legs (thinner touch first).
  const legs = { kalshi: kalshiLegView(), poly: polyLegView() };
  const record: ScanRecord = {
    strategy: CROSS_VENUE_STRATEGY,
    pairId: pair.id,
    direction,
    legs: [legs.kalshi, legs.poly],
    ...NOT_SIZED,
    decision: 'skip',
    reason: 'ok',
    dislocationEpoch: epoch,
    at,
  };
  // Low confidence wins over every other reason, but the rest is still evaluated and recorded.
  const finish = (reason: AnyScanReason, detail?: string, intent?: IntentInput): ScanRecord => {
    if (pair.confidence === 'low') {
      const { intent: _dropped, ...rest } = record;
      return { ...rest, decision: 'skip', reason: 'low_confidence', detail: `mapping confidence is low; otherwise: ${reason}${detail ? ` (${detail})` : ''}` };
    }
    return finishRecord(record, reason, detail, intent);
  };

  if (!sides.kalshi.ok) return finish(sides.kalshi.reason, sides.kalshi.detail);
  if (!sides.poly.ok) return finish(sides.poly.reason, sides.poly.detail);
  const k = sides.kalshi.side;
  const p = sides.poly.side;
  record.opportunityId = opportunityIdFor({ pairId: pair.id, direction, kalshiPrice: k.price, polymarketPrice: p.price, dislocationEpoch: epoch });

  if (nowMs >= pair.resolvesAt) return finish('past_resolution', `resolves at ${new Date(pair.resolvesAt).toISOString()}`);

  const edgeAt = (quantity: string) => {
    const kalshiLeg = { venue: 'kalshi' as const, price: k.price };
    const polyLeg = { venue: 'polymarket' as const, price: p.price, feeRate: params.polymarketFeeRate, exponent: params.polymarketFeeExponent };
    const edge = kalshiOutcome === 'yes' ? crossVenueEdge({ yes: kalshiLeg, no: polyLeg, quantity }) : crossVenueEdge({ yes: polyLeg, no: kalshiLeg, quantity });
    legs.kalshi.fee = kalshiOutcome === 'yes' ? edge.fees.yes : edge.fees.no;
    legs.poly.fee = kalshiOutcome === 'yes' ? edge.fees.no : edge.fees.yes;
    return { ...edge, feesTotal: edge.fees.total };
  };
  // Judge the edge first at the most the touch and the cap allow (the firewall guarantees >= 1).
  const sized = judgeAndSize({
    record,
    edgeAt,
    depth: Dec.min(dec(k.size), dec(p.size)).floor(),
    params,
    bankroll: params.bankroll,
    caps: {
      market: minDefined([params.marketCapRemaining?.[pair.kalshi.ticker], params.marketCapRemaining?.[polyMarket]]),
      venue: minDefined([params.venueCapRemaining?.kalshi, params.venueCapRemaining?.polymarket]),
    },
    msToResolution: pair.resolvesAt - nowMs,
  });
  if (!sized.ok) return finish(sized.reason, sized.detail);
  const { final } = sized;

  const cooldown = input.cooldownUntilMs?.[direction];
  if (cooldown !== undefined && nowMs < cooldown) return finish('cooldown', `until ${new Date(cooldown).toISOString()}`);

  const kalshiLeg = { venue: 'kalshi' as const, market: pair.kalshi.ticker, outcome: kalshiOutcome, limitPrice: k.price };
  const polyLeg = { venue: 'polymarket' as const, market: polyMarket, outcome: polyOutcome, limitPrice: p.price };
  // Thinner touch first; Kalshi on a tie.
  const polyFirst = dec(p.size).lt(dec(k.size));
  const [first, second] = polyFirst ? [polyLeg, kalshiLeg] : [kalshiLeg, polyLeg];
  record.legs = polyFirst ? [legs.poly, legs.kalshi] : [legs.kalshi, legs.poly];
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

// ---------------------------------------------------------------- the strategy

/**
 * The cross-venue strategy over every pair of a mapping (low-confidence pairs are evaluated and
 * recorded, never taken). Per scan, a pair whose three books are not all in the snapshot is not
 * evaluated. The loop's live bankroll, when given, overrides `params.bankroll`.
 */
export function crossVenueStrategy(mapping: MarketMapping, params: CrossVenueParamsInput = {}): Strategy {
  const { pairs } = parseOrThrow(marketMappingSchema, 'market mapping', mapping);
  const configured = parseOrThrow(crossVenueParamsSchema, 'cross-venue params', params);
  const markets: MarketRef[] = pairs.flatMap((p) => [
    { venue: 'kalshi' as const, market: p.kalshi.ticker },
    { venue: 'polymarket' as const, market: p.polymarket.yesTokenId },
    { venue: 'polymarket' as const, market: p.polymarket.noTokenId },
  ]);
  return {
    name: CROSS_VENUE_STRATEGY,
    markets,
    evaluate(books: BookMap, ctx: StrategyContext): ScanRecord[] {
      const scanParams = ctx.params.bankroll !== undefined ? { ...configured, bankroll: ctx.params.bankroll } : configured;
      return pairs.flatMap((pair) => {
        const kalshiBook = books.get(bookKey('kalshi', pair.kalshi.ticker));
        const polyYesBook = books.get(bookKey('polymarket', pair.polymarket.yesTokenId));
        const polyNoBook = books.get(bookKey('polymarket', pair.polymarket.noTokenId));
        if (!kalshiBook || !polyYesBook || !polyNoBook) return [];
        return evaluatePair({
          pair,
          kalshiBook,
          polyYesBook,
          polyNoBook,
          nowMs: ctx.nowMs,
          params: scanParams,
          dislocationEpoch: (direction) => ctx.epochOf(epochKeyOf(CROSS_VENUE_STRATEGY, pair.id, direction)),
        });
      });
    },
  };
}
