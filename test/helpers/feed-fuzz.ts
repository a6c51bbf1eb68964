/**
 * Garbage generators shared by the feed fuzz tests (test/venues/*fuzz.test.ts): a seeded source
 * of randomness, the mutations every venue message can suffer (truncation, wrong types, missing
 * fields, huge numbers, oversized frames, ...) and the check that a parser rejected one with a
 * reason. Seeded: the same seed gives the same garbage, so a failure replays.
 */
import { levels, MAX_FEED_MESSAGE_BYTES, type Book } from '../../domain/book';
import { mulberry32 } from './prng';

export function randomness(seed: number) {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  return { next, int, pick };
}
export type Rng = ReturnType<typeof randomness>;

export const snapshotOf = (book: Book | undefined) => (book ? { bids: levels(book, 'bid'), asks: levels(book, 'ask') } : undefined);

// Shared garbage ingredients.
export const PAD = ' '.repeat(MAX_FEED_MESSAGE_BYTES); // whitespace is valid JSON: only the size check can refuse it
export const EURO_PAD = '€'.repeat(Math.ceil(MAX_FEED_MESSAGE_BYTES / 3) + 10); // fewer chars than the limit, more bytes
export const WRONG_TYPES: unknown[] = ['1', null, [], {}, true, -1.5, 'NaN', [1, 2]];
export const HUGE_NUMBERS = ['1e21', '1e400', '-1e400', String(2 ** 53 + 2), String(Number.MAX_VALUE), '-9007199254740993'];
export const NAN_LIKE = ['NaN', 'Infinity', '-Infinity', '1e5', '0x10', ' 1', '', '1.', '.5', '+1', '00', '١٢٣'];
export const LONG_UNICODE = '🦄'.repeat(300);

/** Sets or deletes (value `undefined`) the value at a dotted path of a JSON-like object. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at: Record<string, unknown> = obj;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
}
/** Replaces the JSON value at `path` by raw text (for numbers JSON.stringify cannot write, e.g. 1e400). */
export function withRaw(obj: Record<string, unknown>, path: string, raw: string): string {
  const marker = '__RAW_MARKER__';
  const copy = structuredClone(obj);
  setPath(copy, path, marker);
  return JSON.stringify(copy).replace(`"${marker}"`, raw);
}

/** Mutations every feed shares; `base` is a message that would be valid and in sequence. */
export interface Field {
  path: string;
  required: boolean;
  /** Any string is a valid value (a ticker, a channel name): string mutations would not be garbage. */
  anyString?: boolean;
  /** Strings matching this are valid values (".5" is a Polymarket price): not used as garbage. */
  accepts?: RegExp;
  /** An empty array is a valid value. */
  array?: boolean;
  /** A boolean is a valid value. */
  boolean?: boolean;
}

export interface GarbageOptions {
  /** The key naming the message type (`type`; Polymarket: `event_type`): the zero-width-space mutation breaks it. */
  typeKey?: string;
  /** The parser reads a JSON array as a batch of messages: an array holding `base` would be valid. */
  arrayFrames?: boolean;
}

export function commonGarbage(rng: Rng, base: Record<string, unknown>, fields: Field[], opts: GarbageOptions = {}): { kind: string; data: string } {
  const text = JSON.stringify(base);
  const field = rng.pick(fields);
  const garbageString = (f: Field) => (v: unknown) => typeof v !== 'string' || (!f.anyString && !f.accepts?.test(v));
  switch (rng.int(0, 9)) {
    case 0:
      return { kind: 'truncated', data: text.slice(0, rng.int(0, text.length - 1)) };
    case 1: {
      const copy = structuredClone(base);
      setPath(copy, field.path, rng.pick(WRONG_TYPES.filter((v) => garbageString(field)(v) && !(field.array && Array.isArray(v) && v.length === 0) && !(field.boolean && typeof v === 'boolean'))));
      return { kind: `wrong type at ${field.path}`, data: JSON.stringify(copy) };
    }
    case 2: {
      const required = fields.filter((f) => f.required);
      const f = rng.pick(required);
      const copy = structuredClone(base);
      setPath(copy, f.path, undefined);
      return { kind: `missing at ${f.path}`, data: JSON.stringify(copy) };
    }
    case 3:
      return { kind: `huge number at ${field.path}`, data: withRaw(base, field.path, rng.pick(HUGE_NUMBERS)) };
    case 4: {
      const f = rng.pick(fields.filter((x) => !x.anyString));
      const copy = structuredClone(base);
      setPath(copy, f.path, rng.pick(NAN_LIKE.filter(garbageString(f))));
      return { kind: `NaN-like string at ${f.path}`, data: JSON.stringify(copy) };
    }
    case 5:
      return { kind: 'byte order mark', data: `\uFEFF${text}` };
    case 6: {
      const key = opts.typeKey ?? 'type';
      return { kind: 'zero-width space in a key', data: text.replace(`"${key}"`, `"${key.slice(0, -2)}\u200b${key.slice(-2)}"`) };
    }
    case 7:
      return rng.int(0, 1) ? { kind: 'oversized (padding)', data: text + PAD } : { kind: 'oversized (multi-byte)', data: JSON.stringify({ ...base, pad: EURO_PAD }) };
    case 8:
      return { kind: 'not an object', data: JSON.stringify(rng.pick([null, 42, 'orderbook_delta', opts.arrayFrames ? [null] : [base], true])) };
    default:
      return { kind: 'unbalanced', data: `${text}}` };
  }
}

/** The reason a parser gave for rejecting garbage of `kind` (throws, naming `where`, if it did not). */
export function expectRejected(event: { type: string; reason?: string } | undefined, kind: string, where: string): string {
  if (event?.type !== 'invalid' || typeof event.reason !== 'string' || event.reason.length === 0) {
    throw new Error(`${where}: ${kind} was not rejected with a reason: ${JSON.stringify(event)?.slice(0, 300)}`);
  }
  if (kind.startsWith('oversized')) expect(event.reason).toMatch(/oversized/);
  return event.reason;
}

/**
 * For a mutation of one field (`wrong type at a.b.0.c`, `missing at a.b`): the field's own name
 * ("c", "b") a reason must mention to say what was wrong; undefined for other kinds.
 */
export function fieldNamed(kind: string): string | undefined {
  const m = /^(?:wrong type|missing|huge number|NaN-like string) at (.+)$/.exec(kind);
  return m ? m[1]!.split('.').filter((k) => !/^\d+$/.test(k)).pop() : undefined;
}
