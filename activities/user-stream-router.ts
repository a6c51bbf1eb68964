/**
 * The user-stream router: a long-running, heartbeating activity per venue that reads the venue's
 * private stream and pushes each fill into the workflow that owns the order, as an `orderUpdate`
 * signal. The owner comes from the ledger (client order id → intent id = workflow id; for venues
 * whose fills carry no client order id, such as Polymarket, the venue's order id); the update
 * carries the order as the venue has it after the fill (one REST lookup), so the workflow always
 * applies cumulative truth, never an increment it might count twice.
 *
 * Fills the stream misses (disconnects, a silent stream) are found by the workflow's own polling;
 * the router only makes them arrive sooner.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Fill, OrderRequest } from '../domain/order';
import type { Venue } from '../domain/venue';
import type { ExecutionVenues } from '../venues/execution';

/** How a fill names its order: Kalshi and Coinbase by our client order id, Polymarket only by the venue's id (the order hash). */
export interface OrderRef {
  venue: Venue;
  clientOrderId?: string;
  venueOrderId: string;
}

export type UserStreamEvent = { type: 'connected' } | { type: 'fill'; fill: Fill } | { type: 'invalid'; reason: string };
export interface UserStream {
  events(): AsyncGenerator<UserStreamEvent>;
  close(): void;
}

export interface RouterDeps {
  /** Opens a venue's private stream (venues without one are simply not routed). */
  userStreams: Partial<Record<Venue, () => UserStream>>;
  /**
   * The workflow that owns an order, and the order's request, from the ledger: by the fill's
   * client order id when it has one, else by the venue's order id.
   */
  findOwner(ref: OrderRef): Promise<{ workflowId: string; request: OrderRequest } | undefined>;
  venues: ExecutionVenues;
  client: Client;
}

const HEARTBEAT_MS = 2_000;

export function createRouterActivities(deps: RouterDeps) {
  return {
    async routeUserStream(input: { venue: Venue }): Promise<{ routed: number }> {
      const ctx = Context.current();
      const open = deps.userStreams[input.venue];
      const venue = deps.venues[input.venue];
      if (!open || !venue) throw ApplicationFailure.nonRetryable(`no user stream for ${input.venue} on this worker`, 'VenueNotConfigured');
      const stream = open();
      let routed = 0;
      let invalid = 0;
      // Heartbeats keep the activity alive (and deliver cancellation); a dead worker's router is
      // restarted elsewhere once the heartbeat times out.
      const beat = setInterval(() => ctx.heartbeat({ routed, invalid }), HEARTBEAT_MS);
      ctx.heartbeat({ routed, invalid });
      ctx.cancelled.catch(() => stream.close());
      try {
        for await (const event of stream.events()) {
          if (event.type === 'invalid') {
            invalid += 1;
            ctx.log.warn('user stream message rejected', { venue: input.venue, reason: event.reason });
            continue;
          }
          if (event.type !== 'fill') continue;
          const { clientOrderId, venueOrderId } = event.fill;
          const owner = await deps.findOwner({ venue: input.venue, venueOrderId, ...(clientOrderId ? { clientOrderId } : {}) });
          if (!owner) continue; // not an order of ours the ledger knows yet: polling covers it
          const order = await venue.lookup(owner.request);
          if (!order) continue;
          try {
            await deps.client.workflow.getHandle(owner.workflowId).signal('orderUpdate', {
              clientOrderId: order.clientOrderId,
              state: order.state,
              filledQuantity: order.filledQuantity,
              ...(order.averageFillPrice ? { averageFillPrice: order.averageFillPrice } : {}),
              fees: order.fees,
              ...(order.venueOrderId ? { venueOrderId: order.venueOrderId } : {}),
              at: event.fill.at,
            });
            routed += 1;
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err; // the intent has finished: nothing to route
          }
        }
      } finally {
        clearInterval(beat);
        stream.close();
      }
      // The stream only ends when the activity is cancelled (worker shutdown, workflow cancel).
      ctx.heartbeat({ routed, invalid });
      return { routed };
    },
  };
}

export type RouterActivities = ReturnType<typeof createRouterActivities>;
