/**
 * Polymarket reconciliation: the ledger against Polymarket's trades (`GET /data/trades` from a
 * stored cursor), orders, USDC and outcome-token balances — a venue part over
 * venues/reconciler-core.ts, which does the comparing, repairing and recording.
 *
 * Polymarket's own parts: there is no client order id at the venue, so a fill finds its ledger
 * order by the order hash, and a ledger order without a venue id yet is looked up by the hash its
 * request deterministically has (adapter.orderIdFor; good-till-date orders sign their expiry, which
 * the ledger row does not keep, so those are found only once the ledger has their hash). Each
 * outcome token is its own market with one holding (shares); the CLOB answers balances per token,
 * so the tokens asked for are the ones the ledger, the last mark and the new fills know.
 */
import type { VenueReconciler } from '../../activities/reconciliation';
import { orderRequestSchema } from '../../domain/order';
import { venueReconciler, type ReconcilerVenuePart } from '../reconciler-core';
import type { PolymarketAdapter } from './adapter';

export type PolymarketReconcilerVenue = Pick<PolymarketAdapter, 'fillsSince' | 'balance' | 'positions' | 'openOrders' | 'orderView' | 'orderIdFor' | 'feeRateBps'>;

export function polymarketReconcilerPart(venue: PolymarketReconcilerVenue): ReconcilerVenuePart {
  return {
    venue: 'polymarket',
    name: 'Polymarket',
    cashAsset: 'USDC',
    fillsSince: (cursor) => venue.fillsSince(cursor),
    balance: () => venue.balance(),
    holdings: (markets) => venue.positions(markets),
    openOrders: () => venue.openOrders(),
    findOrder: async (row) => {
      if (row.venueOrderId) return venue.orderView(row.venueOrderId);
      const request = orderRequestSchema.safeParse({ venue: 'polymarket', market: row.market, action: row.action, price: row.price, quantity: row.quantity, timeInForce: 'GTC', clientOrderId: row.clientOrderId });
      // A row no order could be built from (not on a tick, say) was never sent.
      if (!request.success) return undefined;
      // The hash signs the token's fee rate: read it (cached per adapter) as the submit did, so a
      // fresh process computes the same hash instead of reporting the order missing.
      const feeRate = await venue.feeRateBps(row.market);
      let hash: string;
      try {
        hash = venue.orderIdFor(request.data, feeRate);
      } catch {
        return undefined;
      }
      return venue.orderView(hash);
    },
    outcomes: [undefined],
  };
}

export function polymarketReconciler(venue: PolymarketReconcilerVenue): VenueReconciler {
  return venueReconciler(polymarketReconcilerPart(venue));
}
