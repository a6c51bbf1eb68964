import fc from 'fast-check';
import { dec } from '../../domain/money';
import {
  applyFills,
  applyFillsReport,
  applyOrderUpdate,
  isLegalTransition,
  isTerminal,
  newOrderSnapshot,
  ORDER_STATES,
  orderRequestSchema,
  orderSnapshotSchema,
  remainingQuantity,
  type Fill,
  type OrderSnapshot,
  type OrderState,
} from '../../domain/order';

const at = '2026-11-24T00:00:00.000Z';
const later = '2026-11-24T00:00:01.000Z';
const request = orderRequestSchema.parse({ venue: 'kalshi', market: 'KXFED', outcome: 'yes', action: 'buy', price: '0.42', quantity: '10', timeInForce: 'GTC', clientOrderId: 'lw-i1-A-1' });
const cents = (n: number): string => dec(String(n)).div(100).toFixed();
const fill = (id: string, qty: string, price = '0.42', fee = '0.01'): Fill => ({ venue: 'kalshi', venueTradeId: id, venueOrderId: 'o1', market: 'KXFED', outcome: 'yes', action: 'buy', price, quantity: qty, fee, at: later });
const inState = (state: OrderState, filledQuantity = '0'): OrderSnapshot => ({ ...newOrderSnapshot(request, at), state, filledQuantity });

describe('order requests', () => {
  it('validates each field and names it', () => {
    const bad = orderRequestSchema.safeParse({ ...request, price: '0.4.2', quantity: '-1', clientOrderId: 'has space', venue: 'nyse', expiresAt: 'tomorrow' });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['price', 'quantity', 'clientOrderId', 'venue', 'expiresAt']));
  });

  it('requires an outcome and a price below 1 on binary venues, and an expiry for GTD', () => {
    const issues = (input: object) => orderRequestSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ ...request, outcome: undefined })).toEqual(['outcome: required for kalshi (yes or no)']);
    expect(issues({ ...request, venue: 'polymarket', price: '1' })).toEqual(['price: binary contract prices lie strictly between 0 and 1']);
    expect(issues({ ...request, timeInForce: 'GTD' })).toEqual(['expiresAt: required for a GTD order']);
    expect(issues({ ...request, venue: 'coinbase', outcome: undefined, market: 'BTC-USD', price: '97150.00' })).toEqual([]);
    expect(issues({ ...request, clientOrderId: 'x'.repeat(65) })).toHaveLength(1); // Kalshi's 64-character limit
  });

  it('defaults postOnly to false and keeps snapshots parseable', () => {
    expect(request.postOnly).toBe(false);
    expect(orderSnapshotSchema.parse(newOrderSnapshot(request, at))).toMatchObject({ state: 'pending', filledQuantity: '0', tradeIds: [] });
    expect(orderSnapshotSchema.safeParse({ ...newOrderSnapshot(request, at), filledQuantity: '11' }).success).toBe(false);
  });
});

describe('order state machine', () => {
  it('moves pending → open → partially_filled → filled as the filled quantity grows', () => {
    let r = applyOrderUpdate(newOrderSnapshot(request, at), { state: 'open', venueOrderId: 'o1', at });
    expect(r).toMatchObject({ ok: true, changed: true, order: { state: 'open', venueOrderId: 'o1' } });
    // Coinbase-style: the status word stays OPEN while fills accumulate.
    r = applyOrderUpdate(r.order, { state: 'open', filledQuantity: '4', fees: '0.07', averageFillPrice: '0.42', at: later });
    expect(r.order).toMatchObject({ state: 'partially_filled', filledQuantity: '4', fees: '0.07', updatedAt: later });
    expect(remainingQuantity(r.order)).toBe('6');
    r = applyOrderUpdate(r.order, { state: 'open', filledQuantity: '10.00', at });
    expect(r.order).toMatchObject({ state: 'filled', filledQuantity: '10' });
    expect(remainingQuantity(r.order)).toBe('0');
  });

  it('ignores a smaller filled quantity and refuses reports that move backwards', () => {
    const partial = applyOrderUpdate(newOrderSnapshot(request, at), { state: 'open', filledQuantity: '6', at }).order;
    // A late poll that still says 2 filled: the 6 we know stays, nothing is rejected (it only lags).
    const lagging = applyOrderUpdate(partial, { state: 'partially_filled', filledQuantity: '2', at });
    expect(lagging).toMatchObject({ ok: true, changed: false, order: { state: 'partially_filled', filledQuantity: '6' } });
    // A "pending" or "open" echo after fills is normalised by the quantity we know: still partially filled.
    expect(applyOrderUpdate(partial, { state: 'pending', at })).toMatchObject({ ok: true, changed: false, order: partial });
    const open = inState('open');
    expect(applyOrderUpdate(open, { state: 'pending', at })).toMatchObject({ ok: false, rejection: { code: 'stale', from: 'open', to: 'pending' }, order: open });
  });

  it('refuses over-fills and malformed figures as typed rejections, never applying them', () => {
    const open = inState('open');
    const over = applyOrderUpdate(open, { state: 'open', filledQuantity: '11', at });
    expect(over).toMatchObject({ ok: false, order: open, rejection: { code: 'overfill' } });
    if (!over.ok) expect(over.rejection.message).toMatch(/reported fill 11 exceeds the order quantity 10/);
    expect(applyOrderUpdate(open, { state: 'open', filledQuantity: '1e3', at })).toMatchObject({ ok: false, rejection: { code: 'invalid' } });
    expect(applyOrderUpdate(open, { state: 'open', fees: '-0.01', at })).toMatchObject({ ok: false, rejection: { code: 'invalid' } });
  });

  it('keeps terminal states terminal; a cancel that raced the last fills becomes filled', () => {
    const cancelled = applyOrderUpdate(inState('open'), { state: 'cancelled', at }).order;
    expect(cancelled.state).toBe('cancelled');
    expect(applyOrderUpdate(cancelled, { state: 'open', at })).toMatchObject({ ok: false, rejection: { code: 'terminal' } });
    expect(applyOrderUpdate(cancelled, { state: 'cancelled', at })).toMatchObject({ ok: true, changed: false });
    // Fills executed before the cancel took effect are still real.
    expect(applyOrderUpdate(cancelled, { state: 'cancelled', filledQuantity: '3', at }).order).toMatchObject({ state: 'cancelled', filledQuantity: '3' });
    expect(applyOrderUpdate(cancelled, { state: 'cancelled', filledQuantity: '10', at }).order.state).toBe('filled');
    // A filled order stays filled: a later "cancelled" (cancel raced the fill) changes nothing.
    const filled = inState('filled', '10');
    expect(applyOrderUpdate(filled, { state: 'cancelled', at })).toMatchObject({ ok: true, changed: false, order: filled });
    expect(applyOrderUpdate(cancelled, { state: 'expired', at })).toMatchObject({ ok: false, rejection: { code: 'terminal', from: 'cancelled', to: 'expired' } });
    expect(applyOrderUpdate(inState('rejected'), { state: 'open', filledQuantity: '1', at })).toMatchObject({ ok: false, rejection: { code: 'terminal' } });
  });

  it('derives filled from quantities: "filled" without a figure is all of it, with a smaller figure a partial fill', () => {
    expect(applyOrderUpdate(inState('open'), { state: 'filled', at }).order).toMatchObject({ state: 'filled', filledQuantity: '10' });
    expect(applyOrderUpdate(inState('open'), { state: 'filled', filledQuantity: '7', at }).order).toMatchObject({ state: 'partially_filled', filledQuantity: '7' });
  });

  it('refuses illegal transitions between live states', () => {
    expect(applyOrderUpdate(inState('open'), { state: 'rejected', at })).toMatchObject({ ok: false, rejection: { code: 'illegal_transition', from: 'open', to: 'rejected' } });
    expect(applyOrderUpdate(inState('pending'), { state: 'rejected', rejectReason: 'insufficient balance', at }).order).toMatchObject({ state: 'rejected', rejectReason: 'insufficient balance' });
  });

  it('resolves UNKNOWN to anything', () => {
    for (const state of ORDER_STATES) {
      const r = applyOrderUpdate(inState('unknown'), { state, at });
      expect(r.ok).toBe(true);
      expect(r.order.state).toBe(state === 'partially_filled' ? 'open' : state); // nothing filled: "partially filled" is just open
    }
    expect(applyOrderUpdate(inState('unknown'), { state: 'open', filledQuantity: '3', at }).order.state).toBe('partially_filled');
  });

  it('has terminal states with no way out but filled', () => {
    for (const from of ORDER_STATES.filter(isTerminal)) {
      for (const to of ORDER_STATES) if (to !== from) expect(isLegalTransition(from, to)).toBe((from === 'cancelled' || from === 'expired') && to === 'filled');
    }
  });

  it('property: any sequence of reports keeps 0 ≤ filled ≤ quantity, filled never decreases, filled ⇔ state filled, terminal stays terminal', () => {
    const report = fc.record({ state: fc.constantFrom<OrderState>(...ORDER_STATES), filled: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(report, { maxLength: 40 }), (reports) => {
        let o = newOrderSnapshot(request, at);
        for (const r of reports) {
          const before = o;
          const result = applyOrderUpdate(o, { state: r.state, filledQuantity: r.filled === undefined ? undefined : String(r.filled), at });
          o = result.order;
          const f = dec(o.filledQuantity);
          if (!result.ok && o !== before) return false; // a rejection never changes the order
          if (f.lt(dec(before.filledQuantity)) || f.gt(dec(o.quantity)) || f.isNegative()) return false;
          if (f.eq(dec(o.quantity)) !== (o.state === 'filled')) return false;
          if (isTerminal(before.state) && o.state !== before.state && o.state !== 'filled') return false;
        }
        return true;
      }),
    );
  });
});

describe('fills', () => {
  it('counts each fill once by venue trade id, with an exact average price and fees', () => {
    const o = applyFills(newOrderSnapshot(request, at), [fill('t1', '3', '0.40'), fill('t2', '2', '0.45'), fill('t1', '3', '0.40')]);
    expect(o).toMatchObject({ filledQuantity: '5', averageFillPrice: '0.42', fees: '0.02', state: 'partially_filled', tradeIds: ['t1', 't2'], venueOrderId: 'o1', updatedAt: later });
    // Re-delivering the same fills (stream replay after reconnect) changes nothing.
    expect(applyFills(o, [fill('t2', '2', '0.45'), fill('t1', '3', '0.40')])).toEqual(o);
  });

  it('does not double-count what a status report already said', () => {
    const polled = applyOrderUpdate(applyOrderUpdate(newOrderSnapshot(request, at), { state: 'open', venueOrderId: 'o1', at }).order, { state: 'open', filledQuantity: '4', fees: '0.02', at }).order;
    const o = applyFills(polled, [fill('t1', '3'), fill('t2', '1')]);
    expect(o).toMatchObject({ filledQuantity: '4', fees: '0.02', state: 'partially_filled' });
    const more = applyFills(o, [fill('t3', '6', '0.43', '0.05')]);
    expect(more).toMatchObject({ filledQuantity: '10', state: 'filled', fees: '0.07', averageFillPrice: '0.426' });
  });

  it('skips fills of other orders and fills that would over-fill, saying why', () => {
    const open = { ...inState('open'), venueOrderId: 'o1' };
    const report = applyFillsReport(open, [{ ...fill('x1', '1'), venueOrderId: 'o2' }, { ...fill('x2', '1'), market: 'OTHER' }, fill('t1', '8'), fill('t2', '3'), fill('t3', '2')]);
    expect(report.applied).toEqual(['t1', 't3']);
    expect(report.skipped.map((s) => [s.venueTradeId, s.code])).toEqual([['x1', 'wrong_order'], ['x2', 'wrong_order'], ['t2', 'overfill']]);
    expect(report.order).toMatchObject({ filledQuantity: '10', state: 'filled' });
  });

  it('property: applying fills in any order, with duplicates, gives the same quantity, fees and average', () => {
    const fillArb = fc.record({ qty: fc.integer({ min: 1, max: 3 }), cents: fc.integer({ min: 1, max: 99 }), feeCents: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 10 }), (specs, picks) => {
        const fills = specs.map((s, i) => fill(`t${i}`, String(s.qty), cents(s.cents), cents(s.feeCents)));
        const shuffled = [...fills, ...picks.map((p) => fills[p % fills.length]!)].reverse();
        const a = applyFills(newOrderSnapshot(request, at), fills);
        const b = applyFills(newOrderSnapshot(request, at), shuffled);
        return a.filledQuantity === b.filledQuantity && a.fees === b.fees && dec(a.averageFillPrice!).eq(dec(b.averageFillPrice!));
      }),
    );
  });
});
