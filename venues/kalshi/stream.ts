/**
 * Kalshi market data over WebSocket (`/trade-api/ws/v2`, signed upgrade): `orderbook_snapshot`
 * then `orderbook_delta` per subscription, each with a `seq`. Messages are validated with zod;
 * a malformed one is reported and skipped, never half-applied. A `seq` gap means the book is
 * unknown: the stream says so and resubscribes for a fresh snapshot; a dropped connection is
 * reported (`disconnected`) and reconnected the same way. Consumers iterate events.
 */
import WebSocket from 'ws';
import { createEventQueue } from '../event-queue';
import { z } from 'zod';
import { kalshiYesBook, MAX_FEED_MESSAGE_BYTES, MAX_LEVELS_PER_SIDE, oversizedMessage, setSize, sizeAfterAdd, type Book } from '../../domain/book';
import { dec, decStr } from '../../domain/money';
import { formatZodError } from '../../domain/validation';
import { kalshiHeaders, type KalshiCredentials } from './auth';

const level = z.tuple([z.number().int().min(1).max(99), z.number().int().nonnegative()]);
const side = z.array(level).max(MAX_LEVELS_PER_SIDE).nullish();
const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribed'), id: z.number().optional(), msg: z.object({ sid: z.number() }).passthrough() }),
  z.object({ type: z.literal('orderbook_snapshot'), sid: z.number(), seq: z.number().int(), msg: z.object({ market_ticker: z.string(), yes: side, no: side }) }),
  z.object({ type: z.literal('orderbook_delta'), sid: z.number(), seq: z.number().int(), msg: z.object({ market_ticker: z.string(), price: z.number().int().min(1).max(99), delta: z.number().int(), side: z.enum(['yes', 'no']) }) }),
  z.object({ type: z.literal('error'), msg: z.object({ code: z.string().optional(), message: z.string().optional() }).passthrough() }),
]);

export type KalshiBookEvent =
  | { type: 'book'; market: string; book: Book; seq: number; from: 'snapshot' | 'delta' }
  | { type: 'gap'; market?: string; expected: number; got: number }
  | { type: 'invalid'; reason: string }
  /** The connection dropped: every book is unknown until the reconnect's snapshots. */
  | { type: 'disconnected' };

const cents = (c: number) => decStr(dec(String(c)).div(100));

/** Subscriptions tracked at once (sequence numbers) and given-up ones remembered, so memory stays bounded. */
const MAX_SUBSCRIPTIONS = 10_000;
const MAX_ABANDONED = 100_000;
/** Distinct markets a tracker keeps books for. */
const MAX_MARKETS = 10_000;
/** A reason stays one readable line-set even for a message with thousands of bad fields. */
const MAX_REASON_CHARS = 2_000;
const MAX_NAME_CHARS = 256;

const invalid = (reason: string): KalshiBookEvent => ({ type: 'invalid', reason: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason });

/** The first price that appears twice in a snapshot side, if any. */
function duplicatePrice(levels: [number, number][] | null | undefined): number | undefined {
  const seen = new Set<number>();
  for (const [p] of levels ?? []) {
    if (seen.has(p)) return p;
    seen.add(p);
  }
  return undefined;
}

/**
 * The message handling of the stream, without the socket: parse, validate, sequence-check and
 * apply one raw message, returning what happened. `resubscribe` is called on a gap.
 *
 * A rejected message (`invalid`) changes nothing: neither a book nor the expected `seq`. So a
 * duplicate or older `seq` is reported and skipped (never applied twice, never a gap), and if a
 * genuine message was rejected (e.g. a delta that would make a size negative: our book disagrees
 * with the venue's), the next one shows up as a gap and a fresh snapshot repairs the book.
 */
export function createKalshiBookTracker(resubscribe: () => void) {
  const books = new Map<string, Book>();
  const lastSeq = new Map<number, number>();
  /** Markets snapshotted on each subscription: one sid may carry several, sharing one `seq`. */
  const sidMarkets = new Map<number, Set<string>>();
  /** Subscriptions given up after a gap: their later messages are ignored. */
  const abandoned = new Set<number>();
  const abandon = (s: number) => {
    for (const market of sidMarkets.get(s) ?? []) books.delete(market);
    sidMarkets.delete(s);
    lastSeq.delete(s);
    abandoned.add(s);
    if (abandoned.size > MAX_ABANDONED) abandoned.delete(abandoned.values().next().value!);
  };
  return {
    books,
    handle(data: string): KalshiBookEvent | undefined {
      const tooBig = oversizedMessage(data);
      if (tooBig) return invalid(tooBig);
      let raw: unknown;
      try {
        raw = JSON.parse(data);
      } catch {
        return invalid('not JSON');
      }
      const parsed = messageSchema.safeParse(raw);
      if (!parsed.success) return invalid(formatZodError(parsed.error));
      const m = parsed.data;
      if (m.type === 'subscribed' || m.type === 'error' || abandoned.has(m.sid)) return undefined;
      const market = m.msg.market_ticker;
      // (Checked by hand: zod refinements on these would cost a third of the parse rate.)
      if (market.length < 1 || market.length > MAX_NAME_CHARS) return invalid(`market_ticker of ${market.length} characters, expected 1 to ${MAX_NAME_CHARS}`);
      if (!Number.isSafeInteger(m.sid) || m.sid < 0) return invalid(`sid ${m.sid} is not a subscription id`);
      const last = lastSeq.get(m.sid);
      if (last === undefined && lastSeq.size >= MAX_SUBSCRIPTIONS) return invalid(`too many subscriptions: sid ${m.sid} would be number ${MAX_SUBSCRIPTIONS + 1}`);
      const expected = (last ?? 0) + 1;
      if (m.seq < expected) {
        return invalid(`${m.seq === expected - 1 ? 'duplicate' : 'out-of-order'} seq ${m.seq} on sid ${m.sid} (${market}), expected ${expected}: ignored`);
      }
      if (m.seq > expected) {
        // Unknown book: drop it (and every book of this subscription) and start over from a
        // fresh snapshot on a new subscription.
        books.delete(market);
        abandon(m.sid);
        resubscribe();
        return { type: 'gap', market, expected, got: m.seq };
      }
      if (m.type === 'orderbook_snapshot') {
        for (const [name, levels] of [['yes', m.msg.yes], ['no', m.msg.no]] as const) {
          const p = duplicatePrice(levels);
          if (p !== undefined) return invalid(`snapshot seq ${m.seq} for ${market}: price ${p}¢ appears twice on the ${name} side`);
        }
        if (!books.has(market) && books.size >= MAX_MARKETS) return invalid(`snapshot for ${market}: already tracking ${MAX_MARKETS} markets`);
        lastSeq.set(m.sid, m.seq);
        const book = kalshiYesBook((m.msg.yes ?? []).map(([p, n]) => [cents(p), String(n)]), (m.msg.no ?? []).map(([p, n]) => [cents(p), String(n)]));
        books.set(market, book);
        let markets = sidMarkets.get(m.sid);
        if (!markets) sidMarkets.set(m.sid, (markets = new Set()));
        markets.add(market);
        return { type: 'book', market, book, seq: m.seq, from: 'snapshot' };
      }
      const book = books.get(market);
      // A NO bid at p is a YES ask at 1 − p.
      const [bookSide, price] = m.msg.side === 'yes' ? (['bid', cents(m.msg.price)] as const) : (['ask', cents(100 - m.msg.price)] as const);
      if (!book) {
        lastSeq.set(m.sid, m.seq);
        return undefined; // deltas before the snapshot of a fresh subscription
      }
      const after = sizeAfterAdd(book, bookSide, price, String(m.msg.delta));
      if (after.lt(0)) return invalid(`delta seq ${m.seq} for ${market}: ${m.msg.delta} at ${m.msg.side} ${m.msg.price}¢ would make the size ${decStr(after)}: rejected`);
      lastSeq.set(m.sid, m.seq);
      setSize(book, bookSide, price, after);
      return { type: 'book', market, book, seq: m.seq, from: 'delta' };
    },
  };
}

/** Opens the stream and yields events until `close()`. */
export function kalshiBookStream(opts: { wsUrl: string; credentials: KalshiCredentials; markets: string[]; /** Bound of the event queue (oldest dropped past it). */ queueLimit?: number }) {
  let ws: WebSocket | undefined;
  const events = createEventQueue<KalshiBookEvent>({ limit: opts.queueLimit, onClose: () => ws?.close() });
  const push = (e: KalshiBookEvent) => events.push(e);

  const connect = () => {
    const path = new URL(opts.wsUrl).pathname;
    // Frames far beyond the tracker's limit close the socket (and reconnect) rather than fill memory.
    ws = new WebSocket(opts.wsUrl, { headers: kalshiHeaders(opts.credentials, { method: 'GET', path }), maxPayload: 4 * MAX_FEED_MESSAGE_BYTES });
    let cmdId = 1;
    const subscribe = () => ws?.send(JSON.stringify({ id: cmdId++, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: opts.markets } }));
    // Only a connection that opened can have served books; a failed reconnect attempt lost nothing more.
    let opened = false;
    ws.on('open', () => {
      opened = true;
      subscribe();
    });
    const tracker = createKalshiBookTracker(subscribe);
    ws.on('message', (data) => {
      const event = tracker.handle(data.toString());
      if (event) push(event);
    });
    ws.on('close', () => {
      if (events.closed) return;
      // Said at once, so the consumer does not serve the books until the reconnect's snapshots.
      if (opened) push({ type: 'disconnected' });
      setTimeout(connect, 250).unref(); // reconnect; a new subscription starts from a snapshot
    });
    ws.on('error', () => undefined);
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
