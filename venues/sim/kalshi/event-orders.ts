/**
 * Kalshi's current order endpoints in the simulator — the only create and cancel that
 * kalshi-typescript 3.30 (Kalshi's official client) calls:
 *
 * - `POST /portfolio/events/orders` (CreateOrderV2Request): `side` is the book side on the YES
 *   leg (`bid` = buy YES, `ask` = sell YES), `price` a dollar string, `count` a fixed-point count
 *   string, `time_in_force` required, `expiration_time` in seconds. Answer: CreateOrderV2Response.
 * - `DELETE /portfolio/events/orders/{order_id}`. Answer: CancelOrderV2Response.
 *
 * A request is translated to the legacy order body (the same YES price, side `yes`) and goes
 * through the legacy create path, so matching, fees, client_order_id uniqueness and the order log
 * are the same. Sim limits: whole cents (1–99 ¢) and whole contracts only — Kalshi accepts sub-cent
 * prices on some markets and counts in hundredths; such requests are refused with 400 naming the field.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { dec } from '../../../domain/money';
import { priceToKalshiCents, quantityToKalshiCount } from '../../../domain/units';
import { formatZodError } from '../../../domain/validation';
import type { KalshiSimOrder } from './server';
import { centsToDollars, countToFp } from './wire-fields';

const fixedPoint = (places: string) => z.string().regex(new RegExp(`^\\d+(\\.\\d{${places}})?$`), `must be a decimal string with ${places} decimal places`);

export const eventOrderSchema = z.object({
  ticker: z.string().min(1),
  client_order_id: z.string().min(1).max(128).optional(),
  side: z.enum(['bid', 'ask']),
  count: fixedPoint('0,2'),
  price: fixedPoint('2,4'),
  time_in_force: z.enum(['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel']),
  expiration_time: z.number().int().positive().optional(),
  post_only: z.boolean().optional(),
  self_trade_prevention_type: z.enum(['taker_at_cross', 'maker']).optional(),
  cancel_order_on_pause: z.boolean().optional(),
  reduce_only: z.boolean().optional(),
  subaccount: z.number().int().min(0).max(63).optional(),
  order_group_id: z.string().optional(),
  exchange_index: z.number().int().optional(),
});

/** The legacy create body (venues/sim/kalshi/server.ts `createSchema`) an event order stands for. */
export interface LegacyOrderBody {
  ticker: string;
  client_order_id: string;
  side: 'yes';
  action: 'buy' | 'sell';
  count: number;
  yes_price: number;
  time_in_force: 'fill_or_kill' | 'good_till_canceled' | 'immediate_or_cancel';
  expiration_ts?: number;
}

export type EventOrderTranslation = { ok: true; body: LegacyOrderBody } | { ok: false; reason: string };

/** Parses a CreateOrderV2Request and translates it; a refusal names the field. */
export function legacyOrderOf(raw: string): EventOrderTranslation {
  const parsed = eventOrderSchema.safeParse(JSON.parse(raw || '{}'));
  if (!parsed.success) return { ok: false, reason: formatZodError(parsed.error) };
  const b = parsed.data;
  if (b.time_in_force === 'immediate_or_cancel' && b.expiration_time !== undefined) return { ok: false, reason: 'expiration_time: cannot be combined with immediate_or_cancel' };
  let yesPrice: number;
  let count: number;
  try {
    yesPrice = priceToKalshiCents(b.price);
  } catch (err) {
    return { ok: false, reason: `price: ${(err as Error).message} (the simulator's markets tick in whole cents)` };
  }
  try {
    count = quantityToKalshiCount(b.count);
  } catch (err) {
    return { ok: false, reason: `count: ${(err as Error).message} (the simulator trades whole contracts)` };
  }
  if (dec(b.count).lte(0)) return { ok: false, reason: 'count: must be greater than 0' };
  return {
    ok: true,
    body: {
      ticker: b.ticker,
      // Optional in the current API; the legacy order always has one.
      client_order_id: b.client_order_id ?? randomUUID(),
      side: 'yes',
      action: b.side === 'bid' ? 'buy' : 'sell',
      count,
      yes_price: yesPrice,
      time_in_force: b.time_in_force,
      ...(b.expiration_time !== undefined ? { expiration_ts: b.expiration_time } : {}),
    },
  };
}

/** CreateOrderV2Response: what was filled at once, the average price (YES leg, dollars) and fee per contract. */
export function eventOrderCreated(o: KalshiSimOrder, now: Date) {
  const filled = dec(String(o.fill_count));
  // taker_fill_cost is what the fills cost on the order's own side (the YES leg here): cents in total.
  const average = (cents: number) => (filled.isZero() ? centsToDollars(0) : dec(String(cents)).div(100).div(filled).toFixed(6));
  return {
    order_id: o.order_id,
    client_order_id: o.client_order_id,
    fill_count: countToFp(o.fill_count),
    remaining_count: countToFp(o.status === 'resting' ? o.remaining_count : 0),
    average_fill_price: average(o.taker_fill_cost),
    average_fee_paid: average(o.taker_fees),
    ts_ms: now.getTime(),
  };
}

/** CancelOrderV2Response: how many contracts the cancel took off the book. */
export function eventOrderCanceled(o: KalshiSimOrder, reducedBy: number, now: Date) {
  return { order_id: o.order_id, client_order_id: o.client_order_id, reduced_by: countToFp(reducedBy), ts_ms: now.getTime() };
}
