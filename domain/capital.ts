/**
 * Capital an intent's legs tie up while they trade, reserved before leg A and released on every
 * terminal path. Exact: price × quantity in the venue's settlement asset.
 * - Binary contracts (Kalshi USD, Polymarket USDC): buying at p costs p per contract; selling at p
 *   ties up the complement, (1 − p) per contract, the most the position can lose.
 * - Spot (Coinbase "BASE-QUOTE"): a buy ties up price × quantity of the quote asset, a sell the
 *   quantity of the base asset.
 * Fees are added on top once the cost model (issue 6) estimates them per leg.
 */
import type { Leg } from './intent';
import { dec, decStr, ONE } from './money';

export interface CapitalNeed {
  legId: Leg['legId'];
  venue: Leg['venue'];
  asset: string;
  amount: string;
}

/** The currency a binary venue settles in (and charges and pays in). */
export const SETTLEMENT_ASSET = { kalshi: 'USD', polymarket: 'USDC' } as const;

export function legCapital(leg: Leg): CapitalNeed {
  const price = dec(leg.limitPrice);
  const quantity = dec(leg.quantity);
  if (leg.venue === 'coinbase') {
    const [base, quote] = leg.market.split('-');
    if (!base || !quote) throw new Error(`coinbase product ${JSON.stringify(leg.market)} is not BASE-QUOTE`);
    return leg.action === 'buy'
      ? { legId: leg.legId, venue: leg.venue, asset: quote, amount: decStr(price.times(quantity)) }
      : { legId: leg.legId, venue: leg.venue, asset: base, amount: decStr(quantity) };
  }
  const perContract = leg.action === 'buy' ? price : ONE.minus(price);
  return { legId: leg.legId, venue: leg.venue, asset: SETTLEMENT_ASSET[leg.venue], amount: decStr(perContract.times(quantity)) };
}
