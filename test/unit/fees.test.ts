import fc from 'fast-check';
import {
  bpsToRate,
  COINBASE_DEFAULT_TIERS,
  coinbaseFee,
  coinbaseTierFor,
  kalshiFee,
  kalshiFeeExact,
  kalshiFillFee,
  kalshiTradeFee,
  polymarketFee,
  polymarketFeeExact,
} from '../../domain/fees';
import { dec, decStr } from '../../domain/money';

describe('Kalshi fees', () => {
  it('taker: 0.07 × C × P × (1−P), rounded up to the cent (Kalshi fee table)', () => {
    expect(kalshiFee({ contracts: '100', price: '0.50', liquidity: 'taker' })).toBe('1.75'); // exactly 1.75
    expect(kalshiFee({ contracts: '1', price: '0.50', liquidity: 'taker' })).toBe('0.02'); // 0.0175 → 0.02
    expect(kalshiFee({ contracts: '10', price: '0.50', liquidity: 'taker' })).toBe('0.18'); // 0.175 → 0.18
    expect(kalshiFee({ contracts: '100', price: '0.05', liquidity: 'taker' })).toBe('0.34'); // 0.3325
    expect(kalshiFee({ contracts: '100', price: '0.25', liquidity: 'taker' })).toBe('1.32'); // 1.3125
    expect(kalshiFee({ contracts: '100', price: '0.90', liquidity: 'taker' })).toBe('0.63'); // 0.63 exactly
    expect(kalshiFee({ contracts: '1', price: '0.05', liquidity: 'taker' })).toBe('0.01'); // 0.003325 → 0.01
  });

  it('maker: 0.0175 × C × P × (1−P) only on series that charge makers', () => {
    expect(kalshiFee({ contracts: '100', price: '0.50', liquidity: 'maker' })).toBe('0');
    expect(kalshiFee({ contracts: '100', price: '0.50', liquidity: 'maker', makerFeesCharged: true })).toBe('0.44'); // 0.4375
    expect(kalshiFee({ contracts: '100', price: '0.05', liquidity: 'maker', makerFeesCharged: true })).toBe('0.09'); // 0.083125
    expect(kalshiFee({ contracts: '1', price: '0.50', liquidity: 'maker', makerFeesCharged: true })).toBe('0.01'); // 0.004375
    expect(kalshiFeeExact({ contracts: '100', price: '0.50', liquidity: 'maker', makerFeesCharged: true })).toBe('0.4375');
  });

  it('trade fee is rounded up to the centicent; the rounding fee restores the balance precision', () => {
    expect(kalshiTradeFee({ contracts: '1', price: '0.055', liquidity: 'taker' })).toBe('0.0037'); // 0.00363825
    const buy = kalshiFillFee({ contracts: '1', price: '0.50', action: 'buy', liquidity: 'taker' });
    expect(buy).toEqual({ tradeFee: '0.0175', roundingFee: '0.0025', rebate: '0', netFee: '0.02', balanceChange: '-0.52', accumulator: '0.0025' });
    const sell = kalshiFillFee({ contracts: '1', price: '0.50', action: 'sell', liquidity: 'taker' });
    expect(sell).toMatchObject({ netFee: '0.02', balanceChange: '0.48' });
    // Direct members keep $0.0001 balances: no rounding fee at a centicent-aligned fee.
    expect(kalshiFillFee({ contracts: '1', price: '0.50', action: 'buy', liquidity: 'taker', balancePrecision: '0.0001' })).toMatchObject({ roundingFee: '0', netFee: '0.0175', balanceChange: '-0.5175' });
  });

  it('the accumulator makes split fills cost what one fill costs', () => {
    const split = (n: number, price: string): string => {
      let accumulator = '0';
      let total = dec('0');
      for (let i = 0; i < n; i++) {
        const f = kalshiFillFee({ contracts: '1', price, action: 'buy', liquidity: 'taker', accumulator });
        accumulator = f.accumulator;
        total = total.plus(dec(f.netFee));
      }
      return decStr(total);
    };
    // Four 1-lot fills at 50¢: 0.02 + 0.02 + 0.02 + (0.02 − 0.01 rebate) = 0.07 = one 4-lot fill.
    expect(split(4, '0.50')).toBe('0.07');
    expect(kalshiFillFee({ contracts: '4', price: '0.50', action: 'buy', liquidity: 'taker' }).netFee).toBe('0.07');
    // Sub-penny price: three 1-lot fills at $0.055 cost 0.015 in all, as one 3-lot fill does.
    expect(split(3, '0.055')).toBe('0.015');
    expect(kalshiFillFee({ contracts: '3', price: '0.055', action: 'buy', liquidity: 'taker' }).netFee).toBe('0.015');
  });

  it('property: net fee ≥ 0, balance change = revenue − net fee, on the balance precision; whole cents are refunded unless the fill owes less', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 10_000 }), fc.constantFrom<'buy' | 'sell'>('buy', 'sell'), fc.constantFrom<'maker' | 'taker'>('maker', 'taker'), fc.integer({ min: 0, max: 99 }), (mills, hundredths, action, liquidity, acc) => {
        const price = decStr(dec(String(mills)).div(1000));
        const contracts = decStr(dec(String(hundredths)).div(100));
        const f = kalshiFillFee({ contracts, price, action, liquidity, makerFeesCharged: true, accumulator: decStr(dec(String(acc)).div(10000)) });
        const notional = dec(contracts).times(dec(price));
        const revenue = action === 'buy' ? notional.negated() : notional;
        return dec(f.netFee).gte(0) && dec(f.balanceChange).eq(revenue.minus(dec(f.netFee))) && dec(f.balanceChange).mod(dec('0.01')).isZero() && dec(f.accumulator).gte(0) && (dec(f.accumulator).lt(dec('0.01')) || dec(f.netFee).lt(dec('0.01')));
      }),
    );
  });

  it('refuses impossible inputs', () => {
    expect(() => kalshiFee({ contracts: '1', price: '1.5', liquidity: 'taker' })).toThrow(/outside 0–1/);
    expect(() => kalshiFee({ contracts: '-1', price: '0.5', liquidity: 'taker' })).toThrow(/negative/);
  });
});

describe('Polymarket fees', () => {
  it('takers on fee-enabled markets only: C × feeRate × p × (1 − p) (docs: sports 0.03, crypto 0.07)', () => {
    expect(polymarketFee({ shares: '100', price: '0.5', liquidity: 'taker', feeRate: '0' })).toBe('0');
    expect(polymarketFee({ shares: '100', price: '0.5', liquidity: 'maker', feeRate: '0.03' })).toBe('0');
    expect(polymarketFee({ shares: '100', price: '0.5', liquidity: 'taker', feeRate: '0.03' })).toBe('0.75');
    expect(polymarketFee({ shares: '100', price: '0.54', liquidity: 'taker', feeRate: '0.07' })).toBe('1.7388');
    expect(polymarketFee({ shares: '100', price: '0.5', liquidity: 'taker', feeRate: '0.02', exponent: 2 })).toBe('0.125');
  });

  it('floors the charge to 0.00001 USDC', () => {
    expect(polymarketFeeExact({ shares: '3', price: '0.333', liquidity: 'taker', feeRate: '0.07' })).toBe('0.04664331');
    expect(polymarketFee({ shares: '3', price: '0.333', liquidity: 'taker', feeRate: '0.07' })).toBe('0.04664');
    expect(polymarketFee({ shares: '0.01', price: '0.01', liquidity: 'taker', feeRate: '0.03' })).toBe('0'); // 0.00000297
    expect(() => polymarketFee({ shares: '1', price: '0.5', liquidity: 'taker', feeRate: '0.02', exponent: 1.5 })).toThrow(/whole number/);
    expect(() => polymarketFee({ shares: '1', price: '0.5', liquidity: 'taker', feeRate: '-0.02' })).toThrow(/negative/);
  });
});

describe('Coinbase fees', () => {
  it('maker/taker rate on notional by 30-day volume tier; lowest tier by default', () => {
    expect(coinbaseFee({ notional: '1000', liquidity: 'taker' })).toBe('12');
    expect(coinbaseFee({ notional: '1000', liquidity: 'maker', volume30d: '5000' })).toBe('3.5');
    expect(coinbaseFee({ notional: '203.959245', liquidity: 'taker', volume30d: '600000' })).toBe('0.81583698');
    expect(coinbaseTierFor('999.99')).toBe(COINBASE_DEFAULT_TIERS[0]);
    expect(coinbaseTierFor('1000')).toBe(COINBASE_DEFAULT_TIERS[1]);
  });

  it('takes the account table as data (bps), in any order', () => {
    const tiers = [
      { minVolume: '10000', makerRate: bpsToRate('25'), takerRate: bpsToRate('40') },
      { minVolume: '0', makerRate: bpsToRate('40'), takerRate: bpsToRate('60') },
    ];
    expect(coinbaseFee({ notional: '100', liquidity: 'taker', tiers })).toBe('0.6');
    expect(coinbaseFee({ notional: '100', liquidity: 'maker', volume30d: '10000', tiers })).toBe('0.25');
    expect(() => coinbaseFee({ notional: '100', liquidity: 'maker', tiers: [] })).toThrow(/empty/);
  });
});
