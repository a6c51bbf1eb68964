/**
 * Kalshi reconciliation: the ledger against Kalshi's fills, orders, cash and positions.
 *
 * Per run: (a) every fill after the stored cursor — one the ledger lacks is imported when its
 * order is ours (`missed_fill`, repaired) and escalated when it is not (`unknown_order_fill`,
 * high; carried to later runs until the ledger has it, so the governor keeps the finding);
 * (b) every ledger order not terminal against the venue's view, the ledger moved forward when the
 * venue is ahead (`order_state_lag`, repaired); (c) cash and positions against what the ledger
 * recorded last time plus what the fills since then explain (`balance_drift`/`position_drift`,
 * high), then the new cursor, balance and positions are recorded together (ledger/venue-marks).
 * Exact throughout (decimal strings); a second run with nothing new reports nothing new.
 */
import type { VenueReconciler } from '../../activities/reconciliation';
import { dec, decStr, sumDec, type Dec } from '../../domain/money';
import { fillSchema, TERMINAL_ORDER_STATES, type Fill, type OrderState } from '../../domain/order';
import { fillId, findBalance, fromDb, latestVenueMark, positionsForVenue, recordFill, recordVenueMark, upsertOrder, type DifferenceRecord, type LedgerClient, type PositionSnapshot } from '../../ledger';
import type { KalshiAdapter, KalshiOrderView } from './adapter';

const VENUE = 'kalshi';
const ASSET = 'USD';
/** How often the read of cash and positions is retried while fills keep arriving around it. */
const SNAPSHOT_ATTEMPTS = 5;

export type KalshiReconcilerVenue = Pick<KalshiAdapter, 'fillsSince' | 'balance' | 'positions' | 'openOrders' | 'orderView' | 'orderViewByClientOrderId'>;

/** A fill no ledger order owns, kept in the mark until the ledger has it. */
interface Standing {
  fill: Fill;
  firstSeenMark: number;
}

const RANK: Record<OrderState, number> = { unknown: -1, pending: 0, open: 1, partially_filled: 2, filled: 3, cancelled: 3, rejected: 3, expired: 3 };

/** Cash a fill moved: a buy pays price × quantity plus the fee, a sell receives it less the fee. */
function cashEffect(f: Fill): Dec {
  const gross = dec(f.price).times(dec(f.quantity));
  return f.action === 'buy' ? gross.plus(dec(f.fee)).neg() : gross.minus(dec(f.fee));
}

/** Kalshi's signed position (+ YES, − NO contracts) a fill moves. */
function positionEffect(f: Fill): Dec {
  const towardYes = (f.outcome === 'yes') === (f.action === 'buy');
  return towardYes ? dec(f.quantity) : dec(f.quantity).neg();
}

function signedPositions(rows: { market: string; outcome?: string; quantity: string }[]): Map<string, Dec> {
  const out = new Map<string, Dec>();
  for (const r of rows) {
    const q = r.outcome === 'no' ? dec(r.quantity).neg() : dec(r.quantity);
    out.set(r.market, (out.get(r.market) ?? dec('0')).plus(q));
  }
  return out;
}

/** Difference ids end in a key the activity turns into a stable finding id: no ':' inside it. */
const key = (s: string) => s.replace(/:/g, '.');

export function kalshiReconciler(venue: KalshiReconcilerVenue): VenueReconciler {
  return { venue: VENUE, reconcile: (db) => reconcile(db, venue) };
}

async function reconcile(db: LedgerClient, venue: KalshiReconcilerVenue): Promise<DifferenceRecord[]> {
  const mark = await latestVenueMark(db, VENUE);
  const seq = (mark?.seq ?? 0) + 1;
  const differences: DifferenceRecord[] = [];
  const diff = (kind: string, k: string, severity: DifferenceRecord['severity'], repaired: boolean, details: Record<string, unknown>) =>
    differences.push({ id: `${VENUE}:${seq}:${kind}:${key(k)}`, venue: VENUE, kind, severity, details, repaired });

  // A consistent snapshot: cash and positions read between two fill reads that agree (no fill in
  // between), so the fills read explain exactly the change since the last mark.
  const read = await venue.fillsSince(mark?.cursor);
  const fills = [...read.fills];
  let cursor = read.cursor;
  let snapshot: { balance: string; positions: Awaited<ReturnType<KalshiReconcilerVenue['positions']>> } | undefined;
  for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS && !snapshot; attempt++) {
    const [balance, positions] = await Promise.all([venue.balance(), venue.positions()]);
    const more = await venue.fillsSince(cursor);
    cursor = more.cursor;
    if (more.fills.length === 0) snapshot = { balance, positions };
    else fills.push(...more.fills);
  }
  if (!snapshot) throw new Error(`kalshi: fills kept arriving across ${SNAPSHOT_ATTEMPTS} reads of cash and positions; the activity retries`);

  // (a) Fills: the ones carried from earlier runs first, then the new ones.
  const carried = ((mark?.carry.standing ?? []) as Standing[]).map((s) => ({ fill: fillSchema.parse(s.fill), firstSeenMark: s.firstSeenMark }));
  const standing: Standing[] = [];
  const seen = new Set<string>();
  for (const { fill, firstSeenMark } of [...carried, ...fills.map((fill) => ({ fill, firstSeenMark: seq }))]) {
    if (seen.has(fill.venueTradeId)) continue;
    seen.add(fill.venueTradeId);
    if (await db.fill.findUnique({ where: { id: fillId(VENUE, fill.venueTradeId) }, select: { id: true } })) continue;
    const owner = await db.venueOrder.findFirst({
      where: { venue: VENUE, OR: [...(fill.clientOrderId ? [{ clientOrderId: fill.clientOrderId }] : []), { venueOrderId: fill.venueOrderId }] },
      select: { clientOrderId: true, intentId: true },
    });
    const details = { tradeId: fill.venueTradeId, venueOrderId: fill.venueOrderId, clientOrderId: fill.clientOrderId ?? null, market: fill.market, outcome: fill.outcome, action: fill.action, price: fill.price, quantity: fill.quantity, fee: fill.fee, at: fill.at };
    if (!owner) {
      standing.push({ fill, firstSeenMark });
      diff('unknown_order_fill', fill.venueTradeId, 'high', false, {
        ...details,
        firstSeenMark,
        why: `Kalshi reports fill ${fill.venueTradeId} (${fill.action} ${fill.quantity} ${fill.outcome} ${fill.market} at ${fill.price}) of order ${fill.venueOrderId}, which the ledger does not know: an order Legwork never placed`,
      });
      continue;
    }
    const { created } = await recordFill(db, { ...fill, clientOrderId: owner.clientOrderId, ...(owner.intentId ? { intentId: owner.intentId } : {}) });
    if (created) diff('missed_fill', fill.venueTradeId, 'low', true, { ...details, clientOrderId: owner.clientOrderId, ledgerIntentId: owner.intentId });
  }

  // (b) Orders the ledger holds open: moved forward when the venue is ahead (upsertOrder never moves back).
  const open = await db.venueOrder.findMany({ where: { venue: VENUE, state: { notIn: [...TERMINAL_ORDER_STATES] } } });
  const resting = await venue.openOrders();
  for (const row of open) {
    const view: KalshiOrderView | undefined =
      resting.find((o) => o.clientOrderId === row.clientOrderId || (row.venueOrderId !== null && o.venueOrderId === row.venueOrderId)) ??
      (row.venueOrderId ? await venue.orderView(row.venueOrderId) : await venue.orderViewByClientOrderId(row.market, row.clientOrderId));
    const ledgerFilled = fromDb(row.filledQuantity);
    const base = { clientOrderId: row.clientOrderId, ledgerIntentId: row.intentId, ledgerState: row.state, ledgerFilled };
    if (!view) {
      // A submit may still be in flight in its workflow: worth a look, not a halt.
      diff('order_not_at_venue', row.clientOrderId, 'medium', false, { ...base, why: `the ledger holds order ${row.clientOrderId} as ${row.state}; Kalshi has no such order` });
      continue;
    }
    const venueFilled = dec(view.filledQuantity);
    if (venueFilled.lt(dec(ledgerFilled))) {
      diff('order_fill_conflict', row.clientOrderId, 'high', false, {
        ...base,
        venueState: view.state,
        venueFilled: view.filledQuantity,
        why: `the ledger counts ${ledgerFilled} filled on order ${row.clientOrderId}; Kalshi reports ${view.filledQuantity}`,
      });
      continue;
    }
    if (!venueFilled.gt(dec(ledgerFilled)) && RANK[view.state] <= RANK[row.state as OrderState]) continue;
    const after = await upsertOrder(db, {
      clientOrderId: row.clientOrderId,
      venue: VENUE,
      venueOrderId: view.venueOrderId,
      market: row.market,
      ...(row.outcome ? { outcome: row.outcome } : {}),
      action: row.action,
      price: fromDb(row.price),
      quantity: fromDb(row.quantity),
      filledQuantity: view.filledQuantity,
      state: view.state,
    });
    if (after.state !== row.state || after.filledQuantity !== ledgerFilled) {
      diff('order_state_lag', row.clientOrderId, 'low', true, { ...base, venueState: view.state, venueFilled: view.filledQuantity, ledgerStateNow: after.state, ledgerFilledNow: after.filledQuantity });
    }
  }

  // (c) Cash and positions: last recorded + what the fills since then explain, against the venue.
  const lastBalance = await findBalance(db, VENUE, ASSET);
  const recorded = await positionsForVenue(db, VENUE);
  if (mark && lastBalance) {
    const explained = sumDec(fills.map(cashEffect));
    const expected = dec(lastBalance.available).plus(explained);
    const drift = dec(snapshot.balance).minus(expected);
    if (!drift.isZero()) {
      diff('balance_drift', `${VENUE}-${ASSET}`, 'high', false, {
        asset: ASSET,
        ledgerBalance: lastBalance.available,
        explainedByFills: decStr(explained),
        expected: decStr(expected),
        venueBalance: snapshot.balance,
        drift: decStr(drift),
        why: `Kalshi cash is ${snapshot.balance} USD; the ledger's ${lastBalance.available} and ${fills.length} fill(s) since explain ${decStr(expected)} (unexplained ${decStr(drift)})`,
      });
    }
    const before = signedPositions(recorded);
    for (const f of fills) before.set(f.market, (before.get(f.market) ?? dec('0')).plus(positionEffect(f)));
    const now = signedPositions(snapshot.positions);
    for (const market of new Set([...before.keys(), ...now.keys()])) {
      const exp = before.get(market) ?? dec('0');
      const got = now.get(market) ?? dec('0');
      if (exp.eq(got)) continue;
      diff('position_drift', `${VENUE}-${market}`, 'high', false, {
        market,
        expected: decStr(exp),
        venuePosition: decStr(got),
        why: `Kalshi holds ${decStr(got)} in ${market} (+ YES, − NO); the ledger and the fills since explain ${decStr(exp)}`,
      });
    }
  }

  // The full positions snapshot: markets the venue no longer lists are recorded as zero.
  const positions: PositionSnapshot[] = [];
  for (const market of new Set([...recorded.map((p) => p.market), ...snapshot.positions.map((p) => p.market)])) {
    for (const outcome of ['yes', 'no'] as const) {
      const p = snapshot.positions.find((x) => x.market === market && x.outcome === outcome);
      positions.push({ venue: VENUE, market, outcome, quantity: p?.quantity ?? '0' });
    }
  }
  await recordVenueMark(db, {
    venue: VENUE,
    seq,
    cursor,
    carry: { standing },
    balance: { venue: VENUE, asset: ASSET, available: snapshot.balance, total: snapshot.balance },
    positions,
  });
  return differences;
}
