/**
 * Kalshi market data over WebSocket (`/trade-api/ws/v2`, signed upgrade): `orderbook_snapshot`
 * then `orderbook_delta` per subscription, each with a `seq`. Messages are validated with zod;
 * a malformed one is reported and skipped, never half-applied. A `seq` gap means the book is
 * unknown: the stream says so and resubscribes for a fresh snapshot. Consumers iterate events.
 */
import WebSocket from 'ws';
import { createEventQueue } from '../event-queue';
import { z } from 'zod';
import { addSize, kalshiYesBook, type Book } from '../../domain/book';
import { dec, decStr } from '../../domain/money';
import { formatZodError } from '../../domain/validation';
import { kalshiHeaders, type KalshiCredentials } from './auth';

const level = z.tuple([z.number().int().min(1).max(99), z.number().int().nonnegative()]);
const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribed'), id: z.number().optional(), msg: z.object({ sid: z.number() }).passthrough() }),
  z.object({ type: z.literal('orderbook_snapshot'), sid: z.number(), seq: z.number().int(), msg: z.object({ market_ticker: z.string(), yes: z.array(level).nullish(), no: z.array(level).nullish() }) }),
  z.object({ type: z.literal('orderbook_delta'), sid: z.number(), seq: z.number().int(), msg: z.object({ market_ticker: z.string(), price: z.number().int().min(1).max(99), delta: z.number().int(), side: z.enum(['yes', 'no']) }) }),
  z.object({ type: z.literal('error'), msg: z.object({ code: z.string().optional(), message: z.string().optional() }).passthrough() }),
]);

export type KalshiBookEvent =
  | { type: 'book'; market: string; book: Book; seq: number; from: 'snapshot' | 'delta' }
  | { type: 'gap'; market?: string; expected: number; got: number }
  | { type: 'invalid'; reason: string };

const cents = (c: number) => decStr(dec(String(c)).div(100));

/**
 * The message handling of the stream, without the socket: parse, validate, sequence-check and
 * apply one raw message, returning what happened. `resubscribe` is called on a gap.
 */
export function createKalshiBookTracker(resubscribe: () => void) {
  const books = new Map<string, Book>();
  const lastSeq = new Map<number, number>();
  /** Subscriptions given up after a gap: their later messages are ignored. */
  const abandoned = new Set<number>();
  return {
    books,
    handle(data: string): KalshiBookEvent | undefined {
      let raw: unknown;
      try {
        raw = JSON.parse(data);
      } catch {
        return { type: 'invalid', reason: 'not JSON' };
      }
      const parsed = messageSchema.safeParse(raw);
      if (!parsed.success) return { type: 'invalid', reason: formatZodError(parsed.error) };
      const m = parsed.data;
      if (m.type === 'subscribed' || m.type === 'error' || abandoned.has(m.sid)) return undefined;
      const expected = (lastSeq.get(m.sid) ?? 0) + 1;
      if (m.seq !== expected) {
        // Unknown book: drop it and start over from a fresh snapshot on a new subscription.
        books.delete(m.msg.market_ticker);
        abandoned.add(m.sid);
        resubscribe();
        return { type: 'gap', market: m.msg.market_ticker, expected, got: m.seq };
      }
      lastSeq.set(m.sid, m.seq);
      if (m.type === 'orderbook_snapshot') {
        const book = kalshiYesBook((m.msg.yes ?? []).map(([p, n]) => [cents(p), String(n)]), (m.msg.no ?? []).map(([p, n]) => [cents(p), String(n)]));
        books.set(m.msg.market_ticker, book);
        return { type: 'book', market: m.msg.market_ticker, book, seq: m.seq, from: 'snapshot' };
      }
      const book = books.get(m.msg.market_ticker);
      if (!book) return undefined; // deltas before the snapshot of a fresh subscription
      // A NO bid at p is a YES ask at 1 − p.
      if (m.msg.side === 'yes') addSize(book, 'bid', cents(m.msg.price), String(m.msg.delta));
      else addSize(book, 'ask', cents(100 - m.msg.price), String(m.msg.delta));
      return { type: 'book', market: m.msg.market_ticker, book, seq: m.seq, from: 'delta' };
    },
  };
}

/** Opens the stream and yields events until `close()`. */
export function kalshiBookStream(opts: { wsUrl: string; credentials: KalshiCredentials; markets: string[] }) {
  let ws: WebSocket | undefined;
  const events = createEventQueue<KalshiBookEvent>({ onClose: () => ws?.close() });
  const push = (e: KalshiBookEvent) => events.push(e);

  const connect = () => {
    const path = new URL(opts.wsUrl).pathname;
    ws = new WebSocket(opts.wsUrl, { headers: kalshiHeaders(opts.credentials, { method: 'GET', path }) });
    let cmdId = 1;
    const subscribe = () => ws?.send(JSON.stringify({ id: cmdId++, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: opts.markets } }));
    ws.on('open', subscribe);
    const tracker = createKalshiBookTracker(subscribe);
    ws.on('message', (data) => {
      const event = tracker.handle(data.toString());
      if (event) push(event);
    });
    ws.on('close', () => {
      if (!events.closed) setTimeout(connect, 250).unref(); // reconnect; a new subscription starts from a snapshot
    });
    ws.on('error', () => undefined);
  };
  connect();

  return { events: () => events.events(), close: () => events.close() };
}
