/**
 * The signal loop's strategies, built from a market mapping: cross-venue arbitrage on the mapped
 * pairs, same-venue parity on every mapped market, BTC fair value on the mapping's BTC markets.
 * Order matters only for pacing (the scan step processes records in strategy order).
 */
import type { MarketMapping } from '../../venues/sim/world';
import { btcFairValueStrategy, type BtcFairValueParamsInput } from './btc-fair-value';
import { crossVenueStrategy, type CrossVenueParamsInput } from './cross-venue';
import { parityStrategy, type ParityParamsInput } from './parity';
import { bookKey, type MarketRef, type Strategy } from './strategy';

export interface StrategiesParamsInput {
  crossVenue?: CrossVenueParamsInput;
  parity?: ParityParamsInput;
  btcFairValue?: BtcFairValueParamsInput;
}

export function strategiesForMapping(mapping: MarketMapping, params: StrategiesParamsInput = {}): Strategy[] {
  return [crossVenueStrategy(mapping, params.crossVenue), parityStrategy(mapping, params.parity), btcFairValueStrategy(mapping, params.btcFairValue)];
}

/** Every book the strategies read, once each, in first-seen order. */
export function marketsOf(strategies: readonly Strategy[]): MarketRef[] {
  return [...new Map(strategies.flatMap((s) => s.markets).map((m): [string, MarketRef] => [bookKey(m.venue, m.market), m])).values()];
}

/** Every book the default strategies read for a mapping (what the feeds subscribe to). */
export function marketsForMapping(mapping: MarketMapping): MarketRef[] {
  return marketsOf(strategiesForMapping(mapping));
}
