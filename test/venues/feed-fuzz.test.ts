/**
 * Fuzz and burst tests of the feed parsers (the pure trackers behind the Kalshi and Coinbase
 * streams) and of the bounded event queue. Seeded: a failure names its seed and step, and the
 * same seed replays the same messages. The garbage every venue shares is in test/helpers/feed-fuzz.ts;
 * the Polymarket channels and the user streams have their own fuzz files.
 */
import { levels, MAX_LEVELS_PER_SIDE, type Book } from '../../domain/book';
import { dec, decStr } from '../../domain/money';
import { createCoinbaseBookTracker, type CoinbaseBookEvent } from '../../venues/coinbase/stream';
import { createEventQueue } from '../../venues/event-queue';
import { createKalshiBookTracker, type KalshiBookEvent } from '../../venues/kalshi/stream';
import { commonGarbage, expectRejected, LONG_UNICODE, NAN_LIKE, randomness, snapshotOf, type Field, type Rng } from '../helpers/feed-fuzz';


const SEEDS = [1, 42, 20240611];

// ---------------------------------------------------------------- Kalshi

const M = 'FED-25DEC-T4.25';
const cents = (c: number) => decStr(dec(String(c)).div(100));

/** The size the YES-book shows for a Kalshi level (a NO bid at p is a YES ask at 1 − p). */
function kalshiSize(book: Book | undefined, side: 'yes' | 'no', price: number): string {
  if (!book) return '0';
  return (side === 'yes' ? book.bids.get(cents(price)) : book.asks.get(cents(100 - price))) ?? '0';
}

/** A clean subscription: a snapshot then deltas that never take a size below zero. */
function kalshiClean(rng: Rng, n: number): Record<string, unknown>[] {
  const sizes = new Map<string, bigint>(); // exact integers: contract counts
  const yes: [number, number][] = [];
  const no: [number, number][] = [];
  for (let p = 1; p <= 99; p++) {
    if (rng.next() < 0.2) {
      const count = rng.int(1, 500);
      (rng.int(0, 1) ? yes : no).push([p, count]);
    }
  }
  for (const [p, c] of yes) sizes.set(`yes:${p}`, BigInt(c));
  for (const [p, c] of no) sizes.set(`no:${p}`, BigInt(c));
  const out: Record<string, unknown>[] = [{ type: 'orderbook_snapshot', sid: 7, seq: 1, msg: { market_ticker: M, yes, no } }];
  for (let seq = 2; out.length < n; seq++) {
    const side = rng.pick(['yes', 'no'] as const);
    const price = rng.int(1, 99);
    const have = sizes.get(`${side}:${price}`) ?? 0n;
    let delta = BigInt(rng.int(1, 300));
    if (have > 0n && rng.int(0, 1)) delta = -BigInt(rng.int(1, Number(have)));
    sizes.set(`${side}:${price}`, have + delta);
    out.push({ type: 'orderbook_delta', sid: 7, seq, msg: { market_ticker: M, price, delta: Number(delta), side } });
  }
  return out;
}

const KALSHI_DELTA_FIELDS: Field[] = [
  { path: 'type', required: true },
  { path: 'sid', required: true },
  { path: 'seq', required: true },
  { path: 'msg', required: true },
  { path: 'msg.market_ticker', required: true, anyString: true },
  { path: 'msg.price', required: true },
  { path: 'msg.delta', required: true },
  { path: 'msg.side', required: true },
];

let bigKalshiSnapshot: string | undefined;

/** One bad message for a Kalshi tracker whose next expected `seq` is `seq`. */
function kalshiGarbage(rng: Rng, seq: number, book: Book | undefined, sent: Record<string, unknown>[]): { kind: string; data: string } {
  const side = rng.pick(['yes', 'no'] as const);
  const price = rng.int(1, 99);
  const base = { type: 'orderbook_delta', sid: 7, seq, msg: { market_ticker: M, price, delta: rng.int(1, 50), side } };
  switch (rng.int(0, 14)) {
    case 0: {
      // A delta that would take a level below zero, in sequence (before the snapshot, a delta
      // for a book not built yet is legitimately skipped, so not garbage).
      if (!book) break;
      const delta = dec(kalshiSize(book, side, price)).plus(rng.int(1, 1000)).neg();
      return { kind: 'negative size', data: JSON.stringify({ ...base, msg: { ...base.msg, delta: Number(decStr(delta)) } }) };
    }
    case 1:
      if (sent.length >= 1) return { kind: 'duplicate', data: JSON.stringify(sent[sent.length - 1]) };
      break;
    case 2:
      if (sent.length >= 2) return { kind: 'out-of-order', data: JSON.stringify(sent[rng.int(0, sent.length - 2)]) };
      break;
    case 3:
      return { kind: 'negative snapshot count', data: JSON.stringify({ type: 'orderbook_snapshot', sid: 7, seq, msg: { market_ticker: M, yes: [[price, -rng.int(1, 99)]], no: [] } }) };
    case 4:
      return { kind: 'duplicate price in snapshot', data: JSON.stringify({ type: 'orderbook_snapshot', sid: 7, seq, msg: { market_ticker: M, yes: [[price, 1], [price, 2]], no: [] } }) };
    case 5:
      bigKalshiSnapshot ??= JSON.stringify({ type: 'orderbook_snapshot', sid: 7, seq: '__SEQ__', msg: { market_ticker: M, yes: Array.from({ length: MAX_LEVELS_PER_SIDE + 1 }, (_, i) => [(i % 99) + 1, 1]), no: [] } });
      return { kind: 'too many levels', data: bigKalshiSnapshot.replace('"__SEQ__"', String(seq)) };
    case 6:
      return { kind: 'unicode side', data: JSON.stringify({ ...base, msg: { ...base.msg, side: rng.pick(['yés', 'ｙｅｓ', 'yes\u0301', 'нет']) } }) };
    case 7:
      return { kind: 'unicode ticker too long', data: JSON.stringify({ ...base, msg: { ...base.msg, market_ticker: LONG_UNICODE } }) };
    case 8:
      return { kind: 'price out of range', data: JSON.stringify({ ...base, msg: { ...base.msg, price: rng.pick([0, 100, -1, 1000]) } }) };
    case 9:
      return { kind: 'unknown type', data: JSON.stringify({ ...base, type: rng.pick(['orderbook_deltas', 'ORDERBOOK_DELTA', 'ticker', '']) }) };
  }
  return commonGarbage(rng, base, KALSHI_DELTA_FIELDS);
}

describe('Kalshi book tracker under fuzz', () => {
  it.each(SEEDS)('seed %i: garbage interleaved with a clean feed is rejected with reasons and the book is exactly the clean one', (seed) => {
    const rng = randomness(seed);
    const clean = kalshiClean(rng, 1500);

    const reference = createKalshiBookTracker(() => {
      throw new Error('clean feed resubscribed');
    });
    for (const m of clean) expect(reference.handle(JSON.stringify(m))?.type).toBe('book');

    let resubscribes = 0;
    const tracker = createKalshiBookTracker(() => (resubscribes += 1));
    const kinds = new Map<string, number>();
    const sent: Record<string, unknown>[] = [];
    for (const [i, m] of clean.entries()) {
      for (let g = rng.int(0, 3); g > 0; g--) {
        const bad = kalshiGarbage(rng, m.seq as number, tracker.books.get(M), sent);
        let event: KalshiBookEvent | undefined;
        expect(() => (event = tracker.handle(bad.data))).not.toThrow();
        const reason = expectRejected(event, bad.kind, `seed ${seed} step ${i}`);
        if (bad.kind === 'duplicate') expect(reason).toMatch(/duplicate seq/);
        if (bad.kind === 'out-of-order') expect(reason).toMatch(/out-of-order seq/);
        if (bad.kind === 'negative size') expect(reason).toMatch(/would make the size -/);
        kinds.set(bad.kind.replace(/ at .*/, ''), (kinds.get(bad.kind.replace(/ at .*/, '')) ?? 0) + 1);
      }
      const event = tracker.handle(JSON.stringify(m));
      expect(event).toMatchObject({ type: 'book', seq: m.seq });
      sent.push(m);
    }
    expect(resubscribes).toBe(0);
    expect(snapshotOf(tracker.books.get(M))).toEqual(snapshotOf(reference.books.get(M)));
    // Every family of mutation was exercised.
    const families = ['truncated', 'wrong type', 'missing', 'huge number', 'NaN-like string', 'negative size', 'duplicate', 'out-of-order', 'too many levels', 'unicode side', 'unicode ticker too long', 'oversized (padding)', 'oversized (multi-byte)'];
    expect(families.filter((k) => !kinds.get(k))).toEqual([]);
  });

  it('a duplicate or older seq is reported and skipped, not a gap; a newer one is a gap that drops every book of the subscription', () => {
    let resubscribes = 0;
    const t = createKalshiBookTracker(() => (resubscribes += 1));
    const snap = (sid: number, seq: number, market: string) => JSON.stringify({ type: 'orderbook_snapshot', sid, seq, msg: { market_ticker: market, yes: [[40, 10]], no: [[55, 5]] } });
    const delta = (sid: number, seq: number, market: string, d: number) => JSON.stringify({ type: 'orderbook_delta', sid, seq, msg: { market_ticker: market, price: 40, delta: d, side: 'yes' } });
    expect(t.handle(snap(1, 1, 'A'))).toMatchObject({ type: 'book', from: 'snapshot' });
    expect(t.handle(snap(1, 2, 'B'))).toMatchObject({ type: 'book', from: 'snapshot' });
    expect(t.handle(delta(1, 3, 'A', 5))).toMatchObject({ type: 'book', seq: 3 });
    for (let i = 0; i < 3; i++) expect(t.handle(delta(1, 3, 'A', 5))).toEqual({ type: 'invalid', reason: expect.stringMatching(/^duplicate seq 3 on sid 1/) });
    expect(t.handle(snap(1, 1, 'A'))).toEqual({ type: 'invalid', reason: expect.stringMatching(/^out-of-order seq 1 on sid 1/) });
    expect(levels(t.books.get('A')!, 'bid')).toEqual([['0.4', '15']]); // applied once
    expect(t.handle(delta(1, 4, 'A', 1))).toMatchObject({ type: 'book', seq: 4 });
    expect(resubscribes).toBe(0);

    // A delta that would go below zero is rejected and changes nothing; the next genuine message
    // then shows the gap, and both books of the subscription are dropped.
    expect(t.handle(delta(1, 5, 'A', -17))).toEqual({ type: 'invalid', reason: expect.stringMatching(/would make the size -1/) });
    expect(levels(t.books.get('A')!, 'bid')).toEqual([['0.4', '16']]);
    expect(t.handle(delta(1, 6, 'B', 1))).toEqual({ type: 'gap', market: 'B', expected: 5, got: 6 });
    expect(resubscribes).toBe(1);
    expect([...t.books.keys()]).toEqual([]);
    // The abandoned subscription is ignored (no second resubscribe); the new one rebuilds the books.
    expect(t.handle(delta(1, 7, 'A', 1))).toBeUndefined();
    expect(t.handle(delta(1, 99, 'A', 1))).toBeUndefined();
    expect(resubscribes).toBe(1);
    expect(t.handle(snap(2, 1, 'A'))).toMatchObject({ type: 'book', from: 'snapshot' });
    expect(levels(t.books.get('A')!, 'bid')).toEqual([['0.4', '10']]);
  });

  it('bounds what a flood of subscriptions and markets can make it keep', () => {
    const t = createKalshiBookTracker(() => undefined);
    let rejected = 0;
    for (let sid = 0; sid < 10_100; sid++) {
      const e = t.handle(JSON.stringify({ type: 'orderbook_snapshot', sid, seq: 1, msg: { market_ticker: `M-${sid}`, yes: [[50, 1]], no: [] } }));
      if (e?.type === 'invalid') {
        rejected += 1;
        expect(e.reason).toMatch(/too many subscriptions|already tracking/);
      } else expect(e?.type).toBe('book');
    }
    expect(t.books.size).toBeLessThanOrEqual(10_000);
    expect(rejected).toBe(100);
  });
});

// ---------------------------------------------------------------- Coinbase

const PRODUCTS = ['BTC-USD', 'ETH-USD'] as const;

function coinbasePrice(rng: Rng, product: string): string {
  const base = product === 'BTC-USD' ? 97000 : 3500;
  return `${base + rng.int(-20, 20)}.${rng.pick(['00', '5', '25', '01'])}`;
}
function coinbaseQuantity(rng: Rng): string {
  return rng.next() < 0.2 ? '0' : `${rng.int(0, 20)}.${String(rng.int(1, 99_999_999)).padStart(8, '0')}`;
}
const cbUpdate = (rng: Rng, product: string) => ({ side: rng.pick(['bid', 'offer'] as const), event_time: '2026-01-01T00:00:00Z', price_level: coinbasePrice(rng, product), new_quantity: coinbaseQuantity(rng) });
const cbMessage = (seq: number, events: unknown[], channel = 'l2_data') => ({ channel, client_id: '', timestamp: '2026-01-01T00:00:00Z', sequence_num: seq, events });

/** A clean connection: snapshots, then updates, heartbeats and a subscriptions message. */
function coinbaseClean(rng: Rng, n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    cbMessage(0, [], 'subscriptions'),
    cbMessage(1, PRODUCTS.map((p) => ({ type: 'snapshot', product_id: p, updates: Array.from({ length: 30 }, () => cbUpdate(rng, p)) }))),
  ];
  for (let seq = 2; out.length < n; seq++) {
    if (rng.next() < 0.1) {
      out.push(cbMessage(seq, [{ current_time: '2026-01-01 00:00:00.000000000 +0000 UTC', heartbeat_counter: seq }], 'heartbeats'));
      continue;
    }
    const events = Array.from({ length: rng.int(1, 2) }, () => {
      const p = rng.pick(PRODUCTS);
      return { type: 'update', product_id: p, updates: Array.from({ length: rng.int(1, 4) }, () => cbUpdate(rng, p)) };
    });
    out.push(cbMessage(seq, events));
  }
  return out;
}

const COINBASE_FIELDS: Field[] = [
  { path: 'channel', required: true, anyString: true },
  { path: 'sequence_num', required: true },
  { path: 'events', required: false, array: true },
  { path: 'events.0.type', required: true },
  { path: 'events.0.product_id', required: true, anyString: true },
  { path: 'events.0.updates', required: true, array: true },
  { path: 'events.0.updates.0.side', required: true },
  { path: 'events.0.updates.0.price_level', required: true, anyString: true },
  { path: 'events.0.updates.0.new_quantity', required: true, anyString: true },
];

let bigCoinbaseSnapshot: string | undefined;

function coinbaseGarbage(rng: Rng, seq: number, sent: Record<string, unknown>[]): { kind: string; data: string } {
  const product = rng.pick(PRODUCTS);
  const base = cbMessage(seq, [{ type: rng.pick(['update', 'snapshot'] as const), product_id: product, updates: [cbUpdate(rng, product), cbUpdate(rng, product)] }]);
  const withUpdate = (u: Record<string, unknown>) => JSON.stringify(cbMessage(seq, [{ type: 'update', product_id: product, updates: [cbUpdate(rng, product), { ...cbUpdate(rng, product), ...u }] }]));
  switch (rng.int(0, 14)) {
    case 0:
      return { kind: 'negative size', data: withUpdate({ new_quantity: `-${rng.int(0, 5)}.${rng.int(1, 9)}` }) };
    case 1:
      if (sent.length >= 1) return { kind: 'duplicate', data: JSON.stringify(sent[sent.length - 1]) };
      break;
    case 2:
      if (sent.length >= 2) return { kind: 'out-of-order', data: JSON.stringify(sent[rng.int(0, sent.length - 2)]) };
      break;
    case 3:
      if (rng.next() < 0.3) {
        bigCoinbaseSnapshot ??= JSON.stringify(cbMessage(-1, [{ type: 'snapshot', product_id: 'BTC-USD', updates: Array.from({ length: MAX_LEVELS_PER_SIDE + 1 }, (_, i) => ({ side: 'bid', price_level: String(1000 + i), new_quantity: '1' })) }]));
        return { kind: 'too many levels', data: bigCoinbaseSnapshot.replace('"sequence_num":-1', `"sequence_num":${seq}`) };
      }
      break;
    case 4:
      return { kind: 'huge decimal', data: withUpdate({ [rng.pick(['price_level', 'new_quantity'])]: '9'.repeat(rng.int(65, 5000)) }) };
    case 5:
      return { kind: 'NaN-like decimal', data: withUpdate({ [rng.pick(['price_level', 'new_quantity'])]: rng.pick(NAN_LIKE) }) };
    case 6:
      return { kind: 'unicode side', data: withUpdate({ side: rng.pick(['bíd', 'ｂｉｄ', 'offer\u200b', 'ставка']) }) };
    case 7:
      return { kind: 'bad product_id', data: JSON.stringify(cbMessage(seq, [{ type: 'update', product_id: rng.pick(['', LONG_UNICODE]), updates: [] }])) };
    case 8:
      return { kind: 'homoglyph key', data: JSON.stringify(base).replace('"sequence_num"', '"sequеnce_num"') };
    case 9:
      return { kind: 'negative sequence_num', data: JSON.stringify(cbMessage(-rng.int(1, 1e6), [])) };
  }
  return commonGarbage(rng, base, COINBASE_FIELDS);
}

describe('Coinbase book tracker under fuzz', () => {
  it.each(SEEDS)('seed %i: garbage interleaved with a clean feed is rejected with reasons and the books are exactly the clean ones', (seed) => {
    const rng = randomness(seed);
    const clean = coinbaseClean(rng, 1500);

    const reference = createCoinbaseBookTracker();
    for (const m of clean) {
      for (const e of reference.handle(JSON.stringify(m))) expect(e.type).toBe('book');
    }

    const tracker = createCoinbaseBookTracker();
    const kinds = new Map<string, number>();
    const sent: Record<string, unknown>[] = [];
    for (const [i, m] of clean.entries()) {
      for (let g = rng.int(0, 3); g > 0; g--) {
        const bad = coinbaseGarbage(rng, m.sequence_num as number, sent);
        let events: CoinbaseBookEvent[] = [];
        expect(() => (events = tracker.handle(bad.data))).not.toThrow();
        expect(events).toHaveLength(1);
        const reason = expectRejected(events[0], bad.kind, `seed ${seed} step ${i}`);
        if (bad.kind === 'duplicate') expect(reason).toMatch(/duplicate sequence_num/);
        if (bad.kind === 'out-of-order') expect(reason).toMatch(/out-of-order sequence_num/);
        if (bad.kind === 'negative size') expect(reason).toMatch(/negative new_quantity/);
        if (bad.kind === 'too many levels') expect(reason).toMatch(/levels on the bid side/);
        kinds.set(bad.kind.replace(/ at .*/, ''), (kinds.get(bad.kind.replace(/ at .*/, '')) ?? 0) + 1);
      }
      const events = tracker.handle(JSON.stringify(m));
      const expected = m.channel === 'l2_data' ? (m.events as unknown[]).length : 0;
      expect(events.map((e) => e.type)).toEqual(Array(expected).fill('book'));
      sent.push(m);
    }
    for (const p of PRODUCTS) expect(snapshotOf(tracker.books.get(p))).toEqual(snapshotOf(reference.books.get(p)));
    const families = ['truncated', 'wrong type', 'missing', 'huge number', 'NaN-like string', 'NaN-like decimal', 'negative size', 'duplicate', 'out-of-order', 'too many levels', 'huge decimal', 'unicode side', 'bad product_id', 'oversized (padding)', 'oversized (multi-byte)'];
    expect(families.filter((k) => !kinds.get(k))).toEqual([]);
  });

  it('reads past heartbeats and subscriptions messages (they share the sequence but have no book events)', () => {
    const t = createCoinbaseBookTracker();
    expect(t.handle(JSON.stringify(cbMessage(0, [{ subscriptions: { level2: ['BTC-USD'], heartbeats: ['heartbeats'] } }], 'subscriptions')))).toEqual([]);
    expect(t.handle(JSON.stringify(cbMessage(1, [{ type: 'snapshot', product_id: 'BTC-USD', updates: [{ side: 'offer', price_level: '97100.00', new_quantity: '0.5' }] }])))).toMatchObject([{ type: 'book', from: 'snapshot' }]);
    expect(t.handle(JSON.stringify(cbMessage(2, [{ current_time: '2026-01-01 00:00:00', heartbeat_counter: 3 }], 'heartbeats')))).toEqual([]);
    const [e] = t.handle(JSON.stringify(cbMessage(3, [{ type: 'update', product_id: 'BTC-USD', updates: [{ side: 'offer', price_level: '97100', new_quantity: '0.3' }] }])));
    expect(e).toMatchObject({ type: 'book', from: 'update' });
    expect(levels(t.books.get('BTC-USD')!, 'ask')).toEqual([['97100', '0.3']]);
  });

  it('applies a message whole or not at all, bounds levels per side, and reports one gap per gap', () => {
    const t = createCoinbaseBookTracker();
    const full = Array.from({ length: MAX_LEVELS_PER_SIDE }, (_, i) => ({ side: 'bid', price_level: String(1000 + i), new_quantity: '1' }));
    expect(t.handle(JSON.stringify(cbMessage(0, [{ type: 'snapshot', product_id: 'X', updates: full }])))).toMatchObject([{ type: 'book' }]);
    expect(t.books.get('X')!.bids.size).toBe(MAX_LEVELS_PER_SIDE);
    const update = (seq: number, updates: unknown[]) => JSON.stringify(cbMessage(seq, [{ type: 'update', product_id: 'X', updates }]));
    // One level more is refused; replacing one is fine; removing one and adding one in one message is fine.
    expect(t.handle(update(1, [{ side: 'bid', price_level: '1', new_quantity: '1' }]))).toEqual([{ type: 'invalid', reason: expect.stringMatching(/10001 levels on the bid side/) }]);
    expect(t.handle(update(1, [{ side: 'bid', price_level: '1000', new_quantity: '0' }, { side: 'bid', price_level: '1', new_quantity: '2' }]))).toMatchObject([{ type: 'book' }]);
    expect(t.books.get('X')!.bids.size).toBe(MAX_LEVELS_PER_SIDE);
    // A valid update followed by a negative one in the same message: nothing applied.
    expect(t.handle(update(2, [{ side: 'bid', price_level: '1', new_quantity: '5' }, { side: 'offer', price_level: '2', new_quantity: '-1' }]))).toEqual([{ type: 'invalid', reason: expect.stringMatching(/negative new_quantity -1/) }]);
    expect(t.books.get('X')!.bids.get('1')).toBe('2');
    // A skipped sequence number: one gap, the books dropped, later messages not reported as gaps again.
    expect(t.handle(update(5, []))).toEqual([{ type: 'gap', expected: 2, got: 5 }]);
    expect(t.books.size).toBe(0);
    expect(t.handle(update(6, [{ side: 'bid', price_level: '1', new_quantity: '5' }]))).toEqual([]);
    expect(t.handle(update(6, []))).toEqual([{ type: 'invalid', reason: expect.stringMatching(/^duplicate sequence_num 6/) }]);
  });
});

// ---------------------------------------------------------------- bursts

describe('bursts', () => {
  it('a stalled consumer: the event queue keeps `limit` newest events and counts the rest as dropped', async () => {
    const limit = 10_000;
    const total = 200_000;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;

    const queue = createEventQueue<{ i: number; payload: string }>({ limit });
    // ~1 KiB of distinct payload per event: 200 MiB if nothing were dropped.
    for (let i = 0; i < total; i++) queue.push({ i, payload: `${i}:`.padEnd(1024, 'x') });
    expect(queue.dropped).toBe(total - limit);

    if (gc) {
      gc();
      const growth = process.memoryUsage().heapUsed - heapBefore;
      expect(growth).toBeLessThan(64 * 1024 * 1024); // ~10 MiB expected for 10 000 kept events
    }

    // The consumer wakes up: exactly the newest `limit` events are there, oldest first, then nothing more.
    const it = queue.events();
    for (let k = 0; k < limit; k++) {
      const { value } = await it.next();
      expect(value?.i).toBe(total - limit + k);
    }
    queue.push({ i: -1, payload: 'sentinel' });
    expect((await it.next()).value?.i).toBe(-1); // nothing older was still queued
    queue.close();
    expect((await it.next()).done).toBe(true);
  });

  it('a burst of 40 000 feed messages, a tenth of them garbage, into bounded queues nobody reads: same books, bounded memory', () => {
    const rng = randomness(7);
    const limit = 1000;

    const kalshiFeed = kalshiClean(rng, 20_000);
    const kalshiRef = createKalshiBookTracker(() => undefined);
    for (const m of kalshiFeed) kalshiRef.handle(JSON.stringify(m));
    const kalshi = createKalshiBookTracker(() => {
      throw new Error('resubscribed');
    });
    const kq = createEventQueue<KalshiBookEvent>({ limit });
    let kalshiEvents = 0;
    let kalshiInvalid = 0;
    const push = (e: KalshiBookEvent | undefined) => {
      if (!e) return;
      kalshiEvents += 1;
      if (e.type === 'invalid') kalshiInvalid += 1;
      kq.push(e);
    };
    for (const [i, m] of kalshiFeed.entries()) {
      if (i % 9 === 8) push(kalshi.handle(kalshiGarbage(rng, m.seq as number, kalshi.books.get(M), kalshiFeed.slice(Math.max(0, i - 3), i)).data));
      push(kalshi.handle(JSON.stringify(m)));
    }
    expect(kalshiInvalid).toBe(Math.floor(kalshiFeed.length / 9));
    expect(kq.dropped).toBe(kalshiEvents - limit);
    expect(kalshi.books.size).toBe(1);
    expect(snapshotOf(kalshi.books.get(M))).toEqual(snapshotOf(kalshiRef.books.get(M)));

    const cbFeed = coinbaseClean(rng, 20_000);
    const cbRef = createCoinbaseBookTracker();
    for (const m of cbFeed) cbRef.handle(JSON.stringify(m));
    const coinbase = createCoinbaseBookTracker();
    const cq = createEventQueue<CoinbaseBookEvent>({ limit });
    let cbEvents = 0;
    let cbInvalid = 0;
    for (const [i, m] of cbFeed.entries()) {
      const batch = i % 9 === 8 ? [coinbaseGarbage(rng, m.sequence_num as number, cbFeed.slice(Math.max(0, i - 3), i)).data, JSON.stringify(m)] : [JSON.stringify(m)];
      for (const data of batch) {
        for (const e of coinbase.handle(data)) {
          cbEvents += 1;
          if (e.type === 'invalid') cbInvalid += 1;
          expect(e.type).not.toBe('gap');
          cq.push(e);
        }
      }
    }
    expect(cbInvalid).toBe(Math.floor(cbFeed.length / 9));
    expect(cq.dropped).toBe(cbEvents - limit);
    expect(coinbase.books.size).toBe(PRODUCTS.length);
    for (const p of PRODUCTS) expect(snapshotOf(coinbase.books.get(p))).toEqual(snapshotOf(cbRef.books.get(p)));
    kq.close();
    cq.close();
  });
});
