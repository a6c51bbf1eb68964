/**
 * Coinbase Advanced Trade `level2` over WebSocket: a JWT on each subscription, every message
 * carrying a per-connection `sequence_num`; `l2_data` events are a `snapshot` then `update`s whose
 * `new_quantity` is the absolute size at a level (0 removes it). A missed sequence number means
 * the books are unknown: the stream reports the gap and reconnects for fresh snapshots. A
 * connection that drops on its own is reported (`disconnected`) and reconnected the same way.
 */
import WebSocket from 'ws';
import { createEventQueue } from '../event-queue';
import { z } from 'zod';
import { emptyBook, MAX_FEED_MESSAGE_BYTES, MAX_LEVELS_PER_SIDE, oversizedMessage, setSize, type Book } from '../../domain/book';
import { dec, decimalString, decStr, type Dec } from '../../domain/money';
import { formatZodError } from '../../domain/validation';
import { buildCoinbaseJwt, type CoinbaseCredentials } from './auth';

// (String lengths are checked by hand below: zod refinements here would halve the parse rate.)
const update = z.object({ side: z.enum(['bid', 'offer']), price_level: decimalString, new_quantity: decimalString });
/** Every message: the channel and the per-connection sequence number; `events` depend on the channel. */
const envelopeSchema = z.object({ channel: z.string(), sequence_num: z.number().int().nonnegative(), events: z.array(z.unknown()).default([]) });
/** `l2_data` events (other channels, e.g. heartbeats and subscriptions, have other shapes and are not read). */
const l2EventsSchema = z.array(z.object({ type: z.enum(['snapshot', 'update']), product_id: z.string(), updates: z.array(update) }).passthrough());

const errorSchema = z.object({ type: z.literal('error'), message: z.string() });

export type CoinbaseBookEvent =
  | { type: 'book'; product: string; book: Book; from: 'snapshot' | 'update' }
  | { type: 'gap'; expected: number; got: number }
  | { type: 'invalid'; reason: string }
  | { type: 'error'; message: string }
  /** The connection dropped (not closed by us after a gap): every book is unknown until the reconnect's snapshots. */
  | { type: 'disconnected' };

/** Distinct products a tracker keeps books for. */
const MAX_PRODUCTS = 10_000;
const MAX_REASON_CHARS = 2_000;
const MAX_NAME_CHARS = 256;
/** Longer decimal strings than this are not a price or a size any venue quotes. */
const MAX_NUMBER_CHARS = 64;

const invalid = (reason: string): CoinbaseBookEvent => ({ type: 'invalid', reason: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason });

type Side = 'bid' | 'ask';
/** What one message would do to one product's book, staged so that a message is applied whole or not at all. */
interface Staged {
  /** Starts from an empty book (a snapshot) rather than the current one. */
  fresh: boolean;
  base: Book | undefined;
  /** Final size per price (canonical), per side: later updates in the message win. */
  sides: Record<Side, Map<string, Dec>>;
}

/** Levels on `side` after applying `stage` to its base. */
function levelCount(stage: Staged, side: Side): number {
  const base = stage.fresh ? undefined : stage.base?.[side === 'bid' ? 'bids' : 'asks'];
  let n = base?.size ?? 0;
  for (const [price, size] of stage.sides[side]) {
    const had = base?.has(price) ?? false;
    const has = !size.isZero();
    n += (has ? 1 : 0) - (had ? 1 : 0);
  }
  return n;
}

/**
 * The message handling of the stream, without the socket: parse, validate, sequence-check and
 * apply one raw message. Sequence numbers are per connection, so a tracker lives as long as one.
 *
 * A rejected message (`invalid`) changes nothing, neither a book nor the expected sequence number:
 * a duplicate or older `sequence_num` is reported and skipped; a message that was genuine but is
 * rejected (a negative size, too many levels) makes the next one a gap, and the stream reconnects
 * for fresh snapshots. After a gap the books are unknown and dropped; one gap is reported per gap.
 */
export function createCoinbaseBookTracker() {
  const books = new Map<string, Book>();
  let expected = 0;
  return {
    books,
    handle(data: string): CoinbaseBookEvent[] {
      const tooBig = oversizedMessage(data);
      if (tooBig) return [invalid(tooBig)];
      let raw: unknown;
      try {
        raw = JSON.parse(data);
      } catch {
        return [invalid('not JSON')];
      }
      const error = errorSchema.safeParse(raw);
      if (error.success) return [{ type: 'error', message: error.data.message.slice(0, MAX_REASON_CHARS) }];
      const parsed = envelopeSchema.safeParse(raw);
      if (!parsed.success) return [invalid(formatZodError(parsed.error))];
      const m = parsed.data;
      if (m.sequence_num < expected) {
        return [invalid(`${m.sequence_num === expected - 1 ? 'duplicate' : 'out-of-order'} sequence_num ${m.sequence_num}, expected ${expected}: ignored`)];
      }
      if (m.sequence_num > expected) {
        const gap: CoinbaseBookEvent = { type: 'gap', expected, got: m.sequence_num };
        books.clear(); // unknown now; the stream reconnects for fresh snapshots
        expected = m.sequence_num + 1;
        return [gap];
      }
      if (m.channel !== 'l2_data') {
        expected += 1;
        return [];
      }
      const events = l2EventsSchema.safeParse(m.events);
      if (!events.success) return [invalid(formatZodError(events.error).replace(/^/gm, 'events.'))];

      // Stage the whole message, check it, then apply it.
      const staged = new Map<string, Staged>();
      const order: { product: string; from: 'snapshot' | 'update' }[] = [];
      for (const event of events.data) {
        if (event.product_id.length < 1 || event.product_id.length > MAX_NAME_CHARS) return [invalid(`product_id of ${event.product_id.length} characters, expected 1 to ${MAX_NAME_CHARS}`)];
        // Every update is checked, even for a product without a book: a bad message is bad whole.
        for (const u of event.updates) {
          if (u.price_level.length > MAX_NUMBER_CHARS || u.new_quantity.length > MAX_NUMBER_CHARS) return [invalid(`${event.type} for ${event.product_id}: a price_level or new_quantity longer than ${MAX_NUMBER_CHARS} characters: rejected`)];
          if (u.new_quantity.startsWith('-') && dec(u.new_quantity).lt(0)) return [invalid(`${event.type} for ${event.product_id}: negative new_quantity ${u.new_quantity} at ${u.side} ${u.price_level}: rejected`)];
        }
        let stage = staged.get(event.product_id);
        if (event.type === 'snapshot') {
          stage = { fresh: true, base: undefined, sides: { bid: new Map(), ask: new Map() } };
          staged.set(event.product_id, stage);
        } else if (!stage) {
          const base = books.get(event.product_id);
          if (!base) continue; // updates for a product without a snapshot: nothing to update
          stage = { fresh: false, base, sides: { bid: new Map(), ask: new Map() } };
          staged.set(event.product_id, stage);
        }
        for (const u of event.updates) stage.sides[u.side === 'bid' ? 'bid' : 'ask'].set(decStr(dec(u.price_level)), dec(u.new_quantity));
        order.push({ product: event.product_id, from: event.type });
      }
      let products = books.size;
      for (const [product, stage] of staged) {
        for (const side of ['bid', 'ask'] as const) {
          const n = levelCount(stage, side);
          if (n > MAX_LEVELS_PER_SIDE) return [invalid(`${product}: ${n} levels on the ${side} side, limit ${MAX_LEVELS_PER_SIDE}: rejected`)];
        }
        if (!books.has(product) && ++products > MAX_PRODUCTS) return [invalid(`snapshot for ${product}: more than ${MAX_PRODUCTS} products`)];
      }

      expected += 1;
      for (const [product, stage] of staged) {
        const book = stage.fresh ? emptyBook() : stage.base!;
        for (const side of ['bid', 'ask'] as const) for (const [price, size] of stage.sides[side]) setSize(book, side, price, size);
        books.set(product, book);
      }
      return order.map(({ product, from }): CoinbaseBookEvent => ({ type: 'book', product, book: books.get(product)!, from }));
    },
  };
}

export function coinbaseBookStream(opts: { wsUrl: string; credentials: CoinbaseCredentials; products: string[]; /** Bound of the event queue (oldest dropped past it). */ queueLimit?: number }) {
  let ws: WebSocket | undefined;
  const events = createEventQueue<CoinbaseBookEvent>({ limit: opts.queueLimit, onClose: () => ws?.close() });
  const push = (e: CoinbaseBookEvent) => events.push(e);

  const connect = () => {
    const tracker = createCoinbaseBookTracker();
    // Frames far beyond the tracker's limit close the socket (and reconnect) rather than fill memory.
    const socket = new WebSocket(opts.wsUrl, { maxPayload: 4 * MAX_FEED_MESSAGE_BYTES });
    ws = socket;
    // Closed by us after a gap, which was reported already: not a second loss. Only a connection
    // that opened can have served books; a failed reconnect attempt lost nothing more.
    let gapped = false;
    let opened = false;
    socket.on('open', async () => {
      opened = true;
      for (const channel of ['level2', 'heartbeats']) {
        socket.send(JSON.stringify({ type: 'subscribe', product_ids: opts.products, channel, jwt: await buildCoinbaseJwt(opts.credentials, null) }));
      }
    });
    socket.on('message', (data) => {
      for (const event of tracker.handle(data.toString())) {
        push(event);
        // Sequence numbers are per connection: a new one starts from snapshots.
        if (event.type === 'gap') {
          gapped = true;
          socket.close();
        }
      }
    });
    socket.on('close', () => {
      if (events.closed) return;
      if (opened && !gapped) push({ type: 'disconnected' });
      setTimeout(connect, 100).unref();
    });
    socket.on('error', () => undefined);
  };
  connect();

  return {
    events: () => events.events(),
    close: () => events.close(),
    /** Events dropped because the consumer fell behind the queue bound. */
    get dropped() {
      return events.dropped;
    },
  };
}
