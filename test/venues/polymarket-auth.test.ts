/** Polymarket L1 auth (EIP-712 ClobAuth) against the simulator over real HTTP: derived credentials trade with L2. */
import { privateKeyToAccount } from 'viem/accounts';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema } from '../../domain/order';
import { PolymarketAdapter } from '../../venues/polymarket/adapter';
import { clobAuthTypedData, createApiCredentials, createOrDeriveApiCredentials, deriveApiCredentials } from '../../venues/polymarket/auth';
import { startPolymarketSim, type PolymarketSim } from '../../venues/sim/polymarket/server';

const wallet = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'); // test key only
const other = privateKeyToAccount('0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba'); // test key only
const TOKEN = '7132104567925221259';

let sim: PolymarketSim;
beforeEach(async () => {
  sim = await startPolymarketSim();
});
afterEach(async () => {
  await sim.stop();
});

async function l1Post(headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.restBaseUrl}/auth/api-key`, { method: 'POST', headers });
  return { status: res.status, body: await res.json() };
}

describe('Polymarket L1 auth', () => {
  it('creates credentials for the wallet, derives the same ones again, and trades with them (L2)', async () => {
    const created = await createApiCredentials({ restBaseUrl: sim.restBaseUrl, account: wallet });
    expect(created.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.key).not.toBe(sim.credentials.key);
    expect(await deriveApiCredentials({ restBaseUrl: sim.restBaseUrl, account: wallet })).toEqual(created);
    // create-or-derive: the key exists, so the create is refused and the derive answers.
    expect(await createOrDeriveApiCredentials({ restBaseUrl: sim.restBaseUrl, account: wallet })).toEqual(created);
    // Another nonce is another key.
    const second = await createOrDeriveApiCredentials({ restBaseUrl: sim.restBaseUrl, account: wallet, nonce: 1n });
    expect(second.key).not.toBe(created.key);

    const adapter = new PolymarketAdapter({ restBaseUrl: sim.restBaseUrl, account: wallet, credentials: created });
    try {
      const placed = await adapter.submitOrder(orderRequestSchema.parse({ venue: 'polymarket', market: TOKEN, action: 'buy', price: '0.55', quantity: '10', timeInForce: 'GTC', clientOrderId: clientOrderId('intent-l1', 'A', 1) }));
      expect(placed).toMatchObject({ state: 'filled', filledQuantity: '10' });
      expect(sim.orderLog.map((o) => o.owner)).toEqual([created.key]);
    } finally {
      await adapter.close();
    }
    // The derived key is bound to its wallet: another address with it is refused.
    const impostor = new PolymarketAdapter({ restBaseUrl: sim.restBaseUrl, account: other, credentials: created });
    try {
      await expect(impostor.balance()).rejects.toMatchObject({ details: { errorClass: 'permanent', httpStatus: 401 } });
    } finally {
      await impostor.close();
    }
  });

  it('a derive before any create is refused; a signature by another wallet is refused with 401', async () => {
    await expect(deriveApiCredentials({ restBaseUrl: sim.restBaseUrl, account: wallet })).rejects.toMatchObject({ details: { errorClass: 'permanent', httpStatus: 400, message: 'Could not derive api key!' } });

    const timestamp = String(Math.floor(Date.now() / 1000));
    // Signed by `other`, claiming to be `wallet`.
    const forged = await other.signTypedData(clobAuthTypedData(wallet.address, timestamp, 0n, 137));
    expect(await l1Post({ POLY_ADDRESS: wallet.address, POLY_SIGNATURE: forged, POLY_TIMESTAMP: timestamp, POLY_NONCE: '0' })).toEqual({
      status: 401,
      body: { error: 'Invalid L1 Request headers: POLY_SIGNATURE was not made by POLY_ADDRESS' },
    });
    // The right wallet, but the signature was made over another nonce than the one sent.
    const otherNonce = await wallet.signTypedData(clobAuthTypedData(wallet.address, timestamp, 7n, 137));
    expect((await l1Post({ POLY_ADDRESS: wallet.address, POLY_SIGNATURE: otherNonce, POLY_TIMESTAMP: timestamp, POLY_NONCE: '0' })).status).toBe(401);
    // Missing headers are named.
    expect(await l1Post({ POLY_ADDRESS: wallet.address })).toMatchObject({ status: 401, body: { error: expect.stringMatching(/poly_signature/) } });
    // Nothing was made: the wallet still has no key to derive.
    await expect(deriveApiCredentials({ restBaseUrl: sim.restBaseUrl, account: wallet })).rejects.toMatchObject({ details: { httpStatus: 400 } });
  });
});
