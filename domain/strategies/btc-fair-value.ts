/**
 * BTC short-window fair value: a Kalshi contract "BTC above K at time T" is priced from the
 * Coinbase BTC-USD mid with the driftless lognormal model of ./btc-model.ts (a configured
 * annualised volatility; exact decimals), and bought when the market is off that value by more
 * than its costs plus a margin:
 *   - `buy_yes`: YES at the best YES ask when  ask < fair − fees − margin;
 *   - `buy_no`:  NO at 1 − the best YES bid when bid > fair + fees + margin (NO's fair is 1 − fair).
 * A take is one Kalshi leg held to resolution (the intent's settlement phase collects the payout).
 *
 * Pure, two records (buy_yes, buy_no) per market per scan. Evaluation order (the first failing
 * check is the reason):
 *   1. the reference: the Coinbase book through the quote firewall (non-binary), at most
 *      `maxReferenceAgeMs` old (`stale_reference`: old, empty, crossed or otherwise unusable);
 *   2. the Kalshi book through the firewall (`quote_rejected:<reason>`);
 *   3. `past_resolution`, then `too_close_to_expiry` (less than `minMsToExpiry` left: the model's
 *      value then hinges on a few dollars of the reference, and the book may be settling);
 *   4. gross edge (fair − price) > 0 (`no_edge`), after the Kalshi taker fee > 0
 *      (`fees_exceed_edge`), at least `minNetEdgePerContract`, the margin (`edge_below_min`);
 *   5. sizing by fractional Kelly on the (haircut) model edge, depth at the touch, exposure caps and
 *      the capital-lock cost (`size_zero`), then the margin again at the sized quantity.
 * Opportunity ids: `btc:<market id>:<yes|no>:<price cents>:e<epoch>`, so a lasting mispricing keeps
 * its id while the fair value drifts with the reference.
 */
import { z } from 'zod';
import { kalshiFee } from '../fees';
import type { IntentInput } from '../intent';
import { idSchema } from '../intent';
import { dec, decStr, nonNegativeDecimalString, ONE, ZERO, type Dec as DecT } from '../money';
import { checkQuote, type BookSnapshot } from '../quote-firewall';
import { parseOrThrow } from '../validation';
import { marketMappingSchema, type MarketMapping } from '../../venues/sim/world';
import { btcAboveProbability, DEFAULT_BTC_ANNUAL_VOL } from './btc-model';
import { finishRecord, judgeAndSize, NOT_SIZED, settlementPollMsFor, sideFrom, wholeContracts, type EdgeQuote, type SideResult } from './shared';
import {
  bookKey,
  centsOf,
  epochKeyOf,
  epochSchema,
  idSafePart,
  sharedSizingParamsShape,
  type AnyScanReason,
  type BookMap,
  type MarketRef,
  type ScanLeg,
  type ScanRecord,
  type Strategy,
  type StrategyContext,
} from './strategy';

export const BTC_FAIR_VALUE_STRATEGY = 'btc-fair-value' as const;
export const BTC_DIRECTIONS = ['buy_yes', 'buy_no'] as const;
export type BtcDirection = (typeof BTC_DIRECTIONS)[number];

export const btcFairValueParamsSchema = z.object({
  ...sharedSizingParamsShape,
  /** σ of the model, annualised. */
  annualVol: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a decimal number written as a string, e.g. "0.65"')
    .refine((s) => dec(s).gt(ZERO), 'must be greater than 0')
    .default(DEFAULT_BTC_ANNUAL_VOL),
  /** The margin: smallest net edge per contract (after fees, at the sized quantity) worth taking. */
  minNetEdgePerContract: nonNegativeDecimalString.default('0.01'),
  /** Hard cap on contracts per intent. */
  maxContractsPerIntent: wholeContracts.default('50'),
  /** The oldest reference book worth pricing from. */
  maxReferenceAgeMs: z.number().int().positive().default(2_000),
  /** No trade with less than this left to the contract's time. */
  minMsToExpiry: z.number().int().nonnegative().default(30_000),
  priceTolerance: nonNegativeDecimalString.default('0.01'),
});
export type BtcFairValueParams = z.infer<typeof btcFairValueParamsSchema>;
export type BtcFairValueParamsInput = z.input<typeof btcFairValueParamsSchema>;

export type BtcMarket = NonNullable<MarketMapping['btcMarkets']>[number];

export function btcOpportunityId(input: { marketId: string; direction: BtcDirection; price: string; dislocationEpoch: number }): string {
  const epoch = parseOrThrow(epochSchema, 'dislocation epoch', input.dislocationEpoch);
  return idSchema.parse(`btc:${idSafePart(input.marketId)}:${input.direction === 'buy_yes' ? 'yes' : 'no'}:${centsOf(input.price)}:e${epoch}`);
}

/** Evaluates both directions on one BTC market: always two records, buy_yes first. */
export function evaluateBtcMarket(market: BtcMarket, books: { kalshi: BookSnapshot; reference: BookSnapshot }, ctx: StrategyContext, params: BtcFairValueParams): ScanRecord[] {
  const { nowMs } = ctx;
  const at = new Date(nowMs).toISOString();
  const kalshiCheck = checkQuote(books.kalshi, nowMs, { maxAgeMs: params.maxQuoteAgeMs, minSize: params.minTouchSize, binary: true });
  // The reference is a spot book: any positive price, and no dust requirement beyond "above 0".
  const refCheck = checkQuote(books.reference, nowMs, { maxAgeMs: params.maxReferenceAgeMs, minSize: '0.00000001', binary: false });
  const sides: Record<BtcDirection, SideResult> = {
    buy_yes: sideFrom(kalshiCheck, 'kalshi YES book', (c) => ({ price: c.bestAsk, size: c.bestAskSize })),
    buy_no: sideFrom(kalshiCheck, 'kalshi YES book', (c) => ({ price: decStr(ONE.minus(dec(c.bestBid))), size: c.bestBidSize })),
  };
  const msToExpiry = market.resolvesAt - nowMs;
  let fairYes: DecT | undefined;
  if (refCheck.ok && msToExpiry > 0) fairYes = btcAboveProbability({ spot: refCheck.mid, strike: market.strike, msToExpiry, annualVol: params.annualVol });

  return BTC_DIRECTIONS.map((direction): ScanRecord => {
    const side = sides[direction];
    const outcome = direction === 'buy_yes' ? 'yes' : 'no';
    const epoch = ctx.epochOf(epochKeyOf(BTC_FAIR_VALUE_STRATEGY, market.id, direction));
    const leg: ScanLeg = { venue: 'kalshi', market: market.kalshi.ticker, outcome, price: side.ok ? side.side.price : null, size: side.ok ? side.side.size : null, fee: null };
    const fair = fairYes === undefined ? undefined : direction === 'buy_yes' ? fairYes : ONE.minus(fairYes);
    const record: ScanRecord = {
      strategy: BTC_FAIR_VALUE_STRATEGY,
      pairId: market.id,
      direction,
      legs: [leg],
      ...NOT_SIZED,
      ...(fair !== undefined ? { fairValue: decStr(fair) } : {}),
      ...(refCheck.ok ? { reference: { venue: 'coinbase' as const, market: market.reference.product, mid: refCheck.mid, ageMs: nowMs - books.reference.receivedAtMs } } : {}),
      decision: 'skip',
      reason: 'ok',
      dislocationEpoch: epoch,
      at,
    };
    const finish = (reason: AnyScanReason, detail?: string, intent?: IntentInput): ScanRecord => finishRecord(record, reason, detail, intent);

    if (!refCheck.ok) return finish('stale_reference', `coinbase ${market.reference.product}: ${refCheck.reason}: ${refCheck.detail}`);
    if (!side.ok) return finish(side.reason, side.detail);
    const { price, size } = side.side;
    record.opportunityId = btcOpportunityId({ marketId: market.id, direction, price, dislocationEpoch: epoch });
    if (msToExpiry <= 0) return finish('past_resolution', `resolves at ${new Date(market.resolvesAt).toISOString()}`);
    if (msToExpiry < params.minMsToExpiry) return finish('too_close_to_expiry', `${msToExpiry} ms left < ${params.minMsToExpiry} ms`);

    const gross = fair!.minus(dec(price));
    const edgeAt = (quantity: string): EdgeQuote => {
      const fee = dec(kalshiFee({ contracts: quantity, price, liquidity: 'taker' }));
      const feePer = fee.div(dec(quantity));
      leg.fee = decStr(fee);
      return { grossEdgePerContract: decStr(gross), netEdgePerContract: decStr(gross.minus(feePer)), feesTotal: decStr(fee), feesPerContract: decStr(feePer), costPerContract: decStr(dec(price).plus(feePer)) };
    };
    const sized = judgeAndSize({
      record,
      edgeAt,
      depth: dec(size).floor(),
      params,
      bankroll: ctx.params.bankroll ?? params.bankroll,
      caps: { market: params.marketCapRemaining?.[market.kalshi.ticker], venue: params.venueCapRemaining?.kalshi },
      msToResolution: msToExpiry,
      noEdgeDetail: () => `fair ${decStr(fair!)} vs price ${price}`,
    });
    if (!sized.ok) return finish(sized.reason, sized.detail);
    const { final } = sized;

    const intent: IntentInput = {
      opportunityId: record.opportunityId,
      strategy: BTC_FAIR_VALUE_STRATEGY,
      legs: [{ legId: 'A', venue: 'kalshi', market: market.kalshi.ticker, outcome, action: 'buy', limitPrice: price, quantity: record.quantity, timeInForce: 'GTC' }],
      priceTolerance: params.priceTolerance,
      expectedEdge: final.netEdgePerContract,
      // Held to resolution: the model's edge is realized only at T.
      awaitSettlement: true,
      settlementPollMs: settlementPollMsFor(msToExpiry),
      // Nothing new is sent once the contract's time has come.
      expiresAt: new Date(market.resolvesAt).toISOString(),
    };
    return finish('ok', `binding: ${record.binding}`, intent);
  });
}

/** The BTC fair-value strategy over a mapping's `btcMarkets` (none: it reads and records nothing). */
export function btcFairValueStrategy(mapping: MarketMapping, params: BtcFairValueParamsInput = {}): Strategy {
  const parsed = parseOrThrow(btcFairValueParamsSchema, 'btc fair-value params', params);
  const btcMarkets = parseOrThrow(marketMappingSchema, 'market mapping', mapping).btcMarkets ?? [];
  const markets: MarketRef[] = btcMarkets.flatMap((m) => [
    { venue: 'kalshi' as const, market: m.kalshi.ticker },
    { venue: 'coinbase' as const, market: m.reference.product },
  ]);
  return {
    name: BTC_FAIR_VALUE_STRATEGY,
    markets,
    evaluate(books: BookMap, ctx: StrategyContext): ScanRecord[] {
      return btcMarkets.flatMap((m) => {
        const kalshi = books.get(bookKey('kalshi', m.kalshi.ticker));
        const reference = books.get(bookKey('coinbase', m.reference.product));
        // Without the Kalshi book there is nothing to price; a missing reference is a stale one.
        if (!kalshi) return [];
        return evaluateBtcMarket(m, { kalshi, reference: reference ?? { venue: 'coinbase', market: m.reference.product, bids: [], asks: [], receivedAtMs: ctx.nowMs } }, ctx, parsed);
      });
    },
  };
}
