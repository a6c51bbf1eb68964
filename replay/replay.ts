/**
 * `legwork replay`: the deterministic backtest. A market-data recording (venues/recording.ts) is
 * replayed through the signal loop's strategies and pure scan step (domain/strategies) on a virtual
 * clock, and every take is executed against a fresh in-process venue simulator whose books are set
 * to the recorded ones at that instant, so fills come from the simulator's matching engine.
 *
 * The virtual clock: scan instants are the first record's receive time plus every `intervalMs`;
 * the scan at instant T sees every record received at or before T (books rebuilt as the live feed
 * store serves them: replay-books.ts), and a last scan covers the records after the final full
 * interval. Nothing reads the wall clock or draws a random number on the path to the outputs, and
 * orders are sent one at a time, so the same recording gives the same scans.jsonl, fills.jsonl and
 * report.json byte for byte.
 *
 * Outputs in `outDir`: scans.jsonl (one scan record per line, as the live loop writes them),
 * fills.jsonl (one line per order sent: execute-intent.ts `replayOrderSchema`), and the paper run
 * report (reports/paper-report.ts: report.json, report.md, SVG charts) built from those rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sha256 } from '@noble/hashes/sha256';
import { utf8ToBytes } from '@noble/hashes/utils';
import { intentIdFor, type IntentInput } from '../domain/intent';
import { marketsOf, strategiesForMapping, type StrategiesParamsInput } from '../domain/strategies';
import { emptyScanState, scanStep, type ScanStepParamsInput } from '../domain/strategies/scan-step';
import { bookKey, type MarketRef } from '../domain/strategies/strategy';
import { ValidationError } from '../domain/validation';
import { buildPaperReport, reportDataFromRun, scanRowOf, writePaperReport, type IntentRow, type OrderRow, type PnlRow, type ScanRow } from '../reports/paper-report';
import { closeExecutionVenues, executionVenuesFor, paperAdapters, type ExecutionVenues, type PaperAdapters } from '../venues/execution';
import { startVenueSimulator, type SimulatorDescription, type VenueSimulator, type VenueSimulatorOptions } from '../venues/sim';
import type { MarketMapping } from '../venues/sim/world';
import { executeIntent, type ReplayOrder } from './execute-intent';
import { emptyReadStats, readRecordingRecords, recordingFiles } from './recording-input';
import { createReplayBooks } from './replay-books';
import { syncSimulatorBook } from './sim-books';

export const REPLAY_FILES = { scans: 'scans.jsonl', fills: 'fills.jsonl' } as const;

export interface ReplayOptions {
  /** A recording file, or a directory of rotated recording files. */
  input: string;
  mapping: MarketMapping;
  /** Recorded time between scans (the loop's LEGWORK_SIGNAL_INTERVAL_MS). */
  intervalMs: number;
  outDir: string;
  /** false: scan records only, nothing sent to the simulator. */
  execute: boolean;
  /** Skip and count bad lines instead of stopping at the first. */
  lenient?: boolean;
  strategyParams?: StrategiesParamsInput;
  scan?: ScanStepParamsInput;
  /**
   * The simulator to execute against (started with `replaySimulatorOptions`), left running for the
   * caller to inspect; by default a fresh one is started and stopped.
   */
  simulator?: VenueSimulator;
}

/** What a replay did; deterministic (the CLI adds the wall-clock duration when it prints it). */
export interface ReplaySummary {
  files: string[];
  lines: number;
  records: number;
  skippedLines: number;
  skippedExamples: string[];
  /** Recorded time covered: first record, last scan instant (ISO). */
  from: string;
  to: string;
  scans: number;
  scanRecords: number;
  taken: number;
  /** Takes whose intent id was already started earlier in the replay (the live loop's refused duplicate start). */
  duplicates: number;
  intents: number;
  intentsByOutcome: Record<string, number>;
  orders: number;
  /** Recorded levels the simulator could not hold when its books were set (see sim-books.ts). */
  unsettableLevels: number;
  outputs: { scans: string; fills: string; report: string[] };
}

/**
 * The wallet that signs the replay's Polymarket orders: fixed, so their hashes (Polymarket's order
 * ids) are the same in every replay. A throwaway paper key derived from a constant, like the
 * simulator's own test keys; it never signs anything outside the in-process simulator.
 */
const REPLAY_POLYMARKET_WALLET = `0x${Array.from(sha256(utf8ToBytes('legwork/replay/polymarket-paper-wallet')), (b) => b.toString(16).padStart(2, '0')).join('')}` as const;

/** Appends JSON lines, waiting for the file when its buffer is full; a write error fails the next write or the close. */
function lineWriter(file: string) {
  const out = fs.createWriteStream(file);
  let failed: Error | undefined;
  out.on('error', (err) => (failed = err));
  return {
    async write(value: unknown): Promise<void> {
      if (failed) throw failed;
      if (out.write(`${JSON.stringify(value)}\n`)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done).off('error', done);
          resolve();
        };
        out.on('drain', done).on('error', done);
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (failed) return reject(failed);
        out.end(() => (failed ? reject(failed) : resolve()));
      }),
  };
}

/** Simulator options for a replay: every market the strategies read listed with an empty book (and no default markets). */
export function replaySimulatorOptions(markets: readonly MarketRef[]): VenueSimulatorOptions {
  const of = (venue: MarketRef['venue']) => markets.filter((m) => m.venue === venue).map((m) => m.market);
  return {
    books: {
      kalshi: Object.fromEntries(of('kalshi').map((t) => [t, { yes: [], no: [] }])),
      polymarket: Object.fromEntries(of('polymarket').map((t) => [t, { bids: [], asks: [] }])),
      coinbase: Object.fromEntries(of('coinbase').map((p) => [p, { bids: [], asks: [] }])),
    },
  };
}

/** The replay's view of a simulator: its description with the replay's fixed Polymarket wallet, and adapters on it. */
function replayVenues(sim: VenueSimulator): { description: SimulatorDescription; adapters: PaperAdapters; venues: ExecutionVenues } {
  const described = sim.describe();
  const description: SimulatorDescription = { ...described, polymarket: { ...described.polymarket, walletPrivateKey: REPLAY_POLYMARKET_WALLET } };
  const adapters = paperAdapters(description);
  return { description, adapters, venues: executionVenuesFor(adapters) };
}

/** The markets an intent's orders touch (leg B's too; the unwind is on leg A's), once each. */
function marketsOfIntent(intent: IntentInput): MarketRef[] {
  return [...new Map(intent.legs.map((l): [string, MarketRef] => [bookKey(l.venue, l.market), { venue: l.venue, market: l.market }])).values()];
}

export async function runReplay(opts: ReplayOptions): Promise<ReplaySummary> {
  if (!Number.isInteger(opts.intervalMs) || opts.intervalMs < 1) throw new ValidationError('--interval-ms', `a whole number of ms above 0, got ${opts.intervalMs}`);
  const files = recordingFiles(opts.input);
  const strategies = strategiesForMapping(opts.mapping, opts.strategyParams);
  const markets = marketsOf(strategies);
  fs.mkdirSync(opts.outDir, { recursive: true });
  const scansOut = lineWriter(path.join(opts.outDir, REPLAY_FILES.scans));
  const fillsOut = lineWriter(path.join(opts.outDir, REPLAY_FILES.fills));
  let ownSimulator: VenueSimulator | undefined;
  let simulator: ReturnType<typeof replayVenues> | undefined;

  const stats = emptyReadStats();
  const books = createReplayBooks();
  let state = emptyScanState();
  const scanRows: ScanRow[] = [];
  const intents: IntentRow[] = [];
  const orders: ReplayOrder[] = [];
  const pnl: PnlRow[] = [];
  const executed = new Set<string>();
  const outcomes: Record<string, number> = {};
  let scans = 0;
  let taken = 0;
  let duplicates = 0;
  let unsettableLevels = 0;

  const execute = async (intent: IntentInput, nowMs: number) => {
    const intentId = intentIdFor(intent.opportunityId);
    if (executed.has(intentId)) {
      duplicates += 1; // the same dislocation, already started: the loop's start would be refused too
      return;
    }
    executed.add(intentId);
    if (!simulator) return;
    for (const m of marketsOfIntent(intent)) {
      const recorded = books.levelsAt(m, nowMs);
      if (recorded) unsettableLevels += (await syncSimulatorBook(simulator.description, simulator.adapters, m.venue, m.market, recorded)).unsettable;
    }
    const result = await executeIntent(intent, { venues: simulator.venues, atMs: nowMs });
    const at = new Date(nowMs).toISOString();
    intents.push({ id: result.intentId, strategy: result.intent.strategy, state: result.state, plannedQuantity: Object.fromEntries(result.intent.legs.map((l) => [l.legId, l.quantity])), createdAt: at, updatedAt: at });
    outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    for (const o of result.orders) await fillsOut.write(o);
    orders.push(...result.orders);
    pnl.push(...result.pnl);
  };

  const scanAt = async (nowMs: number) => {
    const step = scanStep({ strategies, books: books.snapshot(markets, nowMs), nowMs, state, ...(opts.scan ? { params: opts.scan } : {}) });
    state = step.state;
    scans += 1;
    for (const record of step.records) {
      await scansOut.write(record);
      scanRows.push(scanRowOf(record));
      if (record.decision === 'take') taken += 1;
    }
    for (const intent of step.intents) await execute(intent, nowMs);
  };

  let firstMs: number | undefined;
  let nextScanMs = 0;
  let lastScanMs: number | undefined;
  let pending = false;
  try {
    if (opts.execute) simulator = replayVenues(opts.simulator ?? (ownSimulator = await startVenueSimulator(replaySimulatorOptions(markets))));
    for await (const record of readRecordingRecords(files, { lenient: opts.lenient ?? false, stats })) {
      if (firstMs === undefined) {
        firstMs = record.t;
        nextScanMs = firstMs + opts.intervalMs;
      }
      // Every instant the recording has passed is scanned before this record lands. A record
      // received earlier than the one before it (a clock step back) is applied where it stands.
      while (record.t > nextScanMs) {
        await scanAt(nextScanMs);
        lastScanMs = nextScanMs;
        nextScanMs += opts.intervalMs;
        pending = false;
      }
      books.apply(record);
      pending = true;
    }
    if (firstMs === undefined) throw new ValidationError('recording', `${files.join(', ')}: no records`);
    if (pending) {
      await scanAt(nextScanMs);
      lastScanMs = nextScanMs;
    }
  } finally {
    await scansOut.close();
    await fillsOut.close();
    if (simulator) await closeExecutionVenues(simulator.venues);
    await ownSimulator?.stop();
  }

  const to = new Date(lastScanMs ?? firstMs).toISOString();
  const orderRows: OrderRow[] = orders.map((o) => ({
    clientOrderId: o.clientOrderId,
    venue: o.venue,
    intentId: o.intentId,
    legId: o.legId,
    attempt: o.attempt,
    price: o.price,
    quantity: o.quantity,
    filledQuantity: o.filledQuantity,
    state: o.state,
    createdAt: o.at,
    updatedAt: o.at,
  }));
  const report = buildPaperReport(
    reportDataFromRun({ generatedAt: to, since: new Date(firstMs).toISOString(), scansFile: REPLAY_FILES.scans, scans: scanRows, intents, orders: orderRows, pnlEvents: pnl }),
  );
  const reportFiles = await writePaperReport(opts.outDir, report);
  return {
    files,
    lines: stats.lines,
    records: stats.records,
    skippedLines: stats.skipped,
    skippedExamples: stats.skippedExamples,
    from: new Date(firstMs).toISOString(),
    to,
    scans,
    scanRecords: scanRows.length,
    taken,
    duplicates,
    intents: intents.length,
    intentsByOutcome: outcomes,
    orders: orders.length,
    unsettableLevels,
    outputs: { scans: path.join(opts.outDir, REPLAY_FILES.scans), fills: path.join(opts.outDir, REPLAY_FILES.fills), report: reportFiles },
  };
}
