/**
 * The Coinbase simulator's `user` channel: one order as Advanced Trade's WebSocket reports it
 * (`events: [{ type: "snapshot" | "update", orders: [...] }]`), and the `heartbeats` event.
 * Cumulative figures only (cumulative_quantity, leaves_quantity, avg_price, total_fees): a client
 * derives each fill as the increase since the last update it saw.
 */
import { dec, decStr } from '../../../domain/money';
import { leavesOf, type SimOrder } from './core';

export function userChannelOrder(o: SimOrder) {
  return {
    order_id: o.order_id,
    client_order_id: o.client_order_id,
    product_id: o.product_id,
    product_type: 'SPOT',
    order_side: o.side,
    order_type: 'Limit',
    status: o.status,
    limit_price: o.limit_price,
    cumulative_quantity: o.filled_size,
    leaves_quantity: decStr(leavesOf(o)),
    avg_price: o.average_filled_price,
    total_fees: o.total_fees,
    filled_value: o.filled_value,
    number_of_fills: o.number_of_fills,
    creation_time: o.created_time,
    time_in_force: 'limit_limit_gtc' in o.order_configuration ? 'GOOD_UNTIL_CANCELLED' : 'limit_limit_fok' in o.order_configuration ? 'FILL_OR_KILL' : 'IMMEDIATE_OR_CANCEL',
    cancel_reason: '',
    reject_Reason: '',
    total_value_after_fees: decStr(o.side === 'BUY' ? dec(o.filled_value).plus(dec(o.total_fees)) : dec(o.filled_value).minus(dec(o.total_fees))),
  };
}

export function heartbeatEvent(counter: number) {
  return { current_time: new Date().toISOString(), heartbeat_counter: counter };
}
