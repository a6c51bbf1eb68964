/**
 * Reads every venue's balances on a timer (LEGWORK_BALANCE_REFRESH_MS, default 60 s) into the
 * ledger's `balances` table (exact decimal strings), the `legwork_venue_balance` and
 * `legwork_venue_balance_age_seconds` gauges, and the risk governor's `balance:<venue>` breaker
 * (scope `venue:<venue>`, REDUCING): a refresh that fails, or a venue's cash below the configured
 * floor, is a failure of that breaker; it trips after a few in a row (stale balances must not size
 * trades) and recovers through the governor's half-open probes like every other breaker.
 * Successes are sent only while the breaker may be open (after a failure, and once at start in
 * case it was left open), until the governor reports it CLOSED: healthy refreshes add nothing to
 * the governor's history.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { governorState } from '../clients/governor';
import type { BreakerConfig } from '../domain/breakers';
import { SETTLEMENT_ASSET } from '../domain/capital';
import type { BreakerSignal } from '../domain/governor';
import { dec, decimalString, decStr } from '../domain/money';
import { parseOrThrow } from '../domain/validation';
import type { Venue } from '../domain/venue';
import type { LegworkMetrics } from '../infra/metrics';
import { upsertBalance, type LedgerClient } from '../ledger';
import type { CoinbaseAdapter } from '../venues/coinbase/adapter';
import type { PaperAdapters } from '../venues/execution';
import type { KalshiAdapter } from '../venues/kalshi/adapter';
import type { PolymarketAdapter } from '../venues/polymarket/adapter';

export const venueBalanceSchema = z.object({ asset: z.string().min(1).max(20), available: decimalString, total: decimalString });
export type VenueBalance = z.infer<typeof venueBalanceSchema>;

/** What the refresher needs from a venue: its balances, money as decimal strings. */
export interface VenueBalanceSource {
  venue: Venue;
  balances(): Promise<VenueBalance[]>;
}

/** The asset a venue's cash floor applies to (binary venues: what they settle in; Coinbase: USD). */
export const CASH_ASSET: Record<Venue, string> = { ...SETTLEMENT_ASSET, coinbase: 'USD' };

/** A venue that reports one cash figure (Kalshi's cents, Polymarket's 6-decimal USDC, converted by the adapter): available and total alike. */
function cashBalanceSource(venue: 'kalshi' | 'polymarket', adapter: { balance(): Promise<string> }): VenueBalanceSource {
  return {
    venue,
    async balances() {
      const cash = await adapter.balance();
      return [{ asset: CASH_ASSET[venue], available: cash, total: cash }];
    },
  };
}

export const kalshiBalanceSource = (adapter: Pick<KalshiAdapter, 'balance'>) => cashBalanceSource('kalshi', adapter);
/** USDC collateral (`GET /balance-allowance`); outcome tokens are positions, not cash. */
export const polymarketBalanceSource = (adapter: Pick<PolymarketAdapter, 'balance'>) => cashBalanceSource('polymarket', adapter);

/** Coinbase accounts: total = available + on hold (resting orders). */
export function coinbaseBalanceSource(adapter: Pick<CoinbaseAdapter, 'balances'>): VenueBalanceSource {
  return {
    venue: 'coinbase',
    async balances() {
      return (await adapter.balances()).map((a) => ({ asset: a.asset, available: a.available, total: decStr(dec(a.available).plus(dec(a.hold))) }));
    },
  };
}

/** The balance sources of a set of adapters, one per venue. */
export function balanceSourcesFor(adapters: PaperAdapters): VenueBalanceSource[] {
  return [kalshiBalanceSource(adapters.kalshi), polymarketBalanceSource(adapters.polymarket), coinbaseBalanceSource(adapters.coinbase)];
}

export const BALANCE_BREAKER_PREFIX = 'balance';
export const balanceBreakerId = (venue: Venue) => `${BALANCE_BREAKER_PREFIX}:${venue}`;

/** Three bad refreshes in a row trip it (3 min at the default interval); two good ones after the cooldown close it. */
export const DEFAULT_BALANCE_BREAKER: BreakerConfig = { kind: 'consecutive-failures', failures: 3, cooldownMs: 60_000, maxCooldownMs: 900_000, probeSuccesses: 2 };

export interface BalanceRefresherOptions {
  sources: VenueBalanceSource[];
  db: LedgerClient;
  everyMs: number;
  /** A venue's available cash below this is a breaker failure; "0" (default) turns the floor off. */
  minAvailable?: string;
  /** Where the `balance:<venue>` breakers live; without it no breaker is fed. */
  governor?: { client: Client; governorId: string; config?: BreakerConfig };
  metrics?: Pick<LegworkMetrics, 'venueBalance' | 'balanceRefreshAge'>;
  /** A refresh failed or a breaker event was not delivered (the worker logs it). */
  onError?: (venue: Venue, err: unknown) => void;
  now?: () => number;
}

export type VenueRefresh = { venue: Venue; ok: true; balances: VenueBalance[]; belowFloor?: string } | { venue: Venue; ok: false; error: string };

export interface BalanceRefresher {
  /** One refresh of every venue now (the timer also calls it). */
  refresh(): Promise<VenueRefresh[]>;
  stop(): Promise<void>;
}

export function createBalanceRefresher(opts: BalanceRefresherOptions): Pick<BalanceRefresher, 'refresh'> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const floor = dec(opts.minAvailable ?? '0');
  const lastOkAt = new Map<Venue, number>();
  // Venues whose breaker may not be CLOSED in the governor: all of them at start (a previous
  // process may have left one open), then every venue that failed, until the governor says CLOSED.
  const unsettled = new Set<Venue>(opts.sources.map((s) => s.venue));

  const signal = async (venue: Venue, event: BreakerSignal['event']) => {
    const gov = opts.governor;
    if (!gov) return;
    const breaker = balanceBreakerId(venue);
    const payload: BreakerSignal = { breaker, scope: `venue:${venue}`, level: 'REDUCING', event, config: gov.config ?? DEFAULT_BALANCE_BREAKER };
    try {
      await gov.client.workflow.getHandle(gov.governorId).signal('breakerEvent', payload);
      if (event.type === 'success' && (await governorState(gov.client, gov.governorId)).breakers?.[breaker]?.state.phase === 'CLOSED') unsettled.delete(venue);
    } catch (err) {
      // A success for a governor not started yet (a worker starts before it) is retried at the next refresh, quietly.
      if (event.type === 'success' && err instanceof WorkflowNotFoundError) return;
      opts.onError?.(venue, err);
    }
  };

  const refreshVenue = async (source: VenueBalanceSource): Promise<VenueRefresh> => {
    const { venue } = source;
    let balances: VenueBalance[];
    try {
      balances = parseOrThrow(z.array(venueBalanceSchema).max(500), `${venue} balances`, await source.balances());
      for (const b of balances) await upsertBalance(opts.db, { venue, ...b });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      opts.metrics?.balanceRefreshAge.set({ venue }, (now() - (lastOkAt.get(venue) ?? startedAt)) / 1000);
      opts.onError?.(venue, err);
      unsettled.add(venue);
      await signal(venue, { type: 'failure', detail: `balance refresh failed: ${error}`.slice(0, 300) });
      return { venue, ok: false, error };
    }
    lastOkAt.set(venue, now());
    opts.metrics?.balanceRefreshAge.set({ venue }, 0);
    for (const b of balances) {
      opts.metrics?.venueBalance.set({ venue, asset: b.asset, kind: 'available' }, Number(b.available));
      opts.metrics?.venueBalance.set({ venue, asset: b.asset, kind: 'total' }, Number(b.total));
    }
    if (floor.gt(0)) {
      const asset = CASH_ASSET[venue];
      const available = balances.find((b) => b.asset === asset)?.available ?? '0';
      if (dec(available).lt(floor)) {
        const belowFloor = `available ${available} ${asset} below the floor ${decStr(floor)}`;
        unsettled.add(venue);
        await signal(venue, { type: 'failure', detail: belowFloor });
        return { venue, ok: true, balances, belowFloor };
      }
    }
    if (unsettled.has(venue)) await signal(venue, { type: 'success' });
    return { venue, ok: true, balances };
  };

  return { refresh: () => Promise.all(opts.sources.map(refreshVenue)) };
}

/**
 * Refreshes at once, then every `everyMs` (never two refreshes at a time). stop() waits for one in
 * flight, but at most `STOP_WAIT_MS`: at shutdown the governor's workers may already be gone, and a
 * query to it then hangs until the server's own timeout (~30 s) — long enough for the supervisor to
 * SIGKILL the process. What is cut short is idempotent (upserts, a breaker signal) and is redone by
 * the next process's first refresh.
 */
export function startBalanceRefresher(opts: BalanceRefresherOptions): BalanceRefresher {
  const refresher = createBalanceRefresher(opts);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  const loop = () => {
    inFlight = refresher.refresh().finally(() => {
      if (!stopped) {
        timer = setTimeout(loop, opts.everyMs);
        timer.unref();
      }
    });
  };
  loop();
  return {
    refresh: () => refresher.refresh(),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([inFlight.catch(() => undefined), new Promise((resolve) => (wait = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(wait);
    },
  };
}

const STOP_WAIT_MS = 2_000;
