/**
 * Polymarket's public market channel (`wss://ws-subscriptions-clob.polymarket.com/ws/market`, no
 * auth). After connecting the client sends `{"assets_ids": [...], "type": "market"}` once; the
 * venue answers with the initial dump — a JSON array of `book` events, one per asset — and then
 * sends single events: `book` (a full snapshot, also re-sent after trades), `price_change` (the new
 * aggregate size at a level; 0 removes it; `side` BUY is a bid level, SELL an ask level),
 * `tick_size_change`, `last_trade_price` and, with `custom_feature_enabled`, `best_bid_ask`,
 * `new_market`, `market_resolved`. The client sends the text `PING` every 10 s and gets `PONG`.
 * There are no sequence numbers: a dropped connection means the books are unknown until the
 * fresh snapshots that resubscribing brings. Sizes are absolute, so a duplicated message changes
 * nothing; a message older (by its `timestamp`) than one already applied to the same asset arrived
 * out of order, which is treated as a gap: the frame is not applied and the stream reconnects for
 * fresh snapshots (messages within one millisecond cannot be told apart this way).
 *
 * `price_change` exists in two shapes; both are accepted: the current one (since September 2025)
 * `{market, price_changes: [{asset_id, price, side, size, hash, best_bid, best_ask}], timestamp}`
 * and the older `{asset_id, market, changes: [{price, side, size}], hash, timestamp}`. Prices may
 * come without a leading zero (".48"); they are normalised to canonical decimal strings.
 *
 * Every frame is validated with zod as a whole before anything is applied, so a bad element in an
 * array frame rejects the frame and changes no book. Simplifications: the `hash` is passed through
 * but not verified (the venue's hashing of its book is not a published contract), and events
 * other than `book` / `price_change` are validated only as far as their `event_type` and ignored.
 */
import { z } from 'zod';
import { bookFromLevels, MAX_LEVELS_PER_SIDE, oversizedMessage, setSize, type Book } from '../../domain/book';
import { Dec, decStr } from '../../domain/money';
import { formatZodError } from '../../domain/validation';
import { createEventQueue } from '../event-queue';
import { keepPolymarketChannel } from './channel';

/**
 * Feed limits besides the shared ones (domain/book.ts: a larger frame than MAX_FEED_MESSAGE_BYTES
 * is rejected unparsed, a book may not grow past MAX_LEVELS_PER_SIDE): the tracker keeps at most
 * MAX_BOOKS books, and a reason is cut to one readable size.
 */
const MAX_BOOKS = 10_000;
const MAX_REASON_CHARS = 2_000;

/** A non-negative decimal string as the venue writes it ("0.48", ".48", "150.0"), made canonical. */
const venueDecimal = z
  .string()
  .regex(/^(\d+|\d*\.\d+)$/, 'must be a non-negative decimal number written as a string')
  .transform((s) => decStr(new Dec(s)));
const price = venueDecimal.refine((p) => new Dec(p).lte(1), 'a price must be between 0 and 1');
const level = z.object({ price, size: venueDecimal });
/** Milliseconds; compared as numbers, so only what a number holds exactly (a larger one would order wrongly). */
const timestamp = z
  .union([z.string().regex(/^\d+$/, 'must be milliseconds written in digits'), z.number().int().nonnegative()])
  .transform(String)
  .refine((t) => Number.isSafeInteger(Number(t)), 'must be at most 2^53 - 1 milliseconds');
const side = z.enum(['BUY', 'SELL']);

const bookMessage = z.object({
  event_type: z.literal('book'),
  asset_id: z.string().min(1),
  market: z.string(),
  bids: z.array(level).max(MAX_LEVELS_PER_SIDE),
  asks: z.array(level).max(MAX_LEVELS_PER_SIDE),
  hash: z.string(),
  timestamp,
});

const change = z.object({ price, side, size: venueDecimal });
const priceChangeMessage = z
  .object({
    event_type: z.literal('price_change'),
    market: z.string(),
    timestamp,
    /** Current shape: changes for one or more assets, each with the asset's book hash. */
    price_changes: z.array(change.extend({ asset_id: z.string().min(1), hash: z.string().optional(), best_bid: z.string().optional(), best_ask: z.string().optional() })).max(MAX_LEVELS_PER_SIDE).optional(),
    /** Older shape: one asset per message. */
    asset_id: z.string().min(1).optional(),
    changes: z.array(change).max(MAX_LEVELS_PER_SIDE).optional(),
    hash: z.string().optional(),
  })
  .refine((m) => (m.price_changes !== undefined) !== (m.changes !== undefined && m.asset_id !== undefined), 'needs either price_changes, or asset_id with changes')
  .transform((m) => ({
    event_type: m.event_type,
    market: m.market,
    timestamp: m.timestamp,
    changes: m.price_changes ?? (m.changes ?? []).map((c) => ({ ...c, asset_id: m.asset_id!, hash: m.hash })),
  }));

/** Events this tracker does not turn into books; recognised so they are not reported as invalid. */
const IGNORED = ['tick_size_change', 'last_trade_price', 'best_bid_ask', 'new_market', 'market_resolved'] as const;
const ignoredMessage = z.object({ event_type: z.enum(IGNORED) }).passthrough();

const messageSchema = z.discriminatedUnion('event_type', [bookMessage, priceChangeMessage, ignoredMessage]);
/** Chosen by the frame's shape rather than a union, so that a rejection names the bad field, not just "(root)". */
const frameArraySchema = z.array(messageSchema);

export type PolymarketBookEvent =
  /** `market` is the asset (token) id the book is for; `conditionId` the venue's market. */
  | { type: 'book'; market: string; conditionId: string; book: Book; hash?: string; timestamp: string; from: 'snapshot' | 'delta' }
  | { type: 'invalid'; reason: string }
  /** A message arrived out of order (older than one already applied): the stream resyncs. */
  | { type: 'gap'; market: string; reason: string }
  /** The venue refused something we sent (it answers `INVALID OPERATION` in plain text). */
  | { type: 'error'; message: string }
  /** The connection dropped: every book is unknown until the next snapshot. */
  | { type: 'disconnected' };

const invalid = (reason: string): PolymarketBookEvent => ({ type: 'invalid', reason: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason });

function duplicatePrice(levels: { price: string }[]): string | undefined {
  const seen = new Set<string>();
  for (const { price } of levels) {
    if (seen.has(price)) return price;
    seen.add(price);
  }
  return undefined;
}

const copyBook = (b: Book): Book => ({ bids: new Map(b.bids), asks: new Map(b.asks) });

/**
 * The message handling of the stream, without the socket: parse, validate and apply one raw frame,
 * returning what happened (zero or more events). Books are absolute per level, so the tracker
 * needs no sequencing; a `price_change` for an asset without a snapshot yet is ignored.
 */
export function createPolymarketBookTracker() {
  const books = new Map<string, Book>();
  /** Per asset, the venue timestamp (ms) of the last message applied. */
  const applied = new Map<string, number>();
  return {
    books,
    handle(raw: string): PolymarketBookEvent[] {
      if (raw === 'PONG') return [];
      if (raw === 'INVALID OPERATION') return [{ type: 'error', message: raw }];
      const tooBig = oversizedMessage(raw);
      if (tooBig) return [invalid(tooBig)];
      let data: unknown;
      try {
        data = JSON.parse(raw);
      } catch {
        return [invalid(`not JSON: ${JSON.stringify(raw.slice(0, 80))}`)];
      }
      const parsed = Array.isArray(data) ? frameArraySchema.safeParse(data) : messageSchema.safeParse(data);
      if (!parsed.success) return [invalid(formatZodError(parsed.error))];

      // Build every change on copies first; the tracker's books change only if the whole frame is good.
      const staged = new Map<string, Book>();
      const stamps = new Map<string, number>();
      const outOfOrder = (asset: string, timestamp: string): PolymarketBookEvent | undefined => {
        const at = Number(timestamp);
        const last = stamps.get(asset) ?? applied.get(asset);
        if (last !== undefined && at < last) return { type: 'gap', market: asset.slice(0, 256), reason: `message of ${timestamp} after one of ${last}: out of order` };
        stamps.set(asset, at);
        return undefined;
      };
      const out: Extract<PolymarketBookEvent, { type: 'book' }>[] = [];
      for (const m of Array.isArray(parsed.data) ? parsed.data : [parsed.data]) {
        if (m.event_type === 'book') {
          const dup = duplicatePrice(m.bids) ?? duplicatePrice(m.asks);
          if (dup !== undefined) return [invalid(`book for ${m.asset_id.slice(0, 256)}: price ${dup} listed twice on one side`)];
          const late = outOfOrder(m.asset_id, m.timestamp);
          if (late) return [late];
          const book = bookFromLevels(
            m.bids.map((l): [string, string] => [l.price, l.size]),
            m.asks.map((l): [string, string] => [l.price, l.size]),
          );
          staged.set(m.asset_id, book);
          out.push({ type: 'book', market: m.asset_id, conditionId: m.market, book, hash: m.hash, timestamp: m.timestamp, from: 'snapshot' });
        } else if (m.event_type === 'price_change') {
          // One event per asset, after all of that asset's changes in this message are applied.
          const touched = new Map<string, string | undefined>();
          for (const c of m.changes) {
            let book = staged.get(c.asset_id);
            if (!book) {
              const current = books.get(c.asset_id);
              if (!current) continue; // no snapshot yet: nothing to apply it to
              const late = outOfOrder(c.asset_id, m.timestamp);
              if (late) return [late];
              book = copyBook(current);
              staged.set(c.asset_id, book);
            }
            setSize(book, c.side === 'BUY' ? 'bid' : 'ask', c.price, c.size); // sizes are validated >= 0: never throws
            touched.set(c.asset_id, c.hash);
          }
          for (const [asset, hash] of touched) out.push({ type: 'book', market: asset, conditionId: m.market, book: staged.get(asset)!, hash, timestamp: m.timestamp, from: 'delta' });
        }
      }
      for (const [asset, book] of staged) {
        if (book.bids.size > MAX_LEVELS_PER_SIDE || book.asks.size > MAX_LEVELS_PER_SIDE) return [invalid(`book for ${asset.slice(0, 256)} would exceed ${MAX_LEVELS_PER_SIDE} levels on a side`)];
      }
      const fresh = [...staged.keys()].filter((a) => !books.has(a)).length;
      if (books.size + fresh > MAX_BOOKS) return [invalid(`more than ${MAX_BOOKS} books`)];
      for (const [asset, book] of staged) books.set(asset, book);
      for (const [asset, at] of stamps) if (staged.has(asset)) applied.set(asset, at);
      // An event's book is the state after its frame: later frames work on copies, never mutate it.
      return out;
    },
  };
}

export interface PolymarketBookStreamOptions {
  wsUrl: string;
  assetIds: string[];
  /** Text `PING` interval; the venue expects one about every 10 s. */
  pingIntervalMs?: number;
  /** First reconnect delay; doubles per failed attempt up to 5 s, reset once a connection opens. */
  reconnectDelayMs?: number;
  /** Bound of the event queue (oldest dropped past it). */
  queueLimit?: number;
}

/** Opens the market channel for `assetIds` and yields events until `close()`; reconnects after a drop. */
export function polymarketBookStream(opts: PolymarketBookStreamOptions) {
  let invalid = 0;
  const events = createEventQueue<PolymarketBookEvent>({ limit: opts.queueLimit, onClose: () => channel.stop() });
  const channel = keepPolymarketChannel({
    wsUrl: opts.wsUrl,
    subscription: JSON.stringify({ assets_ids: opts.assetIds, type: 'market' }),
    pingIntervalMs: opts.pingIntervalMs,
    reconnectDelayMs: opts.reconnectDelayMs,
    connection: (socket) => {
      // A tracker per connection: a new connection starts from fresh snapshots, never stale books.
      const tracker = createPolymarketBookTracker();
      return (text) => {
        for (const event of tracker.handle(text)) {
          if (event.type === 'invalid') invalid += 1;
          events.push(event);
          // Out of order: the books are unknown; a new connection starts from fresh snapshots.
          if (event.type === 'gap') socket.terminate();
        }
      };
    },
    onDrop: () => events.push({ type: 'disconnected' }),
  });

  return {
    events: () => events.events(),
    close: () => events.close(),
    /** Malformed messages rejected so far. */
    get invalid() {
      return invalid;
    },
    /** Events dropped because the consumer fell behind the queue bound. */
    get dropped() {
      return events.dropped;
    },
  };
}
