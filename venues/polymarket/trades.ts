/**
 * Polymarket trades → our fills, one mapping for both places trades arrive: `GET /data/trades`
 * (REST, for reconciliation) and the user channel's `trade` events (for the router). A trade is one
 * taker order against one or more maker orders; ours is the taker when the trade's `owner` is our
 * API key, and a maker for each `maker_orders` entry whose `owner` is our key. There is no client
 * order id on Polymarket: a fill names our order by its hash (`venueOrderId`).
 *
 * Fill ids: the trade id when we took, `<trade id>/<order hash>` when we made (one trade can fill
 * several of our resting orders), the same on both paths so the ledger de-duplicates them.
 * Fees: takers pay `polymarketFee` at the trade's `fee_rate_bps` (exponent 1; 0 on the fee-free
 * markets the simulator lists), makers pay nothing.
 */
import { z } from 'zod';
import { dec, decimalString, decStr } from '../../domain/money';
import { polymarketFee } from '../../domain/fees';
import { fillSchema, type Fill } from '../../domain/order';
import { parseOrThrow } from '../../domain/validation';

const side = z.enum(['BUY', 'SELL']);
const unixSeconds = z.string().regex(/^\d+$/, 'must be unix seconds');

export const makerOrderSchema = z.object({
  order_id: z.string().min(1),
  owner: z.string(),
  matched_amount: decimalString,
  price: decimalString,
  asset_id: z.string().min(1).optional(),
  /** Not on every message: a maker order on the taker's own token is on the other side. */
  side: side.optional(),
  fee_rate_bps: z.string().optional(),
});

/** The fields both shapes share (REST `Trade`, user-channel `trade`). */
export const tradeCoreSchema = z.object({
  id: z.string().min(1),
  taker_order_id: z.string().min(1),
  asset_id: z.string().min(1),
  side,
  size: decimalString,
  price: decimalString,
  status: z.string(),
  owner: z.string(),
  fee_rate_bps: z.string().regex(/^\d+$/).optional(),
  maker_orders: z.array(makerOrderSchema).default([]),
});
export type PolymarketTradeCore = z.infer<typeof tradeCoreSchema>;

/** `GET /data/trades` rows (clob-client's `Trade`). */
export const restTradeSchema = tradeCoreSchema.extend({ market: z.string(), match_time: unixSeconds, trader_side: z.enum(['TAKER', 'MAKER']).optional() });

const iso = (seconds: string) => new Date(Number(seconds) * 1000).toISOString();

/** Our fills in one trade (none when the trade is not ours), validated into our Fill model. */
export function ourFills(trade: PolymarketTradeCore, matchTimeSeconds: string, ownApiKey: string): Fill[] {
  const fills: Fill[] = [];
  const at = iso(matchTimeSeconds);
  const feeRate = decStr(dec(trade.fee_rate_bps ?? '0').div(10_000));
  const fill = (f: Omit<Fill, 'venue' | 'at'>) => fills.push(parseOrThrow(fillSchema, `Polymarket trade ${trade.id}`, { venue: 'polymarket', at, ...f }));
  if (trade.owner === ownApiKey) {
    fill({
      venueTradeId: trade.id,
      venueOrderId: trade.taker_order_id,
      market: trade.asset_id,
      action: trade.side === 'BUY' ? 'buy' : 'sell',
      price: decStr(dec(trade.price)),
      quantity: decStr(dec(trade.size)),
      fee: polymarketFee({ shares: trade.size, price: trade.price, liquidity: 'taker', feeRate }),
      liquidity: 'taker',
    });
  }
  for (const m of trade.maker_orders) {
    if (m.owner !== ownApiKey) continue;
    const makerSide = m.side ?? (trade.side === 'BUY' ? 'SELL' : 'BUY');
    fill({
      venueTradeId: `${trade.id}/${m.order_id}`,
      venueOrderId: m.order_id,
      market: m.asset_id ?? trade.asset_id,
      action: makerSide === 'BUY' ? 'buy' : 'sell',
      price: decStr(dec(m.price)),
      quantity: decStr(dec(m.matched_amount)),
      fee: '0',
      liquidity: 'maker',
    });
  }
  return fills;
}
