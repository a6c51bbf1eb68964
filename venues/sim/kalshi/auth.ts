/** The simulator's side of Kalshi signing: a test RSA key pair and the check every request must pass. */
import { constants, createPublicKey, generateKeyPairSync, randomUUID, verify, type KeyObject } from 'node:crypto';
import { kalshiSignatureMessage } from '../../kalshi/auth';

export interface SimKalshiKey {
  keyId: string;
  privateKeyPem: string;
  publicKey: KeyObject;
}

export function generateSimKalshiKey(): SimKalshiKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keyId: randomUUID(), privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: createPublicKey(privateKey) };
}

/** Kalshi refuses timestamps this far from its clock. */
export const MAX_CLOCK_SKEW_MS = 30_000;

export type KalshiAuthResult = { ok: true } | { ok: false; reason: string };

export function verifyKalshiRequest(headers: Record<string, string | string[] | undefined>, key: SimKalshiKey, request: { method: string; path: string }, nowMs: number): KalshiAuthResult {
  const one = (name: string) => {
    const v = headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  };
  const keyId = one('KALSHI-ACCESS-KEY');
  const timestamp = one('KALSHI-ACCESS-TIMESTAMP');
  const signature = one('KALSHI-ACCESS-SIGNATURE');
  if (!keyId || !timestamp || !signature) return { ok: false, reason: 'missing KALSHI-ACCESS-* headers' };
  if (keyId !== key.keyId) return { ok: false, reason: 'unknown key id' };
  if (!/^\d+$/.test(timestamp) || Math.abs(nowMs - Number(timestamp)) > MAX_CLOCK_SKEW_MS) return { ok: false, reason: 'timestamp outside the allowed window' };
  const valid = verify('sha256', Buffer.from(kalshiSignatureMessage(timestamp, request.method, request.path)), { key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, Buffer.from(signature, 'base64'));
  return valid ? { ok: true } : { ok: false, reason: 'signature does not verify' };
}
