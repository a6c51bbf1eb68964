import { sizePosition, SIZING_CONSTRAINTS, type SizingInput } from '../../domain/sizing';

/** A 5¢ net edge on a 95¢ pair, 10k bankroll, deep book, no caps, no capital-lock cost. */
function input(overrides: Partial<SizingInput> = {}): SizingInput {
  return {
    netEdgePerContract: '0.05',
    costPerContract: '0.95',
    bankroll: '10000',
    depth: '100000',
    annualCostOfCapital: '0',
    daysToResolution: '0',
    ...overrides,
  };
}

describe('sizing: fractional Kelly with haircut', () => {
  it('kelly binds on a deep, uncapped book: 0.25 × (0.05 × 0.5) / 0.05 = 12.5% of bankroll', () => {
    const r = sizePosition(input());
    // 1250 / 0.95 = 1315.78… → floor 1315
    expect(r).toEqual({
      contracts: '1315',
      binding: 'kelly',
      adjustedEdgePerContract: '0.025',
      capitalLockPenaltyPerContract: '0',
      stakeFraction: '0.125',
      limits: { depth: '100000', kelly: '1315' },
    });
  });

  it('defaults are kellyFraction 0.25 and haircut 0.5', () => {
    expect(sizePosition(input({ kellyFraction: '0.25', haircut: '0.5' }))).toEqual(sizePosition(input()));
  });

  it('the haircut and the Kelly fraction each scale the stake', () => {
    // No haircut: 0.25 of the full edge → 25% → 2500 / 0.95 = 2631.57… → 2631
    expect(sizePosition(input({ haircut: '0' })).contracts).toBe('2631');
    // Half Kelly, default haircut: 25% → 2631
    expect(sizePosition(input({ kellyFraction: '0.5' })).contracts).toBe('2631');
    // Haircut 0.8 keeps a fifth of the edge: 0.25 × 0.01 / 0.05 = 5% → 500 / 0.95 → 526
    expect(sizePosition(input({ haircut: '0.8' })).contracts).toBe('526');
  });

  it('a non-arbitrage binary bet: Kelly f* = e / (1 − c)', () => {
    // Buy at 0.40 believing 0.50: e = 0.1, f* = 0.1 / 0.6; quarter Kelly on half the edge = 0.25 × 0.05 / 0.6
    const r = sizePosition(input({ netEdgePerContract: '0.1', costPerContract: '0.4', bankroll: '1200' }));
    expect(r.stakeFraction).toBe('0.020833333333333333333333333333333333333333333333333');
    // 1200 × 0.0208333… = 25 → 25 / 0.4 = 62.5 → 62
    expect(r.contracts).toBe('62');
    expect(r.binding).toBe('kelly');
  });

  it('depth binds when the thinner side holds fewer contracts', () => {
    const r = sizePosition(input({ depth: '1000' }));
    expect(r.contracts).toBe('1000');
    expect(r.binding).toBe('depth');
  });

  it('fractional depth is floored to whole contracts', () => {
    expect(sizePosition(input({ depth: '99.9' }))).toMatchObject({ contracts: '99', binding: 'depth' });
  });

  it('the per-market exposure cap binds, converted to contracts at the cost per contract', () => {
    // 500 / 0.95 = 526.3… → 526
    const r = sizePosition(input({ marketCapRemaining: '500' }));
    expect(r).toMatchObject({ contracts: '526', binding: 'market_cap' });
    expect(r.limits.market_cap).toBe('526');
  });

  it('the per-venue exposure cap binds when tighter than the market cap', () => {
    // 300 / 0.95 = 315.7… → 315
    const r = sizePosition(input({ marketCapRemaining: '500', venueCapRemaining: '300' }));
    expect(r).toMatchObject({ contracts: '315', binding: 'venue_cap' });
    expect(r.limits).toEqual({ depth: '100000', market_cap: '526', venue_cap: '315', kelly: '1315' });
  });

  it('an exhausted cap sizes to zero', () => {
    expect(sizePosition(input({ venueCapRemaining: '0' }))).toMatchObject({ contracts: '0', binding: 'venue_cap' });
  });

  it('on a tie the hard limit is reported, not kelly', () => {
    // cost 0.5, edge 0.1 → adjusted 0.05 → 0.25 × 0.05 / 0.5 = 2.5% of 10000 = 250 → 500 contracts
    const r = sizePosition(input({ netEdgePerContract: '0.1', costPerContract: '0.5', depth: '500' }));
    expect(r.limits.kelly).toBe('500');
    expect(r).toMatchObject({ contracts: '500', binding: 'depth' });
  });

  it('an empty bankroll sizes to zero on kelly', () => {
    expect(sizePosition(input({ bankroll: '0' }))).toMatchObject({ contracts: '0', binding: 'kelly' });
  });

  describe('capital lock penalty', () => {
    it('reduces the edge by annual rate × days/365 × cost per contract', () => {
      // 0.10 × 73/365 × 0.95 = 0.019; adjusted 0.025 − 0.019 = 0.006; 0.25 × 0.006 / 0.05 = 3% → 300 / 0.95 → 315
      const r = sizePosition(input({ annualCostOfCapital: '0.10', daysToResolution: '73' }));
      expect(r.capitalLockPenaltyPerContract).toBe('0.019');
      expect(r.adjustedEdgePerContract).toBe('0.006');
      expect(r.stakeFraction).toBe('0.03');
      expect(r.contracts).toBe('315');
    });

    it('binds as capital_lock when waiting for resolution eats the whole edge', () => {
      // 0.10 × 365/365 × 0.95 = 0.095 > 0.025
      const r = sizePosition(input({ annualCostOfCapital: '0.10', daysToResolution: '365' }));
      expect(r).toMatchObject({ contracts: '0', binding: 'capital_lock', adjustedEdgePerContract: '-0.07', capitalLockPenaltyPerContract: '0.095' });
    });
  });

  it.each([['0'], ['-0.01']])('binds as no_edge when the net edge is %s', (edge) => {
    expect(sizePosition(input({ netEdgePerContract: edge }))).toMatchObject({ contracts: '0', binding: 'no_edge', stakeFraction: '0' });
  });

  it('lists every constraint name', () => {
    expect([...SIZING_CONSTRAINTS].sort()).toEqual(['capital_lock', 'depth', 'kelly', 'market_cap', 'no_edge', 'venue_cap']);
  });

  describe('input validation', () => {
    it.each<[string, Partial<SizingInput>, RegExp]>([
      ['cost of 1', { costPerContract: '1' }, /costPerContract: cost per contract must lie in \(0, 1\)/],
      ['cost of 0', { costPerContract: '0' }, /costPerContract/],
      ['edge plus cost above 1', { netEdgePerContract: '0.1' }, /netEdgePerContract: edge plus cost per contract exceeds the payoff of 1/],
      ['kelly fraction 0', { kellyFraction: '0' }, /kellyFraction: kelly fraction must lie in \(0, 1\]/],
      ['haircut 1', { haircut: '1' }, /haircut: haircut must lie in \[0, 1\)/],
      ['negative bankroll', { bankroll: '-1' }, /bankroll: must be 0 or more/],
      ['exponent notation', { depth: '1e3' }, /depth: must be a decimal number/],
      ['negative days', { daysToResolution: '-1' }, /daysToResolution/],
      ['negative cap', { marketCapRemaining: '-5' }, /marketCapRemaining/],
    ])('rejects %s naming the field', (_name, overrides, message) => {
      expect(() => sizePosition(input(overrides))).toThrow(message);
    });

    it('requires the capital-lock inputs', () => {
      const { annualCostOfCapital: _a, ...rest } = input();
      expect(() => sizePosition(rest as SizingInput)).toThrow(/annualCostOfCapital/);
    });
  });
});
