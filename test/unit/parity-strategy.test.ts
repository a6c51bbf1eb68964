import fc from 'fast-check';
import { parseIntent } from '../../domain/intent';
import { dec, decStr, ONE } from '../../domain/money';
import { evaluateParity, parityOpportunityId, parityParamsSchema, parityStrategy, paritySubjects, type ParityParamsInput, type ParitySubject } from '../../domain/strategies/parity';
import { bookKey, scanRecordSchema, type ScanRecord } from '../../domain/strategies/strategy';
import type { MarketMapping } from '../../venues/sim/world';
import { book, DAY, FEDCUT42, NOW, strategyCtx as ctx, type Levels } from '../helpers/strategy-fixtures';

const MAPPING: MarketMapping = { version: 1, seed: 1, pairs: [FEDCUT42] };
const POLY: ParitySubject = { venue: 'polymarket', id: 'FEDCUT42', yesMarket: '1111111111111111111', noMarket: '2222222222222222222', resolvesAt: NOW + 10 * DAY };
const KALSHI: ParitySubject = { venue: 'kalshi', id: 'LWSIM-FEDCUT42-YES', yesMarket: 'LWSIM-FEDCUT42-YES', noMarket: 'LWSIM-FEDCUT42-YES', resolvesAt: NOW + 10 * DAY };


/** Polymarket YES token asked at 0.45 (40), NO token at 0.52 (100): 3¢ under the $1 payout. */
const polyBooks = (yesAsk: Levels = [['0.45', '40']], noAsk: Levels = [['0.52', '100']]) => ({
  yes: book('polymarket', POLY.yesMarket, [['0.43', '100']], yesAsk),
  no: book('polymarket', POLY.noMarket, [['0.5', '100']], noAsk),
});

function evalPoly(params: ParityParamsInput = {}, books = polyBooks(), context = ctx()): ScanRecord {
  const r = evaluateParity(POLY, books, context, parityParamsSchema.parse(params));
  scanRecordSchema.parse(r);
  return r;
}

describe('parity strategy: Polymarket YES + NO tokens', () => {
  it('takes YES 0.45 + NO 0.52 with exact figures, thinner leg first, held to resolution', () => {
    const r = evalPoly();
    // Depth binds: 40 at the YES touch. Kelly would allow more: adjusted edge 0.03 × 0.5 − 0.05 × 10/365 × 0.97.
    expect(r).toMatchObject({
      strategy: 'parity',
      pairId: 'FEDCUT42',
      direction: 'polymarket_yes_no',
      quantity: '40',
      binding: 'depth',
      fees: { total: '0', perContract: '0' },
      grossEdgePerContract: '0.03',
      netEdgePerContract: '0.03',
      decision: 'take',
      reason: 'ok',
      opportunityId: 'parity:poly:FEDCUT42:45-52:e0',
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(r.legs).toEqual([
      { venue: 'polymarket', market: POLY.yesMarket, outcome: 'yes', price: '0.45', size: '40', fee: '0' },
      { venue: 'polymarket', market: POLY.noMarket, outcome: 'no', price: '0.52', size: '100', fee: '0' },
    ]);
    const intent = parseIntent(r.intent);
    expect(intent).toMatchObject({ opportunityId: 'parity:poly:FEDCUT42:45-52:e0', strategy: 'parity', expectedEdge: '0.03', awaitSettlement: true, settlementPollMs: 60_000 });
    expect(intent.legs.map((l) => [l.legId, l.venue, l.market, l.outcome, l.action, l.limitPrice, l.quantity])).toEqual([
      ['A', 'polymarket', POLY.yesMarket, 'yes', 'buy', '0.45', '40'],
      ['B', 'polymarket', POLY.noMarket, 'no', 'buy', '0.52', '40'],
    ]);
  });

  it('puts the NO leg first when its touch is the thinner one', () => {
    const r = evalPoly({}, polyBooks([['0.45', '100']], [['0.52', '25']]));
    expect(r.quantity).toBe('25');
    expect(r.legs.map((l) => l.outcome)).toEqual(['no', 'yes']);
    expect(parseIntent(r.intent).legs.map((l) => [l.legId, l.outcome])).toEqual([['A', 'no'], ['B', 'yes']]);
  });

  it('charges the Polymarket fee rate: fees that eat the edge are a skip', () => {
    const r = evalPoly({ polymarketFeeRate: '0.1' });
    // 40 × 0.1 × 0.45 × 0.55 = 0.99 and 40 × 0.1 × 0.52 × 0.48 = 0.9984: 0.049710 a pair > 0.03.
    expect(r).toMatchObject({ decision: 'skip', reason: 'fees_exceed_edge', fees: { total: '1.9884', perContract: '0.04971' }, netEdgePerContract: '-0.01971' });
    expect(r.legs.map((l) => l.fee)).toEqual(['0.99', '0.9984']);
    expect(r.intent).toBeUndefined();
  });

  it('skips a calm market, a thin edge, a stale book, a market past resolution and a zero size, each with its reason', () => {
    expect(evalPoly({}, polyBooks([['0.5', '40']], [['0.52', '100']]))).toMatchObject({ decision: 'skip', reason: 'no_edge', grossEdgePerContract: '-0.02' });
    expect(evalPoly({ minNetEdgePerContract: '0.05' })).toMatchObject({ decision: 'skip', reason: 'edge_below_min', netEdgePerContract: '0.03' });
    const stale = { ...polyBooks(), no: book('polymarket', POLY.noMarket, [['0.5', '100']], [['0.52', '100']], NOW - 5_000) };
    const staleRecord = evalPoly({}, stale);
    expect(staleRecord).toMatchObject({ decision: 'skip', reason: 'quote_rejected:stale', grossEdgePerContract: null });
    expect(staleRecord.legs[1]!.price).toBeNull();
    expect(staleRecord.opportunityId).toBeUndefined();
    const resolving = evaluateParity({ ...POLY, resolvesAt: NOW }, polyBooks(), ctx(), parityParamsSchema.parse({}));
    expect(resolving).toMatchObject({ decision: 'skip', reason: 'past_resolution', opportunityId: 'parity:poly:FEDCUT42:45-52:e0' });
    expect(evalPoly({ venueCapRemaining: { polymarket: '0.5' } })).toMatchObject({ decision: 'skip', reason: 'size_zero', binding: 'venue_cap', quantity: '0' });
  });

  it('sizes from the loop\'s live bankroll when it gives one', () => {
    const small = evalPoly({ annualCostOfCapital: '0' }, polyBooks([['0.45', '1000']], [['0.52', '1000']]), ctx({ params: { bankroll: '10' } }));
    // Stake 0.25 × 0.015 / 0.03 = 0.125 of 10 → 1.25 / 0.97 → 1 contract.
    expect(small).toMatchObject({ binding: 'kelly', quantity: '1', decision: 'take' });
    const configured = evalPoly({ annualCostOfCapital: '0' }, polyBooks([['0.45', '1000']], [['0.52', '1000']]));
    expect(configured).toMatchObject({ binding: 'max_contracts', quantity: '100' });
  });
});

describe('parity strategy: Kalshi (one book)', () => {
  it('a normal book costs more than $1 for YES + NO: no_edge', () => {
    const r = evaluateParity(KALSHI, { yes: book('kalshi', KALSHI.yesMarket, [['0.48', '50']], [['0.5', '30']]), no: book('kalshi', KALSHI.noMarket, [['0.48', '50']], [['0.5', '30']]) }, ctx(), parityParamsSchema.parse({}));
    // YES 0.50 + NO (1 − 0.48 =) 0.52.
    expect(r).toMatchObject({ decision: 'skip', reason: 'no_edge', grossEdgePerContract: '-0.02', opportunityId: 'parity:kalshi:LWSIM-FEDCUT42-YES:50-52:e0' });
    expect(r.legs.map((l) => [l.outcome, l.price, l.size])).toEqual([['yes', '0.5', '30'], ['no', '0.52', '50']]);
  });

  it('a parity violation on one book is a crossed book, which the firewall rejects', () => {
    const crossed = book('kalshi', KALSHI.yesMarket, [['0.52', '50']], [['0.5', '30']]);
    const r = evaluateParity(KALSHI, { yes: crossed, no: crossed }, ctx(), parityParamsSchema.parse({}));
    expect(r).toMatchObject({ decision: 'skip', reason: 'quote_rejected:crossed' });
  });
});

describe('parity strategy: the Strategy seam and ids', () => {
  it('lists its books, evaluates every subject with its books, and skips a subject whose book is missing', () => {
    const strategy = parityStrategy(MAPPING);
    expect(strategy.markets).toEqual([
      { venue: 'kalshi', market: 'LWSIM-FEDCUT42-YES' },
      { venue: 'polymarket', market: POLY.yesMarket },
      { venue: 'polymarket', market: POLY.noMarket },
    ]);
    const b = polyBooks();
    const books = new Map([
      [bookKey('polymarket', POLY.yesMarket), b.yes],
      [bookKey('polymarket', POLY.noMarket), b.no],
    ]);
    const records = strategy.evaluate(books, ctx({ epochOf: (key) => (key === 'parity:FEDCUT42:polymarket_yes_no' ? 4 : 0) }));
    expect(records).toHaveLength(1); // the Kalshi book is missing this scan
    expect(records[0]).toMatchObject({ decision: 'take', opportunityId: 'parity:poly:FEDCUT42:45-52:e4', dislocationEpoch: 4 });
    // Same inputs, same records.
    expect(strategy.evaluate(books, ctx({ epochOf: (key) => (key === 'parity:FEDCUT42:polymarket_yes_no' ? 4 : 0) }))).toEqual(records);
    expect(paritySubjects(MAPPING, ['polymarket'])).toEqual([POLY]);
  });

  it('ids stay valid and bounded for long subjects and many-digit prices', () => {
    expect(parityOpportunityId({ venue: 'kalshi', subject: 'T1', yesPrice: '0.455', noPrice: '0.5', dislocationEpoch: 2 })).toBe('parity:kalshi:T1:45.5-50:e2');
    const long = parityOpportunityId({ venue: 'polymarket', subject: 'x'.repeat(100), yesPrice: `0.${'1'.repeat(100)}`, noPrice: '0.5', dislocationEpoch: 0 });
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long).toMatch(/^parity:poly:x+\.h[0-9a-f]{12}:h[0-9a-f]{16}:e0$/);
  });

  it('property: a take always has YES + NO + fees below $1 by at least the minimum, within the touch sizes', () => {
    const cents = fc.integer({ min: 1, max: 99 });
    const size = fc.integer({ min: 1, max: 500 });
    let takes = 0;
    fc.assert(
      fc.property(cents, cents, size, size, fc.integer({ min: 0, max: 3 }), (yesC, noC, yesN, noN, feeTenths) => {
        const yes = decStr(dec(String(yesC)).div(100));
        const no = decStr(dec(String(noC)).div(100));
        const params = { polymarketFeeRate: decStr(dec(String(feeTenths)).div(10)) };
        const r = evalPoly(params, {
          yes: book('polymarket', POLY.yesMarket, [['0.001', '1']], [[yes, String(yesN)]]),
          no: book('polymarket', POLY.noMarket, [['0.001', '1']], [[no, String(noN)]]),
        });
        expect(dec(r.grossEdgePerContract!).eq(ONE.minus(dec(yes)).minus(dec(no)))).toBe(true);
        if (r.decision !== 'take') return;
        takes += 1;
        expect(dec(yes).plus(dec(no)).lt(ONE)).toBe(true);
        expect(dec(r.netEdgePerContract!).gte(dec('0.005'))).toBe(true);
        expect(dec(r.quantity).lte(Math.min(yesN, noN))).toBe(true);
        const intent = parseIntent(r.intent);
        expect(intent.legs.every((l) => l.venue === 'polymarket' && l.quantity === r.quantity)).toBe(true);
        // Net edge is exactly gross minus the fees spread over the quantity.
        expect(dec(r.grossEdgePerContract!).minus(dec(r.fees!.total).div(dec(r.quantity))).eq(dec(r.netEdgePerContract!))).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(takes).toBeGreaterThan(0); // the property was exercised on takes, not only skips
  });
});
