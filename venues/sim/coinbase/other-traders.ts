/**
 * Other traders in the Coinbase simulator, through its admin API. They share one price-time book per
 * product with our resting orders (../matching.ts), so whatever they do to a price our orders rest
 * at follows the queue there:
 *
 * - `POST /_sim/trade {product_id, side, size, price}`: someone else's immediate-or-cancel order. It
 *   takes the resting side it crosses best price first, first in first within a price, other
 *   traders' quotes and our orders alike; ours fill as makers (maker fee). Answers `{traded,
 *   oursTraded}`.
 * - `POST /_sim/liquidity {product_id, bids, asks}` (the market world's BTC walk): other traders'
 *   quotes become the levels given (`[price, size]` decimal strings), every other level of theirs
 *   goes; our resting orders stay where they are. Less size at a level is withdrawn newest first;
 *   more is a limit order of theirs: it first trades with our resting orders it reaches (best price,
 *   then time; as makers we pay the maker fee), then rests at the back of its level, behind ours.
 *   A crossed request (a bid at or above an ask) is refused (400, book unchanged). A whole-book
 *   replace lets the world move the book anywhere without knowing the levels it started with.
 */
import { z } from 'zod';
import { dec, decStr, positiveDecimalString, ZERO, type Dec } from '../../../domain/money';
import type { BookSide } from '../matching';
import { bookMakerFills, type CoinbaseSimCore } from './core';

export const externalTradeSchema = z.object({
  product_id: z.string().min(1),
  side: z.enum(['BUY', 'SELL']),
  size: positiveDecimalString,
  price: positiveDecimalString,
});
export type ExternalTrade = z.infer<typeof externalTradeSchema>;

const quoteLevels = z
  .array(z.tuple([positiveDecimalString, positiveDecimalString]))
  .max(200)
  .refine((levels) => new Set(levels.map(([p]) => dec(p).toFixed())).size === levels.length, 'must not repeat a price');
export const liquiditySchema = z
  .object({ product_id: z.string().min(1), bids: quoteLevels, asks: quoteLevels })
  .refine(({ bids, asks }) => bids.every(([b]) => asks.every(([a]) => dec(b).lt(dec(a)))), { message: 'every bid must be below every ask', path: ['bids'] });
export type Liquidity = z.infer<typeof liquiditySchema>;

/** Runs another trader's IOC order; returns how much traded, and how much of it was ours (undefined: no such product). */
export function runExternalTrade(core: CoinbaseSimCore, t: ExternalTrade): { traded: string; oursTraded: string } | undefined {
  const book = core.books.get(t.product_id);
  if (!book) return undefined;
  const before = book.levels();
  const taken = book.match({ side: t.side, limitPrice: dec(t.price), size: dec(t.size) });
  const ours = bookMakerFills(core, taken.fills);
  core.publishChanges(t.product_id, before);
  return { traded: decStr(taken.filled), oursTraded: decStr(ours) };
}

/** Sets other traders' quotes on a product (see the module comment); how much of ours traded (undefined: no such product). */
export function replaceLiquidity(core: CoinbaseSimCore, l: Liquidity): { traded: Dec } | undefined {
  const book = core.books.get(l.product_id);
  if (!book) return undefined;
  const before = book.levels();
  const wanted: Record<BookSide, Map<string, { price: Dec; size: Dec }>> = {
    BUY: new Map(l.bids.map(([p, s]) => [dec(p).toFixed(), { price: dec(p), size: dec(s) }])),
    SELL: new Map(l.asks.map(([p, s]) => [dec(p).toFixed(), { price: dec(p), size: dec(s) }])),
  };
  // Withdrawals first, on both sides: what stays of theirs is then within the (uncrossed) target,
  // so no new level of theirs can meet an old one of theirs on the other side.
  for (const side of ['BUY', 'SELL'] as const) {
    for (const level of before[side]) {
      const theirs = book.othersAt(side, level.price);
      const want = wanted[side].get(level.price.toFixed())?.size ?? ZERO;
      if (theirs.gt(want)) book.withdrawOthers(side, level.price, theirs.minus(want));
    }
  }
  // Then additions, best price first on each side: each trades with our orders it reaches, then rests.
  let traded = ZERO;
  for (const side of ['BUY', 'SELL'] as const) {
    const levels = [...wanted[side].values()].sort((a, b) => (side === 'BUY' ? b.price.comparedTo(a.price) : a.price.comparedTo(b.price)));
    for (const { price, size } of levels) {
      const more = size.minus(book.othersAt(side, price));
      if (!more.gt(ZERO)) continue;
      const taken = book.match({ side, limitPrice: price, size: more }, (e) => e.owner === 'us');
      traded = traded.plus(bookMakerFills(core, taken.fills));
      if (taken.remaining.gt(ZERO)) book.addOthers(side, price, taken.remaining);
    }
  }
  core.publishChanges(l.product_id, before);
  return { traded };
}
