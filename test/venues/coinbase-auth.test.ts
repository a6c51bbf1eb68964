import { decodeJwt, decodeProtectedHeader } from 'jose';
import { buildCoinbaseJwt, JWT_LIFETIME_SECONDS } from '../../venues/coinbase/auth';
import { generateSimCoinbaseKey, verifyCoinbaseJwt } from '../../venues/sim/coinbase/auth';

const request = { method: 'POST', host: 'api.coinbase.com', path: '/api/v3/brokerage/orders' };

describe('Coinbase ES256 JWT auth', () => {
  const key = generateSimCoinbaseKey();
  const now = 1_795_000_000;

  it('signs the claims Coinbase expects, and the simulator accepts it for that request only', async () => {
    const token = await buildCoinbaseJwt(key, request, now);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: key.keyName, typ: 'JWT' });
    expect(decodeProtectedHeader(token).nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(decodeJwt(token)).toEqual({ iss: 'cdp', sub: key.keyName, nbf: now, exp: now + JWT_LIFETIME_SECONDS, uri: 'POST api.coinbase.com/api/v3/brokerage/orders' });

    expect(await verifyCoinbaseJwt(`Bearer ${token}`, key, request, now + 1)).toMatchObject({ ok: true });
    expect(await verifyCoinbaseJwt(`Bearer ${token}`, key, { ...request, path: '/api/v3/brokerage/orders/batch_cancel' }, now + 1)).toMatchObject({ ok: false, reason: /uri claim/ });
    expect(await verifyCoinbaseJwt(`Bearer ${token}`, key, { ...request, method: 'GET' }, now + 1)).toMatchObject({ ok: false });
  });

  it('rejects expired, foreign-key, tampered and missing tokens', async () => {
    const token = await buildCoinbaseJwt(key, request, now);
    expect(await verifyCoinbaseJwt(`Bearer ${token}`, key, request, now + JWT_LIFETIME_SECONDS + 1)).toMatchObject({ ok: false, reason: /exp/ });
    const other = generateSimCoinbaseKey(key.keyName);
    expect(await verifyCoinbaseJwt(`Bearer ${await buildCoinbaseJwt(other, request, now)}`, key, request, now)).toMatchObject({ ok: false, reason: /signature/ });
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: 'someone-else' })).toString('base64url');
    expect(await verifyCoinbaseJwt(`Bearer ${h}.${forged}.${s}`, key, request, now)).toMatchObject({ ok: false });
    expect(p).toBeDefined();
    expect(await verifyCoinbaseJwt(undefined, key, request, now)).toEqual({ ok: false, reason: 'missing Bearer token' });
  });

  it('WebSocket tokens carry no uri and verify without a request', async () => {
    const token = await buildCoinbaseJwt(key, null, now);
    expect(decodeJwt(token).uri).toBeUndefined();
    expect(await verifyCoinbaseJwt(`Bearer ${token}`, key, null, now)).toMatchObject({ ok: true });
  });

  it('every token is unique (fresh nonce), so replays are recognisable', async () => {
    const a = await buildCoinbaseJwt(key, request, now);
    const b = await buildCoinbaseJwt(key, request, now);
    expect(a).not.toBe(b);
  });
});
