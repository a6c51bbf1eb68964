/**
 * The venue side of a leg: submit, look up, cancel — each call followed by an idempotent ledger
 * write of what the venue said, keyed by the deterministic client order id and tagged with the
 * workflow execution. Failures become Temporal failures the workflow's retry policy understands:
 * - retryable (429, 5xx before processing): retried, after the venue's Retry-After when it sent one;
 * - unknown (the request may have reached the venue): retried too, and every attempt starts with a
 *   lookup by client order id, so the retry finds the order instead of sending a second one;
 * - permanent on submit: not a failure but an answer — the leg is `rejected`, with the venue's reason.
 */
import { ApplicationFailure } from '@temporalio/common';
import { dec, ZERO } from '../domain/money';
import { orderRequestSchema, type OrderRequest, type OrderSnapshot } from '../domain/order';
import { parseOrThrow } from '../domain/validation';
import type { Action, Outcome, Venue } from '../domain/venue';
import { VenueError } from '../domain/venue-errors';
import type { LegworkMetrics } from '../infra/metrics';
import type { OrderRecord } from '../ledger/orders';
import type { ExecutionVenue, ExecutionVenues } from '../venues/execution';
import { PreflightRecorded } from '../venues/http/client';
import { tradeLog, type TradeLog } from './trade-log';

export interface LegOrderInput {
  intentId: string;
  legId: string;
  attempt: number;
  executionId: string;
  request: OrderRequest;
}

export interface LegActivityDeps {
  venues: ExecutionVenues;
  recordOrder(order: OrderRecord): Promise<unknown>;
  metrics?: Pick<LegworkMetrics, 'orderOutcomes'>;
  /** Where the trade log lines go (the SDK's activity logger otherwise). */
  log?: TradeLog;
}

/** Failure types the workflow names in its retry policies. */
export const VENUE_PERMANENT = 'VenuePermanent';
export const VENUE_NOT_CONFIGURED = 'VenueNotConfigured';

function venueFor(deps: LegActivityDeps, request: OrderRequest): ExecutionVenue {
  const venue = deps.venues[request.venue];
  if (!venue) throw ApplicationFailure.nonRetryable(`this worker has no adapter for venue ${request.venue}`, VENUE_NOT_CONFIGURED);
  return venue;
}

/** A VenueError as the Temporal failure its class calls for (messages carry no secrets: see VenueError). */
function asFailure(err: unknown): unknown {
  if (!(err instanceof VenueError)) return err;
  if (err.errorClass === 'permanent') return ApplicationFailure.create({ message: err.message, type: VENUE_PERMANENT, nonRetryable: true, details: [err.toFailureDetails()] });
  return ApplicationFailure.create({
    message: err.message,
    type: err.errorClass === 'unknown' ? 'VenueUnknown' : 'VenueRetryable',
    details: [err.toFailureDetails()],
    // Honour the venue's Retry-After instead of our own back-off when it sent one.
    ...(err.details.retryAfterMs !== undefined ? { nextRetryDelay: Math.max(err.details.retryAfterMs, 50) } : {}),
  });
}

/** Leg "U" is the intent's unwind: its lines say so, so an operator can grep unwinds alone. */
const orderNoun = (input: LegOrderInput) => (input.legId === 'U' ? 'unwind' : 'leg');

export function createLegActivities(deps: LegActivityDeps) {
  const log = deps.log ?? tradeLog();
  /** The order's identity and terms, on every line about it. */
  const about = (input: LegOrderInput, request: OrderRequest) => ({
    intentId: input.intentId,
    legId: input.legId,
    clientOrderId: request.clientOrderId,
    attempt: input.attempt,
    venue: request.venue,
    market: request.market,
    ...(request.outcome ? { outcome: request.outcome } : {}),
    action: request.action,
    price: request.price,
    quantity: request.quantity,
  });
  /** One line for what the venue answered, and a `fill_observed` line when the order has fills. */
  const logAnswer = (input: LegOrderInput, request: OrderRequest, what: 'submitted' | 'looked_up' | 'cancelled', order: OrderSnapshot) => {
    const noun = orderNoun(input);
    // A resting leg is looked up on every poll: its unchanged answer (and its cumulative fill) at
    // debug, so info lines are one per submit/cancel, not one per poll.
    const level = what === 'looked_up' ? 'debug' : 'info';
    const fields = { ...about(input, request), state: order.state, filledQuantity: order.filledQuantity, ...(order.venueOrderId ? { venueOrderId: order.venueOrderId } : {}) };
    if (order.state === 'rejected') log.warn({ ...fields, event: `${noun}.rejected`, rejectReason: order.rejectReason }, `${noun} order rejected: ${order.rejectReason ?? 'no reason given'}`);
    else log[level]({ ...fields, event: `${noun}.${what}` }, `${noun} order ${what.replace('_', ' ')}: ${order.state}, filled ${order.filledQuantity} of ${request.quantity}`);
    if (dec(order.filledQuantity).gt(ZERO) && order.state !== 'rejected') {
      log[level]({ ...fields, event: `${noun}.fill_observed`, ...(order.averageFillPrice ? { averageFillPrice: order.averageFillPrice } : {}), fees: order.fees }, `${noun} fill observed: ${order.filledQuantity} of ${request.quantity}`);
    }
  };
  const logFailure = (input: LegOrderInput, request: OrderRequest, what: string, err: unknown) => {
    const fields = { ...about(input, request), event: `${orderNoun(input)}.venue_error`, call: what };
    if (err instanceof VenueError) log.warn({ ...fields, errorClass: err.errorClass, error: err.message }, `${orderNoun(input)} ${what} failed (${err.errorClass}): ${err.message}`);
    else log.warn({ ...fields, error: err instanceof Error ? err.message : String(err) }, `${orderNoun(input)} ${what} failed`);
  };
  const record = async (input: LegOrderInput, order: OrderSnapshot) => {
    await deps.recordOrder({
      clientOrderId: order.clientOrderId,
      venue: order.venue,
      venueOrderId: order.venueOrderId,
      intentId: input.intentId,
      legId: input.legId,
      attempt: input.attempt,
      market: order.market,
      outcome: order.outcome,
      action: order.action,
      price: order.price,
      quantity: order.quantity,
      filledQuantity: order.filledQuantity,
      state: order.state,
      executionId: input.executionId,
    });
    return order;
  };
  const parse = (input: LegOrderInput): OrderRequest => parseOrThrow(orderRequestSchema, 'order request', input.request);
  /** One venue call that reads the order, then the ledger write of what it said. */
  const observe = async (input: LegOrderInput, what: 'looked_up' | 'cancelled', call: (venue: ExecutionVenue, request: OrderRequest) => Promise<OrderSnapshot | undefined>): Promise<OrderSnapshot> => {
    const request = parse(input);
    let order: OrderSnapshot | undefined;
    try {
      order = await call(venueFor(deps, request), request);
    } catch (err) {
      logFailure(input, request, what === 'looked_up' ? 'lookup' : 'cancel', err);
      throw asFailure(err);
    }
    if (!order) {
      log.info({ ...about(input, request), event: `${orderNoun(input)}.not_at_venue` }, `${orderNoun(input)} order not at the venue`);
      return { ...request, state: 'unknown', filledQuantity: '0', fees: '0', updatedAt: new Date().toISOString(), tradeIds: [] };
    }
    logAnswer(input, request, what, order);
    return record(input, order);
  };

  return {
    /** Lookup-then-submit (inside the adapter) and the ledger write. A venue's "no" returns a rejected order. */
    async submitLeg(input: LegOrderInput): Promise<OrderSnapshot> {
      const request = parse(input);
      const venue = deps.venues[request.venue];
      const rejected = (reason: string): OrderSnapshot => ({ ...request, state: 'rejected', filledQuantity: '0', fees: '0', updatedAt: new Date().toISOString(), tradeIds: [], rejectReason: reason });
      let order: OrderSnapshot;
      if (!venue) {
        order = rejected(`this worker has no adapter for venue ${request.venue} (mode and credentials decide which venues a worker trades)`);
      } else {
        try {
          order = await venue.submit(request);
        } catch (err) {
          if (err instanceof PreflightRecorded) order = rejected('DRY_RUN: built, signed and recorded as a preflight payload; not sent');
          else if (err instanceof VenueError && err.errorClass === 'permanent') order = rejected(err.message);
          else {
            logFailure(input, request, 'submit', err);
            throw asFailure(err);
          }
        }
      }
      deps.metrics?.orderOutcomes.inc({ venue: request.venue, outcome: order.state });
      logAnswer(input, request, 'submitted', order);
      return record(input, order);
    },

    /** Where the leg would trade now (best ask to buy, best bid to sell); undefined when nothing is quoted. */
    async quoteLeg(input: { venue: Venue; market: string; outcome?: Outcome; action: Action }): Promise<{ price: string; size: string } | undefined> {
      const venue = deps.venues[input.venue];
      if (!venue?.touch) return undefined;
      try {
        return await venue.touch(input.market, input.outcome, input.action);
      } catch (err) {
        throw asFailure(err);
      }
    },

    /** The order as the venue has it now (a lookup by client order id); `unknown` when the venue has none. */
    lookupLeg: (input: LegOrderInput): Promise<OrderSnapshot> => observe(input, 'looked_up', (venue, request) => venue.lookup(request)),

    /** Cancels what is left and returns the final order (`unknown` when the venue never had it). */
    cancelLeg: (input: LegOrderInput): Promise<OrderSnapshot> => observe(input, 'cancelled', (venue, request) => venue.cancel(request)),
  };
}

export type LegActivities = ReturnType<typeof createLegActivities>;
