import { parseIntent } from '../../domain/intent';
import { decStr } from '../../domain/money';
import type { BookSnapshot } from '../../domain/quote-firewall';
import { btcAboveProbability, DEFAULT_BTC_ANNUAL_VOL } from '../../domain/strategies/btc-model';
import { marketsForMapping, strategiesForMapping } from '../../domain/strategies';
import { emptyScanState, scanStep, type ScanState, type ScanStepParamsInput } from '../../domain/strategies/scan-step';
import { ALL_SCAN_REASONS, bookKey, scanRecordSchema, type ScanRecord } from '../../domain/strategies/strategy';
import { buildWorld } from '../../venues/sim/world';

const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z
type Levels = [string, string][];

// Three events, their low-confidence look-alike, and three BTC markets (strikes 96950, 97050, 97150).
const world = buildWorld({ seed: 5, startAt: NOW, btcMarkets: 3, btcResolveAfterMs: 600_000 });
const strategies = strategiesForMapping(world.mapping);
const [e0, e1] = world.mapping.pairs as [(typeof world.mapping.pairs)[number], (typeof world.mapping.pairs)[number]];
const btc = world.mapping.btcMarkets![1]!; // strike 97050, 20 minutes out: fair just under 0.5 at the reference mid 97050

function aroundFair(m: NonNullable<typeof world.mapping.btcMarkets>[number], at: number): { bids: Levels; asks: Levels } {
  const centre = btcAboveProbability({ spot: '97050', strike: m.strike, msToExpiry: m.resolvesAt - at, annualVol: DEFAULT_BTC_ANNUAL_VOL }).toDecimalPlaces(2);
  return { bids: [[decStr(centre.minus('0.01')), '100']], asks: [[decStr(centre.plus('0.01')), '100']] };
}

interface Overrides {
  [key: string]: { bids: Levels; asks: Levels };
}

/** Every book the strategies read, calm (no edge anywhere) unless overridden; all received 100 ms before `at`. */
function books(at: number, overrides: Overrides = {}): Map<string, BookSnapshot> {
  const out = new Map<string, BookSnapshot>();
  for (const m of marketsForMapping(world.mapping)) {
    const key = bookKey(m.venue, m.market);
    // Calm: binary books at 0.49/0.51 (YES + NO asks sum to 1.02), BTC markets a cent either side of the model's value, BTC-USD at 97045/97055.
    const btcMarket = world.mapping.btcMarkets!.find((b) => b.kalshi.ticker === m.market);
    const calm =
      m.venue === 'coinbase'
        ? { bids: [['97045', '1']] as Levels, asks: [['97055', '1']] as Levels }
        : btcMarket
          ? aroundFair(btcMarket, at)
          : { bids: [['0.49', '100']] as Levels, asks: [['0.51', '100']] as Levels };
    const { bids, asks } = overrides[key] ?? calm;
    out.set(key, { venue: m.venue, market: m.market, bids, asks, receivedAtMs: at - 100 });
  }
  return out;
}

/** A cross-venue dislocation on e0 (Kalshi YES 0.40 + Polymarket NO 0.55), parity on e1's tokens (0.48 + 0.49), and BTC market 1's YES asked at 0.30. */
const DISLOCATED: Overrides = {
  [bookKey('kalshi', e0.kalshi.ticker)]: { bids: [['0.38', '50']], asks: [['0.4', '30']] },
  [bookKey('polymarket', e0.polymarket.noTokenId)]: { bids: [['0.53', '100']], asks: [['0.55', '40']] },
  [bookKey('polymarket', e1.polymarket.yesTokenId)]: { bids: [['0.46', '100']], asks: [['0.48', '60']] },
  [bookKey('polymarket', e1.polymarket.noTokenId)]: { bids: [['0.47', '100']], asks: [['0.49', '60']] },
  [bookKey('kalshi', btc.kalshi.ticker)]: { bids: [['0.28', '40']], asks: [['0.3', '40']] },
};

function step(at: number, state: ScanState, overrides: Overrides = DISLOCATED, params?: ScanStepParamsInput) {
  const result = scanStep({ strategies, books: books(at, overrides), nowMs: at, state, ...(params ? { params } : {}) });
  for (const r of result.records) scanRecordSchema.parse(r);
  return result;
}

const takes = (records: ScanRecord[]) => records.filter((r) => r.decision === 'take').map((r) => r.opportunityId);
const byId = (records: ScanRecord[], id: string) => records.find((r) => r.opportunityId === id);

describe('scan step (pure)', () => {
  it('the same books, state and instant give the same records, state and intents', () => {
    const a = step(NOW, emptyScanState());
    const b = step(NOW, emptyScanState());
    expect(b).toEqual(a);
    // The state is plain JSON: a replay can store it and carry on from it.
    const restored = JSON.parse(JSON.stringify(a.state)) as ScanState;
    expect(step(NOW + 5_000, restored)).toEqual(step(NOW + 5_000, a.state));
    // Every strategy's records: 2 per mapped pair (cross-venue), 1 per Kalshi market and Polymarket pair (parity), 2 per BTC market.
    const counts = Object.fromEntries(['xvenue-binary-arb', 'parity', 'btc-fair-value'].map((s) => [s, a.records.filter((r) => r.strategy === s).length]));
    expect(counts).toEqual({ 'xvenue-binary-arb': 8, parity: 7 + 4, 'btc-fair-value': 6 });
    for (const r of a.records) expect(ALL_SCAN_REASONS).toContain(r.reason);
  });

  it('starts one intent per strategy\'s opportunity, with deterministic ids', () => {
    const { records, intents } = step(NOW, emptyScanState());
    expect(takes(records)).toEqual([`xv:${e0.id}:ky-pn:40-55:e0`, `parity:poly:${e1.id}:48-49:e0`, `btc:${btc.id}:yes:30:e0`]);
    expect(intents.map((i) => i.opportunityId)).toEqual(takes(records));
    for (const i of intents) parseIntent(i);
    expect(intents.map((i) => [i.strategy, i.legs.length, i.awaitSettlement ?? false])).toEqual([
      ['xvenue-binary-arb', 2, false],
      ['parity', 2, true],
      ['btc-fair-value', 1, true],
    ]);
  });

  it('a take cools its markets down; after the cooldown the same dislocation keeps its id; a closed one gets a new epoch', () => {
    const first = step(NOW, emptyScanState());
    const ids = takes(first.records);
    // 1 s later, same prices: every take is a cooldown skip (default 2 s), nothing to start, epochs still open.
    const cooling = step(NOW + 1_000, first.state);
    expect(cooling.intents).toEqual([]);
    for (const id of ids) expect(byId(cooling.records, id!)).toMatchObject({ decision: 'skip', reason: 'cooldown' });
    expect(Object.values(cooling.state.epochs).filter((e) => e.open)).toHaveLength(3);
    // After the cooldown the lasting dislocations come back with the same ids (Temporal refuses the duplicate starts).
    const again = step(NOW + 2_500, cooling.state);
    expect(takes(again.records)).toEqual(ids);
    // Calm books: the edges are gone, every open epoch is bumped.
    const calm = step(NOW + 3_000, again.state, {});
    expect(calm.intents).toEqual([]);
    expect(Object.values(calm.state.epochs)).toEqual([{ epoch: 1, open: false }, { epoch: 1, open: false }, { epoch: 1, open: false }]);
    // The same prices later are a new opportunity (cooldowns long over).
    const later = step(NOW + 10_000, calm.state);
    expect(takes(later.records)).toEqual(ids.map((id) => id!.replace(/:e0$/, ':e1')));
  });

  it('a quote rejection does not close a dislocation: its id survives a stale book', () => {
    const first = step(NOW, emptyScanState());
    const cooling = step(NOW + 1_000, first.state);
    const rejected = scanStep({
      strategies,
      books: new Map([...books(NOW + 3_000, DISLOCATED)].map(([k, b]) => [k, k === bookKey('kalshi', e0.kalshi.ticker) ? { ...b, receivedAtMs: NOW } : b])),
      nowMs: NOW + 3_000,
      state: cooling.state,
    });
    expect(byId(rejected.records, `xv:${e0.id}:ky-pn:40-55:e0`)).toBeUndefined(); // rejected before prices: no id
    expect(rejected.records.find((r) => r.pairId === e0.id && r.direction === 'kalshi_yes_poly_no')).toMatchObject({ reason: 'quote_rejected:stale' });
    const back = step(NOW + 4_000, rejected.state);
    expect(takes(back.records)).toContain(`xv:${e0.id}:ky-pn:40-55:e0`);
  });

  it('pacing: at most maxTakesPerScan takes, the rest are paced; two strategies never take one market in one scan', () => {
    const paced = step(NOW, emptyScanState(), DISLOCATED, { maxTakesPerScan: 1 });
    expect(paced.intents).toHaveLength(1);
    expect(paced.records.filter((r) => r.reason === 'paced').map((r) => r.strategy)).toEqual(['parity', 'btc-fair-value']);
    // Polymarket's e0 tokens both cheap: cross-venue (Kalshi YES + Polymarket NO) and parity (YES + NO) both want the NO token.
    const both: Overrides = { ...DISLOCATED, [bookKey('polymarket', e0.polymarket.yesTokenId)]: { bids: [['0.4', '100']], asks: [['0.42', '100']] } };
    const once = step(NOW, emptyScanState(), both);
    expect(takes(once.records)).toContain(`xv:${e0.id}:ky-pn:40-55:e0`);
    expect(once.records.find((r) => r.strategy === 'parity' && r.pairId === e0.id)).toMatchObject({ decision: 'skip', reason: 'cooldown' });
    // Without a cooldown the per-market rule is off, so both take.
    const free = step(NOW, emptyScanState(), both, { cooldownMs: 0 });
    expect(free.records.find((r) => r.strategy === 'parity' && r.pairId === e0.id)).toMatchObject({ decision: 'take', opportunityId: `parity:poly:${e0.id}:42-55:e0` });
  });

  it('a strategy whose book is missing this scan evaluates nothing for it, the rest carry on', () => {
    const partial = books(NOW, DISLOCATED);
    partial.delete(bookKey('coinbase', 'BTC-USD'));
    partial.delete(bookKey('polymarket', e1.polymarket.noTokenId));
    const { records } = scanStep({ strategies, books: partial, nowMs: NOW, state: emptyScanState() });
    expect(records.filter((r) => r.strategy === 'parity' && r.pairId === e1.id)).toEqual([]);
    // The BTC strategy prices nothing without its reference: a stale_reference skip, not a take.
    expect(records.filter((r) => r.strategy === 'btc-fair-value').every((r) => r.reason === 'stale_reference')).toBe(true);
    expect(takes(records)).toEqual([`xv:${e0.id}:ky-pn:40-55:e0`]);
  });
});
