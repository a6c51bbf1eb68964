import { parseIntent, idSchema } from '../../domain/intent';
import {
  evaluatePair,
  mappingPairsToTrade,
  opportunityIdFor,
  SCAN_REASONS,
  scanRecordSchema as scanFileRecordSchema,
  type EvaluatePairInput,
  type MappingPair,
  type ScanRecord,
} from '../../domain/strategies/cross-venue';
import { scanRecordSchema } from '../../domain/strategies/strategy';
import { ValidationError } from '../../domain/validation';
import { buildWorld } from '../../venues/sim/world';
import { book, DAY, FEDCUT42, NOW, type Levels } from '../helpers/strategy-fixtures';

const PAIR = FEDCUT42;

interface Books {
  kalshi: [Levels, Levels];
  polyYes: [Levels, Levels];
  polyNo: [Levels, Levels];
}

/** Default: Kalshi YES 0.38/0.40 (50/30), Polymarket NO asked at 0.55 (40): a 5¢ gross dislocation, kalshi_yes_poly_no. */
const DISLOCATED: Books = {
  kalshi: [[['0.38', '50']], [['0.4', '30']]],
  polyYes: [[['0.44', '100']], [['0.46', '100']]],
  polyNo: [[['0.53', '100']], [['0.55', '40']]],
};

function input(books: Books = DISLOCATED, overrides: Partial<EvaluatePairInput> = {}): EvaluatePairInput {
  const pair = (overrides.pair as MappingPair | undefined) ?? PAIR;
  return {
    pair,
    kalshiBook: book('kalshi', pair.kalshi.ticker, ...books.kalshi),
    polyYesBook: book('polymarket', pair.polymarket.yesTokenId, ...books.polyYes),
    polyNoBook: book('polymarket', pair.polymarket.noTokenId, ...books.polyNo),
    nowMs: NOW,
    ...overrides,
  };
}

/**
 * A record seen per venue (the normalized record lists legs; each direction here has one Kalshi
 * and one Polymarket leg), so the expectations below read as the venues' figures.
 */
function byVenue(r: ScanRecord) {
  const leg = (venue: 'kalshi' | 'polymarket') => {
    const found = r.legs.filter((l) => l.venue === venue);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const k = leg('kalshi');
  const p = leg('polymarket');
  return {
    ...r,
    markets: { kalshi: k.market, polymarket: p.market },
    outcomes: { kalshi: k.outcome, polymarket: p.outcome },
    prices: { kalshi: k.price, polymarket: p.price },
    sizes: { kalshi: k.size, polymarket: p.size },
    fees: r.fees && { kalshi: k.fee, polymarket: p.fee, total: r.fees.total },
  };
}

function byDirection(records: ScanRecord[]) {
  expect(records).toHaveLength(2);
  for (const r of records) scanRecordSchema.parse(r);
  const [yesNo, noYes] = (records as [ScanRecord, ScanRecord]).map(byVenue) as [ReturnType<typeof byVenue>, ReturnType<typeof byVenue>];
  expect(yesNo.direction).toBe('kalshi_yes_poly_no');
  expect(noYes.direction).toBe('kalshi_no_poly_yes');
  return { yesNo, noYes };
}

describe('cross-venue strategy: taking a dislocation', () => {
  it('takes Kalshi YES 0.40 + Polymarket NO 0.55 with exact figures and a valid intent', () => {
    const { yesNo, noYes } = byDirection(evaluatePair(input()));

    // 30 contracts (the Kalshi touch): Kalshi fee ceil(0.07 × 30 × 0.4 × 0.6 = 0.504) = 0.51.
    expect(yesNo).toMatchObject({
      strategy: 'xvenue-binary-arb',
      pairId: 'FEDCUT42',
      markets: { kalshi: 'LWSIM-FEDCUT42-YES', polymarket: '2222222222222222222' },
      outcomes: { kalshi: 'yes', polymarket: 'no' },
      prices: { kalshi: '0.4', polymarket: '0.55' },
      sizes: { kalshi: '30', polymarket: '40' },
      quantity: '30',
      binding: 'depth',
      fees: { kalshi: '0.51', polymarket: '0', total: '0.51' },
      grossEdgePerContract: '0.05',
      netEdgePerContract: '0.033',
      decision: 'take',
      reason: 'ok',
      opportunityId: 'xv:FEDCUT42:ky-pn:40-55:e0',
      at: '2026-01-01T00:00:00.000Z',
    });

    const intent = parseIntent(yesNo.intent);
    expect(intent).toMatchObject({
      opportunityId: 'xv:FEDCUT42:ky-pn:40-55:e0',
      strategy: 'xvenue-binary-arb',
      leggingWindowMs: 5_000,
      priceTolerance: '0.01',
      expectedEdge: '0.033',
    });
    // Kalshi's touch (30) is thinner than Polymarket's (40): Kalshi is leg A.
    expect(intent.legs).toEqual([
      { legId: 'A', venue: 'kalshi', market: 'LWSIM-FEDCUT42-YES', outcome: 'yes', action: 'buy', limitPrice: '0.4', quantity: '30', timeInForce: 'GTC' },
      { legId: 'B', venue: 'polymarket', market: '2222222222222222222', outcome: 'no', action: 'buy', limitPrice: '0.55', quantity: '30', timeInForce: 'GTC' },
    ]);

    // The other direction: Kalshi NO at 1 − 0.38 = 0.62 plus Polymarket YES 0.46 costs 1.08.
    expect(noYes).toMatchObject({
      prices: { kalshi: '0.62', polymarket: '0.46' },
      sizes: { kalshi: '50', polymarket: '100' },
      grossEdgePerContract: '-0.08',
      decision: 'skip',
      reason: 'no_edge',
      quantity: '0',
    });
    expect(noYes.intent).toBeUndefined();
  });

  it('takes the other direction (Kalshi NO = 1 − YES bid, Polymarket YES) with the thinner Polymarket leg first', () => {
    const books: Books = {
      kalshi: [[['0.6', '20']], [['0.62', '20']]],
      polyYes: [[['0.53', '10']], [['0.55', '10']]],
      polyNo: [[['0.44', '100']], [['0.46', '100']]],
    };
    const { yesNo, noYes } = byDirection(evaluatePair(input(books, { params: { leggingWindowMs: 8_000, priceTolerance: '0.02' } })));
    expect(yesNo.reason).toBe('no_edge'); // 1 − 0.62 − 0.46 < 0
    // 10 contracts: Kalshi NO fee ceil(0.07 × 10 × 0.4 × 0.6 = 0.168) = 0.17.
    expect(noYes).toMatchObject({
      markets: { kalshi: 'LWSIM-FEDCUT42-YES', polymarket: '1111111111111111111' },
      outcomes: { kalshi: 'no', polymarket: 'yes' },
      prices: { kalshi: '0.4', polymarket: '0.55' },
      sizes: { kalshi: '20', polymarket: '10' },
      quantity: '10',
      fees: { kalshi: '0.17', polymarket: '0', total: '0.17' },
      grossEdgePerContract: '0.05',
      netEdgePerContract: '0.033',
      decision: 'take',
      reason: 'ok',
      opportunityId: 'xv:FEDCUT42:kn-py:40-55:e0',
    });
    const intent = parseIntent(noYes.intent);
    expect(intent.leggingWindowMs).toBe(8_000);
    expect(intent.priceTolerance).toBe('0.02');
    expect(intent.legs.map((l) => [l.legId, l.venue, l.market, l.outcome, l.limitPrice, l.quantity])).toEqual([
      ['A', 'polymarket', '1111111111111111111', 'yes', '0.55', '10'],
      ['B', 'kalshi', 'LWSIM-FEDCUT42-YES', 'no', '0.4', '10'],
    ]);
  });

  it('charges the Polymarket fee rate when one is given', () => {
    const { yesNo } = byDirection(evaluatePair(input(DISLOCATED, { params: { polymarketFeeRate: '0.1' } })));
    // 30 × 0.1 × 0.55 × 0.45 = 0.7425; net = 0.05 − (0.51 + 0.7425) / 30 = 0.00825
    expect(yesNo.fees).toEqual({ kalshi: '0.51', polymarket: '0.7425', total: '1.2525' });
    expect(yesNo.netEdgePerContract).toBe('0.00825');
    expect(yesNo.decision).toBe('take');
  });
});

describe('cross-venue strategy: skips', () => {
  it('a calm pair is skipped with no_edge in both directions', () => {
    const calm: Books = {
      kalshi: [[['0.48', '100']], [['0.5', '100']]],
      polyYes: [[['0.49', '100']], [['0.51', '100']]],
      polyNo: [[['0.49', '100']], [['0.51', '100']]],
    };
    const { yesNo, noYes } = byDirection(evaluatePair(input(calm)));
    expect(yesNo).toMatchObject({ decision: 'skip', reason: 'no_edge', grossEdgePerContract: '-0.01', quantity: '0' });
    expect(noYes).toMatchObject({ decision: 'skip', reason: 'no_edge', grossEdgePerContract: '-0.03', quantity: '0' });
    expect(yesNo.intent).toBeUndefined();
    expect(noYes.intent).toBeUndefined();
  });

  it('a positive net edge under minNetEdgePerContract is skipped with edge_below_min', () => {
    // Kalshi YES 0.10 + Polymarket NO 0.88: gross 0.02, fee ceil(0.07 × 100 × 0.09 = 0.63) → net 0.0137.
    const thin: Books = {
      kalshi: [[['0.08', '100']], [['0.1', '100']]],
      polyYes: [[['0.5', '100']], [['0.6', '100']]],
      polyNo: [[['0.86', '100']], [['0.88', '100']]],
    };
    const taken = byDirection(evaluatePair(input(thin))).yesNo;
    expect(taken).toMatchObject({ decision: 'take', netEdgePerContract: '0.0137' });
    const { yesNo } = byDirection(evaluatePair(input(thin, { params: { minNetEdgePerContract: '0.02' } })));
    expect(yesNo).toMatchObject({ decision: 'skip', reason: 'edge_below_min', grossEdgePerContract: '0.02', netEdgePerContract: '0.0137' });
    expect(yesNo.intent).toBeUndefined();
  });

  it('fees that turn a small gross edge negative are a skip', () => {
    // Kalshi YES 0.50 + Polymarket NO 0.49: gross 0.01, Kalshi fee ceil(0.07 × 100 × 0.25 = 1.75) → net −0.0075.
    const feeEaten: Books = {
      kalshi: [[['0.48', '100']], [['0.5', '100']]],
      polyYes: [[['0.5', '100']], [['0.52', '100']]],
      polyNo: [[['0.47', '100']], [['0.49', '100']]],
    };
    const { yesNo } = byDirection(evaluatePair(input(feeEaten, { params: { minNetEdgePerContract: '0' } })));
    expect(yesNo).toMatchObject({
      decision: 'skip',
      reason: 'fees_exceed_edge',
      grossEdgePerContract: '0.01',
      fees: { kalshi: '1.75', polymarket: '0', total: '1.75' },
      netEdgePerContract: '-0.0075',
    });
    expect(yesNo.intent).toBeUndefined();
  });

  it('a stale Kalshi book rejects both directions with the firewall reason', () => {
    const stale = input(DISLOCATED, { kalshiBook: book('kalshi', PAIR.kalshi.ticker, ...DISLOCATED.kalshi, NOW - 5_000) });
    const { yesNo, noYes } = byDirection(evaluatePair(stale));
    for (const r of [yesNo, noYes]) {
      expect(r).toMatchObject({ decision: 'skip', reason: 'quote_rejected:stale', prices: { kalshi: null } });
      expect(r.detail).toMatch(/age 5000 ms exceeds 2000 ms/);
      expect(r.intent).toBeUndefined();
    }
    // maxQuoteAgeMs is the firewall's limit: raised, the same book is fine.
    expect(byDirection(evaluatePair({ ...stale, params: { maxQuoteAgeMs: 10_000 } })).yesNo.decision).toBe('take');
  });

  it('a crossed Polymarket NO book rejects only the direction that buys it', () => {
    const crossed: Books = { ...DISLOCATED, polyNo: [[['0.6', '100']], [['0.55', '40']]] };
    const { yesNo, noYes } = byDirection(evaluatePair(input(crossed)));
    expect(yesNo).toMatchObject({ decision: 'skip', reason: 'quote_rejected:crossed', prices: { kalshi: '0.4', polymarket: null } });
    expect(yesNo.intent).toBeUndefined();
    expect(noYes.reason).toBe('no_edge');
  });

  it('a low-confidence pair is never taken, even when dislocated, but is still evaluated', () => {
    const low: MappingPair = { ...PAIR, id: 'FEDCUT42X', confidence: 'low' };
    const { yesNo, noYes } = byDirection(evaluatePair(input(DISLOCATED, { pair: low })));
    expect(yesNo).toMatchObject({ decision: 'skip', reason: 'low_confidence', grossEdgePerContract: '0.05', netEdgePerContract: '0.033' });
    expect(yesNo.intent).toBeUndefined();
    expect(noYes).toMatchObject({ decision: 'skip', reason: 'low_confidence' });
  });

  it('a caller-held cooldown turns a take into a skip until it expires', () => {
    const cooling = evaluatePair(input(DISLOCATED, { cooldownUntilMs: { kalshi_yes_poly_no: NOW + 1 } }));
    expect(byDirection(cooling).yesNo).toMatchObject({ decision: 'skip', reason: 'cooldown' });
    const expired = evaluatePair(input(DISLOCATED, { cooldownUntilMs: { kalshi_yes_poly_no: NOW } }));
    expect(byDirection(expired).yesNo.decision).toBe('take');
  });

  it('a pair at or past its resolution time is not traded', () => {
    const { yesNo } = byDirection(evaluatePair(input(DISLOCATED, { pair: { ...PAIR, resolvesAt: NOW } })));
    expect(yesNo).toMatchObject({ decision: 'skip', reason: 'past_resolution' });
  });

  it('every reason a record carries is in the exported list', () => {
    expect(SCAN_REASONS).toEqual(
      expect.arrayContaining(['ok', 'low_confidence', 'quote_rejected:stale', 'quote_rejected:crossed', 'no_edge', 'fees_exceed_edge', 'edge_below_min', 'size_zero', 'cooldown']),
    );
  });

  it('books that are not the pair\'s markets are a validation error, not a skip', () => {
    const wrong = input(DISLOCATED, { polyNoBook: book('polymarket', PAIR.polymarket.yesTokenId, ...DISLOCATED.polyNo) });
    expect(() => evaluatePair(wrong)).toThrow(ValidationError);
    expect(() => evaluatePair({ ...input(), params: { minNetEdgePerContract: '1e-3' } })).toThrow(/minNetEdgePerContract/);
  });
});

describe('cross-venue strategy: deterministic opportunity ids', () => {
  it('the same dislocation on consecutive scans keeps its id; a bumped epoch or new prices give a new one', () => {
    const first = byDirection(evaluatePair(input())).yesNo;
    const later = input(DISLOCATED, { nowMs: NOW + 1_000 });
    later.kalshiBook.receivedAtMs = NOW + 900;
    later.polyYesBook.receivedAtMs = NOW + 900;
    later.polyNoBook.receivedAtMs = NOW + 900;
    const second = byDirection(evaluatePair(later)).yesNo;
    expect(second.decision).toBe('take');
    expect(second.opportunityId).toBe(first.opportunityId);
    expect(second.intent?.opportunityId).toBe(first.intent?.opportunityId);

    const bumped = byDirection(evaluatePair(input(DISLOCATED, { dislocationEpoch: { kalshi_yes_poly_no: 1 } }))).yesNo;
    expect(bumped.opportunityId).toBe('xv:FEDCUT42:ky-pn:40-55:e1');
    expect(bumped.dislocationEpoch).toBe(1);
    // The epoch is per direction: a function form, as the loop keeps it, is accepted too.
    const viaFn = byDirection(evaluatePair(input(DISLOCATED, { dislocationEpoch: (d) => (d === 'kalshi_yes_poly_no' ? 7 : 0) }))).yesNo;
    expect(viaFn.opportunityId).toBe('xv:FEDCUT42:ky-pn:40-55:e7');

    const moved: Books = { ...DISLOCATED, kalshi: [[['0.37', '50']], [['0.39', '30']]] };
    expect(byDirection(evaluatePair(input(moved))).yesNo.opportunityId).toBe('xv:FEDCUT42:ky-pn:39-55:e0');
  });

  it('ids stay within the id alphabet and 120 characters for any pair id or price', () => {
    const base = { direction: 'kalshi_yes_poly_no' as const, kalshiPrice: '0.4', polymarketPrice: '0.555', dislocationEpoch: 3 };
    expect(opportunityIdFor({ ...base, pairId: 'FEDCUT42' })).toBe('xv:FEDCUT42:ky-pn:40-55.5:e3');
    expect(opportunityIdFor({ ...base, pairId: 'P1', kalshiPrice: '0.05', polymarketPrice: '0.005' })).toBe('xv:P1:ky-pn:5-0.5:e3');
    expect(opportunityIdFor({ ...base, pairId: 'P1', direction: 'kalshi_no_poly_yes', kalshiPrice: '0.990', polymarketPrice: '0.10' })).toBe('xv:P1:kn-py:99-10:e3');
    const a = opportunityIdFor({ ...base, pairId: `weird pair/${'x'.repeat(200)}` });
    const b = opportunityIdFor({ ...base, pairId: `weird pair/${'x'.repeat(201)}` });
    const c = opportunityIdFor({ ...base, pairId: 'FEDCUT42', kalshiPrice: `0.${'1'.repeat(150)}` });
    for (const id of [a, b, c]) {
      expect(idSchema.safeParse(id).success).toBe(true);
      expect(id.length).toBeLessThanOrEqual(120);
    }
    expect(a).not.toBe(b);
    expect(c).not.toBe(opportunityIdFor({ ...base, pairId: 'FEDCUT42', kalshiPrice: `0.${'1'.repeat(149)}2` }));
  });
});

describe('cross-venue strategy: sizing', () => {
  const deep: Books = {
    kalshi: [[['0.38', '1000']], [['0.4', '1000']]],
    polyYes: [[['0.44', '1000']], [['0.46', '1000']]],
    polyNo: [[['0.53', '1000']], [['0.55', '1000']]],
  };

  it('depth at the touch binds (only the best level counts)', () => {
    const books: Books = { ...deep, kalshi: [[['0.38', '1000']], [['0.4', '12'], ['0.41', '1000']]] };
    const { yesNo } = byDirection(evaluatePair(input(books, { params: { bankroll: '100000' } })));
    expect(yesNo).toMatchObject({ quantity: '12', binding: 'depth', decision: 'take' });
    expect(parseIntent(yesNo.intent).legs.every((l) => l.quantity === '12')).toBe(true);
  });

  it('maxContractsPerIntent caps the size and fees are recomputed at that size', () => {
    const { yesNo } = byDirection(evaluatePair(input(deep, { params: { bankroll: '100000' } })));
    // Default cap 100: Kalshi fee ceil(0.07 × 100 × 0.24 = 1.68) = 1.68.
    expect(yesNo).toMatchObject({ quantity: '100', binding: 'max_contracts', fees: { kalshi: '1.68', total: '1.68' }, netEdgePerContract: '0.0332' });
    const capped = byDirection(evaluatePair(input(deep, { params: { bankroll: '100000', maxContractsPerIntent: '7' } }))).yesNo;
    // 7 contracts: ceil(0.07 × 7 × 0.24 = 0.1176) = 0.12 → net 0.05 − 0.12/7.
    expect(capped).toMatchObject({ quantity: '7', binding: 'max_contracts', fees: { kalshi: '0.12' }, decision: 'take' });
    expect(parseIntent(capped.intent).legs.map((l) => l.quantity)).toEqual(['7', '7']);
  });

  it('a small bankroll makes Kelly bind, and exposure caps clip or zero the size', () => {
    const kelly = byDirection(evaluatePair(input(deep, { params: { bankroll: '100', annualCostOfCapital: '0' } }))).yesNo;
    expect(kelly.binding).toBe('kelly');
    expect(Number(kelly.quantity)).toBeGreaterThan(0);
    expect(Number(kelly.quantity)).toBeLessThan(100);

    const market = byDirection(evaluatePair(input(deep, { params: { bankroll: '100000', marketCapRemaining: { '2222222222222222222': '9.7' } } }))).yesNo;
    expect(market).toMatchObject({ binding: 'market_cap', decision: 'take' });
    expect(market.quantity).toBe('10'); // 9.7 / 0.9668 ≈ 10.03 → 10

    const none = byDirection(evaluatePair(input(deep, { params: { venueCapRemaining: { kalshi: '0.5' } } }))).yesNo;
    expect(none).toMatchObject({ decision: 'skip', reason: 'size_zero', binding: 'venue_cap', quantity: '0' });
    expect(none.intent).toBeUndefined();
  });
});

describe('scan files', () => {
  it('a reader accepts both the normalized record and a cross-venue line from before the normalization', () => {
    const [record] = evaluatePair(input());
    expect(scanFileRecordSchema.safeParse(record).success).toBe(true);
    const legacy = { ...byVenue(record!), legs: undefined, fees: { kalshi: '0.51', polymarket: '0', total: '0.51' } };
    expect(scanFileRecordSchema.safeParse(JSON.parse(JSON.stringify(legacy))).success).toBe(true);
    // The normalized schema alone wants legs.
    expect(scanRecordSchema.safeParse(JSON.parse(JSON.stringify(legacy))).success).toBe(false);
  });
});

describe('mappingPairsToTrade', () => {
  it('returns only the high-confidence pairs', () => {
    const world = buildWorld({ seed: 7, events: 3, startAt: NOW });
    const pairs = mappingPairsToTrade(world.mapping);
    expect(world.mapping.pairs).toHaveLength(4);
    expect(pairs.map((p) => p.id)).toEqual(world.events.map((e) => e.id));
    expect(pairs.every((p) => p.confidence === 'high')).toBe(true);
    expect(pairs.map((p) => p.id)).not.toContain(world.lookalike.id);
  });
});
