/**
 * The simulator's side of Coinbase JWT auth: verify the signature with the test key's public half,
 * the issuer, subject, time window and (for REST) that the `uri` claim names this very request.
 * Anything else is Coinbase's 401.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { jwtUri } from '../../coinbase/auth';

export interface SimCoinbaseKey {
  keyName: string;
  privateKeyPem: string;
  publicKey: KeyObject;
}

/** A fresh EC P-256 test key, PEM in the SEC1 form CDP hands out. */
export function generateSimCoinbaseKey(keyName = 'organizations/sim/apiKeys/sim-key'): SimCoinbaseKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { keyName, privateKeyPem: privateKey.export({ format: 'pem', type: 'sec1' }).toString(), publicKey: createPublicKey(privateKey) };
}

export type CoinbaseAuthResult = { ok: true; keyName: string; nonce: string } | { ok: false; reason: string };

export async function verifyCoinbaseJwt(
  authorization: string | undefined,
  key: SimCoinbaseKey,
  request: { method: string; host: string; path: string } | null,
  nowSeconds: number,
): Promise<CoinbaseAuthResult> {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  if (!token) return { ok: false, reason: 'missing Bearer token' };
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== 'ES256') return { ok: false, reason: `alg ${header.alg} is not ES256` };
    if (header.kid !== key.keyName) return { ok: false, reason: 'unknown key' };
    const { payload } = await jwtVerify(token, key.publicKey, { issuer: 'cdp', subject: key.keyName, currentDate: new Date(nowSeconds * 1000), algorithms: ['ES256'] });
    if (request && payload.uri !== jwtUri(request.method, request.host, request.path)) return { ok: false, reason: 'uri claim does not match the request' };
    return { ok: true, keyName: key.keyName, nonce: String(header.nonce ?? '') };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
