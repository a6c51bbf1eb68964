import { kalshiHeaders, kalshiSignatureMessage } from '../../venues/kalshi/auth';
import { generateSimKalshiKey, verifyKalshiRequest } from '../../venues/sim/kalshi/auth';

describe('Kalshi RSA-PSS signing', () => {
  const key = generateSimKalshiKey();
  const now = 1_795_000_000_000;
  const request = { method: 'POST', path: '/trade-api/v2/portfolio/orders' };

  it('signs timestamp + METHOD + path (query stripped) and the simulator verifies it', () => {
    expect(kalshiSignatureMessage('1', 'get', '/trade-api/v2/portfolio/orders?status=resting')).toBe('1GET/trade-api/v2/portfolio/orders');
    const headers = kalshiHeaders(key, request, now);
    expect(headers['KALSHI-ACCESS-TIMESTAMP']).toBe(String(now));
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyKalshiRequest(lower, key, request, now + 1000)).toEqual({ ok: true });
    // Signed path with a query string verifies against the bare path.
    const withQuery = Object.fromEntries(Object.entries(kalshiHeaders(key, { method: 'GET', path: '/trade-api/v2/portfolio/orders?limit=5' }, now)).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyKalshiRequest(withQuery, key, { method: 'GET', path: '/trade-api/v2/portfolio/orders' }, now)).toEqual({ ok: true });
  });

  it('refuses another path, another method, a stale timestamp, another key', () => {
    const lower = Object.fromEntries(Object.entries(kalshiHeaders(key, request, now)).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyKalshiRequest(lower, key, { ...request, path: '/trade-api/v2/portfolio/balance' }, now)).toEqual({ ok: false, reason: 'signature does not verify' });
    expect(verifyKalshiRequest(lower, key, { ...request, method: 'DELETE' }, now)).toMatchObject({ ok: false });
    expect(verifyKalshiRequest(lower, key, request, now + 60_000)).toEqual({ ok: false, reason: 'timestamp outside the allowed window' });
    const other = generateSimKalshiKey();
    const forged = Object.fromEntries(Object.entries(kalshiHeaders({ ...other, keyId: key.keyId }, request, now)).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyKalshiRequest(forged, key, request, now)).toEqual({ ok: false, reason: 'signature does not verify' });
    expect(verifyKalshiRequest({}, key, request, now)).toEqual({ ok: false, reason: 'missing KALSHI-ACCESS-* headers' });
  });
});
