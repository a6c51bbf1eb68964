/**
 * Coinbase's private user stream: the `user` channel on the Advanced Trade WebSocket (a JWT in the
 * subscription, as for level2), with `heartbeats` to keep it alive. Coinbase reports orders with
 * cumulative figures (cumulative_quantity, avg_price or filled_value, total_fees), not fills: a
 * fill here is the increase of an order's cumulative quantity since the last report we saw, so a
 * duplicated or replayed report (a snapshot after a reconnect) never yields a fill twice. Every
 * message is validated with zod; a bad one is reported with its reason and applied not at all.
 * A report that contradicts its order's earlier one (more quantity for no more value, or lower
 * total fees) is refused the same way, and the order's figures stay as they were.
 *
 * A gap in `sequence_num` (a message we never got) or a silent connection reconnects: the new
 * connection's snapshot brings every open order's cumulative truth, so what was missed on an order
 * still open arrives then. An order that finished while we were away is found by the intent's own
 * polling and by the reconciler (`GET /orders/historical/fills`).
 */
import WebSocket from 'ws';
import { z } from 'zod';
import { oversizedMessage } from '../../domain/book';
import { dec, decStr, nonNegativeDecimalString, type Dec } from '../../domain/money';
import type { Fill } from '../../domain/order';
import { formatZodError } from '../../domain/validation';
import { createEventQueue } from '../event-queue';
import { buildCoinbaseJwt, type CoinbaseCredentials } from './auth';

const envelopeSchema = z.object({ channel: z.string(), sequence_num: z.number().int().nonnegative(), timestamp: z.string().optional(), events: z.array(z.unknown()).default([]) });
const errorSchema = z.object({ type: z.literal('error'), message: z.string() });
// 0 or more: a negative cumulative figure would turn the next genuine report into an inflated fill.
const amount = nonNegativeDecimalString;
const userOrderSchema = z.object({
  order_id: z.string().min(1),
  client_order_id: z.string(),
  product_id: z.string().min(1),
  order_side: z.enum(['BUY', 'SELL']),
  status: z.string().min(1),
  // Never negative: a negative cumulative figure remembered for an order would inflate its next fill.
  cumulative_quantity: amount,
  leaves_quantity: amount,
  avg_price: amount,
  total_fees: amount.default('0'),
  /** What the fills traded for; when absent, cumulative_quantity × avg_price. */
  filled_value: amount.optional(),
});
const userEventsSchema = z.array(z.object({ type: z.enum(['snapshot', 'update']), orders: z.array(userOrderSchema) }));

/** What the stream yields: the user-stream router's `UserStreamEvent` (venues do not import activities). */
export type CoinbaseUserEvent = { type: 'connected' } | { type: 'fill'; fill: Fill } | { type: 'invalid'; reason: string };

/** How many orders' cumulative figures are remembered (oldest forgotten first). */
const TRACKED_ORDERS = 10_000;

interface Seen {
  quantity: Dec;
  value: Dec;
  fees: Dec;
}

export type CoinbaseUserParse = { events: CoinbaseUserEvent[]; gap?: { expected: number; got: number } };

/**
 * The stream's reading of raw frames. `tracked` (per order: what has been reported as filled) is
 * kept across connections; `resetConnection` restarts the per-connection sequence.
 */
export function createCoinbaseUserParser() {
  const tracked = new Map<string, Seen>();
  let expected = 0;

  /** The fill a report adds, nothing (undefined), or why the report is refused (it then changes nothing). */
  const fillOf = (o: z.infer<typeof userOrderSchema>, at: string): Fill | { refused: string } | undefined => {
    const quantity = dec(o.cumulative_quantity);
    const value = o.filled_value !== undefined ? dec(o.filled_value) : quantity.times(dec(o.avg_price));
    const fees = dec(o.total_fees);
    const seen = tracked.get(o.order_id);
    if (seen && quantity.lte(seen.quantity)) return undefined; // nothing new (a duplicate, or an older report)
    const increment = quantity.minus(seen?.quantity ?? 0);
    if (increment.gt(0)) {
      // More filled must have cost more, and fees only accrue: a report saying otherwise would
      // price this fill at zero or less, or (remembered) inflate the next fill's fee.
      const order = `order ${o.order_id.slice(0, 256)}`;
      if (!value.gt(seen?.value ?? 0)) return { refused: `${order}: filled_value ${decStr(value)} at cumulative_quantity ${decStr(quantity)} is not more than the ${decStr(seen?.value ?? dec('0'))} reported before: refused` };
      if (seen && fees.lt(seen.fees)) return { refused: `${order}: total_fees ${decStr(fees)} below the ${decStr(seen.fees)} reported before: refused` };
    }
    tracked.delete(o.order_id); // re-insert: most recently seen last
    tracked.set(o.order_id, { quantity, value, fees });
    if (tracked.size > TRACKED_ORDERS) tracked.delete(tracked.keys().next().value!);
    if (increment.lte(0)) return undefined;
    const fee = fees.minus(seen?.fees ?? 0);
    return {
      venue: 'coinbase',
      // The cumulative quantity names the increment: the same report always gives the same id.
      venueTradeId: `${o.order_id}:${decStr(quantity)}`,
      venueOrderId: o.order_id,
      ...(o.client_order_id ? { clientOrderId: o.client_order_id } : {}),
      market: o.product_id,
      action: o.order_side === 'BUY' ? 'buy' : 'sell',
      price: decStr(value.minus(seen?.value ?? 0).div(increment)),
      quantity: decStr(increment),
      fee: decStr(fee.gt(0) ? fee : dec('0')),
      at,
    };
  };

  return {
    resetConnection() {
      expected = 0;
    },
    parse(data: string): CoinbaseUserParse {
      const tooBig = oversizedMessage(data);
      if (tooBig) return { events: [{ type: 'invalid', reason: tooBig }] };
      let raw: unknown;
      try {
        raw = JSON.parse(data);
      } catch {
        return { events: [{ type: 'invalid', reason: 'not JSON' }] };
      }
      const error = errorSchema.safeParse(raw);
      if (error.success) return { events: [{ type: 'invalid', reason: `venue error: ${error.data.message.slice(0, 200)}` }] };
      const envelope = envelopeSchema.safeParse(raw);
      if (!envelope.success) return { events: [{ type: 'invalid', reason: formatZodError(envelope.error) }] };
      const m = envelope.data;
      if (m.sequence_num < expected) return { events: [{ type: 'invalid', reason: `duplicate or out-of-order sequence_num ${m.sequence_num}, expected ${expected}: ignored` }] };
      if (m.sequence_num > expected) {
        const gap = { expected, got: m.sequence_num };
        expected = m.sequence_num + 1;
        return { events: [], gap };
      }
      if (m.channel !== 'user') {
        expected += 1; // heartbeats, subscriptions: only their sequence matters here
        return { events: [] };
      }
      expected += 1; // received, whatever its events hold: a bad message is not a gap
      const events = userEventsSchema.safeParse(m.events);
      if (!events.success) return { events: [{ type: 'invalid', reason: formatZodError(events.error).replace(/^/gm, 'events.') }] };
      const at = m.timestamp && !Number.isNaN(Date.parse(m.timestamp)) ? new Date(m.timestamp).toISOString() : new Date().toISOString();
      const out: CoinbaseUserEvent[] = [];
      for (const event of events.data) {
        for (const o of event.orders) {
          const fill = fillOf(o, at);
          if (fill && 'refused' in fill) out.push({ type: 'invalid', reason: fill.refused });
          else if (fill) out.push({ type: 'fill', fill });
        }
      }
      return { events: out };
    },
  };
}

export interface CoinbaseUserStreamOptions {
  wsUrl: string;
  credentials: CoinbaseCredentials;
  /** Products to follow; all when empty or absent. */
  products?: string[];
  reconnectMs?: number;
  /** No message (heartbeats arrive every second) for this long: the connection is dead, reconnect. */
  staleMs?: number;
}

/** Opens the user channel and yields fills until `close()`; reconnects after a drop, a gap or silence. */
export function coinbaseUserStream(opts: CoinbaseUserStreamOptions) {
  let ws: WebSocket | undefined;
  let stale: NodeJS.Timeout | undefined;
  const parser = createCoinbaseUserParser();
  const events = createEventQueue<CoinbaseUserEvent>({
    onClose: () => {
      clearTimeout(stale);
      ws?.close();
    },
  });
  const watch = (socket: WebSocket) => {
    clearTimeout(stale);
    stale = setTimeout(() => socket.terminate(), opts.staleMs ?? 10_000).unref();
  };
  const connect = () => {
    const socket = new WebSocket(opts.wsUrl);
    ws = socket;
    parser.resetConnection();
    socket.on('open', () => {
      void (async () => {
        for (const channel of ['user', 'heartbeats']) {
          socket.send(JSON.stringify({ type: 'subscribe', channel, product_ids: opts.products ?? [], jwt: await buildCoinbaseJwt(opts.credentials, null) }));
        }
        watch(socket);
        events.push({ type: 'connected' });
      })().catch(() => socket.terminate());
    });
    socket.on('message', (data) => {
      watch(socket);
      const { events: parsed, gap } = parser.parse(data.toString());
      for (const event of parsed) events.push(event);
      // A missed message: the next connection's snapshot brings the open orders' truth.
      if (gap) socket.terminate();
    });
    socket.on('close', () => {
      if (!events.closed) setTimeout(connect, opts.reconnectMs ?? 250).unref();
    });
    socket.on('error', () => undefined);
  };
  connect();
  return { events: () => events.events(), close: () => events.close() };
}
