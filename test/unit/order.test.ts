import fc from 'fast-check';
import { applyFills, applyOrderUpdate, newOrderSnapshot, orderRequestSchema, remainingQuantity, type Fill, type OrderState } from '../../domain/order';
import { dec } from '../../domain/money';

const at = '2026-11-24T00:00:00.000Z';
const request = orderRequestSchema.parse({ venue: 'kalshi', market: 'KXFED', outcome: 'yes', action: 'buy', price: '0.42', quantity: '10', timeInForce: 'GTC', clientOrderId: 'lw-i1-A-1' });
const fill = (id: string, qty: string, price = '0.42'): Fill => ({ venue: 'kalshi', venueTradeId: id, venueOrderId: 'o1', market: 'KXFED', outcome: 'yes', action: 'buy', price, quantity: qty, fee: '0.01', at });

describe('order state machine', () => {
  it('moves pending → open → partially_filled → filled as fills grow', () => {
    let o = newOrderSnapshot(request, at);
    let r = applyOrderUpdate(o, { state: 'open', venueOrderId: 'o1', at });
    expect(r).toMatchObject({ ok: true, changed: true, order: { state: 'open', venueOrderId: 'o1' } });
    o = r.order;
    r = applyOrderUpdate(o, { state: 'open', filledQuantity: '4', at });
    expect(r.order).toMatchObject({ state: 'partially_filled', filledQuantity: '4' });
    expect(remainingQuantity(r.order)).toBe('6');
    r = applyOrderUpdate(r.order, { state: 'open', filledQuantity: '10', at });
    expect(r.order.state).toBe('filled');
  });

  it('never lets filled quantity shrink, never moves back, and refuses over-fills', () => {
    const partial = applyOrderUpdate(newOrderSnapshot(request, at), { state: 'open', filledQuantity: '6', at }).order;
    const stale = applyOrderUpdate(partial, { state: 'open', filledQuantity: '2', at });
    expect(stale.order).toMatchObject({ state: 'partially_filled', filledQuantity: '6' });
    expect(applyOrderUpdate(partial, { state: 'open', filledQuantity: '11', at })).toMatchObject({ ok: false, rejection: /exceeds the order quantity 10/ });
  });

  it('keeps terminal states terminal, but UNKNOWN resolves to anything', () => {
    const cancelled = applyOrderUpdate(newOrderSnapshot(request, at), { state: 'cancelled', at }).order;
    expect(applyOrderUpdate(cancelled, { state: 'open', at })).toMatchObject({ ok: false, rejection: /already cancelled/ });
    expect(applyOrderUpdate(cancelled, { state: 'cancelled', at })).toMatchObject({ ok: true, changed: false });
    const unknown = { ...newOrderSnapshot(request, at), state: 'unknown' as OrderState };
    expect(applyOrderUpdate(unknown, { state: 'rejected', rejectReason: 'not found at venue', at }).order.state).toBe('rejected');
    expect(applyOrderUpdate(unknown, { state: 'open', filledQuantity: '3', at }).order.state).toBe('partially_filled');
  });

  it('counts each fill once by venue trade id, with an exact average price and fees', () => {
    const o = applyFills(newOrderSnapshot(request, at), [fill('t1', '3', '0.40'), fill('t2', '2', '0.45'), fill('t1', '3', '0.40')]);
    expect(o).toMatchObject({ filledQuantity: '5', averageFillPrice: '0.42', fees: '0.02', state: 'partially_filled', tradeIds: ['t1', 't2'] });
  });

  it('property: any sequence of reports keeps 0 <= filled <= quantity and filled never decreases', () => {
    const report = fc.record({
      state: fc.constantFrom<OrderState>('pending', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired', 'unknown'),
      filled: fc.integer({ min: 0, max: 12 }),
    });
    fc.assert(
      fc.property(fc.array(report, { maxLength: 30 }), (reports) => {
        let o = newOrderSnapshot(request, at);
        let last = dec('0');
        for (const r of reports) {
          o = applyOrderUpdate(o, { state: r.state, filledQuantity: String(r.filled), at }).order;
          const f = dec(o.filledQuantity);
          if (f.lt(last) || f.gt(dec(o.quantity)) || f.isNegative()) return false;
          last = f;
        }
        return true;
      }),
    );
  });
});
