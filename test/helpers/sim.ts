/** The venue simulator's admin API, over HTTP as operators use it (`legwork sim fault`). */
import type { VenueSimulator } from '../../venues/sim';

export type SimVenue = 'kalshi' | 'polymarket' | 'coinbase';

/** Injects a fault on one venue endpoint, e.g. `{ endpoint: 'POST /order', kind: 'reject' }`. */
export async function injectFault(sim: VenueSimulator, venue: SimVenue, fault: { endpoint: string; kind: string; count?: number; retryAfterSeconds?: number }): Promise<void> {
  const res = await fetch(`${sim.describe()[venue].adminUrl}/faults`, { method: 'POST', body: JSON.stringify(fault) });
  if (res.status !== 200) throw new Error(`fault ${JSON.stringify(fault)} on ${venue}: HTTP ${res.status} ${await res.text()}`);
}

/** Endpoint names as each simulator matches them (method and path of the venue's API). */
export const SUBMIT_ENDPOINT: Record<SimVenue, string> = {
  kalshi: 'POST /trade-api/v2/portfolio/orders',
  polymarket: 'POST /order',
  coinbase: 'POST /api/v3/brokerage/orders',
};
