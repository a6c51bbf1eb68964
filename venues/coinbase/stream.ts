/**
 * Coinbase Advanced Trade `level2` over WebSocket: a JWT on each subscription, every message
 * carrying a per-connection `sequence_num`; `l2_data` events are a `snapshot` then `update`s whose
 * `new_quantity` is the absolute size at a level (0 removes it). A missed sequence number means
 * the books are unknown: the stream reports the gap and reconnects for fresh snapshots.
 */
import WebSocket from 'ws';
import { createEventQueue } from '../event-queue';
import { z } from 'zod';
import { emptyBook, setSize, type Book } from '../../domain/book';
import { decimalString } from '../../domain/money';
import { formatZodError } from '../../domain/validation';
import { buildCoinbaseJwt, type CoinbaseCredentials } from './auth';

const update = z.object({ side: z.enum(['bid', 'offer']), price_level: decimalString, new_quantity: decimalString });
const messageSchema = z.object({
  channel: z.string(),
  sequence_num: z.number().int().nonnegative(),
  events: z.array(z.object({ type: z.enum(['snapshot', 'update']), product_id: z.string(), updates: z.array(update) }).passthrough()).default([]),
});

const errorSchema = z.object({ type: z.literal('error'), message: z.string() });

export type CoinbaseBookEvent =
  | { type: 'book'; product: string; book: Book; from: 'snapshot' | 'update' }
  | { type: 'gap'; expected: number; got: number }
  | { type: 'invalid'; reason: string }
  | { type: 'error'; message: string };

/**
 * The message handling of the stream, without the socket: parse, validate, sequence-check and
 * apply one raw message. Sequence numbers are per connection, so a tracker lives as long as one.
 */
export function createCoinbaseBookTracker() {
  const books = new Map<string, Book>();
  let expected = 0;
  return {
    books,
    handle(data: string): CoinbaseBookEvent[] {
      let raw: unknown;
      try {
        raw = JSON.parse(data);
      } catch {
        return [{ type: 'invalid', reason: 'not JSON' }];
      }
      const error = errorSchema.safeParse(raw);
      if (error.success) return [{ type: 'error', message: error.data.message }];
      const parsed = messageSchema.safeParse(raw);
      if (!parsed.success) return [{ type: 'invalid', reason: formatZodError(parsed.error) }];
      const m = parsed.data;
      if (m.sequence_num !== expected) return [{ type: 'gap', expected, got: m.sequence_num }];
      expected += 1;
      if (m.channel !== 'l2_data') return [];
      const out: CoinbaseBookEvent[] = [];
      for (const event of m.events) {
        const book = event.type === 'snapshot' ? emptyBook() : books.get(event.product_id);
        if (!book) continue;
        for (const u of event.updates) setSize(book, u.side === 'bid' ? 'bid' : 'ask', u.price_level, u.new_quantity);
        books.set(event.product_id, book);
        out.push({ type: 'book', product: event.product_id, book, from: event.type });
      }
      return out;
    },
  };
}

export function coinbaseBookStream(opts: { wsUrl: string; credentials: CoinbaseCredentials; products: string[] }) {
  let ws: WebSocket | undefined;
  const events = createEventQueue<CoinbaseBookEvent>({ onClose: () => ws?.close() });
  const push = (e: CoinbaseBookEvent) => events.push(e);

  const connect = () => {
    const tracker = createCoinbaseBookTracker();
    const socket = new WebSocket(opts.wsUrl);
    ws = socket;
    socket.on('open', async () => {
      for (const channel of ['level2', 'heartbeats']) {
        socket.send(JSON.stringify({ type: 'subscribe', product_ids: opts.products, channel, jwt: await buildCoinbaseJwt(opts.credentials, null) }));
      }
    });
    socket.on('message', (data) => {
      for (const event of tracker.handle(data.toString())) {
        push(event);
        // Sequence numbers are per connection: a new one starts from snapshots.
        if (event.type === 'gap') socket.close();
      }
    });
    socket.on('close', () => {
      if (!events.closed) setTimeout(connect, 100).unref();
    });
    socket.on('error', () => undefined);
  };
  connect();

  return { events: () => events.events(), close: () => events.close() };
}
