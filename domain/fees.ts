/**
 * Venue fee rules, exact. Every function returns a decimal string in the venue's quote currency.
 * - Kalshi (general series): taker fee = round UP to the cent of 0.07 × C × P × (1 − P); maker
 *   fee 0.0175 × C × P × (1 − P), rounded up likewise, on series that charge makers.
 * - Polymarket: takers on fee-enabled markets pay C × feeRate × (P × (1 − P))^exponent; makers pay
 *   nothing; most markets charge nobody.
 * - Coinbase Advanced Trade: a percentage of notional by 30-day volume tier, maker and taker.
 */
import { dec, decStr, ONE, type Dec } from './money';

const CENT = dec('0.01');

function roundUpToCent(x: Dec): Dec {
  return x.div(CENT).ceil().times(CENT);
}

export const KALSHI_TAKER_RATE = '0.07';
export const KALSHI_MAKER_RATE = '0.0175';

export function kalshiFee(opts: { contracts: string; price: string; liquidity: 'maker' | 'taker'; makerFeesCharged?: boolean }): string {
  if (opts.liquidity === 'maker' && !opts.makerFeesCharged) return '0';
  const p = dec(opts.price);
  const rate = dec(opts.liquidity === 'taker' ? KALSHI_TAKER_RATE : KALSHI_MAKER_RATE);
  return decStr(roundUpToCent(rate.times(dec(opts.contracts)).times(p).times(ONE.minus(p))));
}

export function polymarketFee(opts: { shares: string; price: string; liquidity: 'maker' | 'taker'; feeRate: string; exponent?: number }): string {
  if (opts.liquidity === 'maker' || dec(opts.feeRate).isZero()) return '0';
  const p = dec(opts.price);
  const exponent = opts.exponent ?? 1;
  if (!Number.isInteger(exponent) || exponent < 0) throw new Error(`fee exponent must be a whole number, got ${exponent}`);
  return decStr(dec(opts.shares).times(dec(opts.feeRate)).times(p.times(ONE.minus(p)).pow(exponent)));
}

/** 30-day volume tiers (USD); the first tier applies until the next one's threshold. */
export interface CoinbaseTier {
  minVolume: string;
  makerRate: string;
  takerRate: string;
}

/** Defaults: Coinbase Advanced's published lowest tiers. Deployments pass their own table. */
export const COINBASE_DEFAULT_TIERS: CoinbaseTier[] = [
  { minVolume: '0', makerRate: '0.006', takerRate: '0.012' },
  { minVolume: '1000', makerRate: '0.0035', takerRate: '0.0075' },
  { minVolume: '500000', makerRate: '0.0025', takerRate: '0.004' },
];

export function coinbaseFee(opts: { notional: string; liquidity: 'maker' | 'taker'; volume30d?: string; tiers?: CoinbaseTier[] }): string {
  const tiers = opts.tiers ?? COINBASE_DEFAULT_TIERS;
  const volume = dec(opts.volume30d ?? '0');
  let tier = tiers[0];
  for (const t of tiers) if (volume.gte(dec(t.minVolume))) tier = t;
  if (!tier) return '0';
  const rate = dec(opts.liquidity === 'maker' ? tier.makerRate : tier.takerRate);
  return decStr(dec(opts.notional).times(rate));
}
