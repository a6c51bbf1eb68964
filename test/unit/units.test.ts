import fc from 'fast-check';
import { dec, decStr } from '../../domain/money';
import {
  ceilToIncrement,
  checkKalshiPrice,
  coinbaseDecimal,
  floorToIncrement,
  fromPolymarketUnits,
  kalshiCentsToPrice,
  kalshiComplement,
  kalshiCountToQuantity,
  kalshiDollarsToPrice,
  onIncrement,
  POLYMARKET_ROUNDING,
  polymarketOrderAmounts,
  polymarketOrderAmountsRounded,
  polymarketPrice,
  priceToKalshiCents,
  priceToKalshiDollars,
  quantityToKalshiCount,
  quantityToKalshiCountFp,
  toCoinbaseDecimal,
  toPolymarketUnits,
  UnitError,
} from '../../domain/units';

/** A canonical decimal string with `scale` decimals of an integer (exact, no floats). */
const scaled = (n: bigint, scale: number): string => decStr(dec(n.toString()).div(dec('1' + '0'.repeat(scale))));

describe('Kalshi units', () => {
  it('cents ↔ price (worked examples and every cent)', () => {
    expect(kalshiCentsToPrice(42)).toBe('0.42');
    expect(kalshiCentsToPrice(1)).toBe('0.01');
    expect(priceToKalshiCents('0.42')).toBe(42);
    expect(priceToKalshiCents('0.4200')).toBe(42);
    expect(() => priceToKalshiCents('0.425')).toThrow(/price 0.425 is not a whole number of cents in 1–99/);
    expect(() => priceToKalshiCents('1')).toThrow(UnitError);
    expect(() => kalshiCentsToPrice(100)).toThrow(/outside 1–99/);
    expect(() => kalshiCentsToPrice(4.5)).toThrow(/outside 1–99/);
    for (let c = 1; c <= 99; c++) expect(priceToKalshiCents(kalshiCentsToPrice(c))).toBe(c);
  });

  it('dollar strings ↔ price ("0.4200" as the API sends it)', () => {
    expect(kalshiDollarsToPrice('0.4200')).toBe('0.42');
    expect(kalshiDollarsToPrice('0.0550')).toBe('0.055');
    expect(kalshiDollarsToPrice('1.0000')).toBe('1');
    expect(priceToKalshiDollars('0.42')).toBe('0.4200');
    expect(priceToKalshiDollars('0.055')).toBe('0.0550');
    expect(() => priceToKalshiDollars('0.42001')).toThrow(/more than 4 decimals/);
    expect(() => kalshiDollarsToPrice('0.42e0')).toThrow(/not a fixed-point number/);
    expect(() => kalshiDollarsToPrice('')).toThrow(/not a fixed-point number/);
    expect(() => kalshiDollarsToPrice('1.5')).toThrow(/above \$1/);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (n) => {
        const price = scaled(BigInt(n), 4);
        return kalshiDollarsToPrice(priceToKalshiDollars(price)) === price && priceToKalshiDollars(price).length === 6;
      }),
    );
  });

  it('counts: legacy integers and fixed-point strings, both ways', () => {
    expect(kalshiCountToQuantity('10.00')).toBe('10');
    expect(kalshiCountToQuantity('1.55')).toBe('1.55');
    expect(kalshiCountToQuantity(10)).toBe('10');
    expect(quantityToKalshiCount('10')).toBe(10);
    expect(quantityToKalshiCountFp('10')).toBe('10.00');
    expect(quantityToKalshiCountFp('1.5')).toBe('1.50');
    expect(() => quantityToKalshiCount('10.5')).toThrow(/Kalshi count 10.5 is not a whole number/);
    expect(() => quantityToKalshiCountFp('1.555')).toThrow(/more than 2 decimals/);
    expect(() => kalshiCountToQuantity('1.555')).toThrow(/at most 2 decimals/);
    expect(() => kalshiCountToQuantity(-1)).toThrow(/not a whole number/);
    expect(() => kalshiCountToQuantity(2 ** 60)).toThrow(/not a whole number/);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), (n) => {
      const q = scaled(n, 2);
      return kalshiCountToQuantity(quantityToKalshiCountFp(q)) === q;
    }));
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), (n) => quantityToKalshiCount(kalshiCountToQuantity(n)) === n));
  });

  it('price levels: linear_cent, tapered_deci_cent, deci_cent', () => {
    expect(checkKalshiPrice('0.42')).toBe('0.42');
    expect(() => checkKalshiPrice('0.055')).toThrow(/not on the tick 0.01 \(Kalshi linear_cent\)/);
    expect(checkKalshiPrice('0.055', 'tapered_deci_cent')).toBe('0.055');
    expect(checkKalshiPrice('0.955', 'tapered_deci_cent')).toBe('0.955');
    expect(() => checkKalshiPrice('0.425', 'tapered_deci_cent')).toThrow(/tick 0.01/);
    expect(checkKalshiPrice('0.425', 'deci_cent')).toBe('0.425');
    expect(() => checkKalshiPrice('0', 'deci_cent')).toThrow(/strictly between 0 and 1/);
    expect(kalshiComplement('0.57')).toBe('0.43');
  });
});

describe('Polymarket units', () => {
  it('6-decimal amounts round-trip exactly and refuse sub-micro, negative or malformed amounts', () => {
    expect(toPolymarketUnits('13.75')).toBe(13_750_000n);
    expect(fromPolymarketUnits(13_750_000n)).toBe('13.75');
    expect(fromPolymarketUnits('13750000')).toBe('13.75');
    expect(() => toPolymarketUnits('0.0000001')).toThrow(/amount 0.0000001 × 10\^6 0.1 is not a whole number/);
    expect(() => toPolymarketUnits('-1')).toThrow(/negative/);
    expect(() => fromPolymarketUnits('1.5')).toThrow(/not a non-negative integer/);
    expect(() => fromPolymarketUnits(-1n)).toThrow(/negative/);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), (u) => toPolymarketUnits(fromPolymarketUnits(u)) === u && fromPolymarketUnits(u.toString()) === fromPolymarketUnits(u)));
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), (n) => fromPolymarketUnits(toPolymarketUnits(scaled(n, 6))) === scaled(n, 6)));
  });

  it('maker/taker amounts: worked examples for BUY and SELL', () => {
    // BUY 25 shares at 0.55: give 13.75 USDC, get 25 shares.
    expect(polymarketOrderAmounts({ side: 'BUY', price: '0.55', size: '25', tickSize: '0.01' })).toEqual({ makerAmount: 13_750_000n, takerAmount: 25_000_000n });
    expect(polymarketOrderAmounts({ side: 'SELL', price: '0.55', size: '25', tickSize: '0.01' })).toEqual({ makerAmount: 25_000_000n, takerAmount: 13_750_000n });
    // Finest tick: 4-decimal price × 2-decimal size = 6 decimals, exactly a micro-USDC.
    expect(polymarketOrderAmounts({ side: 'BUY', price: '0.0001', size: '0.01', tickSize: '0.0001' })).toEqual({ makerAmount: 1n, takerAmount: 10_000n });
    expect(polymarketOrderAmounts({ side: 'BUY', price: '0.505', size: '10', tickSize: '0.005' })).toEqual({ makerAmount: 5_050_000n, takerAmount: 10_000_000n });
  });

  it('strict amounts refuse what clob-client would have rounded', () => {
    expect(() => polymarketOrderAmounts({ side: 'BUY', price: '0.555', size: '25', tickSize: '0.01' })).toThrow(/price 0.555 is not on the tick 0.01/);
    expect(() => polymarketOrderAmounts({ side: 'BUY', price: '0.55', size: '25.001', tickSize: '0.01' })).toThrow(/size 25.001 has more than 2 decimals/);
    expect(() => polymarketOrderAmounts({ side: 'BUY', price: '0.99', size: '1', tickSize: '0.1' })).toThrow(/not on the tick 0.1/);
    expect(() => polymarketOrderAmounts({ side: 'SELL', price: '1', size: '1', tickSize: '0.1' })).toThrow(/outside 0.1–0.9/);
    expect(() => polymarketOrderAmounts({ side: 'BUY', price: '0.5', size: '1', tickSize: '0.02' })).toThrow(/tick size 0.02 is not one Polymarket uses/);
  });

  it('rounded amounts follow clob-client-v2 getOrderRawAmounts: price half-up to the config decimals, size down to 2', () => {
    // clob-client: roundNormal(0.555, 2) = 0.56; roundDown(25.019, 2) = 25.01; 25.01 × 0.56 = 14.0056.
    expect(polymarketOrderAmountsRounded({ side: 'BUY', price: '0.555', size: '25.019', tickSize: '0.01' })).toEqual({ makerAmount: 14_005_600n, takerAmount: 25_010_000n, price: '0.56', size: '25.01' });
    expect(polymarketOrderAmountsRounded({ side: 'SELL', price: '0.5549', size: '10', tickSize: '0.01' })).toEqual({ makerAmount: 10_000_000n, takerAmount: 5_500_000n, price: '0.55', size: '10' });
    // Like the client, rounding is to ROUNDING_CONFIG.price decimals, not to the tick: 0.503 stays (tick 0.005, 3 decimals).
    expect(polymarketOrderAmountsRounded({ side: 'BUY', price: '0.503', size: '1', tickSize: '0.005' }).price).toBe('0.503');
    expect(() => polymarketOrderAmountsRounded({ side: 'BUY', price: '0.995', size: '1', tickSize: '0.01' })).toThrow(/invalid price \(0.995\), min: 0.01 - max: 0.99/);
    expect(() => polymarketOrderAmountsRounded({ side: 'BUY', price: '0.5', size: '0.004', tickSize: '0.01' })).toThrow(/rounds down to 0/);
  });

  it('property: amounts express the limit price exactly, for every tick size and side, and strict = rounded on exact inputs', () => {
    const ticks = Object.keys(POLYMARKET_ROUNDING);
    fc.assert(
      fc.property(fc.constantFrom(...ticks), fc.integer({ min: 1, max: 100_000 }), fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'), (tickSize, k, sizeCents, side) => {
        const tick = dec(tickSize);
        const steps = dec('1').div(tick).toNumber();
        const price = decStr(tick.times(1 + (k % (steps - 1))));
        const size = scaled(sizeCents, 2);
        const amounts = polymarketOrderAmounts({ side, price, size, tickSize });
        const rounded = polymarketOrderAmountsRounded({ side, price, size, tickSize });
        const shares = side === 'BUY' ? amounts.takerAmount : amounts.makerAmount;
        return polymarketPrice({ side, ...amounts }) === price && fromPolymarketUnits(shares) === size && rounded.makerAmount === amounts.makerAmount && rounded.takerAmount === amounts.takerAmount;
      }),
    );
  });

  it('price from amounts refuses inexact quotients and empty sides', () => {
    expect(polymarketPrice({ side: 'BUY', makerAmount: '13750000', takerAmount: '25000000' })).toBe('0.55');
    expect(() => polymarketPrice({ side: 'BUY', makerAmount: 1_000_000n, takerAmount: 3_000_000n })).toThrow(/do not express an exact decimal price/);
    expect(() => polymarketPrice({ side: 'SELL', makerAmount: 0n, takerAmount: 1n })).toThrow(/has no shares/);
  });
});

describe('Coinbase units', () => {
  it('values must sit on the product increment; explicit rounding is named', () => {
    expect(onIncrement('0.00210000', '0.00000001', 'base_size')).toBe('0.0021');
    expect(() => onIncrement('97123.455', '0.01', 'limit_price')).toThrow(/limit_price 97123.455 is not a multiple of the increment 0.01/);
    expect(() => onIncrement('1', '0', 'base_size')).toThrow(/increment 0 must be greater than 0/);
    expect(floorToIncrement('0.123456789', '0.00000001')).toBe('0.12345678');
    expect(ceilToIncrement('97123.451', '0.01')).toBe('97123.46');
    expect(floorToIncrement('97123.459', '0.01')).toBe('97123.45');
    expect(toCoinbaseDecimal('0.0021', '0.00000001', 'base_size')).toBe('0.00210000');
    expect(toCoinbaseDecimal('97150', '0.01', 'limit_price')).toBe('97150.00');
    expect(coinbaseDecimal('0.00210000')).toBe('0.0021');
    expect(() => coinbaseDecimal('')).toThrow(/Coinbase decimal "" is not a decimal number/);
  });

  it('property: API string → ours → API string is lossless on the increment', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 8 }), (n, decimals) => {
        const increment = scaled(1n, decimals);
        const wire = decimals === 0 ? n.toString() : dec(scaled(n, decimals)).toFixed(decimals);
        return toCoinbaseDecimal(coinbaseDecimal(wire), increment, 'base_size') === wire;
      }),
    );
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 8 }), (n, decimals) => {
      const inc = scaled(1n, decimals);
      const v = scaled(n, decimals + 3);
      const lo = dec(floorToIncrement(v, inc));
      const hi = dec(ceilToIncrement(v, inc));
      return lo.lte(dec(v)) && hi.gte(dec(v)) && hi.minus(lo).lte(dec(inc)) && onIncrement(decStr(lo), inc, 'x') === decStr(lo);
    }));
  });
});
