/**
 * The input of a replay: a market-data recording (venues/recording.ts) as one file or a directory
 * of rotated files, read in order with every line validated against `marketDataRecordSchema`.
 *
 * Strict by default: the first bad line stops the replay with a ValidationError naming the file,
 * the line and the field, so a backtest never silently runs on a damaged recording. Lenient mode
 * skips bad lines and counts them (the count and the first few reasons are in the summary).
 * recording.ts's own `readRecording` is strict only; this reader adds the lenient mode and the
 * line numbers the replay reports, with the same schema and the same error shape.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { formatZodError, ValidationError } from '../domain/validation';
import { marketDataRecordSchema, type MarketDataRecord } from '../venues/recording';

/** The recording's files in replay order: the file itself, or a directory's `*.jsonl` by name. */
export function recordingFiles(input: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch {
    throw new ValidationError('recording', `${input}: no such file or directory`);
  }
  if (stat.isFile()) return [input];
  // The recorder names files marketdata-<run start>-<pid>-<NNNN>.jsonl: by name is by time.
  const files = fs
    .readdirSync(input)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(input, f));
  if (files.length === 0) throw new ValidationError('recording', `${input}: a directory with no .jsonl files`);
  return files;
}

export interface ReadStats {
  lines: number;
  records: number;
  /** Bad lines skipped (lenient mode only). */
  skipped: number;
  /** The first few skipped lines' reasons, `file:line: field: message`. */
  skippedExamples: string[];
}

const MAX_EXAMPLES = 5;

export function emptyReadStats(): ReadStats {
  return { lines: 0, records: 0, skipped: 0, skippedExamples: [] };
}

/** Why a line is not a record, or the record. */
function parseLine(line: string): { ok: true; record: MarketDataRecord } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = marketDataRecordSchema.safeParse(raw);
  return parsed.success ? { ok: true, record: parsed.data } : { ok: false, reason: formatZodError(parsed.error).replace(/\n/g, '; ') };
}

/** Every record of the files in order; `stats` is updated as it goes. Blank lines are not records and not errors. */
export async function* readRecordingRecords(files: readonly string[], opts: { lenient: boolean; stats: ReadStats }): AsyncGenerator<MarketDataRecord> {
  const { stats } = opts;
  for (const file of files) {
    let n = 0;
    for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
      n += 1;
      if (line.trim() === '') continue;
      stats.lines += 1;
      const parsed = parseLine(line);
      if (!parsed.ok) {
        const where = `${file}:${n}: ${parsed.reason}`;
        if (!opts.lenient) throw new ValidationError('recording', where);
        stats.skipped += 1;
        if (stats.skippedExamples.length < MAX_EXAMPLES) stats.skippedExamples.push(where);
        continue;
      }
      stats.records += 1;
      yield parsed.record;
    }
  }
}
