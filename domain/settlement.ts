/**
 * Settlement arithmetic, exact: what each held leg paid out when its market resolved, what it
 * cost, its fees and realized PnL, and whether the venues resolved the pair consistently.
 * Pure (no clock, no I/O): the intent workflow runs it once every market has resolved.
 */
import { SETTLEMENT_ASSET } from './capital';
import type { Leg } from './intent';
import { dec, decStr, ZERO } from './money';

export interface HeldLeg {
  legId: string;
  venue: 'kalshi' | 'polymarket';
  market: string;
  outcome?: Leg['outcome'];
  action: Leg['action'];
  /** Contracts held to resolution (filled, less what was unwound). */
  quantity: string;
  averagePrice: string;
  fees: string;
}

export interface SettledLeg extends HeldLeg {
  result: string;
  payoutPerContract: string;
  /** What resolution paid (buy) or took (sell) for the held contracts. */
  payout: string;
  /** What the contracts cost (buy) or brought in (sell) when traded. */
  cost: string;
  /** payout − cost − fees for a buy; cost − payout − fees for a sell. */
  realizedPnl: string;
  currency: string;
}

export function settleLeg(leg: HeldLeg, resolution: { result: string; payoutPerContract: string }): SettledLeg {
  const qty = dec(leg.quantity);
  const payout = qty.times(dec(resolution.payoutPerContract));
  const cost = qty.times(dec(leg.averagePrice));
  const gross = leg.action === 'buy' ? payout.minus(cost) : cost.minus(payout);
  return {
    ...leg,
    result: resolution.result,
    payoutPerContract: resolution.payoutPerContract,
    payout: decStr(payout),
    cost: decStr(cost),
    realizedPnl: decStr(gross.minus(dec(leg.fees))),
    currency: SETTLEMENT_ASSET[leg.venue],
  };
}

/**
 * A hedged pair pays the same whatever the event's result: two buys of complementary outcomes pay
 * exactly 1 per pair, a buy and a sell of the same outcome net 0. Venues that resolved the same
 * event differently break that: the net payout per pair is not what the pair's shape implies.
 */
export function divergentResolution(legs: Pick<SettledLeg, 'action' | 'payoutPerContract'>[]): boolean {
  if (legs.length !== 2) return false;
  const net = legs.reduce((n, l) => (l.action === 'buy' ? n.plus(dec(l.payoutPerContract)) : n.minus(dec(l.payoutPerContract))), ZERO);
  const expected = legs.filter((l) => l.action === 'buy').length - 1;
  return !net.eq(expected);
}

export function totalRealizedPnl(legs: Pick<SettledLeg, 'realizedPnl'>[]): string {
  return decStr(legs.reduce((t, l) => t.plus(dec(l.realizedPnl)), ZERO));
}

/**
 * The realized PnL of unwinding part of leg A: the round trip at the two average prices, less the
 * unwind's fees and leg A's fees for the unwound share (a buy sold back lower loses the difference).
 */
export function unwindPnl(opts: { legAAction: Leg['action']; legAAverage: string; legAFilled: string; legAFees: string; unwound: string; unwindAverage: string; unwindFees: string }): string {
  const qty = dec(opts.unwound);
  const perContract = opts.legAAction === 'buy' ? dec(opts.unwindAverage).minus(dec(opts.legAAverage)) : dec(opts.legAAverage).minus(dec(opts.unwindAverage));
  const legAFeesShare = dec(opts.legAFilled).isZero() ? ZERO : dec(opts.legAFees).times(qty).div(dec(opts.legAFilled));
  return decStr(perContract.times(qty).minus(dec(opts.unwindFees)).minus(legAFeesShare));
}
