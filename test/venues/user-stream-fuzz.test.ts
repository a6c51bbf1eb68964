/**
 * Property tests of the three private user-stream parsers: Kalshi's `fill` channel
 * (parseKalshiUserMessage), Polymarket's user channel (parsePolymarketUserMessage) and Coinbase's
 * `user` channel (createCoinbaseUserParser, fills as increments of cumulative_quantity). A clean
 * sequence is interleaved with garbage, duplicates and replays of earlier messages: nothing
 * throws, every piece of garbage is an `invalid` event with a reason naming what was wrong, every
 * fill is a valid Fill, and the fills are exactly the clean sequence's — a duplicate or replay
 * never yields a new fill, nor a different fill under an id already seen.
 */
import fc from 'fast-check';
import { dec, decStr } from '../../domain/money';
import { fillSchema, type Fill } from '../../domain/order';
import { createCoinbaseUserParser, type CoinbaseUserEvent } from '../../venues/coinbase/user-stream';
import { parseKalshiUserMessage, type KalshiUserEvent } from '../../venues/kalshi/user-stream';
import { parsePolymarketUserMessage } from '../../venues/polymarket/user-stream';
import { commonGarbage, expectRejected, fieldNamed, LONG_UNICODE, randomness, type Field, type Rng } from '../helpers/feed-fuzz';

type Extra = { kind: 'garbage'; seed: number } | { kind: 'duplicate' } | { kind: 'replay'; pick: number };
const extraArb: fc.Arbitrary<Extra> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('garbage' as const), seed: fc.integer() }), weight: 3 },
  fc.record({ kind: fc.constant('duplicate' as const) }),
  fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }),
);
const extrasArb = fc.array(fc.array(extraArb, { maxLength: 3 }), { minLength: 1, maxLength: 30 });

/** Fills by id; a second, different fill under one id fails (a replay must repeat a fill exactly). */
function collect(into: Map<string, Fill>, fill: Fill): void {
  expect(fillSchema.safeParse(fill).success).toBe(true);
  const before = into.get(fill.venueTradeId);
  if (before) expect(fill).toEqual(before);
  into.set(fill.venueTradeId, fill);
}

/** Checks a garbage frame's rejection: one `invalid` naming the mutated field, where there is one. */
function checkRejection(events: { type: string; reason?: string }[], kind: string, where: string, kinds: Set<string>): string {
  expect(events).toHaveLength(1);
  const reason = expectRejected(events[0], kind, where);
  const field = fieldNamed(kind);
  if (field) expect(reason).toContain(field);
  kinds.add(kind.replace(/ at .*/, ''));
  return reason;
}

const ISO = '2026-11-30T12:00:00.000Z';

// ---------------------------------------------------------------- Kalshi

const kalshiFillArb = fc.record({
  order_id: fc.constantFrom('ord-1', 'ord-2', 'ord-3'),
  client_order_id: fc.option(fc.constantFrom('c-1', 'c-2'), { nil: undefined }),
  market_ticker: fc.constantFrom('FED-25DEC-T4.25', 'KXBTC-26JAN-B97000'),
  side: fc.constantFrom('yes' as const, 'no' as const),
  action: fc.constantFrom('buy' as const, 'sell' as const),
  count: fc.integer({ min: 1, max: 10_000 }),
  yes_price: fc.integer({ min: 1, max: 99 }),
  is_taker: fc.boolean(),
  ts: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
  created: fc.boolean(),
});
/** A clean connection: a `subscribed` answer, then fills with distinct trade ids (and the odd `ok`). */
const kalshiCleanArb = fc.array(fc.oneof({ arbitrary: kalshiFillArb, weight: 6 }, fc.constant('ok' as const)), { minLength: 1, maxLength: 30 }).map((items) => [
  { type: 'subscribed', id: 1, msg: { channel: 'fill', sid: 3 } },
  ...items.map((f, i) =>
    f === 'ok'
      ? { type: 'ok', id: i + 2, sid: 3, seq: i + 1 }
      : { type: 'fill', sid: 3, seq: i + 1, msg: { trade_id: `trade-${i}`, order_id: f.order_id, ...(f.client_order_id ? { client_order_id: f.client_order_id } : {}), market_ticker: f.market_ticker, side: f.side, action: f.action, count: f.count, yes_price: f.yes_price, no_price: 100 - f.yes_price, is_taker: f.is_taker, ts: f.ts, ...(f.created ? { created_time: new Date(f.ts * 1000).toISOString() } : {}) } },
  ),
]);

const KALSHI_FIELDS: Field[] = [
  { path: 'type', required: true },
  { path: 'sid', required: true },
  { path: 'seq', required: false },
  { path: 'msg', required: true },
  { path: 'msg.trade_id', required: true, anyString: true },
  { path: 'msg.order_id', required: true, anyString: true },
  { path: 'msg.market_ticker', required: true, anyString: true },
  { path: 'msg.side', required: true },
  { path: 'msg.action', required: true },
  { path: 'msg.count', required: true },
  { path: 'msg.yes_price', required: true },
  { path: 'msg.no_price', required: false },
  { path: 'msg.is_taker', required: true, boolean: true },
  { path: 'msg.ts', required: false },
];

function kalshiGarbage(rng: Rng): { kind: string; data: string } {
  const base = { type: 'fill', sid: 3, seq: 99, msg: { trade_id: `g-${rng.int(0, 1e6)}`, order_id: 'ord-1', market_ticker: 'FED-25DEC-T4.25', side: 'yes', action: 'buy', count: rng.int(1, 50), yes_price: 40, no_price: 60, is_taker: true, ts: 1_764_500_000 } };
  const withMsg = (m: Record<string, unknown>) => JSON.stringify({ ...base, msg: { ...base.msg, ...m } });
  switch (rng.int(0, 14)) {
    case 0:
      return { kind: 'count not a positive integer', data: withMsg({ count: rng.pick([0, -3, 1.5]) }) };
    case 1:
      return { kind: 'price out of range', data: withMsg({ yes_price: rng.pick([0, 100, -1, 1000]) }) };
    case 2:
      return { kind: 'ts beyond any date', data: withMsg({ ts: rng.pick([1e13, 2 ** 53 - 1, -1e13]) }) };
    case 3:
      return { kind: 'created_time not a time', data: withMsg({ created_time: rng.pick(['yesterday', '2026-13-45T00:00:00Z', '', LONG_UNICODE]) }) };
    case 4:
      return { kind: 'unicode side', data: withMsg({ side: rng.pick(['yés', 'ｙｅｓ', 'нет']) }) };
  }
  return commonGarbage(rng, base, KALSHI_FIELDS);
}

describe('Kalshi user-stream parser under fuzz', () => {
  it('garbage, duplicates and replays interleaved with the clean stream: garbage is invalid with its field named, the fills are exactly the clean ones', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(kalshiCleanArb, extrasArb, (clean, extras) => {
        const reference = new Map<string, Fill>();
        for (const m of clean) {
          const e = parseKalshiUserMessage(JSON.stringify(m));
          if (m.type === 'fill') {
            expect(e?.type).toBe('fill');
            if (e?.type === 'fill') collect(reference, e.fill);
          } else expect(e).toBeUndefined();
        }
        const fills = new Map<string, Fill>();
        const take = (e: KalshiUserEvent | undefined) => {
          expect(e?.type).not.toBe('invalid');
          if (e?.type === 'fill') collect(fills, e.fill);
        };
        for (const [i, m] of clean.entries()) {
          for (const extra of extras[i % extras.length]!) {
            if (extra.kind === 'garbage') {
              const bad = kalshiGarbage(randomness(extra.seed));
              let e: KalshiUserEvent | undefined;
              expect(() => (e = parseKalshiUserMessage(bad.data))).not.toThrow();
              const reason = checkRejection([e].filter((x) => x !== undefined), bad.kind, `step ${i}`, kinds);
              if (bad.kind === 'ts beyond any date') expect(reason).toMatch(/ts/);
              if (bad.kind === 'created_time not a time') expect(reason).toMatch(/created_time/);
            } else if (i > 0) take(parseKalshiUserMessage(JSON.stringify(extra.kind === 'duplicate' ? clean[i - 1] : clean[extra.pick % i])));
          }
          take(parseKalshiUserMessage(JSON.stringify(m)));
        }
        expect(fills).toEqual(reference);
      }),
      { numRuns: 80 },
    );
    const families = ['truncated', 'wrong type', 'missing', 'huge number', 'NaN-like string', 'byte order mark', 'zero-width space in a key', 'oversized (padding)', 'oversized (multi-byte)', 'not an object', 'unbalanced', 'count not a positive integer', 'price out of range', 'ts beyond any date', 'created_time not a time', 'unicode side'];
    expect(families.filter((k) => !kinds.has(k))).toEqual([]);
  });
});

// ---------------------------------------------------------------- Polymarket

const ME = 'api-key-me';
const TOKEN = '7132104567925221259';

const pmTradeArb = fc.record({
  role: fc.constantFrom('taker' as const, 'maker' as const, 'both' as const, 'none' as const),
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  size: fc.integer({ min: 1, max: 100_000 }).map((n) => decStr(dec(String(n)).div(100))),
  cents: fc.integer({ min: 1, max: 99 }),
  makers: fc.integer({ min: 1, max: 3 }),
  later: fc.subarray(['MINED', 'CONFIRMED'] as const),
});
/** A clean connection: MATCHED trades (ours as taker, maker, both or neither), their later statuses, order events, PONGs. */
const pmCleanArb = fc.array(fc.oneof({ arbitrary: pmTradeArb, weight: 5 }, fc.constantFrom('PONG' as const, 'order' as const)), { minLength: 1, maxLength: 25 }).map((items) =>
  items.flatMap((t, i): string[] => {
    if (t === 'PONG') return ['PONG'];
    if (t === 'order') return [JSON.stringify({ event_type: 'order', type: 'UPDATE', id: `0xo${i}`, asset_id: TOKEN, side: 'BUY', original_size: '10', size_matched: '5', price: '0.5', owner: ME })];
    const price = `0.${String(t.cents).padStart(2, '0')}`;
    const trade = {
      event_type: 'trade',
      id: `trade-${i}`,
      taker_order_id: `0xtaker${i}`,
      market: '0xc0',
      asset_id: TOKEN,
      side: t.side,
      size: t.size,
      price,
      owner: t.role === 'taker' || t.role === 'both' ? ME : 'someone',
      maker_orders: Array.from({ length: t.makers }, (_, k) => ({ order_id: `0xmaker${i}-${k}`, owner: (t.role === 'maker' || t.role === 'both') && k === 0 ? ME : 'other', matched_amount: t.size, price, asset_id: TOKEN })),
      matchtime: String(1_764_500_000 + i),
      fee_rate_bps: '0',
    };
    return [JSON.stringify({ ...trade, status: 'MATCHED' }), ...t.later.map((s) => JSON.stringify({ ...trade, status: s }))];
  }),
);

/** Strings that are amounts ("1" as a wrong-typed value is a valid size): not garbage. */
const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
const PM_FIELDS: Field[] = [
  { path: 'event_type', required: true },
  { path: 'id', required: true, anyString: true },
  { path: 'taker_order_id', required: true, anyString: true },
  { path: 'market', required: true, anyString: true },
  { path: 'asset_id', required: true, anyString: true },
  { path: 'side', required: true },
  { path: 'size', required: true, accepts: DECIMAL },
  { path: 'price', required: true, accepts: DECIMAL },
  { path: 'status', required: true, anyString: true },
  { path: 'owner', required: true, anyString: true },
  /** Any digits are unix seconds; ones past any date are their own family. */
  { path: 'matchtime', required: false, accepts: /^\d+$/ },
  { path: 'maker_orders', required: false, array: true },
  { path: 'maker_orders.0.order_id', required: true, anyString: true },
  { path: 'maker_orders.0.owner', required: true, anyString: true },
  { path: 'maker_orders.0.matched_amount', required: true, accepts: DECIMAL },
  { path: 'maker_orders.0.price', required: true, accepts: DECIMAL },
];

function polymarketGarbage(rng: Rng): { kind: string; data: string } {
  // Ours on both sides, so any field that reaches a fill is checked.
  const base = { event_type: 'trade', id: `g-${rng.int(0, 1e6)}`, taker_order_id: '0xt', market: '0xc0', asset_id: TOKEN, side: 'BUY', size: '5', price: '0.4', status: 'MATCHED', owner: ME, maker_orders: [{ order_id: '0xm', owner: ME, matched_amount: '5', price: '0.6' }], matchtime: '1764500000' };
  switch (rng.int(0, 12)) {
    case 0:
      return { kind: 'negative size', data: JSON.stringify({ ...base, size: `-${rng.int(1, 9)}` }) };
    case 1:
      return { kind: 'zero maker amount', data: JSON.stringify({ ...base, maker_orders: [{ ...base.maker_orders[0], matched_amount: '0' }] }) };
    case 2:
      return { kind: 'matchtime beyond any date', data: JSON.stringify({ ...base, matchtime: rng.pick(['99999999999999', '9'.repeat(40)]) }) };
    case 3:
      return { kind: 'unknown event_type', data: JSON.stringify({ ...base, event_type: rng.pick(['trades', 'TRADE', 'fill', '']) }) };
    case 4:
      return { kind: 'bad order event', data: JSON.stringify({ event_type: 'order', type: rng.pick(['PLACED', 'update', '']), id: '0xo', asset_id: TOKEN, side: 'BUY', original_size: '1', size_matched: '0', price: '0.5' }) };
  }
  return commonGarbage(rng, base, PM_FIELDS, { typeKey: 'event_type', arrayFrames: true });
}

describe('Polymarket user-stream parser under fuzz', () => {
  it('garbage, duplicates and replays interleaved with the clean stream: garbage is invalid with its field named, the fills are exactly the clean ones', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(pmCleanArb, extrasArb, (clean, extras) => {
        const reference = new Map<string, Fill>();
        for (const m of clean) {
          for (const e of parsePolymarketUserMessage(m, ME)) {
            expect(e.type).toBe('fill');
            if (e.type === 'fill') collect(reference, e.fill);
          }
        }
        const fills = new Map<string, Fill>();
        const take = (text: string) => {
          for (const e of parsePolymarketUserMessage(text, ME)) {
            expect(e.type).toBe('fill');
            if (e.type === 'fill') collect(fills, e.fill);
          }
        };
        for (const [i, m] of clean.entries()) {
          for (const extra of extras[i % extras.length]!) {
            if (extra.kind === 'garbage') {
              const bad = polymarketGarbage(randomness(extra.seed));
              let events: ReturnType<typeof parsePolymarketUserMessage> = [];
              expect(() => (events = parsePolymarketUserMessage(bad.data, ME))).not.toThrow();
              const reason = checkRejection(events, bad.kind, `step ${i}`, kinds);
              if (bad.kind === 'negative size' || bad.kind === 'zero maker amount') expect(reason).toMatch(/quantity/);
              if (bad.kind === 'matchtime beyond any date') expect(reason).toMatch(/matchtime/);
            } else if (i > 0) take(extra.kind === 'duplicate' ? clean[i - 1]! : clean[extra.pick % i]!);
          }
          take(m);
        }
        expect(fills).toEqual(reference);
      }),
      { numRuns: 80 },
    );
    const families = ['truncated', 'wrong type', 'missing', 'huge number', 'NaN-like string', 'byte order mark', 'zero-width space in a key', 'oversized (padding)', 'oversized (multi-byte)', 'not an object', 'unbalanced', 'negative size', 'zero maker amount', 'matchtime beyond any date', 'unknown event_type', 'bad order event'];
    expect(families.filter((k) => !kinds.has(k))).toEqual([]);
  });
});

// ---------------------------------------------------------------- Coinbase

const ORDERS = ['o-1', 'o-2', 'o-3'];
interface Report {
  order: string;
  cumulative: string;
  value: string;
  fees: string;
}
/** Per order, reports of a growing cumulative quantity, each increment at its own price (fees 0.6 % of value). */
const cbOrderArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 90_000, max: 99_000 })), { minLength: 1, maxLength: 5 });
const cbCleanArb = fc
  .record({ orders: fc.tuple(cbOrderArb, cbOrderArb, cbOrderArb), interleave: fc.array(fc.nat({ max: 2 }), { maxLength: 60 }), heartbeats: fc.array(fc.boolean(), { maxLength: 60 }) })
  .map(({ orders, interleave, heartbeats }) => {
    const perOrder: Report[][] = orders.map((incs, o) => {
      let q = dec('0');
      let v = dec('0');
      return incs.map(([units, price]) => {
        const inc = dec(String(units)).div(10_000); // up to 0.5 BTC in steps of 0.0001
        q = q.plus(inc);
        v = v.plus(inc.times(price));
        return { order: ORDERS[o]!, cumulative: decStr(q), value: decStr(v), fees: decStr(v.times('0.006')) };
      });
    });
    // Merge the orders' reports in an arbitrary interleaving that keeps each order's own order.
    const next = [0, 0, 0];
    const reports: Report[] = [];
    for (const o of [...interleave, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]) if (next[o]! < perOrder[o]!.length) reports.push(perOrder[o]![next[o]!++]!);
    const steps: ({ kind: 'report'; report: Report } | { kind: 'heartbeat' })[] = [];
    for (const [i, report] of reports.entries()) {
      if (heartbeats[i]) steps.push({ kind: 'heartbeat' });
      steps.push({ kind: 'report', report });
    }
    return steps;
  });

const cbOrder = (r: Report) => ({ order_id: r.order, client_order_id: `c-${r.order}`, product_id: 'BTC-USD', order_side: 'BUY', status: 'OPEN', cumulative_quantity: r.cumulative, leaves_quantity: '1', avg_price: decStr(dec(r.value).div(dec(r.cumulative))), total_fees: r.fees, filled_value: r.value });
const cbFrame = (seq: number, body: { channel: string; timestamp: string; events: unknown[] }) => JSON.stringify({ channel: body.channel, client_id: '', timestamp: body.timestamp, sequence_num: seq, events: body.events });
/** A frame's content without its sequence number (the sender numbers frames as it sends them). */
const userBody = (i: number, reports: Report[], type: 'snapshot' | 'update' = 'update') => ({ channel: 'user', timestamp: new Date(Date.parse(ISO) + i * 1000).toISOString(), events: [{ type, orders: reports.map(cbOrder) }] });
const heartbeatBody = (i: number) => ({ channel: 'heartbeats', timestamp: ISO, events: [{ current_time: ISO, heartbeat_counter: i }] });

const CB_FIELDS: Field[] = [
  { path: 'channel', required: true, anyString: true },
  { path: 'sequence_num', required: true },
  { path: 'events.0.type', required: true },
  { path: 'events.0.orders', required: true, array: true },
  { path: 'events.0.orders.0.order_id', required: true, anyString: true },
  { path: 'events.0.orders.0.client_order_id', required: true, anyString: true },
  { path: 'events.0.orders.0.product_id', required: true, anyString: true },
  { path: 'events.0.orders.0.order_side', required: true },
  { path: 'events.0.orders.0.status', required: true, anyString: true },
  { path: 'events.0.orders.0.cumulative_quantity', required: true, accepts: DECIMAL },
  { path: 'events.0.orders.0.leaves_quantity', required: true, accepts: DECIMAL },
  { path: 'events.0.orders.0.avg_price', required: true, accepts: DECIMAL },
  { path: 'events.0.orders.0.total_fees', required: false, accepts: DECIMAL },
  { path: 'events.0.orders.0.filled_value', required: false, accepts: DECIMAL },
];
/**
 * Whether garbage of this kind still reads as a message (a valid envelope with bad events): such a
 * frame takes its sequence number, as a genuine but malformed message would. Garbage that breaks
 * the frame or its envelope takes none.
 */
const takesSequence = (kind: string) => /^(wrong type|missing|huge number|NaN-like string) at events\./.test(kind) || kind === 'zero-width space in a key' || kind.startsWith('report:');

/** Garbage for the next sequence number `seq`; `seen` is the last clean report delivered per order. */
function coinbaseGarbage(rng: Rng, seq: number, seen: Map<string, Report>): { kind: string; data: string } {
  const order = rng.pick(ORDERS);
  const last = seen.get(order);
  // Beyond anything the clean stream reports: were it accepted, it would be a fill the clean stream never had.
  const beyond: Report = { order, cumulative: decStr(dec(last?.cumulative ?? '0').plus(7)), value: decStr(dec(last?.value ?? '0').plus(700_000)), fees: decStr(dec(last?.fees ?? '0').plus(4200)) };
  const frame = (r: Record<string, unknown>) => cbFrame(seq, { ...userBody(0, []), events: [{ type: 'update', orders: [{ ...cbOrder(beyond), ...r }] }] });
  switch (rng.int(0, 14)) {
    case 0:
      return { kind: 'report: negative cumulative_quantity', data: frame({ cumulative_quantity: `-${rng.int(1, 9)}` }) };
    case 1:
      return { kind: 'report: negative total_fees', data: frame({ total_fees: '-0.5' }) };
    case 2:
      return { kind: 'report: negative filled_value', data: frame({ filled_value: '-1' }) };
    case 3:
      return { kind: 'report: filled value not increasing', data: frame({ filled_value: last?.value ?? '0' }) };
    case 4:
      if (last && dec(last.fees).gt(0)) return { kind: 'report: fees going down', data: frame({ total_fees: '0' }) };
      break;
    case 5:
      return { kind: 'negative sequence_num', data: cbFrame(-rng.int(1, 1e6), userBody(0, [beyond])) };
  }
  return commonGarbage(rng, JSON.parse(cbFrame(seq, userBody(0, [beyond]))) as Record<string, unknown>, CB_FIELDS, { typeKey: 'type' });
}

type CbExtra = Extra | { kind: 'stale'; pick: number } | { kind: 'reconnect' };
const cbExtraArb: fc.Arbitrary<CbExtra> = fc.oneof(extraArb, fc.record({ kind: fc.constant('stale' as const), pick: fc.nat() }), fc.record({ kind: fc.constant('reconnect' as const) }));

describe('Coinbase user-stream parser under fuzz', () => {
  it('garbage, duplicated and replayed frames, stale reports and reconnect snapshots: garbage is invalid with a reason, the fills are exactly the clean ones', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(cbCleanArb, fc.array(fc.array(cbExtraArb, { maxLength: 3 }), { minLength: 1, maxLength: 30 }), (steps, extras) => {
        const bodies = steps.map((s, i) => (s.kind === 'report' ? userBody(i, [s.report]) : heartbeatBody(i)));
        const reference = createCoinbaseUserParser();
        const expected: Fill[] = [];
        for (const [seq, body] of bodies.entries()) {
          const out = reference.parse(cbFrame(seq, body));
          expect(out.gap).toBeUndefined();
          for (const e of out.events) {
            expect(e.type).toBe('fill');
            if (e.type === 'fill') expected.push(e.fill);
          }
        }
        expect(expected).toHaveLength(steps.filter((s) => s.kind === 'report').length);

        const parser = createCoinbaseUserParser();
        const fills: Fill[] = [];
        const sentFrames: string[] = [];
        const seen = new Map<string, Report>();
        let seq = 0;
        const send = (text: string): CoinbaseUserEvent[] => {
          let out: ReturnType<typeof parser.parse> = { events: [] };
          expect(() => (out = parser.parse(text))).not.toThrow();
          expect(out.gap).toBeUndefined();
          return out.events;
        };
        const good = (events: CoinbaseUserEvent[]) => {
          for (const e of events) {
            expect(e.type).toBe('fill');
            if (e.type === 'fill') fills.push(e.fill);
          }
        };
        for (const [i, body] of bodies.entries()) {
          for (const extra of extras[i % extras.length]!) {
            const fillsBefore = fills.length;
            if (extra.kind === 'garbage') {
              const bad = coinbaseGarbage(randomness(extra.seed), seq, seen);
              const reason = checkRejection(send(bad.data), bad.kind, `step ${i}`, kinds);
              if (takesSequence(bad.kind)) seq += 1;
              if (bad.kind.startsWith('report: negative')) expect(reason).toMatch(/events\.0\.orders\.0\.(cumulative_quantity|total_fees|filled_value)/);
              if (bad.kind === 'report: filled value not increasing' || bad.kind === 'report: fees going down') {
                expect(reason).toContain(bad.kind.includes('fees') ? 'total_fees' : 'filled_value');
                expect(reason).toMatch(/o-\d/); // the order named
              }
            } else if (extra.kind === 'duplicate' || extra.kind === 'replay') {
              if (sentFrames.length === 0) continue;
              const old = extra.kind === 'duplicate' ? sentFrames[sentFrames.length - 1]! : sentFrames[extra.pick % sentFrames.length]!;
              const [e] = send(old);
              expect(e).toEqual({ type: 'invalid', reason: expect.stringMatching(/^duplicate or out-of-order sequence_num/) });
            } else if (extra.kind === 'stale') {
              // An earlier report again, on a new sequence number (the venue re-sending it): nothing new.
              const old = [...seen.values()];
              if (old.length === 0) continue;
              const r = old[extra.pick % old.length]!;
              const earlier = steps.find((s) => s.kind === 'report' && s.report.order === r.order);
              good(send(cbFrame(seq++, userBody(i, [earlier?.kind === 'report' ? earlier.report : r]))));
            } else {
              // A new connection: its snapshot repeats every order's cumulative truth.
              parser.resetConnection();
              seq = 0;
              sentFrames.length = 0; // the old connection's frames cannot arrive on the new one
              const snapshot = cbFrame(seq++, userBody(i, [...seen.values()], 'snapshot'));
              sentFrames.push(snapshot);
              good(send(snapshot));
            }
            expect(fills.length).toBe(fillsBefore);
          }
          const text = cbFrame(seq++, body);
          sentFrames.push(text);
          good(send(text));
          const step = steps[i]!;
          if (step.kind === 'report') seen.set(step.report.order, step.report);
        }
        expect(fills).toEqual(expected);
      }),
      { numRuns: 80 },
    );
    const families = ['truncated', 'wrong type', 'missing', 'huge number', 'NaN-like string', 'byte order mark', 'zero-width space in a key', 'oversized (padding)', 'oversized (multi-byte)', 'not an object', 'unbalanced', 'report: negative cumulative_quantity', 'report: negative total_fees', 'report: negative filled_value', 'report: filled value not increasing', 'report: fees going down', 'negative sequence_num'];
    expect(families.filter((k) => !kinds.has(k))).toEqual([]);
  });

  it('reports of one order in any order, any number of times: no fill twice, none negative, cumulative only growing, the total is the largest cumulative', () => {
    fc.assert(
      fc.property(cbOrderArb, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (incs, picks) => {
        let q = dec('0');
        let v = dec('0');
        const reports = incs.map(([units, price]) => {
          const inc = dec(String(units)).div(10_000);
          q = q.plus(inc);
          v = v.plus(inc.times(price));
          return { order: 'o-1', cumulative: decStr(q), value: decStr(v), fees: decStr(v.times('0.006')) };
        });
        const parser = createCoinbaseUserParser();
        const delivered = picks.map((p) => reports[p % reports.length]!);
        const fills: Fill[] = [];
        for (const [seq, r] of delivered.entries()) {
          for (const e of parser.parse(cbFrame(seq, userBody(seq, [r]))).events) {
            if (e.type !== 'fill') throw new Error(`expected only fills: ${JSON.stringify(e)}`);
            fills.push(e.fill);
          }
        }
        expect(new Set(fills.map((f) => f.venueTradeId)).size).toBe(fills.length);
        for (const f of fills) {
          expect(fillSchema.safeParse(f).success).toBe(true); // positive quantity and price
        }
        const cumulatives = fills.map((f) => dec(f.venueTradeId.split(':')[1]!));
        for (let k = 1; k < cumulatives.length; k++) expect(cumulatives[k]!.gt(cumulatives[k - 1]!)).toBe(true);
        const largest = delivered.reduce((m, r) => (dec(r.cumulative).gt(m) ? dec(r.cumulative) : m), dec('0'));
        expect(decStr(fills.reduce((s, f) => s.plus(dec(f.quantity)), dec('0')))).toBe(decStr(largest));
      }),
      { numRuns: 200 },
    );
  });
});
