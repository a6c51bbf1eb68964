/**
 * Kalshi's amend in the simulator: `POST /portfolio/orders/{order_id}/amend` changes the price
 * and/or the max fillable count of a resting order in place (the same order id, one order in the
 * venue's log). As Kalshi documents, `count` is the new total: already filled plus what should
 * rest. Queue position is kept only when the amendment decreases the size at the same price; a
 * price change or a size increase sends the order to the back of the queue at its (new) level. A
 * new price that crosses the book trades at once, as any order would. Response: `{old_order, order}`.
 */
import { z } from 'zod';
import { formatZodError } from '../../../domain/validation';
import type { KalshiSimOrder } from './server';

const cents = z.number().int().min(1).max(99);
/** Kalshi's newer dollar fields ("0.4300"): whole cents only on these markets. */
const dollars = z.string().regex(/^0\.\d{2}(0{0,4})$/, 'must be a dollar price in whole cents, e.g. "0.4300"');

export const amendSchema = z.object({
  ticker: z.string().min(1),
  side: z.enum(['yes', 'no']),
  action: z.enum(['buy', 'sell']),
  client_order_id: z.string().min(1).max(128).optional(),
  updated_client_order_id: z.string().min(1).max(128).optional(),
  yes_price: cents.optional(),
  no_price: cents.optional(),
  yes_price_dollars: dollars.optional(),
  no_price_dollars: dollars.optional(),
  count: z.number().int().positive(),
});

interface QueueLevel {
  price: number;
  count: number;
  queue: { orderId?: string; remaining: number }[];
}

export interface KalshiAmendDeps {
  orders: Map<string, KalshiSimOrder>;
  byClientId: Map<string, KalshiSimOrder>;
  books: Map<string, { yes: QueueLevel[]; no: QueueLevel[] }>;
  /** Where the order rests: Kalshi's book holds YES bids and NO bids only. */
  bookSideOf(o: KalshiSimOrder): { side: 'yes' | 'no'; price: number };
  emitDelta(ticker: string, side: 'yes' | 'no', price: number, delta: number): void;
  /** Matches what the order has left against the book, then rests the rest at the back of its level. */
  execute(o: KalshiSimOrder, ioc: boolean, fok: boolean): void;
}

type Reply = { status: number; body: unknown };
const refuse = (status: number, code: string, message: string): Reply => ({ status, body: { error: { code, message } } });
const toCents = (d: string) => Number.parseInt(d.slice(2, 4), 10);

export function amendKalshiOrder(deps: KalshiAmendDeps, orderId: string, raw: string): Reply {
  const parsed = amendSchema.safeParse(JSON.parse(raw || '{}'));
  if (!parsed.success) return refuse(400, 'invalid_parameters', formatZodError(parsed.error));
  const b = parsed.data;
  const o = deps.orders.get(orderId);
  if (!o) return refuse(404, 'not_found', 'order not found');
  if (b.ticker !== o.ticker || b.side !== o.side || b.action !== o.action) return refuse(400, 'invalid_parameters', 'ticker, side and action must be those of the order');
  if (b.client_order_id !== undefined && b.client_order_id !== o.client_order_id) return refuse(400, 'invalid_parameters', 'client_order_id is not the order’s');
  if (o.status !== 'resting') return refuse(400, 'invalid_order', `order is ${o.status}: only a resting order can be amended`);
  if (b.count <= o.fill_count) return refuse(400, 'invalid_parameters', `count ${b.count} must exceed the ${o.fill_count} already filled`);
  const newClientId = b.updated_client_order_id ?? o.client_order_id;
  if (newClientId !== o.client_order_id && deps.byClientId.has(newClientId)) return refuse(409, 'order_already_exists', 'an order with this client_order_id already exists');

  // Kalshi stores the YES price; a NO price p is a YES price of 100 − p. No price given: unchanged.
  const newYes = b.yes_price ?? (b.no_price !== undefined ? 100 - b.no_price : b.yes_price_dollars ? toCents(b.yes_price_dollars) : b.no_price_dollars ? 100 - toCents(b.no_price_dollars) : o.yes_price);
  const newRemaining = b.count - o.fill_count;
  const old = { ...o };
  const losesPlace = newYes !== o.yes_price || newRemaining > o.remaining_count;

  const { side, price } = deps.bookSideOf(o);
  const book = deps.books.get(o.ticker);
  const level = book?.[side].find((l) => l.price === price);
  const entry = level?.queue.find((e) => e.orderId === o.order_id);
  if (!book || !level || !entry) return refuse(500, 'internal_server_error', 'resting order missing from the book');

  if (!losesPlace) {
    // A smaller size at the same price keeps the order's place.
    const by = o.remaining_count - newRemaining;
    entry.remaining -= by;
    level.count -= by;
    o.remaining_count = newRemaining;
    o.initial_count = b.count;
    deps.emitDelta(o.ticker, side, price, -by);
  } else {
    level.queue = level.queue.filter((e) => e !== entry);
    level.count -= entry.remaining;
    book[side] = book[side].filter((l) => l.count > 0);
    deps.emitDelta(o.ticker, side, price, -entry.remaining);
    o.yes_price = newYes;
    o.no_price = 100 - newYes;
    o.remaining_count = newRemaining;
    o.initial_count = b.count;
    deps.execute(o, false, false);
  }
  if (newClientId !== o.client_order_id) {
    deps.byClientId.delete(o.client_order_id);
    o.client_order_id = newClientId;
    deps.byClientId.set(newClientId, o);
  }
  return { status: 200, body: { old_order: old, order: o } };
}
