/**
 * Property and burst tests of the Polymarket market-channel tracker (venues/polymarket/stream.ts):
 * `book` snapshots (single and as the initial array dump), both `price_change` shapes, ignored
 * events and `PONG`, with garbage, duplicates and replays of older messages interleaved. Sizes are
 * absolute and there are no sequence numbers: a duplicate changes nothing, a message older (by
 * timestamp) than one applied to the same asset is a gap, garbage is `invalid` with a reason naming
 * the field — and the books end exactly as the clean sequence leaves them.
 */
import fc from 'fast-check';
import { MAX_LEVELS_PER_SIDE } from '../../domain/book';
import { createEventQueue } from '../../venues/event-queue';
import { createPolymarketBookTracker, type PolymarketBookEvent } from '../../venues/polymarket/stream';
import { commonGarbage, expectRejected, fieldNamed, LONG_UNICODE, randomness, snapshotOf, type Field, type Rng } from '../helpers/feed-fuzz';

const ASSETS = ['71321045679252212594626385532706912750332728571942532289631379312455583992563', '52114319501245915516055106046884209969926127482827954674443846427813813222426'];
const MARKET = '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1';
const T0 = 1_764_500_000_000;

// ---------------------------------------------------------------- clean feeds

type Level = { price: string; size: string };
type Step =
  | { kind: 'book'; assets: number[]; bids: Level[]; asks: Level[] }
  | { kind: 'change'; changes: { asset: number; price: string; side: 'BUY' | 'SELL'; size: string }[] }
  | { kind: 'old-change'; asset: number; changes: { price: string; side: 'BUY' | 'SELL'; size: string }[] }
  | { kind: 'ignored'; event: 'tick_size_change' | 'last_trade_price' }
  | { kind: 'pong' };

/** Prices as the venue writes them: "0.48" or ".48". */
const priceArb = fc.tuple(fc.integer({ min: 1, max: 99 }), fc.boolean()).map(([c, short]) => `${short ? '' : '0'}.${String(c).padStart(2, '0')}`);
const positiveSizeArb = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 99 })).map(([i, f]) => (f ? `${i}.${f}` : String(i)));
const sizeArb = fc.oneof(fc.constant('0'), positiveSizeArb); // 0 removes a level
const sideArb = fc.constantFrom('BUY' as const, 'SELL' as const);
const cents = (p: string) => p.replace(/^0?\./, '');
const levelsArb = fc.uniqueArray(fc.record({ price: priceArb, size: positiveSizeArb }), { selector: (l) => cents(l.price), maxLength: 6 });
const assetArb = fc.integer({ min: 0, max: ASSETS.length - 1 });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('book' as const), assets: fc.oneof(assetArb.map((a) => [a]), fc.constant<number[]>([0, 1])), bids: levelsArb, asks: levelsArb }),
  { arbitrary: fc.record({ kind: fc.constant('change' as const), changes: fc.array(fc.record({ asset: assetArb, price: priceArb, side: sideArb, size: sizeArb }), { minLength: 1, maxLength: 4 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('old-change' as const), asset: assetArb, changes: fc.array(fc.record({ price: priceArb, side: sideArb, size: sizeArb }), { minLength: 1, maxLength: 3 }) }), weight: 2 },
  fc.record({ kind: fc.constant('ignored' as const), event: fc.constantFrom('tick_size_change' as const, 'last_trade_price' as const) }),
  fc.record({ kind: fc.constant('pong' as const) }),
);

interface Sent {
  text: string;
  /** Asset indexes whose books the message sets (empty: changes no book). */
  touches: number[];
  ts: number;
}

const bookMessage = (asset: number, bids: Level[], asks: Level[], ts: number | string) => ({ event_type: 'book', asset_id: ASSETS[asset], market: MARKET, bids, asks, hash: `0x${asset}${ts}`, timestamp: ts });

/** The frames of a clean connection: the initial dump of every asset's book, then `steps`, timestamps strictly increasing. */
function render(steps: Step[]): Sent[] {
  const out: Sent[] = [{ text: JSON.stringify(ASSETS.map((_, a) => bookMessage(a, [{ price: '0.48', size: '30' }], [{ price: '.52', size: '25.0' }], String(T0)))), touches: [0, 1], ts: T0 }];
  for (const [i, s] of steps.entries()) {
    const ts = T0 + 1 + i;
    const stamp = i % 3 === 0 ? ts : String(ts); // the venue writes strings; numbers are accepted too
    switch (s.kind) {
      case 'book': {
        const msgs = s.assets.map((a) => bookMessage(a, s.bids, s.asks, stamp));
        out.push({ text: JSON.stringify(msgs.length === 1 ? msgs[0] : msgs), touches: s.assets, ts });
        break;
      }
      case 'change':
        out.push({
          text: JSON.stringify({ event_type: 'price_change', market: MARKET, timestamp: stamp, price_changes: s.changes.map((c) => ({ asset_id: ASSETS[c.asset], price: c.price, side: c.side, size: c.size, hash: `0x${i}`, best_bid: '0.48', best_ask: '0.52' })) }),
          touches: [...new Set(s.changes.map((c) => c.asset))],
          ts,
        });
        break;
      case 'old-change':
        out.push({ text: JSON.stringify({ event_type: 'price_change', asset_id: ASSETS[s.asset], market: MARKET, changes: s.changes, hash: `0x${i}`, timestamp: stamp }), touches: [s.asset], ts });
        break;
      case 'ignored':
        out.push({ text: JSON.stringify(s.event === 'tick_size_change' ? { event_type: s.event, asset_id: ASSETS[0], market: MARKET, old_tick_size: '0.01', new_tick_size: '0.001', timestamp: stamp } : { event_type: s.event, asset_id: ASSETS[1], market: MARKET, price: '0.5', side: 'BUY', size: '10', fee_rate_bps: '0', timestamp: stamp }), touches: [], ts });
        break;
      case 'pong':
        out.push({ text: 'PONG', touches: [], ts });
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------- garbage

const PRICE_OK = /^(\d+|\d*\.\d+)$/; // NaN-like strings the venue's decimals legitimately use (".5", "00")
/** Any digits are a timestamp: a valid but older one is a gap, not garbage (huge ones are their own family). */
const STAMP: Field = { path: 'timestamp', required: true, accepts: /^\d+$/ };
const BOOK_FIELDS: Field[] = [
  { path: 'event_type', required: true },
  { path: 'asset_id', required: true, anyString: true },
  { path: 'market', required: true, anyString: true },
  { path: 'bids', required: true, array: true },
  { path: 'bids.0.price', required: true, accepts: PRICE_OK },
  { path: 'bids.0.size', required: true, accepts: PRICE_OK },
  { path: 'asks', required: true, array: true },
  { path: 'hash', required: true, anyString: true },
  STAMP,
];
const CHANGE_FIELDS: Field[] = [
  { path: 'event_type', required: true },
  { path: 'market', required: true, anyString: true },
  { path: 'price_changes', required: true, array: true },
  { path: 'price_changes.0.asset_id', required: true, anyString: true },
  { path: 'price_changes.0.price', required: true, accepts: PRICE_OK },
  { path: 'price_changes.0.side', required: true },
  { path: 'price_changes.0.size', required: true, accepts: PRICE_OK },
  { path: 'price_changes.0.hash', required: false, anyString: true },
  STAMP,
];
const OLD_CHANGE_FIELDS: Field[] = [
  { path: 'event_type', required: true },
  { path: 'market', required: true, anyString: true },
  { path: 'asset_id', required: true, anyString: true },
  { path: 'changes', required: true, array: true },
  { path: 'changes.0.price', required: true, accepts: PRICE_OK },
  { path: 'changes.0.side', required: true },
  { path: 'changes.0.size', required: true, accepts: PRICE_OK },
  STAMP,
];

let bigBook: string | undefined;

/** One bad frame that would otherwise apply at timestamp `ts`. */
function polymarketGarbage(rng: Rng, ts: number): { kind: string; data: string } {
  const asset = rng.int(0, 1);
  const level = () => ({ price: `0.${rng.int(10, 99)}`, size: String(rng.int(1, 500)) });
  const book = bookMessage(asset, [level(), level()], [level()], String(ts));
  const change = { event_type: 'price_change', market: MARKET, timestamp: String(ts), price_changes: [{ asset_id: ASSETS[asset], ...level(), side: rng.pick(['BUY', 'SELL']), hash: '0x1' }] };
  const old = { event_type: 'price_change', asset_id: ASSETS[asset], market: MARKET, changes: [{ ...level(), side: rng.pick(['BUY', 'SELL']) }], hash: '0x2', timestamp: String(ts) };
  const withChange = (c: Record<string, unknown>) => JSON.stringify({ ...change, price_changes: [change.price_changes[0], { ...change.price_changes[0], ...c }] });
  switch (rng.int(0, 19)) {
    case 0:
      return { kind: 'negative size', data: withChange({ size: `-${rng.int(1, 50)}` }) };
    case 1:
      return { kind: 'price above 1', data: withChange({ price: rng.pick(['1.01', '2', '99']) }) };
    case 2:
      return { kind: 'duplicate price in snapshot', data: JSON.stringify({ ...book, bids: [book.bids[0], { ...book.bids[0], size: '7' }] }) };
    case 3:
      bigBook ??= JSON.stringify(bookMessage(0, Array.from({ length: MAX_LEVELS_PER_SIDE + 1 }, (_, i) => ({ price: `0.${String(i).padStart(5, '0')}`, size: '1' })), [], '__TS__'));
      return { kind: 'too many levels', data: bigBook.replace('"__TS__"', `"${ts}"`) };
    case 4:
      return { kind: 'both price_change shapes', data: JSON.stringify({ ...change, asset_id: ASSETS[asset], changes: old.changes }) };
    case 5:
      return { kind: 'unknown event_type', data: JSON.stringify({ ...change, event_type: rng.pick(['price_changes', 'PRICE_CHANGE', 'mystery', '']) }) };
    case 6:
      return { kind: 'unicode side', data: withChange({ side: rng.pick(['ＢＵＹ', 'BUY\u200b', 'SELĹ', 'купить']) }) };
    case 7:
      return { kind: 'array with one bad element', data: JSON.stringify([book, { ...book, asset_id: ASSETS[1 - asset], asks: [{ price: '0.5', size: 'lots' }] }]) };
    case 8:
      return { kind: 'text frame', data: rng.pick(['PING', 'pong', 'PONG ', 'hello', LONG_UNICODE]) };
    case 9:
      return { kind: 'huge timestamp', data: JSON.stringify({ ...change, timestamp: rng.pick(['99999999999999999999', '9007199254740993', String(2 ** 64)]) }) };
  }
  const [base, fields] = rng.pick([
    [book, BOOK_FIELDS],
    [change, CHANGE_FIELDS],
    [old, OLD_CHANGE_FIELDS],
  ] as const);
  return commonGarbage(rng, base, fields, { typeKey: 'event_type', arrayFrames: true });
}

// ---------------------------------------------------------------- properties

type Extra = { kind: 'garbage'; seed: number } | { kind: 'duplicate' } | { kind: 'replay'; pick: number };
const extraArb: fc.Arbitrary<Extra> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('garbage' as const), seed: fc.integer() }), weight: 3 },
  fc.record({ kind: fc.constant('duplicate' as const) }),
  fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }),
);

const booksOf = (t: ReturnType<typeof createPolymarketBookTracker>) => ASSETS.map((a) => snapshotOf(t.books.get(a)));

describe('Polymarket market-channel tracker under fuzz', () => {
  it('garbage, duplicates and replays interleaved with a clean feed: nothing throws, garbage is invalid with a reason naming the field, older messages are gaps, the books are the clean ones', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), fc.array(fc.array(extraArb, { maxLength: 3 }), { minLength: 1, maxLength: 41 }), (steps, extras) => {
        const clean = render(steps);
        const reference = createPolymarketBookTracker();
        for (const m of clean) for (const e of reference.handle(m.text)) expect(e.type).toBe('book');

        const tracker = createPolymarketBookTracker();
        const stamps = new Map<number, number>(); // per asset: timestamp of the last clean message applied
        for (const [i, m] of clean.entries()) {
          for (const extra of extras[i % extras.length]!) {
            const before = booksOf(tracker);
            let events: PolymarketBookEvent[] = [];
            if (extra.kind === 'garbage') {
              const bad = polymarketGarbage(randomness(extra.seed), m.ts);
              expect(() => (events = tracker.handle(bad.data))).not.toThrow();
              expect(events).toHaveLength(1);
              const reason = expectRejected(events[0], bad.kind, `step ${i}`);
              const field = fieldNamed(bad.kind);
              if (field) expect(reason).toContain(field);
              if (bad.kind === 'negative size' || bad.kind === 'price above 1') expect(reason).toMatch(/price_changes\.1\.(size|price)/);
              if (bad.kind === 'duplicate price in snapshot') expect(reason).toMatch(/listed twice/);
              if (bad.kind === 'huge timestamp') expect(reason).toMatch(/timestamp/);
              kinds.add(bad.kind.replace(/ at .*/, ''));
            } else if (i > 0) {
              const old = extra.kind === 'duplicate' ? clean[i - 1]! : clean[extra.pick % i]!;
              events = tracker.handle(old.text);
              // Older than what one of its assets already has: a gap, nothing applied. Otherwise it
              // is the last message applied to each of its assets again: absolute sizes, no change.
              const late = old.touches.some((a) => stamps.get(a)! > old.ts);
              if (late) expect(events).toEqual([{ type: 'gap', market: expect.any(String), reason: expect.stringMatching(/out of order/) }]);
              else expect(events.filter((e) => e.type !== 'book')).toEqual([]);
            }
            expect(booksOf(tracker)).toEqual(before);
          }
          const events = tracker.handle(m.text);
          expect(events.filter((e) => e.type !== 'book')).toEqual([]);
          for (const a of m.touches) stamps.set(a, m.ts);
        }
        expect(tracker.books.size).toBe(ASSETS.length);
        expect(booksOf(tracker)).toEqual(booksOf(reference));
      }),
      { numRuns: 60 },
    );
    // Every family of garbage was exercised across the runs.
    const families = ['truncated', 'wrong type', 'missing', 'huge number', 'NaN-like string', 'byte order mark', 'zero-width space in a key', 'oversized (padding)', 'oversized (multi-byte)', 'not an object', 'unbalanced', 'negative size', 'price above 1', 'duplicate price in snapshot', 'too many levels', 'both price_change shapes', 'unknown event_type', 'unicode side', 'array with one bad element', 'text frame', 'huge timestamp'];
    expect(families.filter((k) => !kinds.has(k))).toEqual([]);
  });

  it('any JSON value or any text is answered with events, never a throw; a rejection always has a reason', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string(), fc.jsonValue().map((v) => JSON.stringify({ event_type: 'price_change', ...(typeof v === 'object' && v !== null && !Array.isArray(v) ? v : { v }) }))), (text) => {
        const t = createPolymarketBookTracker();
        let events: PolymarketBookEvent[] = [];
        expect(() => (events = t.handle(text))).not.toThrow();
        for (const e of events) if (e.type === 'invalid') expect(e.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('bounds how many books a flood of distinct assets can make it keep', () => {
    const t = createPolymarketBookTracker();
    let rejected = 0;
    for (let i = 0; i < 10_100; i++) {
      const [e] = t.handle(JSON.stringify({ ...bookMessage(0, [{ price: '0.5', size: '1' }], [], String(T0)), asset_id: `asset-${i}` }));
      if (e?.type === 'invalid') {
        rejected += 1;
        expect(e.reason).toMatch(/more than 10000 books/);
      } else expect(e?.type).toBe('book');
    }
    expect(t.books.size).toBe(10_000);
    expect(rejected).toBe(100);
  });
});

// ---------------------------------------------------------------- bursts

describe('bursts', () => {
  it('a burst of 20 000 market-channel frames, a tenth of them garbage, into a bounded queue nobody reads: same books, bounded queue', () => {
    const limit = 1000;
    const feed = render(fc.sample(stepArb, { numRuns: 20_000, seed: 7 }));
    const reference = createPolymarketBookTracker();
    for (const m of feed) reference.handle(m.text);

    const rng = randomness(7);
    const tracker = createPolymarketBookTracker();
    const queue = createEventQueue<PolymarketBookEvent>({ limit });
    let pushed = 0;
    let invalid = 0;
    for (const [i, m] of feed.entries()) {
      const frames = i % 9 === 8 ? [polymarketGarbage(rng, m.ts).data, m.text] : [m.text];
      for (const text of frames) {
        for (const e of tracker.handle(text)) {
          pushed += 1;
          if (e.type === 'invalid') invalid += 1;
          expect(e.type).not.toBe('gap');
          queue.push(e);
        }
      }
    }
    expect(invalid).toBe(Math.floor(feed.length / 9));
    expect(queue.dropped).toBe(pushed - limit);
    expect(tracker.books.size).toBe(ASSETS.length);
    expect(booksOf(tracker)).toEqual(booksOf(reference));
    queue.close();
  });
});
