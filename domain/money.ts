/**
 * Exact money and quantities.
 *
 * Legwork uses decimal.js (arbitrary-precision decimal floating point) for every price, size,
 * fee and PnL figure. Values cross process boundaries (Temporal payloads, the ledger, venue
 * messages) as canonical decimal *strings*, never as JS numbers, so nothing is ever rounded
 * by IEEE-754 on the way. `Dec` is a private clone so no other module's `Decimal.set()` can
 * change our precision or rounding (and it is never mutated after this module loads, which
 * keeps it safe inside the deterministic workflow sandbox).
 */
import Decimal from 'decimal.js';
import { z } from 'zod';

export const Dec = Decimal.clone({
  precision: 50,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -50,
  toExpPos: 50,
});
export type Dec = InstanceType<typeof Dec>;

/** A plain decimal literal: optional minus, digits, optional fraction. No exponents, no NaN. */
const DECIMAL_RE = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** Parses a decimal string exactly; throws with the offending text on anything else. */
export function dec(value: string | Dec): Dec {
  if (typeof value !== 'string') return value;
  if (!DECIMAL_RE.test(value)) throw new Error(`not a decimal number: ${JSON.stringify(value)}`);
  return new Dec(value);
}

/** Canonical string form: no exponent, no trailing zeros in the fraction, "-0" becomes "0". */
export function decStr(value: Dec): string {
  if (value.isZero()) return '0';
  const fixed = value.toFixed();
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

export const ZERO = new Dec(0);
export const ONE = new Dec(1);

/** zod: any exact decimal string. */
export const decimalString = z
  .string()
  // abort: refinements built on this one (sign checks) never see a string that is not a decimal.
  .regex(DECIMAL_RE, { message: 'must be a decimal number written as a string, e.g. "0.42"', abort: true });

/** zod: a strictly positive decimal string (quantities, limit prices). */
export const positiveDecimalString = decimalString.refine((s) => new Dec(s).gt(0), 'must be greater than 0');

/** zod: a decimal string that is >= 0 (tolerances, fees). */
export const nonNegativeDecimalString = decimalString.refine((s) => new Dec(s).gte(0), 'must be 0 or more');

/** Sum of decimal strings, exactly. */
export function sumDec(values: Iterable<string | Dec>): Dec {
  let total = ZERO;
  for (const v of values) total = total.plus(dec(v));
  return total;
}
