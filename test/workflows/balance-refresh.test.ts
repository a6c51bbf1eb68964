/**
 * The balance refresher against a real simulator over loopback, a real ledger database and the
 * real risk governor on a real Temporal server: it writes the venues' balances to the ledger and
 * follows them when they change; a refresh that keeps failing (5xx on Kalshi's balance endpoint),
 * or cash below the floor, opens `balance:kalshi` (entries on Kalshi refused at REDUCING) and the
 * breaker closes again through its half-open probes once the balance reads are good. The signal
 * loop's bankroll is the lower venue's available cash minus what is still reserved there.
 */
import { gate, governorState } from '../../clients/governor';
import type { BreakerConfig } from '../../domain/breakers';
import { createMetrics } from '../../infra/metrics';
import { createLedgerClient, findBalance, releaseCapital, reserveCapital, upsertBalance, type LedgerClient } from '../../ledger';
import { paperAdapters } from '../../venues/execution';
import { balanceSourcesFor, kalshiBalanceSource, startBalanceRefresher, type BalanceRefresher } from '../../workers/balance-refresh';
import { ledgerBankroll } from '../../workers/bankroll';
import { eventually, freshDatabase } from '../helpers/db';
import { injectFault } from '../helpers/sim';
import { withTestWorker } from '../helpers/temporal';

const BREAKER = 'balance:kalshi';
const BALANCE_ENDPOINT = 'GET /trade-api/v2/portfolio/balance';
// Two bad refreshes trip it; a cooldown long enough to observe OPEN; two good reads close it.
const config: BreakerConfig = { kind: 'consecutive-failures', failures: 2, cooldownMs: 2_000, maxCooldownMs: 10_000, probeSuccesses: 2 };

async function moveKalshiBalance(adminUrl: string, deltaCents: number): Promise<void> {
  const res = await fetch(`${adminUrl}/balance`, { method: 'POST', body: JSON.stringify({ deltaCents }) });
  if (res.status !== 200) throw new Error(`/_sim/balance: HTTP ${res.status} ${await res.text()}`);
}

describe('balance refresh', () => {
  let databaseUrl: string;
  let db: LedgerClient;
  beforeAll(async () => {
    // Its own database: the balances table is keyed by (venue, asset), which other files write too.
    databaseUrl = await freshDatabase('balance_refresh');
    db = createLedgerClient(databaseUrl);
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  it('writes the venues’ balances to the ledger and the gauges, and follows a change at the venue', async () => {
    await withTestWorker(
      'balance-refresh',
      async ({ client, governorId, sim }) => {
        const adapters = paperAdapters(sim.describe());
        const metrics = createMetrics();
        const refresher = startBalanceRefresher({ sources: balanceSourcesFor(adapters), db, everyMs: 200, governor: { client, governorId, config }, metrics });
        try {
          // The simulator's paper account: Kalshi 10 000 000 cents; Polymarket 100000 USDC; Coinbase USD 100000 and BTC 10.
          await eventually('the Kalshi balance in the ledger', async () => (await findBalance(db, 'kalshi', 'USD'))?.available === '100000' || undefined);
          expect(await eventually('the Polymarket balance in the ledger', () => findBalance(db, 'polymarket', 'USDC'))).toMatchObject({ available: '100000', total: '100000' });
          expect(await eventually('the Coinbase balances in the ledger', () => findBalance(db, 'coinbase', 'BTC'))).toMatchObject({ available: '10', total: '10' });

          // 1 234.56 USD leaves the account at the venue: the next refresh records it exactly.
          await moveKalshiBalance(sim.describe().kalshi.adminUrl, -123_456);
          const moved = await eventually('the changed balance in the ledger', async () => {
            const b = await findBalance(db, 'kalshi', 'USD');
            return b?.available === '98765.44' ? b : undefined;
          });
          expect(moved).toEqual({ venue: 'kalshi', asset: 'USD', available: '98765.44', total: '98765.44' });

          const gauges = await metrics.registry.getSingleMetricAsString('legwork_venue_balance');
          expect(gauges).toMatch(/legwork_venue_balance\{venue="kalshi",asset="USD",kind="available"\} 98765\.44/);
          expect(gauges).toMatch(/legwork_venue_balance\{venue="coinbase",asset="BTC",kind="total"\} 10/);
          expect(await metrics.registry.getSingleMetricAsString('legwork_venue_balance_age_seconds')).toMatch(/\{venue="kalshi"\} 0\b/);
          // Healthy refreshes settled the breaker (one probe at start, then nothing more is sent).
          await eventually('the balance breaker known and closed', async () => (await governorState(client, governorId)).breakers?.[BREAKER]?.state.phase === 'CLOSED' || undefined);
        } finally {
          await refresher.stop();
          await Promise.all([adapters.kalshi.close(), adapters.polymarket.close(), adapters.coinbase.close()]);
        }
      },
      { databaseUrl },
    );
  });

  it('failing refreshes, and cash below the floor, open balance:kalshi; good reads close it again', async () => {
    await withTestWorker(
      'balance-breaker',
      async ({ client, governorId, sim }) => {
        const adapters = paperAdapters(sim.describe());
        const metrics = createMetrics();
        const phase = async () => (await governorState(client, governorId)).breakers?.[BREAKER]?.state.phase;
        const entryOnKalshi = () => gate(client, governorId, { kind: 'entry', strategy: 'xvenue-binary-arb', venues: ['kalshi'] });
        const tripsAndRecovers = async (what: string, fix: () => Promise<void>) => {
          await eventually(`${what}: the breaker open`, async () => (await phase()) === 'OPEN' || undefined);
          const refused = await entryOnKalshi();
          expect(refused).toMatchObject({ allowed: false, level: 'REDUCING' });
          expect(refused.reason).toContain(BREAKER);
          // Unwinds still go out on Kalshi, and other venues are untouched.
          expect((await gate(client, governorId, { kind: 'reducing', strategy: 'xvenue-binary-arb', venues: ['kalshi'] })).allowed).toBe(true);
          expect((await gate(client, governorId, { kind: 'entry', strategy: 'xvenue-binary-arb', venues: ['polymarket'] })).allowed).toBe(true);
          await fix();
          await eventually(`${what}: the breaker closed after its half-open probes`, async () => (await phase()) === 'CLOSED' || undefined);
          expect(await entryOnKalshi()).toMatchObject({ allowed: true, level: 'ACTIVE' });
        };

        // 1. Stale balances: the balance endpoint answers 503 three times.
        await injectFault(sim, 'kalshi', { endpoint: BALANCE_ENDPOINT, kind: 'http_5xx', count: 3 });
        let refresher: BalanceRefresher = startBalanceRefresher({ sources: balanceSourcesFor(adapters), db, everyMs: 200, governor: { client, governorId, config }, metrics });
        try {
          // The faults run out by themselves; the reads that follow are the probes.
          await tripsAndRecovers('refresh failing', async () => undefined);
          expect(await metrics.registry.getSingleMetricAsString('legwork_venue_balance_age_seconds')).toMatch(/\{venue="kalshi"\} 0\b/);
        } finally {
          await refresher.stop();
        }

        // 2. Cash below the floor: 100 000 USD at the venue, a floor of 150 000; then money arrives.
        // Kalshi only: the other venues' paper accounts (100 000 each) would be under this floor too.
        refresher = startBalanceRefresher({ sources: [kalshiBalanceSource(adapters.kalshi)], db, everyMs: 200, minAvailable: '150000', governor: { client, governorId, config }, metrics });
        try {
          await tripsAndRecovers('below the floor', () => moveKalshiBalance(sim.describe().kalshi.adminUrl, 6_000_000));
          const audited = (await governorState(client, governorId)).events.filter((e) => e.kind === 'breaker.open' && e.detail.includes(BREAKER));
          expect(audited.map((e) => e.detail).join('\n')).toMatch(/below the floor 150000/);
        } finally {
          await refresher.stop();
          await Promise.all([adapters.kalshi.close(), adapters.polymarket.close(), adapters.coinbase.close()]);
        }
      },
      { databaseUrl },
    );
  });

  it('the bankroll is the lower venue’s available cash minus what is still reserved there, unknown until both are known', async () => {
    const url = await freshDatabase('bankroll');
    const ledger = createLedgerClient(url);
    try {
      const bankroll = ledgerBankroll(ledger);
      await upsertBalance(ledger, { venue: 'kalshi', asset: 'USD', available: '500.25', total: '500.25' });
      expect(await bankroll()).toBeUndefined(); // Polymarket's cash is not known yet
      await upsertBalance(ledger, { venue: 'polymarket', asset: 'USDC', available: '320.10', total: '320.10' });
      expect(await bankroll()).toBe('320.1');

      await reserveCapital(ledger, { id: 'i1:A', intentId: 'i1', venue: 'kalshi', asset: 'USD', amount: '100' });
      await reserveCapital(ledger, { id: 'i1:B', intentId: 'i1', venue: 'polymarket', asset: 'USDC', amount: '20.1' });
      await reserveCapital(ledger, { id: 'i2:B', intentId: 'i2', venue: 'polymarket', asset: 'USDC', amount: '0.000000000000000001' });
      // min(500.25 − 100, 320.10 − 20.1 − 1e-18): exact, no float rounding.
      expect(await bankroll()).toBe('299.999999999999999999');
      await releaseCapital(ledger, 'i2:B', 'ended');
      expect(await bankroll()).toBe('300');

      await reserveCapital(ledger, { id: 'i3:A', intentId: 'i3', venue: 'kalshi', asset: 'USD', amount: '500' });
      expect(await bankroll()).toBe('0'); // more reserved on Kalshi than it holds: nothing to size with
    } finally {
      await ledger.$disconnect();
    }
  });
});
