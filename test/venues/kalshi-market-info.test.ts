/** The Kalshi adapter's market metadata (`marketInfo`) against the Kalshi simulator, over real HTTP on loopback. */
import { VenueError } from '../../domain/venue-errors';
import type { KalshiAdapter } from '../../venues/kalshi/adapter';
import type { KalshiSim } from '../../venues/sim/kalshi/server';
import { kalshiWithAdapter, stopWithAdapter } from '../helpers/venue-adapters';

const YEAR_MS = 365 * 24 * 3600_000;
/** Kalshi's general series: taker 0.07 × C × P × (1 − P) rounded up to the cent per order; makers not charged (domain/fees.ts). */
const KALSHI_FEES = { rule: 'kalshi', takerRate: '0.07', makerRate: '0.0175', makerFeesCharged: false };
/** linear_cent: one band, $0–$1 on a 1¢ tick. */
const CENT_GRID = { tickSize: '0.01', priceBands: [{ from: '0', to: '1', tick: '0.01' }] };

let sim: KalshiSim;
let adapter: KalshiAdapter;
let startedAt: number;

beforeEach(async () => {
  startedAt = Date.now();
  ({ sim, adapter } = await kalshiWithAdapter());
});
afterEach(() => stopWithAdapter(sim, adapter));

/** The sim's admin API, as the market world calls it. */
async function admin(path: string, body: object): Promise<number> {
  const res = await fetch(`${new URL(sim.restBaseUrl).origin}/_sim${path}`, { method: 'POST', body: JSON.stringify(body) });
  return res.status;
}

describe('Kalshi marketInfo ↔ simulator', () => {
  it('a seeded market: the cent grid, whole contracts, Kalshi fees, open, closing a year after listing', async () => {
    const info = await adapter.marketInfo('FED-25DEC-T4.25');
    const { closeTime, ...rest } = info;
    expect(rest).toEqual({ venue: 'kalshi', market: 'FED-25DEC-T4.25', title: 'FED-25DEC-T4.25', status: 'open', venueStatus: 'active', ...CENT_GRID, minSize: '1', sizeIncrement: '1', fees: KALSHI_FEES });
    // Listed without a resolution time: the sim's placeholder close, a year after it started; no expected resolution.
    expect(Date.parse(closeTime!)).toBeGreaterThanOrEqual(startedAt + YEAR_MS);
    expect(Date.parse(closeTime!)).toBeLessThanOrEqual(Date.now() + YEAR_MS);
  });

  it('a market listed with a resolution time: close and resolution at that time; resolved once the result is published', async () => {
    const resolvesAt = Date.parse('2031-06-30T20:00:00.000Z');
    expect(await admin('/markets', { ticker: 'LWSIM-INFO-YES', title: 'Simulated event INFO: resolves YES or NO', resolvesAt })).toBe(201);
    expect(await adapter.marketInfo('LWSIM-INFO-YES')).toEqual({
      venue: 'kalshi',
      market: 'LWSIM-INFO-YES',
      title: 'Simulated event INFO: resolves YES or NO',
      status: 'open',
      venueStatus: 'active',
      ...CENT_GRID,
      minSize: '1',
      sizeIncrement: '1',
      closeTime: '2031-06-30T20:00:00.000Z',
      resolutionTime: '2031-06-30T20:00:00.000Z',
      fees: KALSHI_FEES,
    });

    expect(await admin('/resolve', { ticker: 'LWSIM-INFO-YES', result: 'yes' })).toBe(200);
    expect(await adapter.marketInfo('LWSIM-INFO-YES')).toMatchObject({ status: 'resolved', venueStatus: 'finalized', result: 'yes', closeTime: '2031-06-30T20:00:00.000Z' });
    // The settlement path reads the same market.
    expect(await adapter.resolution('LWSIM-INFO-YES', 'yes')).toEqual({ resolved: true, status: 'finalized', result: 'yes', payoutPerContract: '1' });
  });

  it('past its resolution time with no result: closed, not resolved', async () => {
    const resolvesAt = Date.now() - 60_000;
    expect(await admin('/markets', { ticker: 'LWSIM-LATE-YES', resolvesAt })).toBe(201);
    const info = await adapter.marketInfo('LWSIM-LATE-YES');
    expect(info).toMatchObject({ status: 'closed', venueStatus: 'closed', closeTime: new Date(resolvesAt).toISOString(), resolutionTime: new Date(resolvesAt).toISOString() });
    expect(info.result).toBeUndefined();
    expect(await adapter.resolution('LWSIM-LATE-YES', 'yes')).toEqual({ resolved: false, status: 'closed' });
  });

  it('re-listing with a new resolution time moves the close; a bad listing is refused naming the field', async () => {
    expect(await admin('/markets', { ticker: 'LWSIM-MOVE-YES', resolvesAt: Date.parse('2031-01-01T00:00:00.000Z') })).toBe(201);
    expect(await admin('/markets', { ticker: 'LWSIM-MOVE-YES', resolvesAt: Date.parse('2032-01-01T00:00:00.000Z') })).toBe(200);
    expect(await adapter.marketInfo('LWSIM-MOVE-YES')).toMatchObject({ closeTime: '2032-01-01T00:00:00.000Z', resolutionTime: '2032-01-01T00:00:00.000Z' });
    const res = await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/markets`, { method: 'POST', body: JSON.stringify({ ticker: 'LWSIM-BAD-YES', resolvesAt: '2031-01-01' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^resolvesAt: /);
  });

  it('an unknown market is a permanent 404', async () => {
    const err = (await adapter.marketInfo('NO-SUCH-MARKET').catch((e: unknown) => e)) as VenueError;
    expect(err).toBeInstanceOf(VenueError);
    expect(err.details).toMatchObject({ errorClass: 'permanent', httpStatus: 404, venueCode: 'market_not_found' });
  });
});
