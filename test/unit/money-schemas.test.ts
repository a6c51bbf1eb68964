/** The decimal-string schemas at every boundary reject bad input; they never throw out of safeParse. */
import { decimalString, nonNegativeDecimalString, positiveDecimalString } from '../../domain/money';

describe('decimal string schemas', () => {
  const bad = ['', ' 1', '1 ', 'abc', '1e3', '01', '.5', '1.', '+1', 'NaN', 'Infinity'];

  it.each([
    ['decimalString', decimalString],
    ['positiveDecimalString', positiveDecimalString],
    ['nonNegativeDecimalString', nonNegativeDecimalString],
  ])('%s refuses malformed strings with the format message, without throwing', (_name, schema) => {
    for (const s of bad) {
      const r = schema.safeParse(s);
      expect(r.success).toBe(false);
      expect(r.error?.issues.map((i) => i.message)).toEqual(['must be a decimal number written as a string, e.g. "0.42"']);
    }
  });

  it('checks the sign after the format', () => {
    expect(positiveDecimalString.safeParse('0').success).toBe(false);
    expect(positiveDecimalString.safeParse('-1').error?.issues.map((i) => i.message)).toEqual(['must be greater than 0']);
    expect(positiveDecimalString.safeParse('0.001').success).toBe(true);
    expect(nonNegativeDecimalString.safeParse('0').success).toBe(true);
    expect(nonNegativeDecimalString.safeParse('-0.5').error?.issues.map((i) => i.message)).toEqual(['must be 0 or more']);
  });
});
