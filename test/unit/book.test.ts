import { addSize, bestAsk, bestBid, bookFromLevels, crossedOrLocked, kalshiYesBook, levels, MAX_FEED_MESSAGE_BYTES, oversizedMessage, setSize, sizeAfterAdd } from '../../domain/book';

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

  it('never lets a size go below zero: such an update throws and leaves the book alone', () => {
    const book = bookFromLevels([['0.40', '10']], []);
    expect(sizeAfterAdd(book, 'bid', '0.4', '-11').toString()).toBe('-1');
    expect(() => addSize(book, 'bid', '0.40', '-11')).toThrow(/negative size -1 at price 0.4/);
    expect(() => setSize(book, 'ask', '0.5', '-0.01')).toThrow(/negative size/);
    expect(() => bookFromLevels([['0.4', '-1']], [])).toThrow(/negative size/);
    expect(levels(book, 'bid')).toEqual([['0.4', '10']]);
    setSize(book, 'bid', '0.4', '-0');
    expect(levels(book, 'bid')).toEqual([]);
  });

  it('measures a feed message in UTF-8 bytes against the limit', () => {
    expect(oversizedMessage('x'.repeat(MAX_FEED_MESSAGE_BYTES))).toBeUndefined();
    expect(oversizedMessage('x'.repeat(MAX_FEED_MESSAGE_BYTES + 1))).toMatch(/^oversized message/);
    expect(oversizedMessage('é'.repeat(MAX_FEED_MESSAGE_BYTES / 2))).toBeUndefined(); // 2 bytes each: exactly the limit
    expect(oversizedMessage(`${'é'.repeat(MAX_FEED_MESSAGE_BYTES / 2)}x`)).toMatch(/^oversized message/);
    expect(oversizedMessage('🦄'.repeat(MAX_FEED_MESSAGE_BYTES / 4 + 1))).toMatch(/^oversized message/); // 4 bytes, 2 UTF-16 units
    expect(oversizedMessage('\ud800'.repeat(MAX_FEED_MESSAGE_BYTES / 3))).toBeUndefined(); // lone surrogates: 3 bytes (U+FFFD)
  });
});
