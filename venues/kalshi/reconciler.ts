/**
 * Kalshi reconciliation: the ledger against Kalshi's fills (`GET /portfolio/fills` from a stored
 * cursor), orders, cash and positions — a venue part over venues/reconciler-core.ts, which does
 * the comparing, repairing and recording (see there for the differences and their severities).
 *
 * Kalshi's own parts: orders carry our client order id (looked up by it when the ledger has no
 * venue id yet); cash is USD; a market's position is one signed number (+ YES, − NO contracts),
 * recorded as a YES and a NO row.
 */
import type { VenueReconciler } from '../../activities/reconciliation';
import { dec, type Dec } from '../../domain/money';
import type { Fill } from '../../domain/order';
import { venueReconciler, type ReconcilerVenuePart } from '../reconciler-core';
import type { KalshiAdapter } from './adapter';

export type KalshiReconcilerVenue = Pick<KalshiAdapter, 'fillsSince' | 'balance' | 'positions' | 'openOrders' | 'orderView' | 'orderViewByClientOrderId'>;

/** Kalshi's signed position (+ YES, − NO contracts) a fill moves. */
function positionEffect(f: Fill): { market: string; delta: Dec } {
  const towardYes = (f.outcome === 'yes') === (f.action === 'buy');
  return { market: f.market, delta: towardYes ? dec(f.quantity) : dec(f.quantity).neg() };
}

export function kalshiReconcilerPart(venue: KalshiReconcilerVenue): ReconcilerVenuePart {
  return {
    venue: 'kalshi',
    name: 'Kalshi',
    cashAsset: 'USD',
    fillsSince: (cursor) => venue.fillsSince(cursor),
    balance: () => venue.balance(),
    // Kalshi lists every position: the markets the ledger knows are not needed.
    holdings: () => venue.positions(),
    openOrders: () => venue.openOrders(),
    findOrder: (row) => (row.venueOrderId ? venue.orderView(row.venueOrderId) : venue.orderViewByClientOrderId(row.market, row.clientOrderId)),
    outcomes: ['yes', 'no'],
    signedHolding: (h) => (h.outcome === 'no' ? dec(h.quantity).neg() : dec(h.quantity)),
    positionEffect,
    positionNote: '(+ YES, − NO)',
  };
}

export function kalshiReconciler(venue: KalshiReconcilerVenue): VenueReconciler {
  return venueReconciler(kalshiReconcilerPart(venue));
}
