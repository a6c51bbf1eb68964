/**
 * An L2 order book for one market: price levels with exact sizes (canonical decimal strings),
 * built from a snapshot and kept current by deltas. Pure (no I/O, no clock); the feed layer owns
 * sequencing — a gap, or a delta that would make a level negative, means the book is unknown
 * until a fresh snapshot.
 *
 * The functions that take a Book mutate it in place (the streams keep one per market and apply
 * thousands of deltas); applySnapshot builds a new one.
 */
import { dec, decStr, ONE, ZERO, type Dec } from './money';

/** Each side maps a canonical price to a canonical size; only levels with size > 0 are kept. */
export interface Book {
  bids: Map<string, string>;
  asks: Map<string, string>;
}

/** Bid or ask side. */
export type BookSide = 'bid' | 'ask';

/** One price level: [price, size], decimal strings. */
export type Level = [price: string, size: string];

/** A book with no levels. */
export function emptyBook(): Book {
  return { bids: new Map(), asks: new Map() };
}

function parseLevelValue(value: string, what: string): Dec {
  try {
    return dec(value);
  } catch {
    throw new Error(`book ${what} ${JSON.stringify(value)} is not a decimal number`);
  }
}

function sideOf(book: Book, side: BookSide): Map<string, string> {
  return side === 'bid' ? book.bids : book.asks;
}

function setLevel(levelsBySide: Map<string, string>, price: string, size: Dec): void {
  const key = decStr(parseLevelValue(price, 'price'));
  if (size.lte(ZERO)) levelsBySide.delete(key);
  else levelsBySide.set(key, decStr(size));
}

/**
 * A new book from full snapshots of both sides. Duplicate prices in a snapshot add up (some
 * venues split a level); zero sizes are skipped; a negative size or price throws.
 */
export function applySnapshot(bids: readonly Level[], asks: readonly Level[]): Book {
  const book = emptyBook();
  for (const [side, levelsIn] of [['bid', bids], ['ask', asks]] as const) {
    const target = sideOf(book, side);
    for (const [p, s] of levelsIn) {
      const price = parseLevelValue(p, 'price');
      const size = parseLevelValue(s, 'size');
      if (price.isNegative()) throw new Error(`book price ${p} is negative`);
      if (size.isNegative()) throw new Error(`book size ${s} at ${p} is negative`);
      const key = decStr(price);
      setLevel(target, key, dec(target.get(key) ?? '0').plus(size));
    }
  }
  return book;
}

/** Same as applySnapshot (older name). */
export function bookFromLevels(bids: readonly Level[], asks: readonly Level[]): Book {
  return applySnapshot(bids, asks);
}

/**
 * Absolute update (Coinbase `new_quantity`, Polymarket `price_change`): the new size at a level;
 * 0 removes it. A negative size throws (malformed message).
 */
export function applyDelta(book: Book, side: BookSide, price: string, size: string): void {
  const s = parseLevelValue(size, 'size');
  if (s.isNegative()) throw new Error(`book size ${size} at ${price} is negative`);
  setLevel(sideOf(book, side), price, s);
}

/** Same as applyDelta (older name). */
export function setSize(book: Book, side: BookSide, price: string, size: string): void {
  applyDelta(book, side, price, size);
}

/**
 * Relative update (Kalshi's `orderbook_delta`): add `delta` (may be negative) to the level.
 * Returns false when the level would go negative — the book has diverged from the venue's and
 * must be rebuilt from a snapshot; the level is removed meanwhile.
 */
export function addSize(book: Book, side: BookSide, price: string, delta: string): boolean {
  const levelsBySide = sideOf(book, side);
  const key = decStr(parseLevelValue(price, 'price'));
  const next = dec(levelsBySide.get(key) ?? '0').plus(parseLevelValue(delta, 'delta'));
  setLevel(levelsBySide, key, next);
  return !next.isNegative();
}

/** Levels best first: bids high to low, asks low to high. */
export function levels(book: Book, side: BookSide): Level[] {
  const entries = [...sideOf(book, side).entries()];
  return entries.sort(([a], [b]) => (side === 'bid' ? dec(b).cmp(dec(a)) : dec(a).cmp(dec(b))));
}

function best(book: Book, side: BookSide): Level | undefined {
  let top: Level | undefined;
  let topPrice: Dec | undefined;
  for (const [p, s] of sideOf(book, side)) {
    const price = dec(p);
    if (topPrice === undefined || (side === 'bid' ? price.gt(topPrice) : price.lt(topPrice))) {
      top = [p, s];
      topPrice = price;
    }
  }
  return top;
}

/** Highest bid price, if any. */
export function bestBid(book: Book): string | undefined {
  return best(book, 'bid')?.[0];
}

/** Lowest ask price, if any. */
export function bestAsk(book: Book): string | undefined {
  return best(book, 'ask')?.[0];
}

/** Best bid and ask levels (price and size) together. */
export function topOfBook(book: Book): { bid?: Level; ask?: Level } {
  const bid = best(book, 'bid');
  const ask = best(book, 'ask');
  return { ...(bid ? { bid } : {}), ...(ask ? { ask } : {}) };
}

/** Total size on one side, over the best `maxLevels` levels (all when omitted). */
export function depth(book: Book, side: BookSide, maxLevels?: number): string {
  const chosen = maxLevels === undefined ? [...sideOf(book, side).values()] : levels(book, side).slice(0, maxLevels).map(([, s]) => s);
  return decStr(chosen.reduce((sum, s) => sum.plus(dec(s)), ZERO));
}

/**
 * Size available to an order that takes this side up to a limit price: asks at or below `limit`
 * (for a buy), or bids at or above it (for a sell).
 */
export function depthWithin(book: Book, side: BookSide, limit: string): string {
  const l = parseLevelValue(limit, 'limit price');
  let total = ZERO;
  for (const [p, s] of sideOf(book, side)) {
    const price = dec(p);
    if (side === 'ask' ? price.lte(l) : price.gte(l)) total = total.plus(dec(s));
  }
  return decStr(total);
}

/**
 * Crossed (best bid > best ask) or locked (equal) books cannot be traded against safely: on a
 * venue's own book they mean our copy diverged.
 */
export function crossedOrLocked(book: Book): 'crossed' | 'locked' | undefined {
  const b = bestBid(book);
  const a = bestAsk(book);
  if (b === undefined || a === undefined) return undefined;
  const c = dec(b).cmp(dec(a));
  return c > 0 ? 'crossed' : c === 0 ? 'locked' : undefined;
}

/**
 * Kalshi publishes YES bids and NO bids only; a NO bid at p is a YES ask at 1 − p (buying NO at p
 * is selling YES at 1 − p). Prices in dollars (decimal strings), each strictly between 0 and 1.
 */
export function kalshiYesBook(yesBids: readonly Level[], noBids: readonly Level[]): Book {
  for (const [p] of [...yesBids, ...noBids]) {
    const price = parseLevelValue(p, 'price');
    if (!price.gt(ZERO) || !price.lt(ONE)) throw new Error(`Kalshi book price ${p} is not strictly between 0 and 1`);
  }
  return applySnapshot(
    yesBids,
    noBids.map(([p, s]): Level => [decStr(ONE.minus(dec(p))), s]),
  );
}

/** Where a Kalshi delta on the YES or NO side lands in the YES book: a NO level at p is the YES ask at 1 − p. */
export function kalshiYesLevel(side: 'yes' | 'no', price: string): { side: BookSide; price: string } {
  const p = parseLevelValue(price, 'price');
  return side === 'yes' ? { side: 'bid', price: decStr(p) } : { side: 'ask', price: decStr(ONE.minus(p)) };
}
