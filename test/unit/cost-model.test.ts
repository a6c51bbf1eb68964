import { crossVenueEdge, parityEdge } from '../../domain/cost-model';

describe('cost model: cross-venue pair', () => {
  it('YES on Kalshi + NO on a fee-free Polymarket market: gross 1 − p1 − p2, Kalshi taker fee off it', () => {
    const r = crossVenueEdge({
      yes: { venue: 'kalshi', price: '0.40' },
      no: { venue: 'polymarket', price: '0.55', feeRate: '0' },
      quantity: '100',
    });
    // Kalshi: 0.07 × 100 × 0.4 × 0.6 = 1.68
    expect(r).toEqual({
      quantity: '100',
      grossEdgePerContract: '0.05',
      grossEdge: '5',
      fees: { yes: '1.68', no: '0', total: '1.68' },
      feesPerContract: '0.0168',
      netEdgePerContract: '0.0332',
      netEdge: '3.32',
      costPerContract: '0.9668',
      profitable: true,
    });
  });

  it('a positive gross edge that fees turn negative is not profitable', () => {
    const r = crossVenueEdge({
      yes: { venue: 'kalshi', price: '0.48' },
      no: { venue: 'polymarket', price: '0.50', feeRate: '0.02' },
      quantity: '100',
    });
    expect(r.grossEdge).toBe('2');
    // Kalshi 0.07 × 100 × 0.48 × 0.52 = 1.7472 → 1.75; Polymarket 100 × 0.02 × 0.25 = 0.5
    expect(r.fees).toEqual({ yes: '1.75', no: '0.5', total: '2.25' });
    expect(r.netEdge).toBe('-0.25');
    expect(r.netEdgePerContract).toBe('-0.0025');
    expect(r.profitable).toBe(false);
  });

  it('works with the venues the other way round and the Polymarket fee exponent', () => {
    const r = crossVenueEdge({
      yes: { venue: 'polymarket', price: '0.5', feeRate: '0.02', exponent: 2 },
      no: { venue: 'kalshi', price: '0.45' },
      quantity: '100',
    });
    // Polymarket 100 × 0.02 × 0.25² = 0.125; Kalshi 0.07 × 100 × 0.45 × 0.55 = 1.7325 → 1.74
    expect(r.fees).toEqual({ yes: '0.125', no: '1.74', total: '1.865' });
    expect(r.netEdge).toBe('3.135');
  });

  it('computes fees on the whole order: Kalshi rounds each order up to the cent', () => {
    const pair = { yes: { venue: 'kalshi' as const, price: '0.5' }, no: { venue: 'polymarket' as const, price: '0.45', feeRate: '0' } };
    // One contract: 0.0175 → 0.02, eating 0.02 of a 0.05 edge.
    expect(crossVenueEdge({ ...pair, quantity: '1' }).netEdgePerContract).toBe('0.03');
    // A hundred: 1.75 exactly, 0.0175 each.
    expect(crossVenueEdge({ ...pair, quantity: '100' }).netEdgePerContract).toBe('0.0325');
  });

  it('assumes taker fees unless told the leg rests as a maker', () => {
    const base = { no: { venue: 'polymarket' as const, price: '0.55', feeRate: '0.02' }, quantity: '100' };
    const taker = crossVenueEdge({ ...base, yes: { venue: 'kalshi', price: '0.40' } });
    const maker = crossVenueEdge({ ...base, yes: { venue: 'kalshi', price: '0.40', liquidity: 'maker' } });
    expect(taker.fees.yes).toBe('1.68');
    expect(maker.fees.yes).toBe('0');
    expect(crossVenueEdge({ ...base, yes: { venue: 'kalshi', price: '0.40', liquidity: 'maker', makerFeesCharged: true } }).fees.yes).toBe('0.42');
  });

  it('is exact: 1 − 0.1 − 0.2 is 0.7, not 0.7000000000000001', () => {
    const r = crossVenueEdge({
      yes: { venue: 'kalshi', price: '0.1', liquidity: 'maker' },
      no: { venue: 'polymarket', price: '0.2', feeRate: '0' },
      quantity: '3',
    });
    expect(r.grossEdgePerContract).toBe('0.7');
    expect(r.grossEdge).toBe('2.1');
  });

  it('rejects bad input naming the field', () => {
    const ok = { yes: { venue: 'kalshi' as const, price: '0.4' }, no: { venue: 'polymarket' as const, price: '0.5', feeRate: '0' }, quantity: '10' };
    expect(() => crossVenueEdge({ ...ok, no: { venue: 'kalshi', price: '0.5' } })).toThrow(/no\.venue: a cross-venue pair needs two different venues/);
    expect(() => crossVenueEdge({ ...ok, yes: { venue: 'kalshi', price: '1' } })).toThrow(/yes\.price: binary contract prices lie strictly between 0 and 1/);
    expect(() => crossVenueEdge({ ...ok, yes: { venue: 'kalshi', price: '0' } })).toThrow(/yes\.price/);
    expect(() => crossVenueEdge({ ...ok, no: { venue: 'polymarket', price: '0.5' } as never })).toThrow(/no\.feeRate/);
    expect(() => crossVenueEdge({ ...ok, quantity: '0' })).toThrow(/quantity: must be greater than 0/);
    expect(() => crossVenueEdge({ ...ok, quantity: '0.1e2' })).toThrow(/quantity/);
    expect(() => crossVenueEdge({ ...ok, yes: { venue: 'coinbase', price: '0.4' } as never })).toThrow(/yes\.venue/);
  });
});

describe('cost model: same-venue YES/NO parity', () => {
  it('finds a parity violation that survives Kalshi fees', () => {
    const r = parityEdge({ yes: { venue: 'kalshi', price: '0.40' }, no: { venue: 'kalshi', price: '0.50' }, quantity: '10' });
    // 0.07 × 10 × 0.4 × 0.6 = 0.168 → 0.17; 0.07 × 10 × 0.25 = 0.175 → 0.18
    expect(r.grossEdge).toBe('1');
    expect(r.fees).toEqual({ yes: '0.17', no: '0.18', total: '0.35' });
    expect(r.netEdge).toBe('0.65');
    expect(r.netEdgePerContract).toBe('0.065');
    expect(r.profitable).toBe(true);
  });

  it('asks summing below 1 are not a violation once fees are paid', () => {
    const r = parityEdge({ yes: { venue: 'kalshi', price: '0.45' }, no: { venue: 'kalshi', price: '0.52' }, quantity: '10' });
    // gross 0.3; fees 0.17325 → 0.18 and 0.17472 → 0.18
    expect(r.grossEdge).toBe('0.3');
    expect(r.fees.total).toBe('0.36');
    expect(r.netEdge).toBe('-0.06');
    expect(r.profitable).toBe(false);
  });

  it('an edge of exactly zero is not profitable', () => {
    const r = parityEdge({ yes: { venue: 'polymarket', price: '0.5', feeRate: '0' }, no: { venue: 'polymarket', price: '0.5', feeRate: '0' }, quantity: '10' });
    expect(r.netEdge).toBe('0');
    expect(r.profitable).toBe(false);
  });

  it('refuses legs on different venues', () => {
    expect(() =>
      parityEdge({ yes: { venue: 'kalshi', price: '0.4' }, no: { venue: 'polymarket', price: '0.5', feeRate: '0' }, quantity: '1' }),
    ).toThrow(/no\.venue: a parity pair buys YES and NO on the same venue/);
  });
});
