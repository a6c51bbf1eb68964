/**
 * Same-venue YES/NO parity: on one venue, buying YES and NO of the same market pays exactly 1 per
 * pair at resolution, so when the two asks sum to less than 1 after fees the pair is bought and
 * held to resolution (the intent's settlement phase collects the payout).
 *   - Kalshi (every mapped ticker): YES at the best YES ask + NO at 1 − the best YES bid (Kalshi's
 *     NO ask mirrors the YES bid, with its size). On one order book that sum is below 1 only when
 *     the book is crossed, which the quote firewall rejects (a matching engine would have traded
 *     it): Kalshi parity is evaluated and recorded, and in practice skips.
 *   - Polymarket (every mapped pair): the YES token's best ask + the NO token's best ask; the two
 *     tokens have separate books, so they can drift apart.
 * Parity does not depend on two listings being the same outcome, so a low-confidence mapping pair
 * is traded like any other here.
 *
 * Pure, exact decimals, one `ScanRecord` per (venue, market) per scan. Evaluation order (the first
 * failing check is the reason): the quote firewall on each book (`quote_rejected:<reason>`), past
 * resolution, gross edge 1 − yes − no > 0 (`no_edge`), net of fees > 0 (`fees_exceed_edge`), net
 * ≥ `minNetEdgePerContract` (`edge_below_min`), sizing (fractional Kelly with a haircut, depth at
 * the thinner touch, market/venue caps, the capital-lock cost; `size_zero`), the minimum again at
 * the sized quantity (Kalshi rounds fees per order).
 *
 * Legs: both buys on the venue, the thinner touch first (YES on a tie), limit orders at the touch.
 * Opportunity ids: `parity:<kalshi|polymarket>:<ticker or pair id>:<yes cents>-<no cents>:e<epoch>`.
 */
import { z } from 'zod';
import { parityEdge } from '../cost-model';
import type { IntentInput } from '../intent';
import { idSchema } from '../intent';
import { Dec, dec, decStr, ONE } from '../money';
import { checkQuote, type BookSnapshot } from '../quote-firewall';
import { parseOrThrow } from '../validation';
import { marketMappingSchema, type MarketMapping } from '../../venues/sim/world';
import { finishRecord, judgeAndSize, minDefined, NOT_SIZED, pairParamsShape, settlementPollMsFor, sideFrom, type SideResult } from './shared';
import {
  bookKey,
  centsOf,
  epochKeyOf,
  epochSchema,
  idSafePart,
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

export const PARITY_STRATEGY = 'parity' as const;

export const parityParamsSchema = z.object({
  ...sharedSizingParamsShape,
  ...pairParamsShape,
  /** Venues to look for parity on. */
  venues: z.array(z.enum(['kalshi', 'polymarket'])).min(1).default(['kalshi', 'polymarket']),
});
export type ParityParams = z.infer<typeof parityParamsSchema>;
export type ParityParamsInput = z.input<typeof parityParamsSchema>;

/** One market parity is evaluated on: its YES and NO books (one book on Kalshi, two tokens on Polymarket). */
export interface ParitySubject {
  venue: 'kalshi' | 'polymarket';
  /** Record subject and id part: the Kalshi ticker, or the mapping pair id for a Polymarket pair. */
  id: string;
  yesMarket: string;
  noMarket: string;
  resolvesAt: number;
}

export function paritySubjects(mapping: MarketMapping, venues: readonly ('kalshi' | 'polymarket')[] = ['kalshi', 'polymarket']): ParitySubject[] {
  const m = parseOrThrow(marketMappingSchema, 'market mapping', mapping);
  const out: ParitySubject[] = [];
  if (venues.includes('kalshi')) {
    for (const p of m.pairs) out.push({ venue: 'kalshi', id: p.kalshi.ticker, yesMarket: p.kalshi.ticker, noMarket: p.kalshi.ticker, resolvesAt: p.resolvesAt });
    for (const b of m.btcMarkets ?? []) out.push({ venue: 'kalshi', id: b.kalshi.ticker, yesMarket: b.kalshi.ticker, noMarket: b.kalshi.ticker, resolvesAt: b.resolvesAt });
  }
  if (venues.includes('polymarket')) {
    for (const p of m.pairs) out.push({ venue: 'polymarket', id: p.id, yesMarket: p.polymarket.yesTokenId, noMarket: p.polymarket.noTokenId, resolvesAt: p.resolvesAt });
  }
  return out;
}

const VENUE_CODE = { kalshi: 'kalshi', polymarket: 'poly' } as const;

/** `parity:<kalshi|poly>:<subject>:<yes cents>-<no cents>:e<epoch>`, hashed like cross-venue ids when too long. */
export function parityOpportunityId(input: { venue: 'kalshi' | 'polymarket'; subject: string; yesPrice: string; noPrice: string; dislocationEpoch: number }): string {
  const epoch = parseOrThrow(epochSchema, 'dislocation epoch', input.dislocationEpoch);
  const yc = centsOf(input.yesPrice);
  const nc = centsOf(input.noPrice);
  const subject = idSafePart(input.subject);
  const code = VENUE_CODE[input.venue];
  let id = `parity:${code}:${subject}:${yc}-${nc}:e${epoch}`;
  if (id.length > 120) id = `parity:${code}:${subject}:h${shortHash(`prices\u0000${input.subject}\u0000${yc}\u0000${nc}`, 16)}:e${epoch}`;
  return idSchema.parse(id);
}

const direction = (venue: 'kalshi' | 'polymarket') => `${venue}_yes_no`;

/** Evaluates parity on one subject. Books must be the subject's (Kalshi: one YES book; Polymarket: the YES and NO token books). */
export function evaluateParity(subject: ParitySubject, books: { yes: BookSnapshot; no: BookSnapshot }, ctx: StrategyContext, params: ParityParams): ScanRecord {
  const { nowMs } = ctx;
  const epoch = ctx.epochOf(epochKeyOf(PARITY_STRATEGY, subject.id, direction(subject.venue)));
  const firewall = { maxAgeMs: params.maxQuoteAgeMs, minSize: params.minTouchSize, binary: true };
  let yes: SideResult;
  let no: SideResult;
  if (subject.venue === 'kalshi') {
    const check = checkQuote(books.yes, nowMs, firewall);
    yes = sideFrom(check, 'kalshi YES book', (c) => ({ price: c.bestAsk, size: c.bestAskSize }));
    no = sideFrom(check, 'kalshi YES book', (c) => ({ price: decStr(ONE.minus(dec(c.bestBid))), size: c.bestBidSize }));
  } else {
    yes = sideFrom(checkQuote(books.yes, nowMs, firewall), 'polymarket YES book', (c) => ({ price: c.bestAsk, size: c.bestAskSize }));
    no = sideFrom(checkQuote(books.no, nowMs, firewall), 'polymarket NO book', (c) => ({ price: c.bestAsk, size: c.bestAskSize }));
  }
  const legView = (outcome: 'yes' | 'no', side: SideResult): ScanLeg => ({
    venue: subject.venue,
    market: outcome === 'yes' ? subject.yesMarket : subject.noMarket,
    outcome,
    price: side.ok ? side.side.price : null,
    size: side.ok ? side.side.size : null,
    fee: null,
  });
  const legs = { yes: legView('yes', yes), no: legView('no', no) };
  const record: ScanRecord = {
    strategy: PARITY_STRATEGY,
    pairId: subject.id,
    direction: direction(subject.venue),
    legs: [legs.yes, legs.no],
    ...NOT_SIZED,
    decision: 'skip',
    reason: 'ok',
    dislocationEpoch: epoch,
    at: new Date(nowMs).toISOString(),
  };
  const finish = (reason: AnyScanReason, detail?: string, intent?: IntentInput): ScanRecord => finishRecord(record, reason, detail, intent);

  if (!yes.ok) return finish(yes.reason, yes.detail);
  if (!no.ok) return finish(no.reason, no.detail);
  const y = yes.side;
  const n = no.side;
  record.opportunityId = parityOpportunityId({ venue: subject.venue, subject: subject.id, yesPrice: y.price, noPrice: n.price, dislocationEpoch: epoch });
  if (nowMs >= subject.resolvesAt) return finish('past_resolution', `resolves at ${new Date(subject.resolvesAt).toISOString()}`);

  const leg = (price: string) =>
    subject.venue === 'kalshi'
      ? { venue: 'kalshi' as const, price }
      : { venue: 'polymarket' as const, price, feeRate: params.polymarketFeeRate, exponent: params.polymarketFeeExponent };
  // Prices at or above 1 in sum cannot be a pair edge; the cost model needs prices inside (0, 1),
  // which the firewall guarantees for both sides.
  const edgeAt = (quantity: string) => {
    const edge = parityEdge({ yes: leg(y.price), no: leg(n.price), quantity });
    legs.yes.fee = edge.fees.yes;
    legs.no.fee = edge.fees.no;
    return { ...edge, feesTotal: edge.fees.total };
  };
  const sized = judgeAndSize({
    record,
    edgeAt,
    depth: Dec.min(dec(y.size), dec(n.size)).floor(),
    params,
    bankroll: ctx.params.bankroll ?? params.bankroll,
    caps: { market: minDefined([params.marketCapRemaining?.[subject.yesMarket], params.marketCapRemaining?.[subject.noMarket]]), venue: params.venueCapRemaining?.[subject.venue] },
    msToResolution: subject.resolvesAt - nowMs,
  });
  if (!sized.ok) return finish(sized.reason, sized.detail);
  const { final } = sized;

  // Thinner touch first (the likelier to vanish); YES on a tie.
  const noFirst = dec(n.size).lt(dec(y.size));
  record.legs = noFirst ? [legs.no, legs.yes] : [legs.yes, legs.no];
  const intentLeg = (legId: 'A' | 'B', l: ScanLeg, price: string) => ({
    legId,
    venue: subject.venue,
    market: l.market,
    outcome: l.outcome,
    action: 'buy' as const,
    limitPrice: price,
    quantity: record.quantity,
    timeInForce: 'GTC' as const,
  });
  const [first, second] = noFirst ? [intentLeg('A', legs.no, n.price), intentLeg('B', legs.yes, y.price)] : [intentLeg('A', legs.yes, y.price), intentLeg('B', legs.no, n.price)];
  const intent: IntentInput = {
    opportunityId: record.opportunityId,
    strategy: PARITY_STRATEGY,
    legs: [first, second],
    leggingWindowMs: params.leggingWindowMs,
    priceTolerance: params.priceTolerance,
    expectedEdge: final.netEdgePerContract,
    // Held to resolution: the pair pays 1 there, whatever the outcome.
    awaitSettlement: true,
    settlementPollMs: settlementPollMsFor(subject.resolvesAt - nowMs),
  };
  return finish('ok', `binding: ${record.binding}`, intent);
}

/** Parity over every mapped market (see `paritySubjects`); a subject with a book missing this scan is not evaluated. */
export function parityStrategy(mapping: MarketMapping, params: ParityParamsInput = {}): Strategy {
  const parsed = parseOrThrow(parityParamsSchema, 'parity params', params);
  const subjects = paritySubjects(mapping, parsed.venues);
  // On Kalshi the YES and NO "markets" are one book.
  const markets: MarketRef[] = subjects.flatMap((s): MarketRef[] => (s.venue === 'kalshi' ? [{ venue: s.venue, market: s.yesMarket }] : [{ venue: s.venue, market: s.yesMarket }, { venue: s.venue, market: s.noMarket }]));
  return {
    name: PARITY_STRATEGY,
    markets,
    evaluate(books: BookMap, ctx: StrategyContext): ScanRecord[] {
      return subjects.flatMap((s) => {
        const yes = books.get(bookKey(s.venue, s.yesMarket));
        const no = books.get(bookKey(s.venue, s.noMarket));
        return yes && no ? [evaluateParity(s, { yes, no }, ctx, parsed)] : [];
      });
    },
  };
}
