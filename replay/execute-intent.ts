/**
 * One taken intent executed against the simulator, as a simplified synchronous mirror of the intent
 * workflow's legging (workflows/order-intent.ts), with the same pure pieces (domain/legging.ts):
 * leg A for its quantity; leg B for what A filled; what B left of A unwound on A's venue at
 * `unwindPrice` (one attempt: a replay instant has no later book to wait for); the same client
 * order ids (intent id, leg, attempt 1), so the simulator's order log names our orders as a paper
 * run's would.
 *
 * What it leaves out, on purpose: a replay instant has no future, so every order is sent
 * immediate-or-cancel at its limit (a GTC leg of the paper run would rest, be repriced and
 * cancelled over its window); there is no leg-B quote re-check (both legs see the same recorded
 * instant), no latency, no settlement wait. The calls are sequential, so the fills are a pure
 * function of the books and the orders.
 *
 * PnL, exactly as the paper run books it where it can be known from a recording:
 *   - `unwind`: the round trip of leg A's uncovered quantity (domain/settlement.ts `unwindPnl`);
 *   - `locked_pair`: a pair of complementary buys (YES + NO, one contract each) pays exactly 1 per
 *     pair whatever the result, so its PnL is known at the fill: settled with either result
 *     (`settleLeg`) it is the same. Across venues it is summed at par (USD and USDC), as the
 *     settlement workflow's total is, under the currency label `USD/USDC`.
 * A single leg held to resolution (BTC fair value) has no PnL here: the recording has no result.
 */
import { z } from 'zod';
import { SETTLEMENT_ASSET } from '../domain/capital';
import { intentIdFor, parseIntent, type Intent, type IntentInput, type Leg } from '../domain/intent';
import { aggregateFills, exposedQuantity, legOrderRequest, unwindLeg, unwindPrice, type OrderRole } from '../domain/legging';
import { dec, decimalString, decStr, ZERO } from '../domain/money';
import type { OrderRequest, OrderSnapshot } from '../domain/order';
import { settleLeg, unwindPnl } from '../domain/settlement';
import { actionSchema, outcomeSchema, venueSchema } from '../domain/venue';
import { VenueError } from '../domain/venue-errors';
import type { ExecutionVenues } from '../venues/execution';
import type { PnlRow } from '../reports/paper-report';

/** One order a replay sent, with what it got: a line of fills.jsonl. Only deterministic fields (no venue ids, no wall clock). */
export const replayOrderSchema = z.object({
  /** The scan instant (ISO) the order was sent at. */
  at: z.iso.datetime(),
  intentId: z.string().min(1),
  opportunityId: z.string().min(1),
  strategy: z.string().min(1),
  legId: z.enum(['A', 'B', 'U']),
  attempt: z.number().int().positive(),
  clientOrderId: z.string().min(1),
  venue: venueSchema,
  market: z.string().min(1),
  outcome: outcomeSchema.optional(),
  action: actionSchema,
  price: decimalString,
  quantity: decimalString,
  timeInForce: z.literal('IOC'),
  state: z.string().min(1),
  filledQuantity: decimalString,
  averageFillPrice: decimalString.optional(),
  fees: decimalString,
  rejectReason: z.string().optional(),
});
export type ReplayOrder = z.infer<typeof replayOrderSchema>;

export type ReplayIntentState = 'COMPLETED' | 'REJECTED' | 'UNHEDGED';
export type ReplayIntentOutcome = 'FILLED' | 'PARTIAL' | 'NOT_FILLED' | 'UNWOUND' | 'UNHEDGED';

export interface ReplayExecution {
  intent: Intent;
  intentId: string;
  state: ReplayIntentState;
  outcome: ReplayIntentOutcome;
  orders: ReplayOrder[];
  pnl: PnlRow[];
}

/** A permanent refusal (validation, funds, closed market) is the order's result; anything else stops the replay. */
async function send(venues: ExecutionVenues, request: OrderRequest, at: string): Promise<OrderSnapshot> {
  const venue = venues[request.venue];
  if (!venue) throw new Error(`no execution venue for ${request.venue}`);
  try {
    return await venue.submit(request);
  } catch (err) {
    if (err instanceof VenueError && err.errorClass === 'permanent') return { ...request, state: 'rejected', filledQuantity: '0', fees: '0', updatedAt: at, tradeIds: [], rejectReason: err.details.message };
    throw err;
  }
}

/** Two buys of opposite outcomes: one of each pays exactly 1 whatever the result. */
function isComplementaryPair(a: Leg, b: Leg): boolean {
  return a.action === 'buy' && b.action === 'buy' && a.outcome !== undefined && b.outcome !== undefined && a.outcome !== b.outcome && a.venue !== 'coinbase' && b.venue !== 'coinbase';
}

export async function executeIntent(input: IntentInput, opts: { venues: ExecutionVenues; atMs: number }): Promise<ReplayExecution> {
  const intent = parseIntent(input);
  const intentId = intentIdFor(intent.opportunityId);
  const at = new Date(opts.atMs).toISOString();
  const orders: ReplayOrder[] = [];
  const place = async (role: OrderRole, leg: Pick<Leg, 'venue' | 'market' | 'outcome' | 'action'>, price: string, quantity: string): Promise<OrderSnapshot> => {
    const request = legOrderRequest({ intentId, role, attempt: 1, leg, price, quantity, timeInForce: 'IOC' });
    const o = await send(opts.venues, request, at);
    orders.push({
      at,
      intentId,
      opportunityId: intent.opportunityId,
      strategy: intent.strategy,
      legId: role,
      attempt: 1,
      clientOrderId: request.clientOrderId,
      venue: request.venue,
      market: request.market,
      ...(request.outcome ? { outcome: request.outcome } : {}),
      action: request.action,
      price: request.price,
      quantity: request.quantity,
      timeInForce: 'IOC',
      state: o.state,
      filledQuantity: o.filledQuantity,
      ...(dec(o.filledQuantity).gt(ZERO) && o.averageFillPrice ? { averageFillPrice: o.averageFillPrice } : {}),
      fees: o.fees,
      ...(o.rejectReason ? { rejectReason: o.rejectReason } : {}),
    });
    return o;
  };
  const done = (state: ReplayIntentState, outcome: ReplayIntentOutcome, pnl: PnlRow[] = []): ReplayExecution => ({ intent, intentId, state, outcome, orders, pnl });

  const [legA, legB] = intent.legs as [Leg, Leg | undefined];
  const aOrder = await place('A', legA, legA.limitPrice, legA.quantity);
  const a = aggregateFills([aOrder]);
  if (dec(a.filledQuantity).isZero()) return done(aOrder.state === 'rejected' ? 'REJECTED' : 'COMPLETED', 'NOT_FILLED');
  const aFull = dec(a.filledQuantity).eq(dec(legA.quantity));
  if (!legB) return done('COMPLETED', aFull ? 'FILLED' : 'PARTIAL');

  const b = aggregateFills([await place('B', legB, legB.limitPrice, a.filledQuantity)]);
  const pnl: PnlRow[] = [];
  const pairs = b.filledQuantity;
  if (dec(pairs).gt(ZERO) && isComplementaryPair(legA, legB) && a.averagePrice && b.averagePrice) {
    const share = (fees: string, of: string) => decStr(dec(fees).times(dec(pairs)).div(dec(of)));
    const held = (leg: Leg, average: string, fees: string) => ({ legId: leg.legId, venue: leg.venue as 'kalshi' | 'polymarket', market: leg.market, outcome: leg.outcome, action: leg.action, quantity: pairs, averagePrice: average, fees });
    // Settled as if YES won; NO winning gives the same total for a complementary pair.
    const settled = [
      settleLeg(held(legA, a.averagePrice, share(a.fees, a.filledQuantity)), { result: 'yes', payoutPerContract: legA.outcome === 'yes' ? '1' : '0' }),
      settleLeg(held(legB, b.averagePrice, b.fees), { result: 'yes', payoutPerContract: legB.outcome === 'yes' ? '1' : '0' }),
    ];
    const currencies = [...new Set(settled.map((s) => s.currency))].sort();
    pnl.push({
      intentId,
      kind: 'locked_pair',
      amount: decStr(settled.reduce((t, s) => t.plus(dec(s.realizedPnl)), ZERO)),
      fees: decStr(settled.reduce((t, s) => t.plus(dec(s.fees)), ZERO)),
      currency: currencies.join('/'),
      createdAt: at,
    });
  }
  const exposed = exposedQuantity(a.filledQuantity, b.filledQuantity);
  if (dec(exposed).isZero()) return done('COMPLETED', aFull ? 'FILLED' : 'PARTIAL', pnl);

  const u = aggregateFills([await place('U', unwindLeg(legA), unwindPrice(legA, a.averagePrice ?? legA.limitPrice, intent.unwindSlippage), exposed)]);
  if (dec(u.filledQuantity).gt(ZERO) && a.averagePrice && u.averagePrice) {
    pnl.push({
      intentId,
      kind: 'unwind',
      amount: unwindPnl({ legAAction: legA.action, legAAverage: a.averagePrice, legAFilled: a.filledQuantity, legAFees: a.fees, unwound: u.filledQuantity, unwindAverage: u.averagePrice, unwindFees: u.fees }),
      fees: u.fees,
      currency: legA.venue === 'coinbase' ? (legA.market.split('-')[1] ?? 'USD') : SETTLEMENT_ASSET[legA.venue],
      createdAt: at,
    });
  }
  const left = exposedQuantity(exposed, u.filledQuantity);
  return done(dec(left).isZero() ? 'COMPLETED' : 'UNHEDGED', dec(left).isZero() ? 'UNWOUND' : 'UNHEDGED', pnl);
}
