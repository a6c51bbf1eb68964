import { addSize, bestAsk, bestBid, bookFromLevels, crossedOrLocked, kalshiYesBook, levels, setSize } from '../../domain/book';

describe('order book', () => {
  it('applies absolute and relative updates exactly, removing empty levels', () => {
    const book = bookFromLevels([['0.40', '10']], [['0.45', '5']]);
    setSize(book, 'bid', '0.41', '3');
    addSize(book, 'ask', '0.45', '-5');
    addSize(book, 'ask', '0.46', '2.5');
    expect(levels(book, 'bid')).toEqual([['0.41', '3'], ['0.4', '10']]);
    expect(levels(book, 'ask')).toEqual([['0.46', '2.5']]);
    expect([bestBid(book), bestAsk(book)]).toEqual(['0.41', '0.46']);
  });

  it('detects crossed and locked books', () => {
    expect(crossedOrLocked(bookFromLevels([['0.5', '1']], [['0.6', '1']]))).toBeUndefined();
    expect(crossedOrLocked(bookFromLevels([['0.6', '1']], [['0.6', '1']]))).toBe('locked');
    expect(crossedOrLocked(bookFromLevels([['0.7', '1']], [['0.6', '1']]))).toBe('crossed');
  });

  it('turns Kalshi NO bids into YES asks at 1 − p', () => {
    const book = kalshiYesBook([['0.40', '100']], [['0.57', '30'], ['0.55', '100']]);
    expect(levels(book, 'ask')).toEqual([['0.43', '30'], ['0.45', '100']]);
  });
});
