/**
 * Kalshi's private user stream: the `fill` channel on `/trade-api/ws/v2` (signed upgrade), every
 * fill of our orders as it happens, validated with zod and mapped onto our Fill model. Reconnects
 * on its own; fills missed while disconnected are not replayed by the venue, which is why the
 * intent workflow keeps polling as its fallback and the reconciler reads `GET /portfolio/fills`.
 */
import WebSocket from 'ws';
import { z } from 'zod';
import { oversizedMessage } from '../../domain/book';
import { dec, decStr } from '../../domain/money';
import type { Fill } from '../../domain/order';
import { formatZodError } from '../../domain/validation';
import { createEventQueue } from '../event-queue';
import { kalshiHeaders, type KalshiCredentials } from './auth';

/** The last unix second a Date can hold (8.64e15 ms): a later `ts` names no time (and `toISOString` would throw). */
const MAX_UNIX_SECONDS = 8_640_000_000_000;

const fillMessage = z.object({
  type: z.literal('fill'),
  sid: z.number().int().nonnegative(),
  seq: z.number().int().optional(),
  msg: z.object({
    trade_id: z.string().min(1),
    order_id: z.string().min(1),
    client_order_id: z.string().optional(),
    market_ticker: z.string().min(1),
    side: z.enum(['yes', 'no']),
    action: z.enum(['buy', 'sell']),
    count: z.number().int().positive(),
    yes_price: z.number().int().min(1).max(99),
    no_price: z.number().int().min(1).max(99).optional(),
    is_taker: z.boolean(),
    ts: z.number().int().nonnegative().max(MAX_UNIX_SECONDS).optional(),
    /** Becomes the fill's `at` as is: it must be what a Fill's `at` is. */
    created_time: z.iso.datetime({ offset: true }).optional(),
  }),
});
const controlMessage = z.object({ type: z.enum(['subscribed', 'error', 'ok']) }).passthrough();

export type KalshiUserEvent = { type: 'connected' } | { type: 'fill'; fill: Fill } | { type: 'invalid'; reason: string };

/** One raw frame of the private stream → what it means (pure: tested without a socket). */
export function parseKalshiUserMessage(data: string): KalshiUserEvent | undefined {
  const tooBig = oversizedMessage(data);
  if (tooBig) return { type: 'invalid', reason: tooBig };
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return { type: 'invalid', reason: 'not JSON' };
  }
  if (controlMessage.safeParse(raw).success) return undefined;
  const parsed = fillMessage.safeParse(raw);
  if (!parsed.success) return { type: 'invalid', reason: formatZodError(parsed.error) };
  const m = parsed.data.msg;
  const cents = m.side === 'yes' ? m.yes_price : (m.no_price ?? 100 - m.yes_price);
  return {
    type: 'fill',
    fill: {
      venue: 'kalshi',
      venueTradeId: m.trade_id,
      venueOrderId: m.order_id,
      ...(m.client_order_id ? { clientOrderId: m.client_order_id } : {}),
      market: m.market_ticker,
      outcome: m.side,
      action: m.action,
      price: decStr(dec(String(cents)).div(100)),
      quantity: String(m.count),
      // The fill message carries no fee; the order (REST) does, and the workflow reads it there.
      fee: '0',
      liquidity: m.is_taker ? 'taker' : 'maker',
      at: m.created_time ?? new Date((m.ts ?? Math.floor(Date.now() / 1000)) * 1000).toISOString(),
    },
  };
}

/** Opens the private stream and yields events until `close()`; reconnects after a drop. */
export function kalshiUserStream(opts: { wsUrl: string; credentials: KalshiCredentials; reconnectMs?: number }) {
  let ws: WebSocket | undefined;
  const events = createEventQueue<KalshiUserEvent>({ onClose: () => ws?.close() });
  const connect = () => {
    const path = new URL(opts.wsUrl).pathname;
    ws = new WebSocket(opts.wsUrl, { headers: kalshiHeaders(opts.credentials, { method: 'GET', path }) });
    ws.on('open', () => {
      ws?.send(JSON.stringify({ id: 1, cmd: 'subscribe', params: { channels: ['fill'] } }));
      events.push({ type: 'connected' });
    });
    ws.on('message', (data) => {
      const event = parseKalshiUserMessage(data.toString());
      if (event) events.push(event);
    });
    ws.on('close', () => {
      if (!events.closed) setTimeout(connect, opts.reconnectMs ?? 250).unref();
    });
    ws.on('error', () => undefined);
  };
  connect();
  return { events: () => events.events(), close: () => events.close() };
}
