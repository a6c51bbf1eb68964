/**
 * One venue's simulator and our adapter on its test credentials, over real HTTP on loopback: what
 * the per-venue adapter tests start before each test and stop after it, e.g.
 *
 *   beforeEach(async () => ({ sim, adapter } = await kalshiWithAdapter()));
 *   afterEach(() => stopWithAdapter(sim, adapter));
 */
import { privateKeyToAccount } from 'viem/accounts';
import { CoinbaseAdapter, type CoinbaseAdapterOptions } from '../../venues/coinbase/adapter';
import { KalshiAdapter, type KalshiAdapterOptions } from '../../venues/kalshi/adapter';
import { PolymarketAdapter, type PolymarketAdapterOptions } from '../../venues/polymarket/adapter';
import { startCoinbaseSim, type CoinbaseSim } from '../../venues/sim/coinbase/server';
import { startKalshiSim, type KalshiSim } from '../../venues/sim/kalshi/server';
import { startPolymarketSim, type PolymarketSim } from '../../venues/sim/polymarket/server';

/** The wallet that signs Polymarket orders in tests (a well-known test key, never a real one). */
export const polymarketTestAccount = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');

type AdapterExtras<O> = Omit<O, 'restBaseUrl' | 'credentials' | 'account'>;

export async function kalshiWithAdapter(simOpts: Parameters<typeof startKalshiSim>[0] = {}, adapterOpts: AdapterExtras<KalshiAdapterOptions> = {}): Promise<{ sim: KalshiSim; adapter: KalshiAdapter }> {
  const sim = await startKalshiSim(simOpts);
  return { sim, adapter: new KalshiAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key, ...adapterOpts }) };
}

export async function polymarketWithAdapter(simOpts: Parameters<typeof startPolymarketSim>[0] = {}, adapterOpts: AdapterExtras<PolymarketAdapterOptions> = {}): Promise<{ sim: PolymarketSim; adapter: PolymarketAdapter }> {
  const sim = await startPolymarketSim(simOpts);
  return { sim, adapter: new PolymarketAdapter({ restBaseUrl: sim.restBaseUrl, account: polymarketTestAccount, credentials: sim.credentials, ...adapterOpts }) };
}

export async function coinbaseWithAdapter(simOpts: Parameters<typeof startCoinbaseSim>[0] = {}, adapterOpts: AdapterExtras<CoinbaseAdapterOptions> = {}): Promise<{ sim: CoinbaseSim; adapter: CoinbaseAdapter }> {
  const sim = await startCoinbaseSim(simOpts);
  return { sim, adapter: new CoinbaseAdapter({ restBaseUrl: sim.restBaseUrl, credentials: sim.key, ...adapterOpts }) };
}

/** The adapter first (its connections end before the server goes away), then the simulator. */
export async function stopWithAdapter(sim: { stop(): Promise<void> }, adapter: { close(): Promise<void> }): Promise<void> {
  await adapter.close();
  await sim.stop();
}
