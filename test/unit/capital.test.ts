import fc from 'fast-check';
import { legCapital } from '../../domain/capital';
import { legSchema } from '../../domain/intent';
import { dec } from '../../domain/money';

const leg = (over: object) => legSchema.parse({ legId: 'A', venue: 'kalshi', market: 'M', outcome: 'yes', action: 'buy', limitPrice: '0.42', quantity: '25', ...over });

describe('capital per leg', () => {
  it('binary buys tie up p × C, sells the complement, in the venue settlement asset', () => {
    expect(legCapital(leg({}))).toEqual({ legId: 'A', venue: 'kalshi', asset: 'USD', amount: '10.5' });
    expect(legCapital(leg({ action: 'sell' }))).toEqual({ legId: 'A', venue: 'kalshi', asset: 'USD', amount: '14.5' });
    expect(legCapital(leg({ venue: 'polymarket', limitPrice: '0.333', quantity: '3' }))).toMatchObject({ asset: 'USDC', amount: '0.999' });
  });

  it('spot buys tie up the quote asset, sells the base asset', () => {
    expect(legCapital(leg({ venue: 'coinbase', market: 'BTC-USD', outcome: undefined, limitPrice: '97123.45', quantity: '0.0021' }))).toMatchObject({ asset: 'USD', amount: '203.959245' });
    expect(legCapital(leg({ venue: 'coinbase', market: 'BTC-USD', outcome: undefined, action: 'sell', limitPrice: '97123.45', quantity: '0.0021' }))).toMatchObject({ asset: 'BTC', amount: '0.0021' });
  });

  it('property: a buy and a sell of the same binary contract tie up exactly one dollar per contract', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 100000 }), (priceBp, qty) => {
        const p = dec(String(priceBp)).div(10000).toFixed();
        const buy = legCapital(leg({ limitPrice: p, quantity: String(qty) }));
        const sell = legCapital(leg({ limitPrice: p, quantity: String(qty), action: 'sell' }));
        return dec(buy.amount).plus(dec(sell.amount)).eq(qty);
      }),
    );
  });
});
