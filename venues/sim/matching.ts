/**
 * A price-time-priority order book for one market (one Polymarket token, one product), venue
 * neutral and exact (decimal.js through domain/money). Each side holds price levels, best first
 * (bids high to low, asks low to high); each level is a FIFO queue of resting entries: one of our
 * orders (`owner: 'us'`, with its order id) or other traders' liquidity (`owner: 'others'`).
 *
 * - `match` runs a taker against the opposite side: best price first, first in first within a
 *   price; every fill is at the maker's level price. An `eligible` filter lets a caller trade with
 *   some entries only (the others keep their place in the queue).
 * - `rest` puts an entry at the back of its level's queue. It refuses one that would cross the
 *   other side (match first): the book is never crossed or locked after any operation.
 * - `fillable` is how much of a taker `match` would fill, without trading (a fill-or-kill order
 *   checks it first: all or nothing).
 * - `cancel` takes one of our entries out; `reduce` shrinks one in place, keeping its place in the
 *   queue (a venue's "decrease size" amend); `withdrawOthers` takes other traders' size out of a
 *   level newest first (older entries keep their priority), never ours.
 * - `levels` is each side aggregated per price, what a book endpoint or stream shows;
 *   `levelChanges` diffs two of those views into the level updates a stream sends.
 *
 * The venue's rules (fees, order states, messages) stay with each simulator: this is only the book.
 */
import { ZERO, type Dec } from '../../domain/money';

export type BookSide = 'BUY' | 'SELL';
export type Owner = 'us' | 'others';

export interface RestingEntry {
  /** Set for our orders (the venue's order id); other traders' entries have none. */
  readonly orderId?: string;
  readonly owner: Owner;
  remaining: Dec;
}

export interface Taker {
  side: BookSide;
  limitPrice: Dec;
  size: Dec;
}

/** One maker entry's share of a taker's trade, at the maker's price. */
export interface MatchFill {
  orderId?: string;
  owner: Owner;
  price: Dec;
  size: Dec;
}

export interface MatchResult {
  fills: MatchFill[];
  filled: Dec;
  /** What the taker did not fill (the caller rests it or lets it go). */
  remaining: Dec;
}

export interface LevelView {
  price: Dec;
  size: Dec;
}
export type BookView = Record<BookSide, LevelView[]>;

/** A level's new aggregate size (0: the level is gone). */
export interface LevelChange {
  side: BookSide;
  price: Dec;
  size: Dec;
}

interface Level {
  price: Dec;
  queue: RestingEntry[];
}

const opposite = (side: BookSide): BookSide => (side === 'BUY' ? 'SELL' : 'BUY');
/** True when `a` is a better price than `b` for resting on `side` (a higher bid, a lower ask). */
const better = (side: BookSide, a: Dec, b: Dec) => (side === 'BUY' ? a.gt(b) : a.lt(b));
/** A taker on `side` at `limit` trades with a resting level at `price` (at or through its limit). */
const reaches = (side: BookSide, limit: Dec, price: Dec) => (side === 'BUY' ? price.lte(limit) : price.gte(limit));
const sum = (entries: RestingEntry[]) => entries.reduce((a, e) => a.plus(e.remaining), ZERO);

export class MatchingBook {
  private readonly sides: Record<BookSide, Level[]> = { BUY: [], SELL: [] };

  /** Runs a taker against the opposite side; only `eligible` entries trade (default: all). */
  match(taker: Taker, eligible: (e: RestingEntry) => boolean = () => true): MatchResult {
    if (!taker.size.gt(ZERO)) throw new RangeError(`taker size must be > 0, got ${taker.size.toFixed()}`);
    const book = this.sides[opposite(taker.side)];
    const fills: MatchFill[] = [];
    let left = taker.size;
    for (const level of book) {
      if (left.isZero() || !reaches(taker.side, taker.limitPrice, level.price)) break;
      for (const entry of level.queue) {
        if (left.isZero()) break;
        if (!eligible(entry)) continue;
        const n = entry.remaining.lt(left) ? entry.remaining : left;
        entry.remaining = entry.remaining.minus(n);
        left = left.minus(n);
        fills.push({ ...(entry.orderId !== undefined ? { orderId: entry.orderId } : {}), owner: entry.owner, price: level.price, size: n });
      }
      level.queue = level.queue.filter((e) => e.remaining.gt(ZERO));
    }
    this.sides[opposite(taker.side)] = book.filter((l) => l.queue.length > 0);
    return { fills, filled: taker.size.minus(left), remaining: left };
  }

  /** How much of `taker` a `match` with the same `eligible` filter would fill now (nothing changes). */
  fillable(taker: Taker, eligible: (e: RestingEntry) => boolean = () => true): Dec {
    let n = ZERO;
    for (const level of this.sides[opposite(taker.side)]) {
      if (n.gte(taker.size) || !reaches(taker.side, taker.limitPrice, level.price)) break;
      n = n.plus(sum(level.queue.filter(eligible)));
    }
    return n.lt(taker.size) ? n : taker.size;
  }

  /** Would an order resting on `side` at `price` trade with an (eligible) entry on the other side? */
  crosses(side: BookSide, price: Dec, eligible: (e: RestingEntry) => boolean = () => true): boolean {
    return this.sides[opposite(side)].some((l) => reaches(side, price, l.price) && l.queue.some(eligible));
  }

  /** Puts an entry at the back of its level's queue; throws if it would cross (match it first). */
  rest(side: BookSide, price: Dec, entry: { orderId?: string; owner: Owner; size: Dec }): void {
    if (!entry.size.gt(ZERO)) throw new RangeError(`resting size must be > 0, got ${entry.size.toFixed()}`);
    if (this.crosses(side, price)) throw new RangeError(`a ${side} at ${price.toFixed()} would cross the book: match it first`);
    if (entry.orderId !== undefined && this.find(entry.orderId)) throw new RangeError(`order ${entry.orderId} already rests in the book`);
    const resting: RestingEntry = { ...(entry.orderId !== undefined ? { orderId: entry.orderId } : {}), owner: entry.owner, remaining: entry.size };
    const levels = this.sides[side];
    const at = levels.find((l) => l.price.eq(price));
    if (at) {
      at.queue.push(resting);
      return;
    }
    const i = levels.findIndex((l) => better(side, price, l.price));
    levels.splice(i < 0 ? levels.length : i, 0, { price, queue: [resting] });
  }

  /** Other traders' liquidity at the back of a level's queue (a shorthand for `rest`). */
  addOthers(side: BookSide, price: Dec, size: Dec): void {
    this.rest(side, price, { owner: 'others', size });
  }

  /** Takes up to `size` of other traders' liquidity out of a level, newest first; returns how much. */
  withdrawOthers(side: BookSide, price: Dec, size: Dec): Dec {
    const level = this.sides[side].find((l) => l.price.eq(price));
    if (!level) return ZERO;
    let wanted = size;
    for (let i = level.queue.length - 1; i >= 0 && wanted.gt(ZERO); i--) {
      const entry = level.queue[i]!;
      if (entry.owner !== 'others') continue; // ours: only our own cancel takes it out
      const n = entry.remaining.lt(wanted) ? entry.remaining : wanted;
      entry.remaining = entry.remaining.minus(n);
      wanted = wanted.minus(n);
    }
    this.prune(side, level);
    return size.minus(wanted);
  }

  /** Takes one of our entries out; what it had left, or undefined if it does not rest here. */
  cancel(orderId: string): { side: BookSide; price: Dec; remaining: Dec } | undefined {
    const found = this.find(orderId);
    if (!found) return undefined;
    found.level.queue = found.level.queue.filter((e) => e !== found.entry);
    this.prune(found.side, found.level);
    return { side: found.side, price: found.level.price, remaining: found.entry.remaining };
  }

  /**
   * Shrinks one of our entries to `remaining` where it stands: it keeps its place in the queue.
   * Only a decrease (a larger size joins the back of the queue: cancel and rest it again).
   */
  reduce(orderId: string, remaining: Dec): void {
    const found = this.find(orderId);
    if (!found) throw new RangeError(`order ${orderId} does not rest in the book`);
    if (!remaining.gt(ZERO) || remaining.gt(found.entry.remaining)) {
      throw new RangeError(`order ${orderId}: reduce to ${remaining.toFixed()} must be > 0 and at most what it has left (${found.entry.remaining.toFixed()})`);
    }
    found.entry.remaining = remaining;
  }

  /** Other traders' total at a level (ours excluded): what a liquidity provider can still withdraw. */
  othersAt(side: BookSide, price: Dec): Dec {
    return sum(this.sides[side].find((l) => l.price.eq(price))?.queue.filter((e) => e.owner === 'others') ?? []);
  }

  /** What one of our orders has left in the book (undefined: it does not rest here). */
  remainingOf(orderId: string): Dec | undefined {
    return this.find(orderId)?.entry.remaining;
  }

  /** Each side aggregated per price, best first. */
  levels(): BookView {
    const view = (side: BookSide) => this.sides[side].map((l) => ({ price: l.price, size: sum(l.queue) }));
    return { BUY: view('BUY'), SELL: view('SELL') };
  }

  /** A level's queue, first in first (copies: for tests and diagnostics). */
  queueAt(side: BookSide, price: Dec): RestingEntry[] {
    return (this.sides[side].find((l) => l.price.eq(price))?.queue ?? []).map((e) => ({ ...e }));
  }

  private find(orderId: string): { side: BookSide; level: Level; entry: RestingEntry } | undefined {
    for (const side of ['BUY', 'SELL'] as const)
      for (const level of this.sides[side]) {
        const entry = level.queue.find((e) => e.orderId === orderId);
        if (entry) return { side, level, entry };
      }
    return undefined;
  }

  private prune(side: BookSide, level: Level): void {
    level.queue = level.queue.filter((e) => e.remaining.gt(ZERO));
    if (level.queue.length === 0) this.sides[side] = this.sides[side].filter((l) => l !== level);
  }
}

/** The level updates that turn `before` into `after`, per side (size 0: the level went away). */
export function levelChanges(before: BookView, after: BookView): LevelChange[] {
  const out: LevelChange[] = [];
  for (const side of ['BUY', 'SELL'] as const) {
    const was = new Map(before[side].map((l) => [l.price.toFixed(), l]));
    const now = new Map(after[side].map((l) => [l.price.toFixed(), l]));
    for (const [key, l] of now) if (!was.get(key)?.size.eq(l.size)) out.push({ side, price: l.price, size: l.size });
    for (const [key, l] of was) if (!now.has(key)) out.push({ side, price: l.price, size: ZERO });
  }
  return out;
}
