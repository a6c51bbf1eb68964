/**
 * An L2 order book for one market: price levels with exact sizes, built from a snapshot and kept
 * current by deltas. Pure; the feed layer owns sequencing (a gap means: start again from a snapshot).
 */
import { dec, decStr, type Dec } from './money';

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
  if (value.lte(0)) side.delete(key);
  else side.set(key, decStr(value));
}

/** Absolute update: the new size at a level (0 removes it). */
export function setSize(book: Book, side: 'bid' | 'ask', price: string, size: string): void {
  setLevel(side === 'bid' ? book.bids : book.asks, price, size);
}

/** Relative update (Kalshi's deltas): add `delta` (may be negative) to the level. */
export function addSize(book: Book, side: 'bid' | 'ask', price: string, delta: string): void {
  const levels = side === 'bid' ? book.bids : book.asks;
  const key = decStr(dec(price));
  setLevel(levels, key, dec(levels.get(key) ?? '0').plus(dec(delta)));
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
