/**
 * `legwork replay`, the deterministic backtest: a recording replayed twice gives byte-identical
 * scans.jsonl, fills.jsonl and report.json; a recorded dislocation is taken and its orders fill in
 * the simulator's matching engine exactly as the simulator's own order log says; a bad line is
 * refused naming file, line and field (or skipped and counted with --lenient); the simulator's books
 * are set to recorded ones exactly; a leg B that falls short is unwound; a live stream recorded by
 * the feeds' recorder replays; and the CLI runs end to end with its exit codes.
 * Real parts throughout: the venue simulator on loopback, our adapters, the recorder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { intentIdFor, type IntentInput } from '../../domain/intent';
import { dec, decStr, ZERO } from '../../domain/money';
import { marketsForMapping } from '../../domain/strategies';
import { scanRecordSchema } from '../../domain/strategies/strategy';
import { ValidationError } from '../../domain/validation';
import { replayOrderSchema, executeIntent, type ReplayOrder } from '../../replay/execute-intent';
import { resolveReplayMapping } from '../../replay/mapping';
import { replaySimulatorOptions, runReplay, type ReplayOptions } from '../../replay/replay';
import { syncSimulatorBook } from '../../replay/sim-books';
import { bookSourceForSimulator, closeExecutionVenues, executionVenuesFor, paperAdapters, streamingBookSourceForSimulator, writeSimulatorDescription } from '../../venues/execution';
import { feedMarketsFor } from '../../venues/feed-streams';
import { createRecorder, type MarketDataRecord } from '../../venues/recording';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { readMappingFile, type MarketMapping } from '../../venues/sim/world';
import { legwork } from '../helpers/cli';
import { eventually } from '../helpers/db';

const EXAMPLE_MAPPING = path.join(__dirname, '..', '..', 'config', 'market-mapping.example.json');
const mapping: MarketMapping = readMappingFile(EXAMPLE_MAPPING);
const pair = mapping.pairs[0]!;
const K = pair.kalshi.ticker;
const YES = pair.polymarket.yesTokenId;
const NO = pair.polymarket.noTokenId;
/** Well before the example pairs resolve. */
const T0 = Date.parse('2025-12-01T00:00:00.000Z');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'legwork-replay-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Lv = [string, string][];
const rec = (t: number, venue: MarketDataRecord['venue'], market: string, kind: MarketDataRecord['kind'], bids: Lv, asks: Lv): MarketDataRecord => ({ v: 1, t: T0 + t, venue, market, kind, source: 'stream', seq: null, bids, asks });

/**
 * Kalshi YES asks 0.42 (30) while Polymarket's NO token asks 0.45 (20): 0.87 for a pair that pays
 * 1, a dislocation, until Polymarket's NO asks move to 0.60 at 1.5 s. Then quiet quotes to 4 s.
 */
const DISLOCATION: MarketDataRecord[] = [
  rec(0, 'kalshi', K, 'snapshot', [['0.4', '100']], [['0.42', '30'], ['0.43', '100']]),
  rec(10, 'polymarket', YES, 'snapshot', [['0.55', '100']], [['0.57', '100']]),
  rec(20, 'polymarket', NO, 'snapshot', [['0.43', '100']], [['0.45', '20'], ['0.46', '50']]),
  rec(1_500, 'polymarket', NO, 'delta', [], [['0.45', '0'], ['0.46', '0'], ['0.6', '100']]),
  rec(4_000, 'kalshi', K, 'delta', [['0.41', '5']], []),
];

function writeRecording(name: string, lines: (MarketDataRecord | string)[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

const readLines = (file: string): unknown[] => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
const outFile = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

describe('legwork replay', () => {
  const base = (input: string, outDir: string): ReplayOptions => ({ input, mapping, intervalMs: 1_000, outDir, execute: true });

  it('gives identical outputs twice, takes the dislocation, and its fills are the simulator\'s', async () => {
    const file = writeRecording('dislocation.jsonl', DISLOCATION);
    const sim = await startVenueSimulator(replaySimulatorOptions(marketsForMapping(mapping)));
    let first;
    try {
      first = await runReplay({ ...base(file, path.join(tmp, 'out-1')), simulator: sim });
    } finally {
      await sim.stop();
    }
    const second = await runReplay(base(file, path.join(tmp, 'out-2')));
    for (const name of ['scans.jsonl', 'fills.jsonl', 'report.json']) expect([name, outFile(path.join(tmp, 'out-2'), name)]).toEqual([name, outFile(path.join(tmp, 'out-1'), name)]);
    expect(second).toEqual({ ...first, outputs: expect.anything() });

    // Scans at 1, 2, 3 and 4 s of recorded time, each record as the loop writes it.
    const scans = readLines(path.join(tmp, 'out-1', 'scans.jsonl')).map((l) => scanRecordSchema.parse(l));
    expect([...new Set(scans.map((s) => s.at))]).toEqual([1, 2, 3, 4].map((s) => new Date(T0 + s * 1_000).toISOString()));
    const takes = scans.filter((s) => s.decision === 'take');
    expect(takes.map((t) => [t.at, t.pairId, t.direction])).toEqual([[new Date(T0 + 1_000).toISOString(), pair.id, 'kalshi_yes_poly_no']]);
    // Once Polymarket's NO asks moved, the same direction is a skip with no edge left.
    expect(scans.filter((s) => s.direction === 'kalshi_yes_poly_no' && s.at > takes[0]!.at).map((s) => s.reason)).toEqual(['no_edge', 'no_edge', 'no_edge']);

    const fills = readLines(path.join(tmp, 'out-1', 'fills.jsonl')).map((l) => replayOrderSchema.parse(l));
    const intent = takes[0]!.intent as IntentInput;
    expect(fills.map((f) => [f.intentId, f.legId, f.venue, f.market, f.quantity, f.filledQuantity])).toEqual([
      [intentIdFor(intent.opportunityId), 'A', 'polymarket', NO, intent.legs[0]!.quantity, intent.legs[0]!.quantity],
      [intentIdFor(intent.opportunityId), 'B', 'kalshi', K, intent.legs[0]!.quantity, intent.legs[0]!.quantity],
    ]);
    // The simulator's own order log, order by order: the same orders, the same fills.
    const poly = fills.filter((f) => f.venue === 'polymarket');
    expect(sim.polymarket.orderLog.map((o) => [o.asset_id, o.side, decStr(dec(o.original_size)), decStr(dec(o.size_matched))])).toEqual(poly.map((f) => [f.market, 'BUY', f.quantity, f.filledQuantity]));
    const kalshi = fills.filter((f) => f.venue === 'kalshi');
    expect(sim.kalshi.orderLog.map((o) => [o.client_order_id, o.side, o.action, String(o.fill_count), decStr(dec(String(o.taker_fees)).div(100))])).toEqual(
      kalshi.map((f) => [f.clientOrderId, f.outcome, f.action, f.filledQuantity, f.fees]),
    );
    // Filled at the recorded asks: Polymarket NO at 0.45, Kalshi YES at 0.42 (the simulator's cost, in cents).
    expect(sim.kalshi.orderLog.map((o) => decStr(dec(String(o.taker_fill_cost)).div(100).div(o.fill_count)))).toEqual(['0.42']);
    expect(sim.polymarket.orderLog.map((o) => o.price)).toEqual(['0.45']);

    // The report: the paper run's KPIs over these rows; the pair pays 1 whatever the result.
    const report = JSON.parse(outFile(path.join(tmp, 'out-1'), 'report.json')) as { generatedAt: string; opportunities: { taken: number; evaluations: number }; intents: { byState: Record<string, number> }; fillRate: { bothLegsFilled: number }; pnl: { total: string; byKind: Record<string, string> } };
    const pairs = dec(fills[1]!.filledQuantity);
    const cost = fills.reduce((t, f) => t.plus(dec(f.filledQuantity).times(dec(f.averageFillPrice!))).plus(dec(f.fees)), ZERO);
    expect(report).toMatchObject({ generatedAt: new Date(T0 + 4_000).toISOString(), opportunities: { taken: 1, evaluations: scans.length }, intents: { byState: { COMPLETED: 1 } }, fillRate: { bothLegsFilled: 1 } });
    expect(report.pnl.byKind).toEqual({ locked_pair: decStr(pairs.minus(cost)) });
  }, 60_000);

  it('with --no-execute sends nothing and writes the same scan records', async () => {
    const file = writeRecording('dislocation-scan-only.jsonl', DISLOCATION);
    const summary = await runReplay({ ...base(file, path.join(tmp, 'out-scan-only')), execute: false });
    expect(summary).toMatchObject({ taken: 1, intents: 0, orders: 0 });
    expect(outFile(path.join(tmp, 'out-scan-only'), 'fills.jsonl')).toBe('');
    expect(summary.scanRecords).toBe(readLines(path.join(tmp, 'out-scan-only', 'scans.jsonl')).length);
  });

  it('refuses a malformed line naming file, line and field; --lenient skips and counts it', async () => {
    const bad = { ...rec(30, 'kalshi', K, 'delta', [], []), bids: [[0.41, '5']] };
    const file = writeRecording('bad.jsonl', [...DISLOCATION.slice(0, 2), JSON.stringify(bad), 'not json', ...DISLOCATION.slice(2)]);
    const strict = runReplay(base(file, path.join(tmp, 'out-bad')));
    await expect(strict).rejects.toBeInstanceOf(ValidationError);
    await expect(strict).rejects.toThrow(/bad\.jsonl:3: bids\.0\.0: /);

    const lenient = await runReplay({ ...base(file, path.join(tmp, 'out-lenient')), lenient: true });
    expect(lenient).toMatchObject({ lines: DISLOCATION.length + 2, records: DISLOCATION.length, skippedLines: 2, taken: 1 });
    expect(lenient.skippedExamples).toEqual([expect.stringMatching(/bad\.jsonl:3: bids\.0\.0: /), expect.stringMatching(/bad\.jsonl:4: not JSON/)]);
  }, 60_000);

  it('sets a simulator book to a recorded one exactly, whatever it held before', async () => {
    const sim = await startVenueSimulator({ books: { kalshi: { [K]: { yes: [[40, 100], [38, 10]], no: [[57, 30]] } }, polymarket: { [NO]: { bids: [['0.43', '100']], asks: [['0.45', '20'], ['0.46', '50']] } } } });
    const adapters = paperAdapters(sim.describe());
    try {
      const kalshiTarget = { bids: [['0.41', '5'], ['0.38', '7']] as Lv, asks: [['0.44', '12'], ['0.5', '3']] as Lv };
      const k = await syncSimulatorBook(sim.describe(), adapters, 'kalshi', K, { bids: [...kalshiTarget.bids, ['0.385', '4']], asks: kalshiTarget.asks });
      expect(k.unsettable).toBe(1); // a sub-cent level Kalshi's book cannot hold
      expect(await adapters.kalshi.orderBook(K)).toEqual(kalshiTarget);
      // A target that overlaps the current book's prices on the other side (0.45 was an ask, is now a bid).
      const polyTarget = { bids: [['0.45', '8'], ['0.43', '50']] as Lv, asks: [['0.47', '9']] as Lv };
      await syncSimulatorBook(sim.describe(), adapters, 'polymarket', NO, polyTarget);
      expect(await adapters.polymarket.orderBook(NO)).toEqual(polyTarget);
    } finally {
      await closeExecutionVenues(executionVenuesFor(adapters));
      await sim.stop();
    }
  });

  it('unwinds what leg B left of leg A, at unwindPrice, and books the round trip', async () => {
    // Leg A buys 10 Polymarket NO at 0.45; Kalshi has only 4 YES at 0.42 for leg B; the unwind sells 6 NO into the 0.40 bid.
    const sim = await startVenueSimulator({ books: { kalshi: { [K]: { yes: [[40, 100]], no: [[58, 4]] } }, polymarket: { [NO]: { bids: [['0.4', '100']], asks: [['0.45', '10']] } } } });
    const adapters = paperAdapters(sim.describe());
    const venues = executionVenuesFor(adapters);
    try {
      const intent: IntentInput = {
        opportunityId: 'replay-unwind-test',
        strategy: 'xvenue-binary-arb',
        legs: [
          { legId: 'A', venue: 'polymarket', market: NO, outcome: 'no', action: 'buy', limitPrice: '0.45', quantity: '10' },
          { legId: 'B', venue: 'kalshi', market: K, outcome: 'yes', action: 'buy', limitPrice: '0.42', quantity: '10' },
        ],
      };
      const result = await executeIntent(intent, { venues, atMs: T0 });
      expect([result.state, result.outcome]).toEqual(['COMPLETED', 'UNWOUND']);
      expect(result.orders.map((o: ReplayOrder) => [o.legId, o.venue, o.action, o.price, o.quantity, o.filledQuantity])).toEqual([
        ['A', 'polymarket', 'buy', '0.45', '10', '10'],
        ['B', 'kalshi', 'buy', '0.42', '10', '4'],
        ['U', 'polymarket', 'sell', '0.4', '6', '6'],
      ]);
      expect(sim.polymarket.orderLog.map((o) => [o.side, o.price, decStr(dec(o.size_matched))])).toEqual([['BUY', '0.45', '10'], ['SELL', '0.4', '6']]);
      const [buy, sell] = sim.polymarket.orderLog;
      const unwind = result.pnl.find((p) => p.kind === 'unwind')!;
      expect(unwind.amount).toBe(decStr(dec(sell!.price).minus(dec(buy!.price)).times(dec(sell!.size_matched)))); // no Polymarket fees
      expect(result.pnl.map((p) => p.kind).sort()).toEqual(['locked_pair', 'unwind']);
    } finally {
      await closeExecutionVenues(venues);
      await sim.stop();
    }
  });

  it('replays a live stream recorded by the feeds, the same way twice', async () => {
    const sim = await startVenueSimulator({ world: { seed: 11, tickMs: 0, dislocationRate: 1 } });
    const world = sim.describe().world!.mapping;
    // Laid out as `npm start` leaves a run: <data>/simulator.json, the recording in <data>/marketdata.
    const data = path.join(tmp, 'live-data');
    const dir = path.join(data, 'marketdata');
    fs.mkdirSync(data, { recursive: true });
    writeSimulatorDescription(path.join(data, 'simulator.json'), sim.describe());
    const recorder = createRecorder({ dir, runId: 'live' });
    const feeds = streamingBookSourceForSimulator(sim.describe(), world, undefined, { recorder });
    const rest = bookSourceForSimulator(sim.describe());
    const markets = feedMarketsFor(world);
    const binary = [...markets.kalshi.map((m) => ['kalshi', m] as const), ...markets.polymarket.map((m) => ['polymarket', m] as const)];
    // A book the feeds do not know yet is a read that fails: not settled.
    const settled = async () => {
      for (const [venue, m] of binary) {
        const streamed = await feeds.books.book(venue, m).catch(() => undefined);
        if (!streamed || JSON.stringify(streamed) !== JSON.stringify(await rest.books.book(venue, m))) return false;
      }
      return true;
    };
    try {
      await eventually('the feeds hold every book', settled);
      for (let i = 0; i < 4; i++) {
        await sim.world!.tick();
        await eventually(`the feeds applied tick ${i + 1}`, settled);
      }
    } finally {
      await feeds.close();
      await recorder.close();
      await rest.close();
      await sim.stop();
    }
    // Without --mapping, the run's own mapping is found next to the recording.
    const found = resolveReplayMapping(dir, undefined);
    expect(found).toEqual({ file: path.join(data, 'simulator.json'), mapping: world });
    // Every recorded instant is scanned (1 ms): each tick's books, dislocations included, are seen.
    const opts = { input: dir, mapping: found.mapping, intervalMs: 1 };
    const a = await runReplay({ ...opts, outDir: path.join(tmp, 'live-1'), execute: true });
    const b = await runReplay({ ...opts, outDir: path.join(tmp, 'live-2'), execute: true });
    for (const name of ['scans.jsonl', 'fills.jsonl', 'report.json']) expect([name, outFile(path.join(tmp, 'live-2'), name)]).toEqual([name, outFile(path.join(tmp, 'live-1'), name)]);
    expect(a.records).toBe(recorder.written);
    expect(b.records).toBe(recorder.written);
    const scans = readLines(path.join(tmp, 'live-1', 'scans.jsonl')).map((l) => scanRecordSchema.parse(l));
    // Every tradeable mapped pair was evaluated from the recorded books.
    const tradeable = world.pairs.filter((p) => p.confidence === 'high').map((p) => p.id);
    expect(tradeable.filter((id) => !scans.some((s) => s.pairId === id && s.strategy === 'xvenue-binary-arb'))).toEqual([]);
    // A dislocation on every tick: the recorded world offered a take, and its orders went to the simulator.
    expect(a.taken).toBeGreaterThan(0);
    expect(a.orders).toBeGreaterThan(0);
  }, 90_000);

  describe('the CLI', () => {
    it('runs a replay end to end and prints its summary', async () => {
      const file = writeRecording('cli.jsonl', DISLOCATION);
      const out = path.join(tmp, 'cli-out');
      const r = await legwork(['replay', file, '--mapping', EXAMPLE_MAPPING, '--interval-ms', '1000', '--out', out, '--json']);
      expect([r.code, r.stderr]).toEqual([0, '']);
      const summary = JSON.parse(r.stdout) as { taken: number; intents: number; intentsByOutcome: Record<string, number>; run: { mappingFile: string; durationMs: number } };
      expect(summary).toMatchObject({ taken: 1, intents: 1, intentsByOutcome: { FILLED: 1 }, run: { mappingFile: EXAMPLE_MAPPING } });
      // The same files as the in-process replay of the same recording.
      expect(outFile(out, 'report.json')).toBe(outFile(path.join(tmp, 'out-1'), 'report.json'));
      expect(fs.existsSync(path.join(out, 'report.md'))).toBe(true);
    }, 60_000);

    it('exits 2 naming file:line and field for a bad line, and asks for a mapping the recording lacks', async () => {
      const file = writeRecording('cli-bad.jsonl', [DISLOCATION[0]!, { ...DISLOCATION[1]!, t: -1 }]);
      const bad = await legwork(['replay', file, '--mapping', EXAMPLE_MAPPING, '--out', path.join(tmp, 'cli-bad-out')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/cli-bad\.jsonl:2: t: /);
      const noMapping = await legwork(['replay', file, '--out', path.join(tmp, 'cli-bad-out')]);
      expect(noMapping.code).toBe(2);
      expect(noMapping.stderr).toMatch(/--mapping/);
    }, 60_000);
  });
});
