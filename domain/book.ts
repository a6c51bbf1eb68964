/**
 * An L2 order book for one market: price levels with exact sizes, built from a snapshot and kept
 * current by deltas. Pure; the feed layer owns sequencing (a gap means: start again from a snapshot).
 * A size never goes negative: an update that would make one is a programming or feed error and
 * throws (the feed trackers check first and reject such a message with a reason instead).
 */
import { dec, decStr, type Dec } from './money';

/** Feed limits shared by the venue book trackers: larger messages are rejected unparsed. */
export const MAX_FEED_MESSAGE_BYTES = 1024 * 1024;
/** A snapshot or update leaving more levels than this on one side of a book is rejected. */
export const MAX_LEVELS_PER_SIDE = 10_000;

/**
 * Why `data` is too large to parse, or undefined. Counts UTF-8 bytes (what the socket carried)
 * without allocating, and only walks the string when its length alone cannot decide.
 */
export function oversizedMessage(data: string, limit = MAX_FEED_MESSAGE_BYTES): string | undefined {
  const tooBig = (bytes: string) => `oversized message: ${bytes} bytes, limit ${limit}`;
  if (data.length > limit) return tooBig(`at least ${data.length}`);
  if (data.length * 3 <= limit) return undefined;
  let bytes = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < data.length && (data.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
    if (bytes > limit) return tooBig(`more than ${limit}`);
  }
  return undefined;
}

/** Each side maps a price to a size (canonical decimal strings); only levels with size > 0. */
export interface Book {
  bids: Map<string, string>;
  asks: Map<string, string>;
}

export function emptyBook(): Book {
  return { bids: new Map(), asks: new Map() };
}

export function bookFromLevels(bids: [string, string][], asks: [string, string][]): Book {
  const book = emptyBook();
  for (const [p, s] of bids) setLevel(book.bids, p, s);
  for (const [p, s] of asks) setLevel(book.asks, p, s);
  return book;
}

function setLevel(side: Map<string, string>, price: string, size: string | Dec): void {
  const key = decStr(dec(price));
  const value = typeof size === 'string' ? dec(size) : size;
  if (value.lt(0)) throw new RangeError(`negative size ${decStr(value)} at price ${key}`);
  if (value.isZero()) side.delete(key);
  else side.set(key, decStr(value));
}

/** Absolute update: the new size at a level (0 removes it; below 0 throws). */
export function setSize(book: Book, side: 'bid' | 'ask', price: string, size: string | Dec): void {
  setLevel(side === 'bid' ? book.bids : book.asks, price, size);
}

/** The size a level would have after adding `delta`, without changing the book (may be negative). */
export function sizeAfterAdd(book: Book, side: 'bid' | 'ask', price: string, delta: string): Dec {
  const levels = side === 'bid' ? book.bids : book.asks;
  return dec(levels.get(decStr(dec(price))) ?? '0').plus(dec(delta));
}

/** Relative update (Kalshi's deltas): add `delta` (may be negative) to the level; throws if the size would go below 0. */
export function addSize(book: Book, side: 'bid' | 'ask', price: string, delta: string): void {
  setLevel(side === 'bid' ? book.bids : book.asks, price, sizeAfterAdd(book, side, price, delta));
}

/** Levels best first: bids high to low, asks low to high. */
export function levels(book: Book, side: 'bid' | 'ask'): [string, string][] {
  const entries = [...(side === 'bid' ? book.bids : book.asks).entries()];
  return entries.sort(([a], [b]) => (side === 'bid' ? dec(b).cmp(dec(a)) : dec(a).cmp(dec(b))));
}

export function bestBid(book: Book): string | undefined {
  return levels(book, 'bid')[0]?.[0];
}

export function bestAsk(book: Book): string | undefined {
  return levels(book, 'ask')[0]?.[0];
}

/** Crossed (bid > ask) or locked (bid = ask) books cannot be traded against safely. */
export function crossedOrLocked(book: Book): 'crossed' | 'locked' | undefined {
  const b = bestBid(book);
  const a = bestAsk(book);
  if (b === undefined || a === undefined) return undefined;
  const c = dec(b).cmp(dec(a));
  return c > 0 ? 'crossed' : c === 0 ? 'locked' : undefined;
}

/**
 * Kalshi publishes YES bids and NO bids; a NO bid at p is a YES ask at 1 − p. Prices here are in
 * dollars (decimal strings).
 */
export function kalshiYesBook(yesBids: [string, string][], noBids: [string, string][]): Book {
  return bookFromLevels(
    yesBids,
    noBids.map(([p, s]): [string, string] => [decStr(dec('1').minus(dec(p))), s]),
  );
}
