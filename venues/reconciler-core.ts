/**
 * The venue-independent core of venue reconciliation: the ledger against one venue's fills,
 * orders, cash and holdings. A venue plugs in as a `ReconcilerVenuePart` (its reads, and how its
 * fills move cash and positions); `venueReconciler(part)` is the `VenueReconciler` the
 * reconciliation activity runs (activities/reconciliation.ts). Kalshi (venues/kalshi/reconciler.ts)
 * and Polymarket (venues/polymarket/reconciler.ts) are thin parts over it.
 *
 * Per run:
 * (a) every fill after the stored cursor — one the ledger lacks is imported when its order is
 *     ours (`missed_fill`, low, repaired) and escalated when it is not (`unknown_order_fill`,
 *     high; carried to later runs until the ledger knows the order, so the governor keeps the
 *     finding). A fill names its order by client order id and/or the venue's order id; the ledger
 *     row is found by either.
 * (b) every ledger order not terminal against the venue's view: the ledger moved forward when the
 *     venue is ahead (`order_state_lag`, low, repaired); the ledger counting more filled than the
 *     venue (`order_fill_conflict`, high); the venue not having the order (`order_not_at_venue`,
 *     medium: a submit may still be in flight).
 * (c) cash and holdings against what the last mark recorded plus what the fills since explain
 *     (`balance_drift` / `position_drift`, high). Cash is compared with the balance stored in the
 *     last venue mark (ledger/venue-marks.ts), never the `balances` table: a balance refresh
 *     keeps that table current between runs and would hide drift.
 * Then the new cursor, balance and holdings are recorded together as the next mark (one
 * transaction), so fills, cash and positions always move together.
 * The cash and holdings are read between two fill reads that agree (no fill in between), so the
 * fills read explain exactly the change since the last mark. Exact throughout (decimal strings);
 * a second run with nothing new reports nothing new.
 *
 * Writing a venue part:
 * - `fillsSince(cursor)`: every fill after the cursor, oldest first, and the cursor to resume
 *   from (a cursor that never loses its place: past the end, return where you are).
 * - `balance()`: cash available in `cashAsset`, decimal string.
 * - `holdings(markets)`: what the venue holds now, one row per (market, outcome). `markets` is every
 *   market the ledger and the new fills know for this venue, for venues that can only be asked
 *   market by market; a venue that lists all holdings may ignore it.
 * - `openOrders()` and `findOrder(row)`: the venue's view of orders (the resting ones in one call;
 *   one ledger row by whatever id the venue can look up).
 * - `outcomes`: the outcomes a market's holdings are recorded under (`['yes', 'no']` for Kalshi;
 *   `[undefined]` for a token or a currency), `signedHolding` / `positionEffect` to compare them
 *   as one signed number per market (defaults: the quantity; + buy / − sell on the fill's market),
 *   `cashEffect` when a venue's fills move cash differently (default: a buy pays price × quantity
 *   plus the fee, a sell receives it less the fee).
 * Difference ids are `<venue>:<mark seq>:<kind>:<key>`; the activity turns them into finding ids.
 */
import type { VenueReconciler } from '../activities/reconciliation';
import { dec, decStr, sumDec, ZERO, type Dec } from '../domain/money';
import { fillSchema, TERMINAL_ORDER_STATES, type Fill, type OrderState } from '../domain/order';
import { fillId, fromDb, latestVenueMark, positionsForVenue, recordFill, recordVenueMark, upsertOrder, type DifferenceRecord, type LedgerClient, type PositionSnapshot } from '../ledger';

/** One order as the venue has it. */
export interface VenueOrderView {
  venueOrderId: string;
  /** Only on venues that keep our client order id. */
  clientOrderId?: string;
  state: OrderState;
  filledQuantity: string;
  quantity: string;
}

/** A holding as the venue reports it (quantity as the venue counts it for that outcome). */
export interface VenueHolding {
  market: string;
  outcome?: string;
  quantity: string;
}

/** The ledger's order row, as a venue part sees it when asked to find it. */
export interface LedgerOrderRow {
  clientOrderId: string;
  venueOrderId: string | null;
  market: string;
  outcome: string | null;
  action: string;
  price: string;
  quantity: string;
}

export interface ReconcilerVenuePart {
  /** The ledger's venue name, e.g. "kalshi". */
  venue: string;
  /** How the venue is named in explanations, e.g. "Kalshi". */
  name: string;
  /** The cash asset, e.g. "USD", "USDC". */
  cashAsset: string;
  fillsSince(cursor?: string): Promise<{ fills: Fill[]; cursor: string }>;
  balance(): Promise<string>;
  holdings(markets: string[]): Promise<VenueHolding[]>;
  openOrders(): Promise<VenueOrderView[]>;
  findOrder(row: LedgerOrderRow): Promise<VenueOrderView | undefined>;
  outcomes: readonly (string | undefined)[];
  signedHolding?(holding: { outcome?: string; quantity: string }): Dec;
  positionEffect?(fill: Fill): { market: string; delta: Dec };
  cashEffect?(fill: Fill): Dec;
  /** Says how signed positions read, e.g. "(+ YES, − NO)". */
  positionNote?: string;
}

/** A fill no ledger order owns, kept in the mark until the ledger has it. */
interface Standing {
  fill: Fill;
  firstSeenMark: number;
}

/** How often the read of cash and holdings is retried while fills keep arriving around it. */
const SNAPSHOT_ATTEMPTS = 5;
const RANK: Record<OrderState, number> = { unknown: -1, pending: 0, open: 1, partially_filled: 2, filled: 3, cancelled: 3, rejected: 3, expired: 3 };

/** Cash a fill moved: a buy pays price × quantity plus the fee, a sell receives it less the fee. */
export function defaultCashEffect(f: Fill): Dec {
  const gross = dec(f.price).times(dec(f.quantity));
  return f.action === 'buy' ? gross.plus(dec(f.fee)).neg() : gross.minus(dec(f.fee));
}

const defaultPositionEffect = (f: Fill) => ({ market: f.market, delta: f.action === 'buy' ? dec(f.quantity) : dec(f.quantity).neg() });
const defaultSignedHolding = (h: { quantity: string }) => dec(h.quantity);

/** Difference ids end in a key the activity turns into a stable finding id: no ':' inside it. */
const key = (s: string) => s.replace(/:/g, '.');

export function venueReconciler(part: ReconcilerVenuePart): VenueReconciler {
  return { venue: part.venue, reconcile: (db) => reconcile(db, part) };
}

async function reconcile(db: LedgerClient, part: ReconcilerVenuePart): Promise<DifferenceRecord[]> {
  const { venue, name } = part;
  const cashEffect = part.cashEffect ?? defaultCashEffect;
  const positionEffect = part.positionEffect ?? defaultPositionEffect;
  const signedHolding = part.signedHolding ?? defaultSignedHolding;
  const netByMarket = (rows: { market: string; outcome?: string; quantity: string }[]) => {
    const out = new Map<string, Dec>();
    for (const r of rows) out.set(r.market, (out.get(r.market) ?? ZERO).plus(signedHolding(r)));
    return out;
  };

  const mark = await latestVenueMark(db, venue);
  const seq = (mark?.seq ?? 0) + 1;
  const differences: DifferenceRecord[] = [];
  const diff = (kind: string, k: string, severity: DifferenceRecord['severity'], repaired: boolean, details: Record<string, unknown>) =>
    differences.push({ id: `${venue}:${seq}:${kind}:${key(k)}`, venue, kind, severity, details, repaired });

  const recorded = await positionsForVenue(db, venue);
  const read = await part.fillsSince(mark?.cursor);
  const fills = [...read.fills];
  let cursor = read.cursor;
  // Markets the venue may hold: what was recorded, what the fills touched, what the ledger ordered.
  const ordered = await db.venueOrder.findMany({ where: { venue }, select: { market: true }, distinct: ['market'] });
  const knownMarkets = () => [...new Set([...recorded.map((p) => p.market), ...fills.map((f) => positionEffect(f).market), ...ordered.map((o) => o.market)])].sort();
  let snapshot: { balance: string; holdings: VenueHolding[] } | undefined;
  for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS && !snapshot; attempt++) {
    const [balance, holdings] = await Promise.all([part.balance(), part.holdings(knownMarkets())]);
    const more = await part.fillsSince(cursor);
    cursor = more.cursor;
    if (more.fills.length === 0) snapshot = { balance, holdings };
    else fills.push(...more.fills);
  }
  if (!snapshot) throw new Error(`${venue}: fills kept arriving across ${SNAPSHOT_ATTEMPTS} reads of cash and holdings; the activity retries`);

  // (a) Fills: the ones carried from earlier runs first, then the new ones.
  const carried = ((mark?.carry.standing ?? []) as Standing[]).map((s) => ({ fill: fillSchema.parse(s.fill), firstSeenMark: s.firstSeenMark }));
  const standing: Standing[] = [];
  const seen = new Set<string>();
  for (const { fill, firstSeenMark } of [...carried, ...fills.map((fill) => ({ fill, firstSeenMark: seq }))]) {
    if (seen.has(fill.venueTradeId)) continue;
    seen.add(fill.venueTradeId);
    if (await db.fill.findUnique({ where: { id: fillId(venue, fill.venueTradeId) }, select: { id: true } })) continue;
    const owner = await db.venueOrder.findFirst({
      where: { venue, OR: [...(fill.clientOrderId ? [{ clientOrderId: fill.clientOrderId }] : []), { venueOrderId: fill.venueOrderId }] },
      select: { clientOrderId: true, intentId: true },
    });
    const details = { tradeId: fill.venueTradeId, venueOrderId: fill.venueOrderId, clientOrderId: fill.clientOrderId ?? null, market: fill.market, outcome: fill.outcome ?? null, action: fill.action, price: fill.price, quantity: fill.quantity, fee: fill.fee, at: fill.at };
    if (!owner) {
      standing.push({ fill, firstSeenMark });
      const what = [fill.action, fill.quantity, fill.outcome, fill.market].filter(Boolean).join(' ');
      diff('unknown_order_fill', fill.venueTradeId, 'high', false, {
        ...details,
        firstSeenMark,
        why: `${name} reports fill ${fill.venueTradeId} (${what} at ${fill.price}) of order ${fill.venueOrderId}, which the ledger does not know: an order Legwork never placed`,
      });
      continue;
    }
    const { created } = await recordFill(db, { ...fill, clientOrderId: owner.clientOrderId, ...(owner.intentId ? { intentId: owner.intentId } : {}) });
    if (created) diff('missed_fill', fill.venueTradeId, 'low', true, { ...details, clientOrderId: owner.clientOrderId, ledgerIntentId: owner.intentId });
  }

  // (b) Orders the ledger holds open: moved forward when the venue is ahead (upsertOrder never moves back).
  const open = await db.venueOrder.findMany({ where: { venue, state: { notIn: [...TERMINAL_ORDER_STATES] } } });
  const resting = await part.openOrders();
  for (const row of open) {
    const ledgerRow: LedgerOrderRow = { clientOrderId: row.clientOrderId, venueOrderId: row.venueOrderId, market: row.market, outcome: row.outcome, action: row.action, price: fromDb(row.price), quantity: fromDb(row.quantity) };
    const view =
      resting.find((o) => (o.clientOrderId !== undefined && o.clientOrderId === row.clientOrderId) || (row.venueOrderId !== null && o.venueOrderId === row.venueOrderId)) ?? (await part.findOrder(ledgerRow));
    const ledgerFilled = fromDb(row.filledQuantity);
    const base = { clientOrderId: row.clientOrderId, ledgerIntentId: row.intentId, ledgerState: row.state, ledgerFilled };
    if (!view) {
      // A submit may still be in flight in its workflow: worth a look, not a halt.
      diff('order_not_at_venue', row.clientOrderId, 'medium', false, { ...base, why: `the ledger holds order ${row.clientOrderId} as ${row.state}; ${name} has no such order` });
      continue;
    }
    const venueFilled = dec(view.filledQuantity);
    if (venueFilled.lt(dec(ledgerFilled))) {
      diff('order_fill_conflict', row.clientOrderId, 'high', false, {
        ...base,
        venueState: view.state,
        venueFilled: view.filledQuantity,
        why: `the ledger counts ${ledgerFilled} filled on order ${row.clientOrderId}; ${name} reports ${view.filledQuantity}`,
      });
      continue;
    }
    if (!venueFilled.gt(dec(ledgerFilled)) && RANK[view.state] <= RANK[row.state as OrderState]) continue;
    const after = await upsertOrder(db, {
      clientOrderId: row.clientOrderId,
      venue,
      venueOrderId: view.venueOrderId,
      market: row.market,
      ...(row.outcome ? { outcome: row.outcome } : {}),
      action: row.action,
      price: ledgerRow.price,
      quantity: ledgerRow.quantity,
      filledQuantity: view.filledQuantity,
      state: view.state,
    });
    if (after.state !== row.state || after.filledQuantity !== ledgerFilled) {
      diff('order_state_lag', row.clientOrderId, 'low', true, { ...base, venueState: view.state, venueFilled: view.filledQuantity, ledgerStateNow: after.state, ledgerFilledNow: after.filledQuantity });
    }
  }

  // (c) Cash and holdings: last mark + what the fills since then explain, against the venue.
  const asset = part.cashAsset;
  if (mark && mark.recordedBalance !== undefined) {
    const explained = sumDec(fills.map(cashEffect));
    const expected = dec(mark.recordedBalance).plus(explained);
    const drift = dec(snapshot.balance).minus(expected);
    if (!drift.isZero()) {
      diff('balance_drift', `${venue}-${asset}`, 'high', false, {
        asset,
        ledgerBalance: mark.recordedBalance,
        explainedByFills: decStr(explained),
        expected: decStr(expected),
        venueBalance: snapshot.balance,
        drift: decStr(drift),
        why: `${name} cash is ${snapshot.balance} ${asset}; the last reconciled ${mark.recordedBalance} and ${fills.length} fill(s) since explain ${decStr(expected)} (unexplained ${decStr(drift)})`,
      });
    }
  }
  if (mark) {
    const before = netByMarket(recorded);
    for (const f of fills) {
      const { market, delta } = positionEffect(f);
      before.set(market, (before.get(market) ?? ZERO).plus(delta));
    }
    const now = netByMarket(snapshot.holdings);
    for (const market of new Set([...before.keys(), ...now.keys()])) {
      const exp = before.get(market) ?? ZERO;
      const got = now.get(market) ?? ZERO;
      if (exp.eq(got)) continue;
      diff('position_drift', `${venue}-${market}`, 'high', false, {
        market,
        expected: decStr(exp),
        venuePosition: decStr(got),
        why: `${name} holds ${decStr(got)} in ${market}${part.positionNote ? ` ${part.positionNote}` : ''}; the ledger and the fills since explain ${decStr(exp)}`,
      });
    }
  }

  // The full holdings snapshot: markets the venue no longer lists are recorded as zero.
  const positions: PositionSnapshot[] = [];
  for (const market of new Set([...recorded.map((p) => p.market), ...snapshot.holdings.map((p) => p.market)])) {
    for (const outcome of part.outcomes) {
      const h = snapshot.holdings.find((x) => x.market === market && x.outcome === outcome);
      positions.push({ venue, market, ...(outcome !== undefined ? { outcome } : {}), quantity: h?.quantity ?? '0' });
    }
  }
  await recordVenueMark(db, {
    venue,
    seq,
    cursor,
    carry: { standing },
    balance: { venue, asset, available: snapshot.balance, total: snapshot.balance },
    positions,
  });
  return differences;
}
