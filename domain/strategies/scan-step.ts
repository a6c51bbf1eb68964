/**
 * One scan of the signal loop as a pure function: books + state + the scan instant in, scan
 * records + the next state + the intents to start out. The loop (activities/signal-loop.ts) does
 * the I/O around it (reading books, appending records, starting intents); a replay can drive the
 * same function from recorded books and get the same records, ids and intents.
 *
 * What the step adds on top of the strategies:
 *   - Dislocation epochs, one per opportunity key (strategy, subject, direction; see
 *     `epochKeyOf`): a take marks its key open; a later skip whose edge is gone (`no_edge`,
 *     `fees_exceed_edge`, `edge_below_min`) closes it and bumps the epoch, so the same prices seen
 *     again later are a new opportunity id. A momentary quote rejection does not close it, or one
 *     dislocation could start two intents.
 *   - Pacing: after a take, every market it trades cools down for `cooldownMs`; a take touching a
 *     cooling market becomes a `cooldown` skip (so a lasting dislocation is not re-sent every scan,
 *     and two strategies wanting the same book in one scan take it once). At most
 *     `maxTakesPerScan` takes per scan; the rest become `paced` skips.
 * Strategies are all evaluated against the state as it was at the start of the scan, in the order
 * given, and their records are processed in that order, so the result depends only on the inputs.
 */
import { z } from 'zod';
import type { IntentInput } from '../intent';
import { parseOrThrow } from '../validation';
import { bookKey, EDGE_GONE_REASONS, epochKeyOfRecord, type AnyScanReason, type BookMap, type ScanParams, type ScanRecord, type Strategy } from './strategy';

export interface EpochState {
  epoch: number;
  /** A take has been made in this epoch and its edge has not gone yet. */
  open: boolean;
}

/** Everything a scan carries to the next: plain JSON, so a replay can store and restore it. */
export interface ScanState {
  /** By opportunity key (`epochKeyOf`). */
  epochs: Record<string, EpochState>;
  /** By book key (`bookKey(venue, market)`): no take touching the market before this instant (ms epoch). */
  cooldownUntilMs: Record<string, number>;
}

export function emptyScanState(): ScanState {
  return { epochs: {}, cooldownUntilMs: {} };
}

export const scanStepParamsSchema = z.object({
  /** How long every market a take trades is left alone afterwards (0: no cooldown). */
  cooldownMs: z.number().int().nonnegative().max(86_400_000).default(2_000),
  /** Most takes one scan may start; the rest wait for a later scan. */
  maxTakesPerScan: z.number().int().positive().max(1_000).default(10),
});
export type ScanStepParams = z.infer<typeof scanStepParamsSchema>;
export type ScanStepParamsInput = z.input<typeof scanStepParamsSchema>;

export interface ScanStepInput {
  strategies: readonly Strategy[];
  books: BookMap;
  nowMs: number;
  state: ScanState;
  params?: ScanStepParamsInput;
  /** Passed to every strategy (e.g. the live bankroll). */
  scanParams?: ScanParams;
}

export interface ScanStepResult {
  /** Every strategy's records, in strategy order, with pacing applied. */
  records: ScanRecord[];
  state: ScanState;
  /** The takes' intents, in record order. */
  intents: IntentInput[];
}

function toSkip(record: ScanRecord, reason: AnyScanReason, detail: string): ScanRecord {
  const { intent: _dropped, ...rest } = record;
  return { ...rest, decision: 'skip', reason, detail };
}

export function scanStep(input: ScanStepInput): ScanStepResult {
  const params = parseOrThrow(scanStepParamsSchema, 'scan step params', input.params ?? {});
  const { nowMs } = input;
  const start = input.state;
  const ctx = { nowMs, epochOf: (key: string) => start.epochs[key]?.epoch ?? 0, params: input.scanParams ?? {} };
  const evaluated = input.strategies.flatMap((s) => s.evaluate(input.books, ctx));

  const epochs: Record<string, EpochState> = { ...start.epochs };
  // Expired cooldowns are dropped, so the state does not grow with every market ever traded.
  const cooldownUntilMs = Object.fromEntries(Object.entries(start.cooldownUntilMs).filter(([, until]) => until > nowMs));
  const records: ScanRecord[] = [];
  const intents: IntentInput[] = [];
  for (const raw of evaluated) {
    let record = raw;
    if (record.decision === 'take') {
      const cooling = record.legs.map((l) => bookKey(l.venue, l.market)).find((k) => (cooldownUntilMs[k] ?? 0) > nowMs);
      if (cooling !== undefined) record = toSkip(record, 'cooldown', `${cooling} cools down until ${new Date(cooldownUntilMs[cooling]!).toISOString()}`);
      else if (intents.length >= params.maxTakesPerScan) record = toSkip(record, 'paced', `already ${params.maxTakesPerScan} takes this scan`);
    }
    const key = epochKeyOfRecord(record);
    const state = epochs[key] ?? { epoch: 0, open: false };
    if (record.decision === 'take' && record.intent) {
      epochs[key] = { epoch: state.epoch, open: true };
      if (params.cooldownMs > 0) for (const l of record.legs) cooldownUntilMs[bookKey(l.venue, l.market)] = nowMs + params.cooldownMs;
      intents.push(record.intent);
    } else if (state.open && EDGE_GONE_REASONS.has(record.reason)) {
      epochs[key] = { epoch: state.epoch + 1, open: false };
    }
    records.push(record);
  }
  return { records, state: { epochs, cooldownUntilMs }, intents };
}
