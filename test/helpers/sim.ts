/** The venue simulator's admin API, over HTTP as operators use it (`legwork sim fault`). */
import type { VenueSimulator } from '../../venues/sim';
import type { ArmedFault, FaultSpecInput } from '../../venues/sim/faults';

export type SimVenue = 'kalshi' | 'polymarket' | 'coinbase';

/** Injects a fault on one venue endpoint, e.g. `{ endpoint: 'POST /order', kind: 'reject' }` (venues/sim/faults.ts). */
export async function injectFault(sim: VenueSimulator, venue: SimVenue, fault: FaultSpecInput): Promise<ArmedFault> {
  const res = await fetch(`${sim.describe()[venue].adminUrl}/faults`, { method: 'POST', body: JSON.stringify(fault) });
  if (res.status !== 200) throw new Error(`fault ${JSON.stringify(fault)} on ${venue}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { fault: ArmedFault }).fault;
}

/** POSTs to one venue's admin API (`trade`, `balance`, `resolve`, …) and returns its JSON answer; anything but 200 throws. */
export async function simAdmin(sim: VenueSimulator, venue: SimVenue, path: string, body: object): Promise<unknown> {
  const res = await fetch(`${sim.describe()[venue].adminUrl}/${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`${venue} ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** The faults armed on one venue, with what is left of each. */
export async function armedFaults(sim: VenueSimulator, venue: SimVenue): Promise<ArmedFault[]> {
  const res = await fetch(`${sim.describe()[venue].adminUrl}/faults`);
  return ((await res.json()) as { faults: ArmedFault[] }).faults;
}

/** Endpoint names as each simulator matches them (method and path of the venue's API). */
export const SUBMIT_ENDPOINT: Record<SimVenue, string> = {
  kalshi: 'POST /trade-api/v2/portfolio/orders',
  polymarket: 'POST /order',
  coinbase: 'POST /api/v3/brokerage/orders',
};

/** Each venue's market-data stream as a fault endpoint. */
export const BOOK_STREAM: Record<SimVenue, string> = {
  kalshi: 'WS orderbook_delta',
  polymarket: 'WS /ws/market',
  coinbase: 'WS level2',
};
