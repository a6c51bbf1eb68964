import { coinbaseFee, kalshiFee, polymarketFee } from '../../domain/fees';

describe('venue fees', () => {
  it('Kalshi: 0.07 × C × P × (1−P), rounded up to the cent', () => {
    // 100 contracts at 50¢: 0.07 × 100 × 0.25 = 1.75 exactly
    expect(kalshiFee({ contracts: '100', price: '0.50', liquidity: 'taker' })).toBe('1.75');
    // 1 contract at 50¢: 0.0175 → rounds UP to 0.02
    expect(kalshiFee({ contracts: '1', price: '0.50', liquidity: 'taker' })).toBe('0.02');
    // 10 at 3¢: 0.07 × 10 × 0.03 × 0.97 = 0.02037 → 0.03
    expect(kalshiFee({ contracts: '10', price: '0.03', liquidity: 'taker' })).toBe('0.03');
    expect(kalshiFee({ contracts: '100', price: '0.50', liquidity: 'maker' })).toBe('0');
    expect(kalshiFee({ contracts: '100', price: '0.50', liquidity: 'maker', makerFeesCharged: true })).toBe('0.44'); // 0.4375 → 0.44
  });

  it('Polymarket: takers on fee-enabled markets only', () => {
    expect(polymarketFee({ shares: '100', price: '0.5', liquidity: 'taker', feeRate: '0' })).toBe('0');
    expect(polymarketFee({ shares: '100', price: '0.5', liquidity: 'maker', feeRate: '0.02' })).toBe('0');
    expect(polymarketFee({ shares: '100', price: '0.5', liquidity: 'taker', feeRate: '0.02', exponent: 1 })).toBe('0.5');
    expect(polymarketFee({ shares: '100', price: '0.5', liquidity: 'taker', feeRate: '0.02', exponent: 2 })).toBe('0.125');
    expect(() => polymarketFee({ shares: '1', price: '0.5', liquidity: 'taker', feeRate: '0.02', exponent: 1.5 })).toThrow(/whole number/);
  });

  it('Coinbase: percentage of notional by 30-day volume tier', () => {
    expect(coinbaseFee({ notional: '1000', liquidity: 'taker' })).toBe('12');
    expect(coinbaseFee({ notional: '1000', liquidity: 'maker', volume30d: '5000' })).toBe('3.5');
    expect(coinbaseFee({ notional: '203.959245', liquidity: 'taker', volume30d: '600000' })).toBe('0.81583698');
  });
});
