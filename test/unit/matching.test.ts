import fc from 'fast-check';
import { dec, decStr, sumDec, ZERO, type Dec } from '../../domain/money';
import { levelChanges, MatchingBook, type BookSide, type BookView } from '../../venues/sim/matching';

const view = (b: MatchingBook) => {
  const l = b.levels();
  return { BUY: l.BUY.map((x) => [decStr(x.price), decStr(x.size)]), SELL: l.SELL.map((x) => [decStr(x.price), decStr(x.size)]) };
};
const fillsOf = (r: ReturnType<MatchingBook['match']>) => r.fills.map((f) => [f.orderId ?? f.owner, decStr(f.price), decStr(f.size)]);

describe('MatchingBook', () => {
  it('fills best price first, first in first within a price, each at the maker level', () => {
    const b = new MatchingBook();
    b.rest('SELL', dec('0.56'), { orderId: 'late-far', owner: 'us', size: dec('5') });
    b.rest('SELL', dec('0.55'), { orderId: 'first', owner: 'us', size: dec('3') });
    b.addOthers('SELL', dec('0.55'), dec('4'));
    b.rest('SELL', dec('0.55'), { orderId: 'third', owner: 'us', size: dec('10') });
    expect(view(b).SELL).toEqual([['0.55', '17'], ['0.56', '5']]);

    const r = b.match({ side: 'BUY', limitPrice: dec('0.56'), size: dec('9') });
    expect(fillsOf(r)).toEqual([['first', '0.55', '3'], ['others', '0.55', '4'], ['third', '0.55', '2']]);
    expect([decStr(r.filled), decStr(r.remaining)]).toEqual(['9', '0']);
    expect(decStr(b.remainingOf('third')!)).toBe('8');
    expect(b.remainingOf('first')).toBeUndefined();
  });

  it('stops at the taker limit and returns the unfilled remainder', () => {
    const b = new MatchingBook();
    b.addOthers('BUY', dec('0.52'), dec('10'));
    b.addOthers('BUY', dec('0.50'), dec('10'));
    const r = b.match({ side: 'SELL', limitPrice: dec('0.51'), size: dec('25') });
    expect(fillsOf(r)).toEqual([['others', '0.52', '10']]);
    expect(decStr(r.remaining)).toBe('15');
    expect(view(b).BUY).toEqual([['0.5', '10']]);
  });

  it('trades only with eligible entries; the rest keep their place', () => {
    const b = new MatchingBook();
    b.addOthers('BUY', dec('0.52'), dec('100'));
    b.rest('BUY', dec('0.50'), { orderId: 'a', owner: 'us', size: dec('5') });
    const r = b.match({ side: 'SELL', limitPrice: dec('0.48'), size: dec('4') }, (e) => e.owner === 'us');
    expect(fillsOf(r)).toEqual([['a', '0.5', '4']]);
    expect(view(b).BUY).toEqual([['0.52', '100'], ['0.5', '1']]);
  });

  it('refuses a resting entry that would cross or lock the book', () => {
    const b = new MatchingBook();
    b.addOthers('SELL', dec('0.55'), dec('1'));
    expect(() => b.rest('BUY', dec('0.55'), { owner: 'us', orderId: 'x', size: dec('1') })).toThrow(/would cross/);
    expect(b.crosses('BUY', dec('0.55'))).toBe(true);
    expect(b.crosses('BUY', dec('0.55'), (e) => e.owner === 'us')).toBe(false);
    expect(b.crosses('BUY', dec('0.54'))).toBe(false);
  });

  it('withdraws other traders newest first, never ours; cancel removes ours', () => {
    const b = new MatchingBook();
    b.addOthers('BUY', dec('0.5'), dec('3'));
    b.rest('BUY', dec('0.5'), { orderId: 'ours', owner: 'us', size: dec('4') });
    b.addOthers('BUY', dec('0.5'), dec('5'));
    expect(decStr(b.withdrawOthers('BUY', dec('0.5'), dec('6')))).toBe('6');
    expect(b.queueAt('BUY', dec('0.5')).map((e) => [e.orderId ?? e.owner, decStr(e.remaining)])).toEqual([['others', '2'], ['ours', '4']]);
    expect(decStr(b.withdrawOthers('BUY', dec('0.5'), dec('9')))).toBe('2');
    expect(decStr(b.othersAt('BUY', dec('0.5')))).toBe('0');
    expect(b.cancel('ours')).toEqual({ side: 'BUY', price: dec('0.5'), remaining: dec('4') });
    expect(view(b)).toEqual({ BUY: [], SELL: [] });
    expect(b.cancel('ours')).toBeUndefined();
  });

  it('reduce shrinks one of ours where it stands (time priority kept); it never grows one', () => {
    const b = new MatchingBook();
    b.rest('BUY', dec('96000'), { orderId: 'a', owner: 'us', size: dec('0.1') });
    b.addOthers('BUY', dec('96000'), dec('0.2'));
    b.rest('BUY', dec('96000'), { orderId: 'c', owner: 'us', size: dec('0.3') });
    b.reduce('c', dec('0.25'));
    b.reduce('a', dec('0.05'));
    expect(b.queueAt('BUY', dec('96000')).map((e) => [e.orderId ?? e.owner, decStr(e.remaining)])).toEqual([['a', '0.05'], ['others', '0.2'], ['c', '0.25']]);
    expect(view(b).BUY).toEqual([['96000', '0.5']]);
    // Still first: a sell of 0.05 takes all of `a` and nothing else.
    expect(fillsOf(b.match({ side: 'SELL', limitPrice: dec('96000'), size: dec('0.05') }))).toEqual([['a', '96000', '0.05']]);
    expect(() => b.reduce('c', dec('0.3'))).toThrow(/at most what it has left/);
    expect(() => b.reduce('c', ZERO)).toThrow(/must be > 0/);
    expect(() => b.reduce('a', dec('0.01'))).toThrow(/does not rest/);
  });

  it('fillable says how much a match would fill, with the same eligibility, and changes nothing', () => {
    const b = new MatchingBook();
    b.addOthers('SELL', dec('0.55'), dec('4'));
    b.rest('SELL', dec('0.55'), { orderId: 'ours', owner: 'us', size: dec('3') });
    b.addOthers('SELL', dec('0.57'), dec('10'));
    const before = view(b);
    expect(decStr(b.fillable({ side: 'BUY', limitPrice: dec('0.56'), size: dec('20') }))).toBe('7');
    expect(decStr(b.fillable({ side: 'BUY', limitPrice: dec('0.56'), size: dec('20') }, (e) => e.owner === 'others'))).toBe('4');
    expect(decStr(b.fillable({ side: 'BUY', limitPrice: dec('0.57'), size: dec('5') }))).toBe('5');
    expect(decStr(b.fillable({ side: 'BUY', limitPrice: dec('0.54'), size: dec('5') }))).toBe('0');
    expect(view(b)).toEqual(before);
  });

  it('diffs two views into level changes (0 for a level that went away)', () => {
    const before: BookView = { BUY: [{ price: dec('0.5'), size: dec('3') }], SELL: [{ price: dec('0.6'), size: dec('1') }] };
    const after: BookView = { BUY: [{ price: dec('0.5'), size: dec('1') }, { price: dec('0.49'), size: dec('2') }], SELL: [{ price: dec('0.6'), size: dec('1') }] };
    expect(levelChanges(before, after).map((c) => [c.side, decStr(c.price), decStr(c.size)])).toEqual([
      ['BUY', '0.5', '1'],
      ['BUY', '0.49', '2'],
    ]);
    expect(levelChanges(after, { BUY: [], SELL: [] }).map((c) => [c.side, decStr(c.price), decStr(c.size)])).toEqual([
      ['BUY', '0.5', '0'],
      ['BUY', '0.49', '0'],
      ['SELL', '0.6', '0'],
    ]);
  });

  describe('properties over random operation sequences', () => {
    const price = fc.integer({ min: 1, max: 6 }).map((c) => dec(`0.${String(c).padStart(2, '0')}`));
    const size = fc.integer({ min: 1, max: 50 }).map((n) => dec(String(n)));
    const side = fc.constantFrom<BookSide>('BUY', 'SELL');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('order' as const), side, price, size }),
      fc.record({ kind: fc.constant('others' as const), side, price, size }),
      fc.record({ kind: fc.constant('withdraw' as const), side, price, size }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
    );

    type Check = (b: MatchingBook, taken?: { r: ReturnType<MatchingBook['match']>; side: BookSide; price: Dec; size: Dec; bookBefore: Dec; bookAfterMatch: Dec; fillable: Dec }) => void;
    const total = (b: MatchingBook) => sumDec([...b.levels().BUY, ...b.levels().SELL].map((l) => l.size));

    /** Ours: a taker first, then its remainder rests (as a GTC order); others' liquidity rests where it does not cross. */
    function run(ops: (typeof op extends fc.Arbitrary<infer T> ? T : never)[], check: Check) {
      const b = new MatchingBook();
      const ids: string[] = [];
      ops.forEach((o, t) => {
        if (o.kind === 'order') {
          const bookBefore = total(b);
          const fillable = b.fillable({ side: o.side, limitPrice: o.price, size: o.size });
          const r = b.match({ side: o.side, limitPrice: o.price, size: o.size });
          const bookAfterMatch = total(b);
          if (r.remaining.gt(ZERO)) {
            b.rest(o.side, o.price, { orderId: `o${t}`, owner: 'us', size: r.remaining });
            ids.push(`o${t}`);
          }
          check(b, { r, side: o.side, price: o.price, size: o.size, bookBefore, bookAfterMatch, fillable });
        } else if (o.kind === 'others') {
          if (!b.crosses(o.side, o.price)) b.addOthers(o.side, o.price, o.size);
          check(b);
        } else if (o.kind === 'withdraw') {
          const before = b.othersAt(o.side, o.price);
          const removed = b.withdrawOthers(o.side, o.price, o.size);
          expect(removed.eq(before.lt(o.size) ? before : o.size)).toBe(true);
          check(b);
        } else if (ids.length > 0) {
          b.cancel(ids[o.pick % ids.length]!);
          check(b);
        }
      });
    }

    const notCrossed = (b: MatchingBook) => {
      const { BUY, SELL } = b.levels();
      if (BUY[0] && SELL[0]) expect(BUY[0].price.lt(SELL[0].price)).toBe(true);
      for (const [s, levels] of [['BUY', BUY], ['SELL', SELL]] as const) {
        levels.forEach((l, i) => {
          expect(l.size.gt(ZERO)).toBe(true);
          if (i > 0) expect(s === 'BUY' ? l.price.lt(levels[i - 1]!.price) : l.price.gt(levels[i - 1]!.price)).toBe(true);
        });
      }
    };

    it('conserves size: the taker filled = the sum of maker fills = what left the book; no fill beyond the limit', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) =>
          run(ops, (_b, taken) => {
            if (!taken) return;
            const { r } = taken;
            expect(sumDec(r.fills.map((f) => f.size)).eq(r.filled)).toBe(true);
            expect(r.filled.plus(r.remaining).eq(taken.size)).toBe(true);
            expect(taken.bookBefore.minus(taken.bookAfterMatch).eq(r.filled)).toBe(true);
            expect(taken.fillable.eq(r.filled)).toBe(true); // what fillable promised beforehand
            for (const f of r.fills) expect(taken.side === 'BUY' ? f.price.lte(taken.price) : f.price.gte(taken.price)).toBe(true);
          }),
        ),
      );
    });

    it('never leaves the book crossed, locked, unsorted or with empty levels', () => {
      fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => run(ops, (b) => notCrossed(b))));
    });

    it('price-time priority: a sweep fills resting entries best price first, then in arrival order, exactly as far as it goes', () => {
      const entry = fc.record({ cents: fc.integer({ min: 1, max: 4 }), size: fc.integer({ min: 1, max: 20 }), ours: fc.boolean() });
      fc.assert(
        fc.property(fc.array(entry, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 500 }), (entries, want) => {
          const b = new MatchingBook();
          entries.forEach((e, i) => b.rest('BUY', dec(`0.0${e.cents}`), { ...(e.ours ? { orderId: `o${i}` } : {}), owner: e.ours ? 'us' : 'others', size: dec(String(e.size)) }));
          const r = b.match({ side: 'SELL', limitPrice: dec('0.01'), size: dec(String(want)) });
          // The expected sweep: highest price first, arrival order within a price (a stable sort).
          const order = entries.map((e, i) => ({ ...e, i })).sort((x, y) => y.cents - x.cents);
          const expected: [string, string, string][] = [];
          let left = want;
          for (const e of order) {
            if (left === 0) break;
            const n = Math.min(e.size, left);
            left -= n;
            expected.push([e.ours ? `o${e.i}` : 'others', `0.0${e.cents}`, String(n)]);
          }
          expect(fillsOf(r)).toEqual(expected);
          expect(decStr(r.remaining)).toBe(String(left));
        }),
      );
    });

    it('price-time priority: no fill at a worse price while a better level was eligible, and within a level in arrival order', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
          run(ops, (b, taken) => {
            if (!taken) return;
            const { r, ...taker } = taken;
            // Prices never get worse for the taker along its fills; at one price, our orders fill oldest first.
            for (let i = 1; i < r.fills.length; i++) {
              const [a, c] = [r.fills[i - 1]!, r.fills[i]!];
              expect(taker.side === 'BUY' ? a.price.lte(c.price) : a.price.gte(c.price)).toBe(true);
              if (a.price.eq(c.price) && a.orderId && c.orderId) expect(Number(a.orderId.slice(1))).toBeLessThan(Number(c.orderId.slice(1)));
            }
            // Every fill but the last took its maker entry whole (a partial fill ends the taker).
            r.fills.slice(0, -1).forEach((f) => f.orderId && expect(b.remainingOf(f.orderId)).toBeUndefined());
            // Nothing better than the last fill's price is left on the other side.
            const last = r.fills.at(-1);
            const best = b.levels()[taker.side === 'BUY' ? 'SELL' : 'BUY'][0];
            if (last && best) expect(taker.side === 'BUY' ? best.price.gte(last.price) : best.price.lte(last.price)).toBe(true);
            // A remainder means nothing reachable is left on the other side.
            if (r.remaining.gt(ZERO)) expect(b.crosses(taker.side, taker.price)).toBe(false);
          });
        }),
      );
    });
  });
});
