/**
 * Kalshi over WebSocket (`/trade-api/ws/v2`, signed upgrade): the `orderbook_delta` channel
 * (`orderbook_snapshot` then `orderbook_delta` per subscription, each with a `seq`) and the
 * account's `fill` channel. Messages are validated with zod; a malformed one is reported and
 * skipped, never half-applied. A `seq` gap means the book is unknown: the tracker says so, drops
 * the book, and the stream replaces the subscription to get a fresh snapshot. A repeated or late
 * `seq` is ignored. The connection is re-opened with exponential back-off when it drops.
 * Consumers read typed events from an async iterator.
 */
import WebSocket from 'ws';
import { z } from 'zod';
import { addSize, kalshiYesBook, kalshiYesLevel, type Book } from '../../domain/book';
import { dec, decStr } from '../../domain/money';
import type { Fill } from '../../domain/order';
import { formatZodError } from '../../domain/validation';
import { createEventQueue } from '../event-queue';
import { kalshiHeaders, type KalshiCredentials } from './auth';

const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string');
const legacyLevel = z.tuple([z.number().int().min(1).max(99), z.number().nonnegative()]);
const fpLevel = z.tuple([decimalText, decimalText]);

const snapshotMsg = z.object({
  market_ticker: z.string(),
  yes: z.array(legacyLevel).nullish(),
  no: z.array(legacyLevel).nullish(),
  yes_dollars_fp: z.array(fpLevel).nullish(),
  no_dollars_fp: z.array(fpLevel).nullish(),
});
const deltaMsg = z
  .object({
    market_ticker: z.string(),
    side: z.enum(['yes', 'no']),
    price: z.number().int().min(1).max(99).optional(),
    price_dollars: decimalText.optional(),
    delta: z.number().optional(),
    delta_fp: decimalText.optional(),
  })
  .refine((d) => d.price !== undefined || d.price_dollars !== undefined, { message: 'price_dollars (or price) is required' })
  .refine((d) => d.delta !== undefined || d.delta_fp !== undefined, { message: 'delta_fp (or delta) is required' });
const fillMsg = z.object({
  trade_id: z.string().min(1),
  order_id: z.string().min(1),
  client_order_id: z.string().optional(),
  market_ticker: z.string(),
  is_taker: z.boolean(),
  side: z.enum(['yes', 'no']),
  action: z.enum(['buy', 'sell']),
  yes_price: z.number().int().optional(),
  yes_price_dollars: decimalText.optional(),
  count: z.number().optional(),
  count_fp: decimalText.optional(),
  fee_cost: decimalText.optional(),
  ts_ms: z.number().int().optional(),
  ts: z.number().int().optional(),
});

const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribed'), id: z.number().nullish(), msg: z.object({ sid: z.number(), channel: z.string().optional() }).passthrough() }),
  z.object({ type: z.literal('orderbook_snapshot'), sid: z.number(), seq: z.number().int(), msg: snapshotMsg }),
  z.object({ type: z.literal('orderbook_delta'), sid: z.number(), seq: z.number().int(), msg: deltaMsg }),
  z.object({ type: z.literal('fill'), sid: z.number(), seq: z.number().int().optional(), msg: fillMsg }),
  z.object({ type: z.literal('error'), id: z.number().nullish(), msg: z.object({ code: z.union([z.number(), z.string()]).optional(), msg: z.string().optional(), message: z.string().optional() }).passthrough() }),
  z.object({ type: z.literal('unsubscribed'), sid: z.number().optional() }).passthrough(),
  z.object({ type: z.literal('ok'), sid: z.number().optional() }).passthrough(),
]);

export type KalshiBookEvent =
  | { type: 'book'; market: string; book: Book; seq: number; from: 'snapshot' | 'delta' }
  | { type: 'gap'; market?: string; sid?: number; expected: number; got: number }
  | { type: 'invalid'; reason: string };

export type KalshiStreamEvent =
  | KalshiBookEvent
  | { type: 'fill'; fill: Fill }
  | { type: 'venue_error'; code?: string | number; message?: string }
  | { type: 'connected' }
  | { type: 'disconnected'; reconnectInMs: number };

const centsToDollars = (c: number) => decStr(dec(String(c)).div(100));

function snapshotLevels(m: z.infer<typeof snapshotMsg>): { yes: [string, string][]; no: [string, string][] } {
  if (m.yes_dollars_fp || m.no_dollars_fp) {
    const norm = (l: [string, string][] | null | undefined) => (l ?? []).map(([p, n]): [string, string] => [decStr(dec(p)), decStr(dec(n))]);
    return { yes: norm(m.yes_dollars_fp), no: norm(m.no_dollars_fp) };
  }
  const norm = (l: [number, number][] | null | undefined) => (l ?? []).map(([p, n]): [string, string] => [centsToDollars(p), String(n)]);
  return { yes: norm(m.yes), no: norm(m.no) };
}

function fillOf(m: z.infer<typeof fillMsg>): Fill | string {
  const yes = m.yes_price_dollars !== undefined ? dec(m.yes_price_dollars) : m.yes_price !== undefined ? dec(String(m.yes_price)).div(100) : undefined;
  const count = m.count_fp ?? (m.count !== undefined ? String(m.count) : undefined);
  if (!yes || !count) return 'fill: yes_price_dollars and count_fp are required';
  const at = m.ts_ms ?? (m.ts !== undefined ? m.ts * 1000 : undefined);
  if (at === undefined) return 'fill: ts_ms is required';
  return {
    venue: 'kalshi',
    venueTradeId: m.trade_id,
    venueOrderId: m.order_id,
    ...(m.client_order_id ? { clientOrderId: m.client_order_id } : {}),
    market: m.market_ticker,
    outcome: m.side,
    action: m.action,
    price: decStr(m.side === 'yes' ? yes : dec('1').minus(yes)),
    quantity: decStr(dec(count)),
    fee: m.fee_cost !== undefined ? decStr(dec(m.fee_cost)) : '0',
    liquidity: m.is_taker ? 'taker' : 'maker',
    at: new Date(at).toISOString(),
  };
}

/**
 * The message handling of the stream, without the socket: parse, validate, sequence-check and
 * apply one raw message, returning what happened. `resync(sid)` is called on a gap (the stream
 * replaces that subscription to get a fresh snapshot).
 */
export function createKalshiBookTracker(resync: (sid: number) => void) {
  const books = new Map<string, Book>();
  const lastSeq = new Map<number, number>();
  /** Subscriptions given up after a gap: their later messages are ignored. */
  const abandoned = new Set<number>();
  return {
    books,
    handle(data: string): KalshiStreamEvent | undefined {
      let raw: unknown;
      try {
        raw = JSON.parse(data);
      } catch {
        return { type: 'invalid', reason: 'not JSON' };
      }
      const parsed = messageSchema.safeParse(raw);
      if (!parsed.success) return { type: 'invalid', reason: formatZodError(parsed.error) };
      const m = parsed.data;
      if (m.type === 'error') return { type: 'venue_error', code: m.msg.code, message: m.msg.msg ?? m.msg.message };
      if (m.type === 'fill') {
        const fill = fillOf(m.msg);
        return typeof fill === 'string' ? { type: 'invalid', reason: fill } : { type: 'fill', fill };
      }
      if (m.type !== 'orderbook_snapshot' && m.type !== 'orderbook_delta') return undefined;
      if (abandoned.has(m.sid)) return undefined;
      const last = lastSeq.get(m.sid) ?? 0;
      if (m.seq <= last) return undefined; // a repeat, or a late message already covered by a gap
      if (m.seq !== last + 1) {
        // Unknown book: drop it and start over from a fresh snapshot on a new subscription.
        books.delete(m.msg.market_ticker);
        abandoned.add(m.sid);
        resync(m.sid);
        return { type: 'gap', market: m.msg.market_ticker, sid: m.sid, expected: last + 1, got: m.seq };
      }
      const giveUp = (reason: string): KalshiStreamEvent => {
        // The book can no longer be trusted: drop it and start over from a fresh snapshot.
        books.delete(m.msg.market_ticker);
        abandoned.add(m.sid);
        resync(m.sid);
        return { type: 'invalid', reason };
      };
      if (m.type === 'orderbook_snapshot') {
        let book: Book;
        try {
          const { yes, no } = snapshotLevels(m.msg);
          book = kalshiYesBook(yes, no);
        } catch (err) {
          return giveUp(`orderbook_snapshot: ${(err as Error).message}`);
        }
        lastSeq.set(m.sid, m.seq);
        books.set(m.msg.market_ticker, book);
        return { type: 'book', market: m.msg.market_ticker, book, seq: m.seq, from: 'snapshot' };
      }
      lastSeq.set(m.sid, m.seq);
      const book = books.get(m.msg.market_ticker);
      if (!book) return undefined; // deltas before the snapshot of a fresh subscription
      const price = m.msg.price_dollars !== undefined ? decStr(dec(m.msg.price_dollars)) : centsToDollars(m.msg.price!);
      const delta = m.msg.delta_fp !== undefined ? decStr(dec(m.msg.delta_fp)) : String(m.msg.delta);
      const at = kalshiYesLevel(m.msg.side, price); // a NO bid at p is a YES ask at 1 − p
      // A level going negative means our copy diverged from the venue's.
      if (!addSize(book, at.side, at.price, delta)) return giveUp(`orderbook_delta: ${m.msg.side} ${price} would go negative`);
      return { type: 'book', market: m.msg.market_ticker, book, seq: m.seq, from: 'delta' };
    },
  };
}

export interface KalshiStreamOptions {
  wsUrl: string;
  credentials: KalshiCredentials;
  /** Markets for `orderbook_delta`. */
  markets: string[];
  channels?: ('orderbook_delta' | 'fill')[];
  /** Reconnect back-off: first delay and cap (ms). */
  reconnect?: { initialMs?: number; maxMs?: number };
}

/** Opens the stream and yields events until `close()`. */
export function kalshiStream(opts: KalshiStreamOptions) {
  const channels = opts.channels ?? ['orderbook_delta'];
  const initialMs = opts.reconnect?.initialMs ?? 250;
  const maxMs = opts.reconnect?.maxMs ?? 10_000;
  let ws: WebSocket | undefined;
  let delay = initialMs;
  let timer: NodeJS.Timeout | undefined;
  const events = createEventQueue<KalshiStreamEvent>({
    onClose: () => {
      if (timer) clearTimeout(timer);
      ws?.close();
    },
  });

  const connect = () => {
    const path = new URL(opts.wsUrl).pathname;
    const socket = new WebSocket(opts.wsUrl, { headers: kalshiHeaders(opts.credentials, { method: 'GET', path }) });
    ws = socket;
    let cmdId = 1;
    const send = (cmd: unknown) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(cmd));
    const subscribeBooks = () => send({ id: cmdId++, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: opts.markets } });
    socket.on('open', () => {
      delay = initialMs;
      events.push({ type: 'connected' });
      if (channels.includes('orderbook_delta') && opts.markets.length) subscribeBooks();
      if (channels.includes('fill')) send({ id: cmdId++, cmd: 'subscribe', params: { channels: ['fill'] } });
    });
    const tracker = createKalshiBookTracker((sid) => {
      send({ id: cmdId++, cmd: 'unsubscribe', params: { sids: [sid] } });
      subscribeBooks();
    });
    socket.on('message', (data) => {
      const event = tracker.handle(data.toString());
      if (event) events.push(event);
    });
    socket.on('close', () => {
      if (events.closed) return;
      // A new connection starts from fresh snapshots; back off so a down venue is not hammered.
      events.push({ type: 'disconnected', reconnectInMs: delay });
      timer = setTimeout(connect, delay);
      timer.unref();
      delay = Math.min(delay * 2, maxMs);
    });
    socket.on('error', () => undefined); // 'close' follows and reconnects
  };
  connect();

  return { events: () => events.events(), close: () => events.close(), get dropped() { return events.dropped; } };
}

/** The order-book stream alone (the first slice's entry point). */
export function kalshiBookStream(opts: { wsUrl: string; credentials: KalshiCredentials; markets: string[] }) {
  return kalshiStream({ ...opts, channels: ['orderbook_delta'] });
}
