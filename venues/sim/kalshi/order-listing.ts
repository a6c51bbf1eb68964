/**
 * `GET /portfolio/orders` in the simulator, paged as Kalshi pages it: newest orders first, at most
 * `limit` a page (1–1000, 100 when absent), and an opaque `cursor` in each answer that fetches the
 * next page, empty once nothing remains. Filters: `ticker`, `status`, `min_ts`/`max_ts` (unix
 * seconds, inclusive, on the order's created time).
 *
 * The cursor is a keyset, not an offset: base64url of `orders:<n>`, where the next page holds the
 * matching orders among the first n ever created (creation order never changes). Orders created
 * while a client pages arrive above its position and an order that stops matching (a resting one
 * filled) drops out, so paging never skips a matching order, as an offset would.
 *
 * `pageCap` (the sim's `ordersPageLimit` option) caps a page below the asked `limit`, as a venue
 * may: tests use it to make many pages out of a few orders, since our adapter always asks for 1000.
 */
import { z } from 'zod';
import { formatZodError } from '../../../domain/validation';
import type { KalshiSimOrder } from './server';

/** Kalshi's largest `limit` for this listing, and its default. */
export const KALSHI_ORDERS_MAX_LIMIT = 1000;
const KALSHI_ORDERS_DEFAULT_LIMIT = 100;

const CURSOR_PREFIX = 'orders:';

const wholeNumber = z.string().regex(/^\d+$/, 'must be a whole number');
const unixSeconds = wholeNumber.transform(Number);

const listOrdersQuery = z.object({
  ticker: z.string().optional(),
  status: z.enum(['resting', 'canceled', 'executed', 'pending']).optional(),
  limit: wholeNumber.transform(Number).pipe(z.number().int().min(1).max(KALSHI_ORDERS_MAX_LIMIT)).optional(),
  cursor: z.string().optional(),
  min_ts: unixSeconds.optional(),
  max_ts: unixSeconds.optional(),
});

const encodeOrdersCursor = (before: number): string => Buffer.from(`${CURSOR_PREFIX}${before}`).toString('base64url');

/** The position a cursor stands for, or undefined when it is not one of ours (or points past the orders). */
function decodeOrdersCursor(cursor: string, total: number): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const m = /^orders:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) return undefined;
  const before = Number(m[1]);
  return before <= total ? before : undefined;
}

export type OrdersPage = { ok: true; orders: KalshiSimOrder[]; cursor: string } | { ok: false; reason: string };

/** One page of `orders` (every order, oldest first, as created) under the request's query. */
export function listOrdersPage(orders: readonly KalshiSimOrder[], params: URLSearchParams, pageCap: number): OrdersPage {
  // An empty parameter is an absent one (Kalshi's clients send `cursor=` for the first page).
  const parsed = listOrdersQuery.safeParse(Object.fromEntries([...params].filter(([, v]) => v !== '')));
  if (!parsed.success) return { ok: false, reason: formatZodError(parsed.error) };
  const q = parsed.data;
  let before = orders.length;
  if (q.cursor !== undefined) {
    const at = decodeOrdersCursor(q.cursor, orders.length);
    if (at === undefined) return { ok: false, reason: 'cursor: not a cursor from this listing' };
    before = at;
  }
  const limit = Math.min(q.limit ?? KALSHI_ORDERS_DEFAULT_LIMIT, pageCap);
  const matches = (o: KalshiSimOrder) => {
    if (q.ticker && o.ticker !== q.ticker) return false;
    if (q.status && o.status !== q.status) return false;
    const created = Math.floor(Date.parse(o.created_time) / 1000);
    return (q.min_ts === undefined || created >= q.min_ts) && (q.max_ts === undefined || created <= q.max_ts);
  };
  const page: KalshiSimOrder[] = [];
  let i = before - 1;
  for (; i >= 0 && page.length < limit; i--) if (matches(orders[i]!)) page.push(orders[i]!);
  // A cursor only when a matching order remains below this page (the last page ends with "").
  let more = false;
  for (let j = i; j >= 0 && !more; j--) more = matches(orders[j]!);
  return { ok: true, orders: page, cursor: more ? encodeOrdersCursor(i + 1) : '' };
}
