/**
 * An order as Advanced Trade answers it (`GET /orders/historical/{id}` and `/batch`): the sim's
 * order plus the fields Coinbase's Order model requires that follow from it — the user, how much
 * of it is filled in percent, whether a cancel is pending (never: cancels act at once here),
 * whether sizes are in quote or include fees (never: the sim takes base sizes, fees on top), and
 * the value after fees (a buy pays the fees on top of what it bought, a sell receives less).
 * Computed exactly (decimal strings), never with floats.
 */
import { dec, decStr } from '../../../domain/money';
import type { SimOrder } from './core';

/** The sim's one account (Coinbase's `user_id` on orders and fills). */
export const SIM_USER_ID = 'sim-user';

const TIME_IN_FORCE: Record<string, string> = { limit_limit_gtc: 'GOOD_UNTIL_CANCELLED', limit_limit_fok: 'FILL_OR_KILL', sor_limit_ioc: 'IMMEDIATE_OR_CANCEL' };

export function coinbaseOrderWire(o: SimOrder) {
  const filled = dec(o.filled_size);
  const value = dec(o.filled_value);
  const fees = dec(o.total_fees);
  const kind = Object.keys(o.order_configuration)[0] ?? '';
  return {
    ...o,
    user_id: SIM_USER_ID,
    order_type: 'LIMIT',
    ...(TIME_IN_FORCE[kind] ? { time_in_force: TIME_IN_FORCE[kind] } : {}),
    completion_percentage: decStr(filled.div(dec(o.base_size)).times(100)),
    pending_cancel: false,
    size_in_quote: false,
    size_inclusive_of_fees: false,
    total_value_after_fees: decStr(o.side === 'BUY' ? value.plus(fees) : value.minus(fees)),
  };
}
