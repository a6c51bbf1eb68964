/**
 * The signal loop's bankroll from the ledger: for each venue a cross-venue trade needs, the cash
 * its last balance refresh saw available minus the capital still reserved there by intents in
 * flight, and the lower of the venues (a pair trade is only as big as its poorer side). Unknown
 * (undefined) while a venue has no balance recorded, so the strategy keeps its configured default.
 * Conservative: a filled leg's cost has left the venue's cash and is still reserved until its
 * intent ends, so it counts twice until then.
 */
import { SETTLEMENT_ASSET } from '../domain/capital';
import { dec, decStr, ZERO, type Dec } from '../domain/money';
import { findBalance, type LedgerClient } from '../ledger';

export type BinaryVenue = keyof typeof SETTLEMENT_ASSET;

/** Available cash minus reserved capital on one venue, in its settlement asset; undefined when no balance is recorded. */
export async function freeCash(db: LedgerClient, venue: BinaryVenue): Promise<Dec | undefined> {
  const asset = SETTLEMENT_ASSET[venue];
  const balance = await findBalance(db, venue, asset);
  if (!balance) return undefined;
  const { _sum } = await db.capitalReservation.aggregate({ _sum: { amount: true }, where: { venue, asset, state: 'RESERVED' } });
  const reserved = _sum.amount ? dec(_sum.amount.toFixed()) : ZERO;
  return dec(balance.available).minus(reserved);
}

/** min over `venues` of free cash, never below 0; undefined while any venue's balance is unknown. */
export function ledgerBankroll(db: LedgerClient, venues: readonly BinaryVenue[] = ['kalshi', 'polymarket']): () => Promise<string | undefined> {
  return async () => {
    const free = await Promise.all(venues.map((v) => freeCash(db, v)));
    if (free.length === 0 || free.some((f) => f === undefined)) return undefined;
    const lowest = (free as Dec[]).reduce((a, b) => (b.lt(a) ? b : a));
    return decStr(lowest.lt(ZERO) ? ZERO : lowest);
  };
}
