/**
 * Market data recorded as JSONL: every book event a feed applies, one line each, so a run's
 * market can be replayed (`legwork replay <file>` reads these). A line is a snapshot (the whole
 * book), a delta (the levels that changed, absolute sizes, "0" = gone) or `lost` (the book is
 * unknown from here until the next snapshot), with the venue, market, sequence number (where the
 * venue has one), receive time, and whether it came from the stream or a REST poll.
 *
 * Writing is bounded: `append` returns false once the unwritten buffer passes `maxBufferBytes`,
 * and the feed then waits for `drain()` before reading its stream again (whose own queue is bounded
 * and forces a resync when it overflows), so a slow disk never grows memory. Files rotate by size;
 * each new file starts with a snapshot of every known book (`onRotate`), so it stands alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { z } from 'zod';
import { emptyBook, setSize, type Book } from '../domain/book';
import { decimalString } from '../domain/money';
import { formatZodError } from '../domain/validation';
import { FEED_VENUES, type FeedVenue } from './feed-store';

const levelsSchema = z.array(z.tuple([decimalString, decimalString]));

/** One line of a recording. */
export const marketDataRecordSchema = z.object({
  /** Format version. */
  v: z.literal(1),
  /** Receive time, ms since the epoch. */
  t: z.number().int().nonnegative(),
  venue: z.enum(FEED_VENUES),
  market: z.string().min(1),
  kind: z.enum(['snapshot', 'delta', 'lost']),
  source: z.enum(['stream', 'rest']),
  /** The venue's sequence number (Kalshi `seq`); null where the venue has none. */
  seq: z.number().int().nullable(),
  /** Best first; on a delta only the changed levels, with their new absolute size. */
  bids: levelsSchema,
  asks: levelsSchema,
});
export type MarketDataRecord = z.infer<typeof marketDataRecordSchema>;

export interface RecorderOptions {
  dir: string;
  /** Rotate to a new file past this size. */
  maxFileBytes?: number;
  /** Unwritten bytes held before `append` asks the writer to wait. */
  maxBufferBytes?: number;
  /** Distinguishes runs' files; defaults to the start time and pid. */
  runId?: string;
}

export interface Recorder {
  /** Appends one record; false when the buffer is over its bound (await `drain()` before more). */
  append(record: MarketDataRecord): boolean;
  drain(): Promise<void>;
  /** Called after each rotation, to write the opening snapshots of the new file. */
  onRotate(listener: () => void): () => void;
  /** Files written so far, oldest first. */
  readonly files: string[];
  readonly written: number;
  close(): Promise<void>;
}

export function createRecorder(opts: RecorderOptions): Recorder {
  const maxFileBytes = opts.maxFileBytes ?? 64 * 1024 * 1024;
  const maxBufferBytes = opts.maxBufferBytes ?? 1024 * 1024;
  const runId = opts.runId ?? `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${process.pid}`;
  fs.mkdirSync(opts.dir, { recursive: true });
  const files: string[] = [];
  const listeners = new Set<() => void>();
  let out: fs.WriteStream;
  let bytes = 0;
  let written = 0;
  let rotating = false;
  const open = () => {
    const file = path.join(opts.dir, `marketdata-${runId}-${String(files.length).padStart(4, '0')}.jsonl`);
    files.push(file);
    out = fs.createWriteStream(file, { flags: 'a' });
    bytes = 0;
  };
  open();
  const recorder: Recorder = {
    append(record) {
      const line = `${JSON.stringify(record)}\n`;
      const size = Buffer.byteLength(line);
      if (bytes > 0 && bytes + size > maxFileBytes && !rotating) {
        out.end();
        open();
        rotating = true; // the listeners' snapshots go into the new file whatever their size
        try {
          for (const l of listeners) l();
        } finally {
          rotating = false;
        }
      }
      out.write(line);
      bytes += size;
      written += 1;
      return out.writableLength <= maxBufferBytes;
    },
    drain() {
      if (out.writableLength <= maxBufferBytes) return Promise.resolve();
      const stream = out;
      return new Promise((resolve) => {
        stream.once('drain', resolve);
        stream.once('close', resolve);
      });
    },
    onRotate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get files() {
      return [...files];
    },
    get written() {
      return written;
    },
    close() {
      return new Promise((resolve) => out.end(resolve));
    },
  };
  return recorder;
}

/** Reads a recording (one file, or several in order), each line validated; an error names the file, line and field. */
export async function* readRecording(files: string | string[]): AsyncGenerator<MarketDataRecord> {
  for (const file of Array.isArray(files) ? files : [files]) {
    let n = 0;
    for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
      n += 1;
      if (line.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${n}: not JSON`);
      }
      const parsed = marketDataRecordSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`${file}:${n}: ${formatZodError(parsed.error)}`);
      yield parsed.data;
    }
  }
}

/** Applies one record to a book map keyed `venue:market` (a `lost` record forgets the book). */
export function applyRecord(books: Map<string, Book>, r: MarketDataRecord): void {
  const key = `${r.venue}:${r.market}`;
  if (r.kind === 'lost') {
    books.delete(key);
    return;
  }
  let book = books.get(key);
  if (r.kind === 'snapshot') books.set(key, (book = emptyBook()));
  if (!book) return; // a delta before any snapshot: nothing to apply it to
  for (const [price, size] of r.bids) setSize(book, 'bid', price, size);
  for (const [price, size] of r.asks) setSize(book, 'ask', price, size);
}

/** The books a recording leaves, from its stream records (or the given source). */
export async function rebuildBooks(files: string | string[], source: 'stream' | 'rest' = 'stream'): Promise<Map<string, Book>> {
  const books = new Map<string, Book>();
  for await (const r of readRecording(files)) if (r.source === source) applyRecord(books, r);
  return books;
}

export const recordKey = (venue: FeedVenue, market: string) => `${venue}:${market}`;
