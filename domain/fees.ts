/**
 * Venue fee rules, exact (Dec). Every function returns a canonical decimal string in the venue's
 * quote currency (USD, USDC). Rules as the venues publish them (checked 2026-11):
 *
 * - Kalshi (general fee schedule): trade fee = rate × C × P × (1 − P) with rate 0.07 for takers
 *   and 0.0175 for makers on the series that charge makers (others: makers pay nothing). The
 *   exchange's fee-rounding rules (docs.kalshi.com "Fee Rounding"): the trade fee is rounded UP to
 *   $0.0001; the balance change (revenue − trade fee) is then floored to the member's balance
 *   precision ($0.01 for non-direct members, $0.0001 for direct members) and the difference is a
 *   rounding fee; a per-order accumulator of rounding fees refunds whole cents so many small fills
 *   cost what one equivalent fill would. For a fill at a whole-cent price and whole contracts the
 *   net fee is the familiar "0.07 × C × P × (1 − P) rounded up to the cent" (kalshiFee).
 * - Polymarket: takers on fee-enabled markets pay C × feeRate × (p × (1 − p))^exponent (the
 *   market's `fd.r` / `fd.e` in clob-client-v2; the current docs give exponent 1); makers pay
 *   nothing; fee-free markets (feeRate 0) charge nobody. The charge is floored to 5 decimals
 *   (0.00001 USDC), as NautilusTrader's Polymarket adapter documents matching the venue.
 * - Coinbase Advanced Trade: a maker or taker rate on the notional, chosen by 30-day USD volume
 *   tier. The live rates are per account (GET /api/v3/brokerage/transaction_summary returns the
 *   account's fee_tier); the table here is data with the published entry tiers as a default.
 */
import { Dec, dec, decStr, ONE } from './money';

/** Kalshi taker coefficient. */
export const KALSHI_TAKER_RATE = '0.07';
/** Kalshi maker coefficient on series that charge makers. */
export const KALSHI_MAKER_RATE = '0.0175';

/** Maker or taker side of a fill. */
export type Liquidity = 'maker' | 'taker';

function roundUpTo(x: Dec, step: string): Dec {
  const s = dec(step);
  return x.div(s).ceil().times(s);
}

function floorTo(x: Dec, step: string): Dec {
  const s = dec(step);
  return x.div(s).floor().times(s);
}

function checkBinaryPrice(price: string): Dec {
  const p = dec(price);
  if (p.isNegative() || p.gt(ONE)) throw new Error(`price ${price} is outside 0–1`);
  return p;
}

function checkQuantity(q: string, what: string): Dec {
  const d = dec(q);
  if (d.isNegative()) throw new Error(`${what} ${q} is negative`);
  return d;
}

/** Kalshi fee-model value before any rounding: rate × C × P × (1 − P) (0 for makers on series without maker fees). */
export function kalshiFeeExact(opts: { contracts: string; price: string; liquidity: Liquidity; makerFeesCharged?: boolean }): string {
  if (opts.liquidity === 'maker' && !opts.makerFeesCharged) return '0';
  const p = checkBinaryPrice(opts.price);
  const rate = dec(opts.liquidity === 'taker' ? KALSHI_TAKER_RATE : KALSHI_MAKER_RATE);
  return decStr(rate.times(checkQuantity(opts.contracts, 'contracts')).times(p).times(ONE.minus(p)));
}

/** Kalshi trade fee component: the fee model rounded UP to $0.0001 (centicent). */
export function kalshiTradeFee(opts: { contracts: string; price: string; liquidity: Liquidity; makerFeesCharged?: boolean }): string {
  return decStr(roundUpTo(dec(kalshiFeeExact(opts)), '0.0001'));
}

/**
 * The fee of one Kalshi fill at a whole-cent price for whole contracts (a non-direct member's
 * net fee with an empty accumulator): 0.07 × C × P × (1 − P) (or 0.0175 for makers where charged)
 * rounded UP to the cent. For sub-penny prices or fractional counts use kalshiFillFee.
 */
export function kalshiFee(opts: { contracts: string; price: string; liquidity: Liquidity; makerFeesCharged?: boolean }): string {
  return decStr(roundUpTo(dec(kalshiFeeExact(opts)), '0.01'));
}

/** The fee components of one Kalshi fill, per the exchange's fee-rounding rules. */
export interface KalshiFillFee {
  /** Fee model rounded up to $0.0001. */
  tradeFee: string;
  /** What restores the balance to its precision: balanceChange − floor(balanceChange). */
  roundingFee: string;
  /** Whole cents refunded from the order's accumulated rounding. */
  rebate: string;
  /** tradeFee + roundingFee − rebate (never negative). */
  netFee: string;
  /** How the member's balance moves: floor(revenue − tradeFee) + rebate. */
  balanceChange: string;
  /** The order's accumulator after this fill (pass it to the order's next fill). */
  accumulator: string;
}

/**
 * One Kalshi fill's fees: trade fee rounded up to $0.0001; balance change = revenue − trade fee,
 * where revenue is −C×P for a buyer and +C×P for a seller, floored to the balance precision
 * ($0.01 default, $0.0001 for direct members); rounding fee = the part floored away; the order's
 * accumulator collects rounding fees and, once it reaches $0.01, refunds whole cents, never more
 * than the fill's own fees (the net fee is never negative; what is left stays accumulated). (Kalshi's
 * page says "exceeds $0.01"; we refund at exactly $0.01 too, which is what makes four 1-lot fills
 * at 50¢ cost the same $0.07 as one 4-lot fill — their stated purpose.)
 */
export function kalshiFillFee(opts: {
  contracts: string;
  price: string;
  action: 'buy' | 'sell';
  liquidity: Liquidity;
  makerFeesCharged?: boolean;
  balancePrecision?: '0.01' | '0.0001';
  accumulator?: string;
}): KalshiFillFee {
  const precision = opts.balancePrecision ?? '0.01';
  const tradeFee = dec(kalshiTradeFee(opts));
  const notional = checkQuantity(opts.contracts, 'contracts').times(checkBinaryPrice(opts.price));
  const revenue = opts.action === 'buy' ? notional.negated() : notional;
  const raw = revenue.minus(tradeFee);
  const floored = floorTo(raw, precision);
  const roundingFee = raw.minus(floored);
  let accumulator = checkQuantity(opts.accumulator ?? '0', 'accumulator').plus(roundingFee);
  const cent = dec('0.01');
  // Whole cents, and never more than this fill's fees: Kalshi states the net fee is never negative.
  const owed = tradeFee.plus(roundingFee);
  const cents = Dec.min(accumulator.div(cent).floor(), owed.div(cent).floor());
  const rebate = cents.times(cent);
  accumulator = accumulator.minus(rebate);
  return {
    tradeFee: decStr(tradeFee),
    roundingFee: decStr(roundingFee),
    rebate: decStr(rebate),
    netFee: decStr(tradeFee.plus(roundingFee).minus(rebate)),
    balanceChange: decStr(floored.plus(rebate)),
    accumulator: decStr(accumulator),
  };
}

/** Polymarket fee-model value before rounding: C × feeRate × (p × (1 − p))^exponent for takers; 0 for makers and fee-free markets. */
export function polymarketFeeExact(opts: { shares: string; price: string; liquidity: Liquidity; feeRate: string; exponent?: number }): string {
  const rate = dec(opts.feeRate);
  if (rate.isNegative()) throw new Error(`fee rate ${opts.feeRate} is negative`);
  const exponent = opts.exponent ?? 1;
  // A fractional exponent has no exact decimal result; the venue's markets use whole ones today.
  if (!Number.isInteger(exponent) || exponent < 0) throw new Error(`fee exponent must be a whole number, got ${exponent}`);
  if (opts.liquidity === 'maker' || rate.isZero()) return '0';
  const p = checkBinaryPrice(opts.price);
  return decStr(checkQuantity(opts.shares, 'shares').times(rate).times(p.times(ONE.minus(p)).pow(exponent)));
}

/** Polymarket taker fee as charged: polymarketFeeExact floored to 0.00001 USDC. */
export function polymarketFee(opts: { shares: string; price: string; liquidity: Liquidity; feeRate: string; exponent?: number }): string {
  return decStr(floorTo(dec(polymarketFeeExact(opts)), '0.00001'));
}

/** One 30-day-volume tier (USD): from `minVolume` up to the next tier's minVolume. Rates are fractions (0.006 = 0.60%). */
export interface CoinbaseTier {
  minVolume: string;
  makerRate: string;
  takerRate: string;
}

/**
 * Coinbase Advanced's published entry tiers (Intro 1: $0–1K 0.60%/1.20%; Intro 2: $1K–500K
 * 0.35%/0.75%; Advanced 1: $500K+ 0.25%/0.40%) — a default only: deployments pass the table (or
 * the single tier) their account's transaction_summary reports, which is what the venue charges.
 */
export const COINBASE_DEFAULT_TIERS: readonly CoinbaseTier[] = [
  { minVolume: '0', makerRate: '0.006', takerRate: '0.012' },
  { minVolume: '1000', makerRate: '0.0035', takerRate: '0.0075' },
  { minVolume: '500000', makerRate: '0.0025', takerRate: '0.004' },
];

/** The tier for a 30-day volume: the highest tier whose minVolume it reaches; the lowest tier when no volume is given. */
export function coinbaseTierFor(volume30d: string | undefined, tiers: readonly CoinbaseTier[] = COINBASE_DEFAULT_TIERS): CoinbaseTier {
  const sorted = [...tiers].sort((a, b) => dec(a.minVolume).cmp(dec(b.minVolume)));
  const first = sorted[0];
  if (!first) throw new Error('the Coinbase fee table is empty');
  const volume = dec(volume30d ?? '0');
  let tier = first;
  for (const t of sorted) if (volume.gte(dec(t.minVolume))) tier = t;
  return tier;
}

/** Coinbase fee on a fill's notional (price × size, quote currency) at the tier's maker or taker rate, exact (no rounding: the venue reports fees to many decimals). */
export function coinbaseFee(opts: { notional: string; liquidity: Liquidity; volume30d?: string; tiers?: readonly CoinbaseTier[] }): string {
  const tier = coinbaseTierFor(opts.volume30d, opts.tiers);
  const rate = dec(opts.liquidity === 'maker' ? tier.makerRate : tier.takerRate);
  return decStr(checkQuantity(opts.notional, 'notional').times(rate));
}

/** Basis points → fraction (10 bps → "0.001"), for tables written in bps. */
export function bpsToRate(bps: string): string {
  return decStr(dec(bps).div(10000));
}
