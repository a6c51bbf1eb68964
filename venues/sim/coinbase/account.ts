/**
 * The Coinbase simulator's account endpoints, with Advanced Trade's field names: the order listing
 * (`GET /orders/historical/batch`, filters and cursor pages), fills (`GET /orders/historical/fills`,
 * cursor pages), accounts with holds (`GET /accounts`), product metadata (`GET /products/{id}`) and
 * order edits (`POST /orders/edit`). The admin side adds drift injection (`POST /_sim/balance`)
 * and other traders' trades (`POST /_sim/trade`, other-traders.ts).
 *
 * Cursors here are positions (the index of the next item), opaque to clients as Coinbase's are.
 * Unlike Coinbase, the fills cursor is also handed back on the last page, so a client can ask
 * "what is new since" with it (the reconciler does); Coinbase ends a listing with an empty cursor.
 */
import { z } from 'zod';
import { dec, decimalString, decStr, positiveDecimalString, ZERO, type Dec } from '../../../domain/money';
import { formatZodError } from '../../../domain/validation';
import { leavesOf, TAKER_FEE, type CoinbaseSimCore, type SimOrder } from './core';
import { coinbaseOrderWire } from './order-wire';
import { externalTradeSchema, runExternalTrade } from './other-traders';

const API = '/api/v3/brokerage';
const MAX_PAGE = 1000;

export type Handled = { status: number; body: unknown } | undefined;

/** Product metadata: the same increments and limits as Coinbase's BTC-USD, for every listed product. */
const PRODUCT_DEFAULTS = { base_increment: '0.00000001', quote_increment: '0.01', base_min_size: '0.00000001', base_max_size: '3400', quote_min_size: '1', quote_max_size: '150000000' };

/** The SDKs send camelCase; Coinbase (and this simulator) accept both spellings of the edit fields. */
const editSchema = z.preprocess(
  (v) => (v && typeof v === 'object' && 'orderId' in v && !('order_id' in v) ? { ...v, order_id: (v as { orderId: unknown }).orderId } : v),
  z.object({ order_id: z.string().min(1), price: positiveDecimalString, size: positiveDecimalString }),
);
/** Drift injection: our balance in one currency moves with no fill to explain it (a fee, a transfer, a venue error). */
const balanceDeltaSchema = z.object({ currency: z.string().min(1), delta: decimalString });

function page<T>(items: T[], url: URL): { items: T[]; next: number } {
  const from = Number(url.searchParams.get('cursor') || '0');
  const limit = Math.min(Number(url.searchParams.get('limit') || String(MAX_PAGE)), MAX_PAGE);
  if (!Number.isInteger(from) || from < 0 || !Number.isInteger(limit) || limit <= 0) return { items: [], next: -1 };
  const slice = items.slice(from, from + limit);
  return { items: slice, next: from + slice.length };
}

/** What an open order of ours holds: the quote it may spend (with the taker fee) to buy, the base it may sell. */
function holds(orders: Iterable<SimOrder>): Map<string, Dec> {
  const out = new Map<string, Dec>();
  for (const o of orders) {
    const leaves = leavesOf(o);
    if (leaves.isZero()) continue;
    const [base, quote] = o.product_id.split('-') as [string, string];
    const [currency, amount] = o.side === 'BUY' ? [quote, leaves.times(dec(o.limit_price)).times(TAKER_FEE.plus(1))] : [base, leaves];
    out.set(currency, (out.get(currency) ?? ZERO).plus(amount));
  }
  return out;
}

const invalid = (message: string): Handled => ({ status: 400, body: { error: 'INVALID_ARGUMENT', message } });

/** The venue (JWT-authenticated) routes this module serves; undefined when the route is not one of them. */
export function handleAccountRoute(core: CoinbaseSimCore, method: string, url: URL, raw: string): Handled {
  const endpoint = `${method} ${url.pathname}`;
  if (endpoint === `GET ${API}/orders/historical/batch`) {
    const ids = url.searchParams.getAll('order_ids');
    const products = url.searchParams.getAll('product_ids');
    const statuses = url.searchParams.getAll('order_status');
    const matching = [...core.orders.values()].filter(
      (o) => (!ids.length || ids.includes(o.order_id)) && (!products.length || products.includes(o.product_id)) && (!statuses.length || statuses.includes(o.status)),
    );
    const { items, next } = page(matching, url);
    if (next < 0) return invalid('cursor and limit must be whole numbers');
    const hasNext = next < matching.length;
    return { status: 200, body: { orders: items.map(coinbaseOrderWire), sequence: '0', has_next: hasNext, cursor: hasNext ? String(next) : '' } };
  }
  if (endpoint === `GET ${API}/orders/historical/fills`) {
    const ids = [...url.searchParams.getAll('order_ids'), ...url.searchParams.getAll('order_id')];
    const products = url.searchParams.getAll('product_ids');
    const from = Number(url.searchParams.get('cursor') || '0');
    const limit = Math.min(Number(url.searchParams.get('limit') || '100'), MAX_PAGE);
    if (!Number.isInteger(from) || from < 0 || !Number.isInteger(limit) || limit <= 0) return invalid('cursor and limit must be whole numbers');
    const out = [];
    let at = from;
    for (; at < core.fills.length && out.length < limit; at++) {
      const f = core.fills[at]!;
      if ((ids.length && !ids.includes(f.order_id)) || (products.length && !products.includes(f.product_id))) continue;
      out.push({ entry_id: `${at}`, ...f, trade_type: 'FILL', sequence_timestamp: f.trade_time, size_in_quote: false, user_id: 'sim-user' });
    }
    return { status: 200, body: { fills: out, cursor: String(at) } };
  }
  if (endpoint === `GET ${API}/accounts`) {
    const held = holds(core.orders.values());
    const accounts = [...core.balances.entries()].map(([currency, total]) => {
      const hold = held.get(currency) ?? ZERO;
      return { uuid: `acct-${currency}`, name: `${currency} Wallet`, currency, available_balance: { value: decStr(total.minus(hold)), currency }, default: true, active: true, type: 'ACCOUNT_TYPE_CRYPTO', ready: true, hold: { value: decStr(hold), currency } };
    });
    const { items, next } = page(accounts, url);
    if (next < 0) return invalid('cursor and limit must be whole numbers');
    const hasNext = next < accounts.length;
    return { status: 200, body: { accounts: items, has_next: hasNext, cursor: hasNext ? String(next) : '', size: items.length } };
  }
  const product = new RegExp(`^${API}/products/([^/]+)$`).exec(url.pathname);
  if (method === 'GET' && product) {
    const id = decodeURIComponent(product[1]!);
    const book = core.books.get(id);
    if (!book) return { status: 404, body: { error: 'NOT_FOUND', message: `product ${id} not found` } };
    const [base, quote] = id.split('-') as [string, string];
    const { BUY: bids, SELL: asks } = book.levels();
    const touch = bids[0]?.price ?? asks[0]?.price;
    // Listing flags and display symbols the SDK's Product requires; names and 24 h statistics are not simulated.
    const listing = { is_disabled: false, auction_mode: false, watched: false, new: false, base_display_symbol: base, quote_display_symbol: quote };
    return { status: 200, body: { product_id: id, price: touch ? decStr(touch) : '', ...PRODUCT_DEFAULTS, base_currency_id: base, quote_currency_id: quote, status: 'online', trading_disabled: false, cancel_only: false, limit_only: false, post_only: false, product_type: 'SPOT', ...listing } };
  }
  if (endpoint === `POST ${API}/orders/edit`) return editOrder(core, raw);
  return undefined;
}

const editRefused = (reason: string): Handled => ({ status: 200, body: { success: false, errors: [{ edit_failure_reason: reason, preview_failure_reason: 'UNKNOWN_PREVIEW_FAILURE_REASON' }] } });

/**
 * `POST /orders/edit`: a new price and size (the total, filled part included) for an open GTC limit
 * order, in place: the same order id, one order in the venue's log. Raising the size or moving the
 * price takes the order out of the book and runs it again, as a new order would (a new price that
 * crosses trades at once, as a taker; the rest joins the back of its level's queue); a smaller size
 * at the same price shrinks it where it stands, keeping its place.
 */
function editOrder(core: CoinbaseSimCore, raw: string): Handled {
  const parsed = editSchema.safeParse(JSON.parse(raw || '{}'));
  if (!parsed.success) return invalid(formatZodError(parsed.error));
  const { order_id, price, size } = parsed.data;
  const o = core.orders.get(order_id);
  if (!o) return editRefused('ORDER_NOT_FOUND');
  const cfg = o.order_configuration.limit_limit_gtc as { base_size: string; limit_price: string; post_only?: boolean } | undefined;
  if (!cfg) return editRefused('ONLY_LIMIT_ORDER_EDITS_SUPPORTED');
  if (o.status !== 'OPEN') return editRefused('ONLY_OPEN_ORDERS_CAN_BE_EDITED');
  if (dec(size).lte(dec(o.filled_size))) return editRefused('CANNOT_EDIT_TO_BELOW_FILLED_SIZE');
  const losesPriority = !dec(price).eq(dec(o.limit_price)) || dec(size).gt(dec(o.base_size));
  const book = core.bookFor(o.product_id);
  const before = book.levels();
  if (losesPriority) book.cancel(o.order_id);
  o.limit_price = decStr(dec(price));
  o.base_size = decStr(dec(size));
  o.order_configuration = { limit_limit_gtc: { ...cfg, base_size: o.base_size, limit_price: o.limit_price } };
  o.edit_history.push({ price: o.limit_price, size: o.base_size, replace_accept_timestamp: new Date().toISOString() });
  if (losesPriority) core.execute(o, false, false);
  else book.reduce(o.order_id, leavesOf(o));
  core.publishChanges(o.product_id, before);
  core.orderChanged(o);
  return { status: 200, body: { success: true, errors: [] } };
}

/** The admin routes this module serves (no auth, like the rest of `/_sim`). */
export function handleAccountAdmin(core: CoinbaseSimCore, method: string, url: URL, raw: string): Handled {
  if (url.pathname === '/_sim/balance' && method === 'POST') {
    const parsed = balanceDeltaSchema.safeParse(JSON.parse(raw || '{}'));
    if (!parsed.success) return { status: 400, body: { error: 'INVALID_BALANCE', message: formatZodError(parsed.error) } };
    const { currency, delta } = parsed.data;
    const total = (core.balances.get(currency) ?? ZERO).plus(dec(delta));
    core.balances.set(currency, total);
    return { status: 200, body: { currency, balance: decStr(total) } };
  }
  if (url.pathname === '/_sim/trade' && method === 'POST') {
    const parsed = externalTradeSchema.safeParse(JSON.parse(raw || '{}'));
    if (!parsed.success) return { status: 400, body: { error: 'INVALID_TRADE', message: formatZodError(parsed.error) } };
    const result = runExternalTrade(core, parsed.data);
    return result ? { status: 200, body: result } : { status: 404, body: { error: 'NOT_FOUND', message: `no product ${parsed.data.product_id}` } };
  }
  return undefined;
}
