/**
 * Other traders taking liquidity in the Coinbase simulator (admin `POST /_sim/trade`): an
 * immediate-or-cancel order by someone else that trades with the resting side it crosses, best
 * price first. At one price, other traders' quotes trade first (they are treated as older than any
 * order of ours), then our resting orders in time priority; ours fill as makers (maker fee).
 * Our own incoming orders never trade with our resting ones (Coinbase's self-trade prevention):
 * they only take other traders' quotes (`execute` in server.ts).
 */
import { z } from 'zod';
import { dec, decStr, positiveDecimalString, ZERO, type Dec } from '../../../domain/money';
import { bookFill, leavesOf, type CoinbaseSimCore } from './core';

export const externalTradeSchema = z.object({
  product_id: z.string().min(1),
  side: z.enum(['BUY', 'SELL']),
  size: positiveDecimalString,
  price: positiveDecimalString,
});
export type ExternalTrade = z.infer<typeof externalTradeSchema>;

/** Runs another trader's IOC order; returns how much traded, and how much of it was ours. */
export function runExternalTrade(core: CoinbaseSimCore, t: ExternalTrade): { traded: string; oursTraded: string } | undefined {
  const book = core.books.get(t.product_id);
  if (!book) return undefined;
  const limit = dec(t.price);
  const buying = t.side === 'BUY';
  const crosses = (p: Dec) => (buying ? p.lte(limit) : p.gte(limit));
  const others = buying ? book.asks : book.bids;
  const ours = core.resting.restingOn(t.product_id, buying ? 'SELL' : 'BUY');
  const prices = [...new Set([...others.map((l) => l.price.toFixed()), ...ours.map((o) => dec(o.limit_price).toFixed())])]
    .map((p) => dec(p))
    .filter(crosses)
    .sort((a, b) => (buying ? a.comparedTo(b) : b.comparedTo(a)));
  let remaining = dec(t.size);
  let oursTraded = ZERO;
  const at = new Date().toISOString();
  for (const price of prices) {
    if (remaining.isZero()) break;
    const level = others.find((l) => l.price.eq(price));
    if (level && level.size.gt(0)) {
      const n = level.size.lt(remaining) ? level.size : remaining;
      level.size = level.size.minus(n);
      remaining = remaining.minus(n);
      core.emitLevel(t.product_id, buying ? 'offer' : 'bid', price, level.size);
    }
    for (const order of ours.filter((o) => dec(o.limit_price).eq(price))) {
      if (remaining.isZero()) break;
      const leaves = leavesOf(order);
      const n = leaves.lt(remaining) ? leaves : remaining;
      bookFill(core, order, n, price, 'MAKER', at);
      if (leavesOf(order).isZero()) order.status = 'FILLED';
      remaining = remaining.minus(n);
      oursTraded = oursTraded.plus(n);
      core.orderChanged(order);
    }
  }
  book[buying ? 'asks' : 'bids'] = others.filter((l) => l.size.gt(0));
  return { traded: decStr(dec(t.size).minus(remaining)), oursTraded: decStr(oursTraded) };
}
