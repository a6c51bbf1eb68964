/**
 * Coinbase reconciliation: the ledger against Coinbase's fills (`GET /orders/historical/fills` from
 * a stored cursor), orders, cash and holdings — a venue part over venues/reconciler-core.ts, which
 * does the comparing, repairing and recording (see there for the differences and their severities).
 *
 * Coinbase's own parts:
 * - Fills name the venue's order id only (no client order id): the core finds the ledger's order
 *   by it, so a fill of an order whose submit never reported back an id is `unknown_order_fill`
 *   until the ledger learns the id.
 * - Cash is the USD account's total (available + hold): an open order moves money from available
 *   to hold, which is not drift; only fills and transfers change the total.
 * - Holdings are the other currencies' totals, recorded per currency (market "BTC"); a fill of
 *   "BTC-USD" moves "BTC" by its size (+ buy, − sell) and USD by its notional and fee.
 * - A product quoted in another currency than the cash asset moves that currency, which this part
 *   does not explain: it shows up as position drift on that currency (Legwork trades USD products).
 */
import type { VenueReconciler } from '../../activities/reconciliation';
import { dec, decStr, ZERO, type Dec } from '../../domain/money';
import type { Fill } from '../../domain/order';
import { defaultCashEffect, venueReconciler, type ReconcilerVenuePart } from '../reconciler-core';
import type { CoinbaseAdapter } from './adapter';

export type CoinbaseReconcilerVenue = Pick<CoinbaseAdapter, 'fillsSince' | 'balances' | 'openOrders' | 'orderView' | 'orderViewByClientOrderId'>;

const CASH = 'USD';

/** "BTC-USD" → ["BTC", "USD"]. */
function currenciesOf(product: string): [string, string] {
  const [base, quote] = product.split('-');
  if (!base || !quote) throw new Error(`not a Coinbase product id: ${product}`);
  return [base, quote];
}

function positionEffect(f: Fill): { market: string; delta: Dec } {
  const [base] = currenciesOf(f.market);
  return { market: base, delta: f.action === 'buy' ? dec(f.quantity) : dec(f.quantity).neg() };
}

export function coinbaseReconcilerPart(venue: CoinbaseReconcilerVenue): ReconcilerVenuePart {
  const totals = async () => (await venue.balances()).map((b) => ({ asset: b.asset, total: dec(b.available).plus(dec(b.hold)) }));
  return {
    venue: 'coinbase',
    name: 'Coinbase',
    cashAsset: CASH,
    fillsSince: (cursor) => venue.fillsSince(cursor),
    balance: async () => decStr((await totals()).find((b) => b.asset === CASH)?.total ?? ZERO),
    // Coinbase lists every account: the markets the ledger knows are not needed.
    holdings: async () => (await totals()).filter((b) => b.asset !== CASH).map((b) => ({ market: b.asset, quantity: decStr(b.total) })),
    openOrders: () => venue.openOrders(),
    findOrder: (row) => (row.venueOrderId ? venue.orderView(row.venueOrderId) : venue.orderViewByClientOrderId(row.market, row.clientOrderId)),
    outcomes: [undefined],
    positionEffect,
    cashEffect: (f) => (currenciesOf(f.market)[1] === CASH ? defaultCashEffect(f) : ZERO),
    positionNote: '(the currency’s total, available + on hold)',
  };
}

export function coinbaseReconciler(venue: CoinbaseReconcilerVenue): VenueReconciler {
  return venueReconciler(coinbaseReconcilerPart(venue));
}
