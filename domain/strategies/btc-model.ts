/**
 * The short-window fair value of a "BTC above K at time T" binary contract, from the BTC-USD spot
 * reference: the probability that the price at T is above K under a driftless lognormal walk with
 * a given annualised volatility,
 *
 *     P(S_T > K) = N(d2),   d2 = (ln(S / K) − σ²τ / 2) / (σ √τ),   τ = time to T in years.
 *
 * Drift is ignored: over minutes it is orders of magnitude below the volatility term.
 *
 * All arithmetic is decimal (domain/money's 50-digit `Dec`: ln, sqrt and exp are correctly rounded
 * there), so the strategy and the simulator's market world (which quotes around the same model)
 * agree to the last digit. The normal CDF is the Abramowitz & Stegun 26.2.17 polynomial
 * approximation (|error| < 7.5e-8), evaluated in Decimal; the fair value is then rounded to
 * 0.0001 (half-even), well above the approximation's error and below a cent.
 */
import { Dec, dec, type Dec as DecT } from '../money';

/** Default annualised volatility (the simulator's BTC walk, ±$20 a second around $97k, is ≈ 0.67). */
export const DEFAULT_BTC_ANNUAL_VOL = '0.65';

const MS_PER_YEAR = dec('31536000000'); // 365 days
const FAIR_DP = 4;

// Abramowitz & Stegun 26.2.17.
const P = dec('0.2316419');
const B = ['0.319381530', '-0.356563782', '1.781477937', '-1.821255978', '1.330274429'].map((b) => dec(b));
const INV_SQRT_2PI = Dec.div(1, Dec.sqrt(Dec.acos(-1).times(2)));

/** Standard normal CDF, |error| < 7.5e-8. */
export function normalCdf(x: DecT): DecT {
  if (x.isNegative()) return new Dec(1).minus(normalCdf(x.negated()));
  const t = new Dec(1).div(new Dec(1).plus(P.times(x)));
  let poly = new Dec(0);
  for (let i = B.length - 1; i >= 0; i--) poly = poly.plus(B[i]!).times(t);
  const density = INV_SQRT_2PI.times(Dec.exp(x.times(x).div(-2)));
  return new Dec(1).minus(density.times(poly));
}

export interface ThresholdInput {
  /** BTC-USD reference (mid), USD decimal string. */
  spot: string;
  /** K, USD decimal string. */
  strike: string;
  /** Time to T in ms (0 or less: the contract is decided by spot vs strike). */
  msToExpiry: number;
  /** σ, e.g. "0.65". */
  annualVol: string;
}

/** P(BTC above strike at T), rounded to 0.0001, as an exact decimal. */
export function btcAboveProbability(input: ThresholdInput): DecT {
  const spot = dec(input.spot);
  const strike = dec(input.strike);
  const vol = dec(input.annualVol);
  if (!spot.gt(0) || !strike.gt(0)) throw new Error('spot and strike must be above 0');
  if (vol.isNegative()) throw new Error('annual volatility must not be negative');
  if (input.msToExpiry <= 0 || vol.isZero()) return spot.gt(strike) ? new Dec(1) : new Dec(0);
  const tau = new Dec(input.msToExpiry).div(MS_PER_YEAR);
  const sd = vol.times(tau.sqrt());
  const d2 = Dec.ln(spot.div(strike)).minus(sd.times(sd).div(2)).div(sd);
  return normalCdf(d2).toDecimalPlaces(FAIR_DP, Dec.ROUND_HALF_EVEN);
}
