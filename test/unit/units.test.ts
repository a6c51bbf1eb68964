import fc from 'fast-check';
import { dec } from '../../domain/money';
import {
  fromPolymarketUnits,
  kalshiCentsToPrice,
  kalshiCountToQuantity,
  kalshiDollarsToPrice,
  onIncrement,
  polymarketOrderAmounts,
  polymarketPrice,
  priceToKalshiCents,
  priceToKalshiDollars,
  quantityToKalshiCount,
  toPolymarketUnits,
} from '../../domain/units';

describe('venue units', () => {
  it('Kalshi cents, dollar strings and counts, both ways', () => {
    expect(kalshiCentsToPrice(42)).toBe('0.42');
    expect(priceToKalshiCents('0.42')).toBe(42);
    expect(() => priceToKalshiCents('0.425')).toThrow(/not a whole number of cents/);
    expect(() => kalshiCentsToPrice(100)).toThrow(/outside 1–99/);
    expect(kalshiDollarsToPrice('0.4200')).toBe('0.42');
    expect(priceToKalshiDollars('0.42')).toBe('0.4200');
    expect(kalshiCountToQuantity('10.00')).toBe('10');
    expect(quantityToKalshiCount('10')).toBe(10);
    expect(() => quantityToKalshiCount('10.5')).toThrow(/not a whole number/);
    fc.assert(fc.property(fc.integer({ min: 1, max: 99 }), (c) => priceToKalshiCents(kalshiCentsToPrice(c)) === c && kalshiDollarsToPrice(priceToKalshiDollars(kalshiCentsToPrice(c))) === kalshiCentsToPrice(c)));
  });

  it('Polymarket 6-decimal units round-trip exactly and refuse sub-micro amounts', () => {
    expect(toPolymarketUnits('13.75')).toBe(13_750_000n);
    expect(fromPolymarketUnits(13_750_000n)).toBe('13.75');
    expect(() => toPolymarketUnits('0.0000001')).toThrow(/not a whole number/);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (u) => toPolymarketUnits(fromPolymarketUnits(u)) === u));
  });

  it('Polymarket maker/taker amounts express the limit price exactly, for BUY and SELL', () => {
    expect(polymarketOrderAmounts({ side: 'BUY', price: '0.55', size: '25', tickSize: '0.01' })).toEqual({ makerAmount: 13_750_000n, takerAmount: 25_000_000n });
    expect(polymarketOrderAmounts({ side: 'SELL', price: '0.55', size: '25', tickSize: '0.01' })).toEqual({ makerAmount: 25_000_000n, takerAmount: 13_750_000n });
    expect(() => polymarketOrderAmounts({ side: 'BUY', price: '0.555', size: '25', tickSize: '0.01' })).toThrow(/not on the tick/);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 100000 }), fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'), (milli, size, side) => {
        const price = dec(String(milli)).div(1000).toFixed();
        const amounts = polymarketOrderAmounts({ side, price, size: String(size), tickSize: '0.001' });
        return polymarketPrice({ side, ...amounts }) === dec(price).toFixed();
      }),
    );
  });

  it('Coinbase values must sit on the product increment', () => {
    expect(onIncrement('0.00210000', '0.00000001', 'base_size')).toBe('0.0021');
    expect(() => onIncrement('97123.455', '0.01', 'limit_price')).toThrow(/limit_price 97123.455 is not a multiple of the increment 0.01/);
  });
});
