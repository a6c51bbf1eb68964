import fc from 'fast-check';
import {
  addSize,
  applyDelta,
  applySnapshot,
  bestAsk,
  bestBid,
  bookFromLevels,
  crossedOrLocked,
  depth,
  depthWithin,
  emptyBook,
  kalshiYesBook,
  kalshiYesLevel,
  levels,
  setSize,
  topOfBook,
} from '../../domain/book';
import { dec, decStr } from '../../domain/money';

describe('order book', () => {
  it('builds from a snapshot exactly: canonical prices, duplicate levels summed, zero sizes dropped', () => {
    const book = applySnapshot(
      [['0.40', '10'], ['0.400', '2.5'], ['0.39', '0']],
      [['0.45', '5.000']],
    );
    expect(levels(book, 'bid')).toEqual([['0.4', '12.5']]);
    expect(levels(book, 'ask')).toEqual([['0.45', '5']]);
    expect(() => applySnapshot([['0.4', '-1']], [])).toThrow(/size -1 at 0.4 is negative/);
    expect(() => applySnapshot([['abc', '1']], [])).toThrow(/price "abc" is not a decimal number/);
  });

  it('applies absolute deltas (0 removes) and relative ones, best first', () => {
    const book = bookFromLevels([['0.40', '10']], [['0.45', '5']]);
    applyDelta(book, 'bid', '0.41', '3');
    setSize(book, 'bid', '0.40', '7');
    expect(addSize(book, 'ask', '0.45', '-5')).toBe(true);
    expect(addSize(book, 'ask', '0.46', '2.5')).toBe(true);
    expect(levels(book, 'bid')).toEqual([['0.41', '3'], ['0.4', '7']]);
    expect(levels(book, 'ask')).toEqual([['0.46', '2.5']]);
    expect([bestBid(book), bestAsk(book)]).toEqual(['0.41', '0.46']);
    expect(topOfBook(book)).toEqual({ bid: ['0.41', '3'], ask: ['0.46', '2.5'] });
    applyDelta(book, 'bid', '0.41', '0');
    expect(bestBid(book)).toBe('0.4');
    expect(() => applyDelta(book, 'bid', '0.41', '-1')).toThrow(/negative/);
    // A relative delta that would go negative means the copy diverged: reported, level removed.
    expect(addSize(book, 'bid', '0.40', '-8')).toBe(false);
    expect(levels(book, 'bid')).toEqual([]);
    expect(topOfBook(book)).toEqual({ ask: ['0.46', '2.5'] });
  });

  it('measures depth: best n levels, and what a limit order could take', () => {
    const book = bookFromLevels([['0.40', '10'], ['0.39', '5'], ['0.35', '1']], [['0.45', '5'], ['0.47', '2.25'], ['0.50', '100']]);
    expect(depth(book, 'bid')).toBe('16');
    expect(depth(book, 'bid', 2)).toBe('15');
    expect(depthWithin(book, 'ask', '0.47')).toBe('7.25'); // a buy limited at 0.47
    expect(depthWithin(book, 'bid', '0.39')).toBe('15'); // a sell limited at 0.39
    expect(depth(emptyBook(), 'ask')).toBe('0');
  });

  it('detects crossed and locked books', () => {
    expect(crossedOrLocked(bookFromLevels([['0.5', '1']], [['0.6', '1']]))).toBeUndefined();
    expect(crossedOrLocked(bookFromLevels([['0.6', '1']], [['0.60', '1']]))).toBe('locked');
    expect(crossedOrLocked(bookFromLevels([['0.7', '1']], [['0.6', '1']]))).toBe('crossed');
    expect(crossedOrLocked(bookFromLevels([['0.7', '1']], []))).toBeUndefined();
  });

  it('turns Kalshi NO bids into YES asks at 1 − p', () => {
    // YES bids at 40¢; NO bids at 57¢ and 55¢ are YES asks at 43¢ and 45¢.
    const book = kalshiYesBook([['0.40', '100']], [['0.57', '30'], ['0.55', '100']]);
    expect(levels(book, 'ask')).toEqual([['0.43', '30'], ['0.45', '100']]);
    expect(levels(book, 'bid')).toEqual([['0.4', '100']]);
    expect(kalshiYesLevel('no', '0.57')).toEqual({ side: 'ask', price: '0.43' });
    expect(kalshiYesLevel('yes', '0.400')).toEqual({ side: 'bid', price: '0.4' });
    // Sub-penny levels convert exactly.
    expect(levels(kalshiYesBook([], [['0.945', '3']]), 'ask')).toEqual([['0.055', '3']]);
    expect(() => kalshiYesBook([['1', '1']], [])).toThrow(/strictly between 0 and 1/);
  });

  it('property: a book rebuilt from its levels is the same book, and best prices are the extremes', () => {
    const level = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 100_000 }));
    fc.assert(
      fc.property(fc.array(level, { maxLength: 20 }), fc.array(level, { maxLength: 20 }), (bidsRaw, asksRaw) => {
        const toLevels = (xs: [number, number][]) => xs.map(([p, s]): [string, string] => [decStr(dec(String(p)).div(1000)), decStr(dec(String(s)).div(100))]);
        const book = applySnapshot(toLevels(bidsRaw), toLevels(asksRaw));
        const again = applySnapshot(levels(book, 'bid'), levels(book, 'ask'));
        const bids = levels(book, 'bid').map(([p]) => dec(p));
        const asks = levels(book, 'ask').map(([p]) => dec(p));
        const sorted = bids.every((p, i) => i === 0 || p.lt(bids[i - 1]!)) && asks.every((p, i) => i === 0 || p.gt(asks[i - 1]!));
        const totalIn = bidsRaw.reduce((t, [, s]) => t + s, 0);
        return (
          sorted &&
          JSON.stringify(levels(again, 'bid')) === JSON.stringify(levels(book, 'bid')) &&
          bestBid(book) === levels(book, 'bid')[0]?.[0] &&
          bestAsk(book) === levels(book, 'ask')[0]?.[0] &&
          dec(depth(book, 'bid')).eq(dec(String(totalIn)).div(100))
        );
      }),
    );
  });
});
