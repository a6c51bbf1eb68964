/**
 * A market's trading metadata, venue-neutral: what an order must respect (price grid, size
 * grid), when trading ends and the market resolves, and the fee rule that applies. Adapters build
 * it from the venue's own market object (Kalshi: `marketInfo`); every number is an exact decimal
 * string.
 */
import { z } from 'zod';
import { KALSHI_MAKER_RATE, KALSHI_TAKER_RATE } from './fees';
import { nonNegativeDecimalString, positiveDecimalString } from './money';
import { venueSchema } from './venue';

/** A stretch of the price range with its own tick (Kalshi's `price_ranges`: start, end, step). */
export const priceBandSchema = z.object({ from: nonNegativeDecimalString, to: positiveDecimalString, tick: positiveDecimalString });
export type PriceBand = z.infer<typeof priceBandSchema>;

/**
 * The fee rule, with the parameters domain/fees.ts computes it from. Kalshi: per order, rounded up
 * to the cent, rate × C × P × (1 − P); makers pay only on series that charge them. Other venues
 * add their variant when their adapter reports MarketInfo.
 */
export const feeScheduleSchema = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('kalshi'), takerRate: positiveDecimalString, makerRate: positiveDecimalString, makerFeesCharged: z.boolean() }),
]);
export type FeeSchedule = z.infer<typeof feeScheduleSchema>;

const isoTime = z.iso.datetime({ offset: true });

export const marketInfoSchema = z.object({
  venue: venueSchema,
  market: z.string().min(1),
  title: z.string().optional(),
  /** open: trading; closed: trading has ended, no result yet (or not yet opened); resolved: a result is known. */
  status: z.enum(['open', 'closed', 'resolved']),
  /** The venue's own lifecycle word (Kalshi: active, closed, determined, finalized, …). */
  venueStatus: z.string().min(1),
  /**
   * The tick every valid price is on: the only tick when the price range has one, else the
   * coarsest band's (a price on it is on every finer band's grid too). `priceBands` has the detail.
   */
  tickSize: positiveDecimalString,
  priceBands: z.array(priceBandSchema).min(1),
  /** The smallest order quantity and the step quantities move in (contracts, shares, base units). */
  minSize: positiveDecimalString,
  sizeIncrement: positiveDecimalString,
  /** When trading ends. */
  closeTime: isoTime.optional(),
  /** When the market is expected to resolve (Kalshi's expected expiration), if the venue says. */
  resolutionTime: isoTime.optional(),
  /** The result once resolved (Kalshi: "yes" / "no"). */
  result: z.string().min(1).optional(),
  fees: feeScheduleSchema,
});
export type MarketInfo = z.infer<typeof marketInfoSchema>;

/** Kalshi's general fee schedule, as `kalshiFee` (domain/fees.ts) charges it; makers are not charged on the series we trade. */
export const KALSHI_FEE_SCHEDULE: FeeSchedule = { rule: 'kalshi', takerRate: KALSHI_TAKER_RATE, makerRate: KALSHI_MAKER_RATE, makerFeesCharged: false };

