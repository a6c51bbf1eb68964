import fc from 'fast-check';
import { parseIntent } from '../../domain/intent';
import { dec, decStr } from '../../domain/money';
import type { BookSnapshot } from '../../domain/quote-firewall';
import { btcFairValueParamsSchema, btcFairValueStrategy, btcOpportunityId, evaluateBtcMarket, type BtcFairValueParamsInput, type BtcMarket } from '../../domain/strategies/btc-fair-value';
import { btcAboveProbability, normalCdf } from '../../domain/strategies/btc-model';
import { bookKey, scanRecordSchema, type ScanRecord, type StrategyContext } from '../../domain/strategies/strategy';
import { buildWorld } from '../../venues/sim/world';
import { NOW, strategyCtx as ctx, type Levels } from '../helpers/strategy-fixtures';

const TEN_MIN = 600_000;

const MARKET: BtcMarket = { id: 'BTCW1-T97050', title: 'BTC above 97050', kalshi: { ticker: 'LWSIM-BTCW1-T97050' }, reference: { venue: 'coinbase', product: 'BTC-USD' }, strike: '97050', resolvesAt: NOW + TEN_MIN };
const reference = (bids: Levels = [['97045', '0.5']], asks: Levels = [['97055', '0.5']], receivedAtMs = NOW - 100): BookSnapshot => ({ venue: 'coinbase', market: 'BTC-USD', bids, asks, receivedAtMs });
const kalshi = (bids: Levels, asks: Levels, receivedAtMs = NOW - 100): BookSnapshot => ({ venue: 'kalshi', market: MARKET.kalshi.ticker, bids, asks, receivedAtMs });

function evaluate(k: BookSnapshot, opts: { ref?: BookSnapshot; params?: BtcFairValueParamsInput; market?: BtcMarket; context?: StrategyContext } = {}) {
  const records = evaluateBtcMarket(opts.market ?? MARKET, { kalshi: k, reference: opts.ref ?? reference() }, opts.context ?? ctx(), btcFairValueParamsSchema.parse(opts.params ?? {}));
  expect(records.map((r) => r.direction)).toEqual(['buy_yes', 'buy_no']);
  for (const r of records) scanRecordSchema.parse(r);
  return { yes: records[0] as ScanRecord, no: records[1] as ScanRecord };
}

describe('BTC short-window model', () => {
  it('the normal CDF approximation is within 1e-7 of known values', () => {
    const known: [string, string][] = [['0', '0.5'], ['1', '0.8413447461'], ['-1', '0.1586552539'], ['1.96', '0.9750021049'], ['3', '0.9986501020']];
    for (const [x, n] of known) expect(normalCdf(dec(x)).minus(dec(n)).abs().lt(dec('0.0000001'))).toBe(true);
  });

  it('P(above strike) at the money is just under one half (the lognormal drift term), and decided at expiry', () => {
    expect(decStr(btcAboveProbability({ spot: '97050', strike: '97050', msToExpiry: TEN_MIN, annualVol: '0.65' }))).toBe('0.4994');
    expect(decStr(btcAboveProbability({ spot: '97051', strike: '97050', msToExpiry: 0, annualVol: '0.65' }))).toBe('1');
    expect(decStr(btcAboveProbability({ spot: '97050', strike: '97050', msToExpiry: 0, annualVol: '0.65' }))).toBe('0');
  });

  it('property: the fair value lies in [0, 1], rises with spot and falls with strike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 90_000, max: 104_000 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1_000, max: 3_600_000 }), (spot, step, ms) => {
        const at = (s: number, k: number) => btcAboveProbability({ spot: String(s), strike: String(k), msToExpiry: ms, annualVol: '0.65' });
        const p = at(spot, 97_000);
        expect(p.gte(0) && p.lte(1)).toBe(true);
        expect(at(spot + step, 97_000).gte(p)).toBe(true);
        expect(at(spot, 97_000 + step).lte(p)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('BTC fair-value strategy', () => {
  it('buys YES when the ask is below fair by more than fees and the margin, with exact figures', () => {
    // Mid 97050 = strike, 10 minutes, σ 0.65 → fair 0.4994; YES asked at 0.42 (30).
    const { yes, no } = evaluate(kalshi([['0.4', '80']], [['0.42', '30']]));
    // 30 contracts (the touch): fee ceil(0.07 × 30 × 0.42 × 0.58 = 0.51156) = 0.52.
    expect(yes).toMatchObject({
      strategy: 'btc-fair-value',
      pairId: 'BTCW1-T97050',
      legs: [{ venue: 'kalshi', market: 'LWSIM-BTCW1-T97050', outcome: 'yes', price: '0.42', size: '30', fee: '0.52' }],
      quantity: '30',
      binding: 'depth',
      fees: { total: '0.52' },
      grossEdgePerContract: '0.0794',
      fairValue: '0.4994',
      reference: { venue: 'coinbase', market: 'BTC-USD', mid: '97050', ageMs: 100 },
      decision: 'take',
      reason: 'ok',
      opportunityId: 'btc:BTCW1-T97050:yes:42:e0',
    });
    expect(dec(yes.netEdgePerContract!).eq(dec('0.0794').minus(dec('0.52').div(30)))).toBe(true);
    const intent = parseIntent(yes.intent);
    expect(intent).toMatchObject({ strategy: 'btc-fair-value', awaitSettlement: true, settlementPollMs: 60_000, expiresAt: '2026-01-01T00:10:00.000Z' });
    expect(intent.legs).toEqual([{ legId: 'A', venue: 'kalshi', market: 'LWSIM-BTCW1-T97050', outcome: 'yes', action: 'buy', limitPrice: '0.42', quantity: '30', timeInForce: 'GTC' }]);
    // NO costs 1 − 0.40 = 0.60 against a fair 0.5006.
    expect(no).toMatchObject({ decision: 'skip', reason: 'no_edge', fairValue: '0.5006', grossEdgePerContract: '-0.0994', legs: [{ outcome: 'no', price: '0.6', size: '80' }] });
  });

  it('buys NO when the bid is above fair by more than fees and the margin', () => {
    const { yes, no } = evaluate(kalshi([['0.58', '20']], [['0.6', '20']]));
    expect(yes.reason).toBe('no_edge');
    // NO at 1 − 0.58 = 0.42 against 1 − 0.4994; fee ceil(0.07 × 20 × 0.42 × 0.58 = 0.34104) = 0.35.
    expect(no).toMatchObject({ decision: 'take', fairValue: '0.5006', grossEdgePerContract: '0.0806', quantity: '20', fees: { total: '0.35' }, opportunityId: 'btc:BTCW1-T97050:no:42:e0' });
    expect(parseIntent(no.intent).legs[0]).toMatchObject({ outcome: 'no', limitPrice: '0.42', quantity: '20' });
  });

  it('skips with a reason: stale or missing reference, Kalshi firewall, expiry, no edge, fees, margin', () => {
    const mispriced = kalshi([['0.4', '80']], [['0.42', '30']]);
    const old = evaluate(mispriced, { ref: reference(undefined, undefined, NOW - 5_000) });
    expect(old.yes).toMatchObject({ decision: 'skip', reason: 'stale_reference' });
    expect(old.yes.detail).toMatch(/coinbase BTC-USD: stale/);
    expect(old.yes.fairValue).toBeUndefined();
    expect(evaluate(mispriced, { ref: reference([], []) }).yes).toMatchObject({ reason: 'stale_reference' });
    expect(evaluate(kalshi([['0.4', '80']], [['0.42', '30']], NOW - 5_000)).yes).toMatchObject({ reason: 'quote_rejected:stale' });
    expect(evaluate(mispriced, { market: { ...MARKET, resolvesAt: NOW + 10_000 } }).yes).toMatchObject({ reason: 'too_close_to_expiry', detail: '10000 ms left < 30000 ms' });
    expect(evaluate(mispriced, { market: { ...MARKET, resolvesAt: NOW } }).yes).toMatchObject({ reason: 'past_resolution' });
    // At fair ± a cent: no edge either way.
    const calm = evaluate(kalshi([['0.49', '100']], [['0.51', '100']]));
    expect([calm.yes.reason, calm.no.reason]).toEqual(['no_edge', 'no_edge']);
    // 0.49 ask: gross 0.0094; judged at the 50-contract cap, fee ceil(0.07 × 50 × 0.49 × 0.51 = 0.87465) = 0.88 → 0.0176 a contract.
    expect(evaluate(kalshi([['0.47', '100']], [['0.49', '100']])).yes).toMatchObject({ reason: 'fees_exceed_edge', grossEdgePerContract: '0.0094', fees: { total: '0.88', perContract: '0.0176' }, netEdgePerContract: '-0.0082' });
    expect(evaluate(mispriced, { params: { minNetEdgePerContract: '0.07' } }).yes).toMatchObject({ reason: 'edge_below_min' });
  });

  it('the Strategy seam: books it reads, ids from the epoch lookup, a mapping without BTC markets reads nothing', () => {
    const world = buildWorld({ seed: 3, startAt: NOW, btcMarkets: 3, btcResolveAfterMs: TEN_MIN });
    expect(world.mapping.btcMarkets?.map((m) => [m.id, m.strike, m.resolvesAt])).toEqual([
      ['BTCW1-T96950', '96950', NOW + TEN_MIN],
      ['BTCW2-T97050', '97050', NOW + 2 * TEN_MIN],
      ['BTCW3-T97150', '97150', NOW + 3 * TEN_MIN],
    ]);
    const strategy = btcFairValueStrategy(world.mapping);
    expect(strategy.markets.filter((m) => m.venue === 'coinbase')).toHaveLength(3);
    const m = world.mapping.btcMarkets![1]!;
    const books = new Map([
      [bookKey('kalshi', m.kalshi.ticker), { ...kalshi([['0.4', '80']], [['0.42', '30']]), market: m.kalshi.ticker }],
      [bookKey('coinbase', 'BTC-USD'), reference()],
    ]);
    const records = strategy.evaluate(books, ctx({ epochOf: (key) => (key === `btc-fair-value:${m.id}:buy_yes` ? 2 : 0) }));
    expect(records).toHaveLength(2); // the other markets' Kalshi books are missing this scan
    expect(records[0]).toMatchObject({ decision: 'take', opportunityId: `btc:${m.id}:yes:42:e2` });
    expect(btcFairValueStrategy(buildWorld({ seed: 3, startAt: NOW }).mapping).markets).toEqual([]);
    expect(btcOpportunityId({ marketId: 'X', direction: 'buy_no', price: '0.055', dislocationEpoch: 1 })).toBe('btc:X:no:5.5:e1');
  });
});
