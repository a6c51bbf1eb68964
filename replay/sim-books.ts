/**
 * Sets a simulator market's book to a recorded book, through each venue simulator's admin API (the
 * way the market world moves books), so a replay's orders fill against the recorded liquidity in the
 * simulator's own matching engine.
 *
 * Our replay orders are immediate-or-cancel, so nothing of ours ever rests: every level in the
 * simulator is other traders' and can be set exactly.
 *   - Kalshi (`POST /_sim/liquidity {ticker, side, price, count}`, a change in contracts at a level
 *     of YES bids or NO bids): the current book is read with the adapter, the difference per level
 *     is sent, withdrawals first so no added bid ever crosses a level about to go.
 *   - Polymarket (`POST /_sim/liquidity {token_id, side, price, size}`, an absolute size): levels
 *     absent from the target are removed first (a level that would cross is refused), then the
 *     differing ones are set.
 *   - Coinbase (`POST /_sim/liquidity {product_id, bids, asks}`): one whole-book replace.
 * A recorded level Kalshi's simulator cannot hold (not a whole cent, or a fractional count, rounded
 * down) is left out and counted in `unsettable`.
 */
import { dec, decStr } from '../domain/money';
import { priceToKalshiCents } from '../domain/units';
import type { Venue } from '../domain/venue';
import type { PaperAdapters } from '../venues/execution';
import type { SimulatorDescription } from '../venues/sim';
import type { Levels } from './replay-books';

export interface SyncResult {
  /** Admin calls made. */
  changes: number;
  /** Recorded levels the simulator cannot hold (Kalshi: not a whole cent). */
  unsettable: number;
}

async function postAdmin(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  // Only the status matters: the answer's body is not used.
  const text = await res.text();
  if (!res.ok) throw new Error(`simulator admin ${url} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
}

/** Kalshi's native sides: YES bids at p, and a YES ask at p as a NO bid at 100 − p (cents → whole contracts). */
function kalshiSides(book: Levels, counted: { unsettable: number }): Map<string, number> {
  const out = new Map<string, number>();
  const add = (side: 'yes' | 'no', cents: number, size: string) => {
    const count = dec(size).floor().toNumber();
    if (count > 0) out.set(`${side}:${cents}`, (out.get(`${side}:${cents}`) ?? 0) + count);
  };
  for (const [side, levels] of [['bid', book.bids], ['ask', book.asks]] as const) {
    for (const [price, size] of levels) {
      let cents: number;
      try {
        cents = priceToKalshiCents(price);
      } catch {
        counted.unsettable += 1;
        continue;
      }
      if (side === 'bid') add('yes', cents, size);
      else add('no', 100 - cents, size);
    }
  }
  return out;
}

async function syncKalshi(adminUrl: string, adapters: PaperAdapters, ticker: string, target: Levels): Promise<SyncResult> {
  const result = { changes: 0, unsettable: 0 };
  const want = kalshiSides(target, result);
  const have = kalshiSides(await adapters.kalshi.orderBook(ticker), { unsettable: 0 });
  const deltas = [...new Set([...want.keys(), ...have.keys()])]
    .map((k) => ({ k, delta: (want.get(k) ?? 0) - (have.get(k) ?? 0) }))
    .filter((d) => d.delta !== 0)
    // Withdrawals first, then additions; within each, a fixed order so every replay sends the same calls.
    .sort((a, b) => Number(a.delta > 0) - Number(b.delta > 0) || a.k.localeCompare(b.k));
  for (const { k, delta } of deltas) {
    const [side, cents] = k.split(':') as ['yes' | 'no', string];
    await postAdmin(`${adminUrl}/liquidity`, { ticker, side, price: Number(cents), count: delta });
    result.changes += 1;
  }
  return result;
}

async function syncPolymarket(adminUrl: string, adapters: PaperAdapters, token: string, target: Levels): Promise<SyncResult> {
  const result = { changes: 0, unsettable: 0 };
  const current = await adapters.polymarket.orderBook(token);
  const sized = (levels: [string, string][]) => new Map(levels.map(([p, s]) => [decStr(dec(p)), decStr(dec(s))]));
  for (const [side, key] of [['BUY', 'bids'], ['SELL', 'asks']] as const) {
    const want = sized(target[key]);
    for (const [price] of current[key]) {
      if (want.has(decStr(dec(price)))) continue;
      await postAdmin(`${adminUrl}/liquidity`, { token_id: token, side, price, size: '0' });
      result.changes += 1;
    }
  }
  for (const [side, key] of [['BUY', 'bids'], ['SELL', 'asks']] as const) {
    const have = sized(current[key]);
    for (const [price, size] of sized(target[key])) {
      if (have.get(price) === size) continue;
      await postAdmin(`${adminUrl}/liquidity`, { token_id: token, side, price, size });
      result.changes += 1;
    }
  }
  return result;
}

/** Makes the simulator's book of one market the recorded one. */
export async function syncSimulatorBook(sim: SimulatorDescription, adapters: PaperAdapters, venue: Venue, market: string, target: Levels): Promise<SyncResult> {
  if (venue === 'kalshi') return syncKalshi(sim.kalshi.adminUrl, adapters, market, target);
  if (venue === 'polymarket') return syncPolymarket(sim.polymarket.adminUrl, adapters, market, target);
  await postAdmin(`${sim.coinbase.adminUrl}/liquidity`, { product_id: market, bids: target.bids, asks: target.asks });
  return { changes: 1, unsettable: 0 };
}
