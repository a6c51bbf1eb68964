/**
 * The strategy seam: what every signal-loop strategy is, and the one normalized scan record they
 * all emit. The loop (activities/signal-loop.ts) collects every strategy's markets, reads their
 * books once per scan, and hands the same snapshot to each strategy through the pure scan step
 * (./scan-step.ts); a replay drives the same step from recorded books, with no I/O.
 *
 * A strategy is pure: `evaluate(books, ctx)` reads only its arguments (books keyed by
 * `bookKey(venue, market)`, the scan instant, the dislocation-epoch lookup and the shared runtime
 * params), so the same inputs always give the same records and opportunity ids.
 *
 * A book a strategy needs but the snapshot lacks (the read failed this scan) means that
 * opportunity is not evaluated this scan: no record, the loop logs the failed read.
 */
import { sha256 } from '@noble/hashes/sha256';
import { utf8ToBytes } from '@noble/hashes/utils';
import { z } from 'zod';
import type { IntentInput } from '../intent';
import { idSchema } from '../intent';
import { dec, decimalString, decStr, nonNegativeDecimalString, positiveDecimalString } from '../money';
import { QUOTE_REJECTIONS, type BookSnapshot } from '../quote-firewall';
import { SIZING_CONSTRAINTS } from '../sizing';
import { venueSchema, type Venue } from '../venue';

/** Strategy names; each is also the `strategy` of the intents it starts. */
export const STRATEGY_NAMES = ['xvenue-binary-arb', 'parity', 'btc-fair-value'] as const;
export const strategyNameSchema = z.enum(STRATEGY_NAMES);
export type StrategyName = z.infer<typeof strategyNameSchema>;

/** A market a strategy reads: Kalshi ticker (its YES book), Polymarket token id, Coinbase product id. */
export interface MarketRef {
  venue: Venue;
  market: string;
}

/** The key books are stored under in a scan's snapshot. */
export function bookKey(venue: Venue, market: string): string {
  return `${venue}:${market}`;
}

/** One scan's books, keyed by `bookKey`. */
export type BookMap = ReadonlyMap<string, BookSnapshot>;

/** Shared, per-scan runtime parameters (set by the loop, not per strategy). */
export interface ScanParams {
  /** Capital available for sizing now (quote currency); overrides each strategy's configured bankroll. */
  bankroll?: string;
}

export interface StrategyContext {
  /** The scan instant (ms epoch): the only clock a strategy reads. */
  nowMs: number;
  /** The dislocation epoch of an opportunity key (see `epochKeyOf`); 0 for one never seen. */
  epochOf(key: string): number;
  params: ScanParams;
}

export interface Strategy {
  readonly name: StrategyName;
  /** Every book `evaluate` may read; the loop reads exactly these each scan. */
  readonly markets: readonly MarketRef[];
  /** Pure: one record per evaluated opportunity. */
  evaluate(books: BookMap, ctx: StrategyContext): ScanRecord[];
}

/**
 * The key an opportunity's dislocation epoch is kept under: strategy, subject (pair or market id)
 * and direction. The loop bumps the epoch when that opportunity's edge is gone, so the same prices
 * seen again later get a new opportunity id.
 */
export function epochKeyOf(strategy: StrategyName, pairId: string, direction: string): string {
  return `${strategy}:${pairId}:${direction}`;
}

// ---------------------------------------------------------------- reasons

/**
 * Every reason code any strategy's record can carry, so metrics can pre-register one counter per
 * reason. Shared: `ok`, firewall rejections, `past_resolution`, `no_edge`, `fees_exceed_edge`,
 * `edge_below_min`, `size_zero`, `cooldown`; the scan step's pacing adds `paced`. Cross-venue only: `low_confidence`. BTC fair value
 * only: `stale_reference` (the Coinbase reference book is old, missing or unusable) and
 * `too_close_to_expiry`.
 */
export const ALL_SCAN_REASONS = [
  'ok',
  'low_confidence',
  ...QUOTE_REJECTIONS.map((r) => `quote_rejected:${r}` as const),
  'past_resolution',
  'too_close_to_expiry',
  'stale_reference',
  'no_edge',
  'fees_exceed_edge',
  'edge_below_min',
  'size_zero',
  'cooldown',
  'paced',
] as const;
export type AnyScanReason = (typeof ALL_SCAN_REASONS)[number];
export const anyScanReasonSchema = z.enum(ALL_SCAN_REASONS);

/** Skip reasons that mean the prices no longer offer an edge: they close a dislocation epoch. */
export const EDGE_GONE_REASONS: ReadonlySet<AnyScanReason> = new Set(['no_edge', 'fees_exceed_edge', 'edge_below_min']);

/** What binds the sized quantity: a sizing constraint, or the per-intent contract cap. */
export const SCAN_BINDINGS = [...SIZING_CONSTRAINTS, 'max_contracts'] as const;

// ---------------------------------------------------------------- the scan record

const nullableDecimal = decimalString.nullable();
export const epochSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** One leg of an evaluated opportunity: what would be bought, where, at what touch. */
export const scanLegSchema = z.object({
  venue: venueSchema,
  market: z.string().min(1),
  outcome: z.enum(['yes', 'no']),
  /** Touch price of what is bought (Kalshi NO = 1 − best YES bid); null when its book was rejected. */
  price: nullableDecimal,
  /** Size available at that price. */
  size: nullableDecimal,
  /** Fee of this leg for the record's quantity (see `fees`); null when no edge was computed. */
  fee: nullableDecimal,
});
export type ScanLeg = z.infer<typeof scanLegSchema>;

export const scanRecordSchema = z.object({
  strategy: strategyNameSchema,
  /** The opportunity's subject: the mapping pair id (cross-venue, Polymarket parity), the Kalshi ticker (Kalshi parity) or the BTC market id. */
  pairId: z.string().min(1),
  /** Strategy-specific: `kalshi_yes_poly_no` / `kalshi_no_poly_yes`, `yes_no`, `buy_yes` / `buy_no`. */
  direction: z.string().min(1),
  /** In leg order (leg A first when taken). */
  legs: z.array(scanLegSchema).min(1).max(2),
  /** Contracts sized; "0" on a skip that never got a size. */
  quantity: decimalString,
  /** What bound the size, when sizing ran. */
  binding: z.enum(SCAN_BINDINGS).nullable(),
  /**
   * All legs' fees for `quantity` (or, before sizing, for the depth-clipped quantity the edge was
   * judged at) and per contract. Null when no edge was computed.
   */
  fees: z.object({ total: decimalString, perContract: decimalString }).nullable(),
  /** Edge per contract before costs (pair strategies: 1 − Σ prices; fair value: fair − price). */
  grossEdgePerContract: nullableDecimal,
  /** Edge per contract after fees. */
  netEdgePerContract: nullableDecimal,
  /** Model value per contract of what is bought (BTC fair value only). */
  fairValue: decimalString.optional(),
  /** The reference the model read (BTC fair value only): the Coinbase mid and its age. */
  reference: z.object({ venue: venueSchema, market: z.string().min(1), mid: decimalString, ageMs: z.number().int() }).optional(),
  decision: z.enum(['take', 'skip']),
  reason: anyScanReasonSchema,
  /** Human detail for the reason (firewall message, binding constraint, …). */
  detail: z.string().optional(),
  /** The epoch this evaluation used for its opportunity key. */
  dislocationEpoch: epochSchema,
  /** Present whenever every touch price is known (takes, and skips past the firewall). */
  opportunityId: idSchema.optional(),
  /** ISO time of the scan (from nowMs). */
  at: z.iso.datetime(),
  /** Present exactly when decision is "take". */
  intent: z.custom<IntentInput>((v) => typeof v === 'object' && v !== null).optional(),
});
export type ScanRecord = z.infer<typeof scanRecordSchema>;

/** The epoch key of a record (see `epochKeyOf`). */
export function epochKeyOfRecord(record: Pick<ScanRecord, 'strategy' | 'pairId' | 'direction'>): string {
  return epochKeyOf(record.strategy, record.pairId, record.direction);
}

// ---------------------------------------------------------------- shared helpers

/**
 * Price in cents, canonical ("0.4" → "40", "0.455" → "45.5"), for opportunity ids. Done by moving
 * the decimal point in the string, so no digit is ever rounded away.
 */
export function centsOf(price: string): string {
  const canonical = decStr(dec(price));
  if (canonical.startsWith('-')) throw new Error(`price must not be negative: ${price}`);
  const [whole = '0', fraction = ''] = canonical.split('.');
  const padded = fraction.padEnd(2, '0');
  const intPart = `${whole}${padded.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = padded.slice(2).replace(/0+$/, '');
  return rest ? `${intPart}.${rest}` : intPart;
}

/** Sizing parameters every strategy shares (each strategy's params schema extends these). */
export const sharedSizingParamsShape = {
  /** Capital available to the strategy (quote currency); the loop's live bankroll overrides it. */
  bankroll: nonNegativeDecimalString.default('1000'),
  /** Passed to sizePosition (its defaults apply when omitted). */
  kellyFraction: decimalString.optional(),
  haircut: decimalString.optional(),
  /** Remaining exposure capacity (quote currency) per market key; a market not listed is uncapped. */
  marketCapRemaining: z.record(z.string(), nonNegativeDecimalString).optional(),
  /** Remaining exposure capacity (quote currency) per venue. */
  venueCapRemaining: z.object({ kalshi: nonNegativeDecimalString.optional(), polymarket: nonNegativeDecimalString.optional() }).optional(),
  /** Annual rate the capital locked until resolution could earn elsewhere. */
  annualCostOfCapital: nonNegativeDecimalString.default('0.05'),
  /** Quote firewall: the oldest book worth trusting. */
  maxQuoteAgeMs: z.number().int().positive().default(2_000),
  /** Quote firewall: the smallest size at the touch worth trusting (at least one whole contract). */
  minTouchSize: positiveDecimalString.default('1'),
};

/** The first `hexChars` hex digits of the SHA-256 of `text`. */
export function shortHash(text: string, hexChars: number): string {
  return Array.from(sha256(utf8ToBytes(text)), (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, hexChars);
}

const ID_ALPHABET_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const MAX_READABLE_ID_PART = 60;

/**
 * A pair or market id as it may appear inside an opportunity id: itself when it is in the id
 * alphabet and at most 60 characters, otherwise its safe-character prefix (at most 40) plus `.h`
 * and 12 hex digits of its SHA-256, so distinct ids stay distinct.
 */
export function idSafePart(id: string): string {
  if (ID_ALPHABET_RE.test(id) && id.length <= MAX_READABLE_ID_PART) return id;
  const safe = id.replace(/[^A-Za-z0-9._:-]/g, '').replace(/^[^A-Za-z0-9]+/, '').slice(0, 40);
  return `${safe || 'p'}.h${shortHash(`pair\u0000${id}`, 12)}`;
}
