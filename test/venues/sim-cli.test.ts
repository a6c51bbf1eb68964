/** `legwork sim` standalone: prints base URLs and test credentials that a client can use; `sim fault` arms faults. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema } from '../../domain/order';
import { PROJECT_ROOT } from '../../infra/paths';
import { freePort } from '../../infra/ports';
import { CoinbaseAdapter } from '../../venues/coinbase/adapter';
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import type { SimulatorDescription } from '../../venues/sim';
import { marketMappingSchema } from '../../venues/sim/world';
import { legwork } from '../helpers/cli';

/** `legwork sim …` as a process, once it has printed its JSON description. */
async function startSim(args: string[]): Promise<{ child: ReturnType<typeof spawn>; described: SimulatorDescription }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'clients', 'cli.ts'), 'sim', ...args], { cwd: PROJECT_ROOT });
  let out = '';
  const described = await new Promise<SimulatorDescription>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        resolve(JSON.parse(out) as SimulatorDescription);
      } catch {
        // not complete yet
      }
    });
    child.once('exit', (code) => reject(new Error(`sim exited ${code}: ${out}`)));
  });
  return { child, described };
}

describe('legwork sim', () => {
  it('prints JSON a client can trade with, and takes faults from `legwork sim fault`', async () => {
    const port = await freePort();
    const { child, described } = await startSim(['--coinbase-port', String(port)]);
    try {
      expect(described.coinbase.restBaseUrl).toBe(`http://127.0.0.1:${port}/api/v3/brokerage`);
      expect(described.kalshi.restBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/trade-api\/v2$/);
      expect(described.kalshi.privateKeyPem).toContain('BEGIN PRIVATE KEY');

      const adapter = new CoinbaseAdapter({ restBaseUrl: described.coinbase.restBaseUrl, credentials: { keyName: described.coinbase.apiKeyName, privateKeyPem: described.coinbase.apiPrivateKeyPem } });
      try {
        expect((await adapter.balances()).map((b) => b.asset).sort()).toEqual(['BTC', 'USD']);
        const armed = await legwork(['sim', 'fault', '--admin', described.coinbase.adminUrl, '--endpoint', 'GET /api/v3/brokerage/accounts', '--kind', 'http_429', '--retry-after', '3']);
        expect(armed.code).toBe(0);
        expect(armed.stdout).toContain('fault armed: http_429 × 1 on GET /api/v3/brokerage/accounts');
        await expect(adapter.balances()).rejects.toMatchObject({ details: { errorClass: 'retryable', retryAfterMs: 3000 } });
        const order = orderRequestSchema.parse({ venue: 'coinbase', market: 'BTC-USD', action: 'sell', price: '96900.00', quantity: '0.25', timeInForce: 'IOC', clientOrderId: clientOrderId('intent-sim-cli', 'A', 1) });
        expect(await adapter.submitOrder(order)).toMatchObject({ state: 'filled', filledQuantity: '0.25', averageFillPrice: '97000' });

        const bad = await legwork(['sim', 'fault', '--admin', described.coinbase.adminUrl, '--endpoint', 'GET /x', '--kind', 'meteor']);
        expect(bad.code).toBe(2); // invalid input, as every command reports it
        expect(bad.stderr).toMatch(/--kind/);
      } finally {
        await adapter.close();
      }
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('--world runs the market world and prints its mapping; a bad seed exits 2', async () => {
    const { child, described } = await startSim(['--world', '7']);
    try {
      const mapping = marketMappingSchema.parse(described.world?.mapping);
      expect(mapping.seed).toBe(7);
      expect(mapping.pairs.some((p) => p.confidence === 'low')).toBe(true);
      // The world's markets are listed and quoted at the venue.
      const pair = mapping.pairs.find((p) => p.confidence === 'high')!;
      const kalshi = new KalshiAdapter({ restBaseUrl: described.kalshi.restBaseUrl, credentials: { keyId: described.kalshi.apiKeyId, privateKeyPem: described.kalshi.privateKeyPem } });
      try {
        const book = await kalshi.orderBook(pair.kalshi.ticker);
        expect(book.bids.length).toBeGreaterThan(0);
        expect(book.asks.length).toBeGreaterThan(0);
      } finally {
        await kalshi.close();
      }
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
    const bad = await legwork(['sim', '--world', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--world/);
  });
});
