/** Fixed inputs the strategy unit tests share: the scan instant, one mapped pair, book snapshots. */
import type { BookSnapshot } from '../../domain/quote-firewall';
import type { MappingPair } from '../../domain/strategies/cross-venue';
import type { StrategyContext } from '../../domain/strategies/strategy';

export const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z
export const DAY = 86_400_000;

/** Book levels as [price, size]. */
export type Levels = [string, string][];

/** A book as the loop hands it to a strategy; 100 ms old unless told. */
export const book = (venue: BookSnapshot['venue'], market: string, bids: Levels, asks: Levels, receivedAtMs = NOW - 100): BookSnapshot => ({ venue, market, bids, asks, receivedAtMs });

/** A high-confidence Kalshi/Polymarket pair resolving ten days after NOW. */
export const FEDCUT42: MappingPair = {
  id: 'FEDCUT42',
  title: 'Fed cuts in December',
  confidence: 'high',
  kalshi: { ticker: 'LWSIM-FEDCUT42-YES' },
  polymarket: { yesTokenId: '1111111111111111111', noTokenId: '2222222222222222222' },
  resolvesAt: NOW + 10 * DAY,
};

/** A scan at NOW, every epoch 0, no loop overrides. */
export const strategyCtx = (over: Partial<StrategyContext> = {}): StrategyContext => ({ nowMs: NOW, epochOf: () => 0, params: {}, ...over });
