/**
 * Polymarket's user channel (`/ws/user`, as `wss://ws-subscriptions-clob.polymarket.com/ws/user`):
 * our order and trade events as they happen. The client sends
 * `{auth: {apiKey, secret, passphrase}, markets: [...], type: "user"}` once per connection (no
 * markets: all of ours), then text `PING` about every 10 s (answered `PONG`).
 *
 * Yields the router's events (activities/user-stream-router.ts): a fill for each trade of ours
 * when it is MATCHED (venues/polymarket/trades.ts: our order named by its hash, no client order
 * id). Later statuses of the same trade (MINED, CONFIRMED, RETRYING, FAILED) are not new fills
 * and yield nothing: the router re-reads the order over REST on every fill, so a FAILED trade is
 * seen there (and by polling and reconciliation). `order` events are validated and need no
 * routing: the fills carry what changed. A malformed frame is an `invalid` event with its reason.
 * Reconnects with back-off after a drop; trades missed while disconnected are not replayed by the
 * venue, which is why intents also poll and the reconciler reads `GET /data/trades`.
 */
import { z } from 'zod';
import type { UserStreamEvent } from '../../activities/user-stream-router';
import { oversizedMessage } from '../../domain/book';
import { formatZodError } from '../../domain/validation';
import { createEventQueue } from '../event-queue';
import type { PolymarketApiCredentials } from './auth';
import { keepPolymarketChannel } from './channel';
import { ourFills, tradeCoreSchema } from './trades';

/** The last unix second a Date can hold (8.64e15 ms): a later time names no time (and `toISOString` would throw). */
const MAX_UNIX_SECONDS = 8_640_000_000_000;
const unixSeconds = z
  .string()
  .regex(/^\d+$/, 'must be unix seconds')
  .refine((s) => Number(s) <= MAX_UNIX_SECONDS, 'must be unix seconds a date can hold');
const tradeMessage = tradeCoreSchema.extend({
  event_type: z.literal('trade'),
  market: z.string(),
  matchtime: unixSeconds.optional(),
  timestamp: unixSeconds.optional(),
  last_update: unixSeconds.optional(),
});
const orderMessage = z.object({
  event_type: z.literal('order'),
  type: z.enum(['PLACEMENT', 'UPDATE', 'CANCELLATION']),
  id: z.string().min(1),
  asset_id: z.string().min(1),
  side: z.enum(['BUY', 'SELL']),
  original_size: z.string(),
  size_matched: z.string(),
  price: z.string(),
});
const message = z.discriminatedUnion('event_type', [tradeMessage, orderMessage]);
/** The status of a trade's first report; the later ones are its progress on chain. */
const FIRST_STATUS = 'MATCHED';

/** One raw frame → what it means for the router (pure: tested without a socket). */
export function parsePolymarketUserMessage(data: string, ownApiKey: string): UserStreamEvent[] {
  if (data === 'PONG') return [];
  const tooBig = oversizedMessage(data);
  if (tooBig) return [{ type: 'invalid', reason: tooBig }];
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return [{ type: 'invalid', reason: `not JSON: ${data.slice(0, 80)}` }];
  }
  // The venue sends one event per frame; arrays are accepted as a batch of events.
  const items = Array.isArray(raw) ? raw : [raw];
  const out: UserStreamEvent[] = [];
  for (const item of items) {
    const parsed = message.safeParse(item);
    if (!parsed.success) {
      out.push({ type: 'invalid', reason: formatZodError(parsed.error) });
      continue;
    }
    const m = parsed.data;
    if (m.event_type !== 'trade' || m.status.toUpperCase() !== FIRST_STATUS) continue;
    const time = m.matchtime ?? m.timestamp ?? m.last_update ?? String(Math.floor(Date.now() / 1000));
    try {
      for (const fill of ourFills(m, time, ownApiKey)) out.push({ type: 'fill', fill });
    } catch (err) {
      out.push({ type: 'invalid', reason: (err as Error).message });
    }
  }
  return out;
}

export interface PolymarketUserStreamOptions {
  /** e.g. ws://127.0.0.1:<port>/ws/user */
  wsUrl: string;
  credentials: PolymarketApiCredentials;
  /** Condition ids to hear about; empty or absent: every market of ours. */
  markets?: string[];
  /** Text `PING` interval; the venue expects one about every 10 s. */
  pingIntervalMs?: number;
  /** First reconnect delay; doubles per failed attempt up to 5 s, reset once a connection opens. */
  reconnectDelayMs?: number;
}

/** Opens the user channel and yields events until `close()`; reconnects after a drop. */
export function polymarketUserStream(opts: PolymarketUserStreamOptions) {
  const events = createEventQueue<UserStreamEvent>({ onClose: () => channel.stop() });
  const { key, secret, passphrase } = opts.credentials;
  const channel = keepPolymarketChannel({
    wsUrl: opts.wsUrl,
    subscription: JSON.stringify({ auth: { apiKey: key, secret, passphrase }, markets: opts.markets ?? [], type: 'user' }),
    pingIntervalMs: opts.pingIntervalMs,
    reconnectDelayMs: opts.reconnectDelayMs,
    connection: () => (text) => {
      for (const event of parsePolymarketUserMessage(text, key)) events.push(event);
    },
    onOpen: () => events.push({ type: 'connected' }),
    onDrop: (code, reason) => {
      // 1008: the venue refused the subscription (credentials); said once per refusal, then retried with back-off.
      if (code === 1008) events.push({ type: 'invalid', reason: `user channel refused the subscription: ${reason || 'policy violation'}` });
    },
  });
  return { events: () => events.events(), close: () => events.close() };
}
