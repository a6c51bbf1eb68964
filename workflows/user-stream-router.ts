/**
 * One router per venue: keeps `routeUserStream` running (retried on another worker when its
 * heartbeat stops) and continues as new after each long run so its history stays small.
 */
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { RouterActivities } from '../activities/user-stream-router';
import type { Venue } from '../domain/venue';

const { routeUserStream } = proxyActivities<RouterActivities>({
  startToCloseTimeout: '1 day',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: ['VenueNotConfigured'] },
});

export async function userStreamRouterWorkflow(input: { venue: Venue }): Promise<void> {
  await routeUserStream(input);
  await continueAsNew<typeof userStreamRouterWorkflow>(input);
}
