/**
 * Kalshi request signing: every REST request and the WebSocket upgrade carry
 *   KALSHI-ACCESS-KEY        the API key id
 *   KALSHI-ACCESS-TIMESTAMP  milliseconds since the epoch
 *   KALSHI-ACCESS-SIGNATURE  base64 RSA-PSS (SHA-256, salt length = digest length) over
 *                            timestamp + METHOD + path, the path without its query string.
 * This is the venue's own scheme, built on node:crypto's RSA-PSS (no hand-rolled crypto).
 */
import { constants, createPrivateKey, sign, type KeyObject } from 'node:crypto';

export interface KalshiCredentials {
  keyId: string;
  privateKeyPem: string;
}

export function kalshiSignatureMessage(timestampMs: string, method: string, path: string): string {
  return `${timestampMs}${method.toUpperCase()}${path.split('?')[0]}`;
}

export function kalshiHeaders(credentials: KalshiCredentials, request: { method: string; path: string }, nowMs: number = Date.now()): Record<string, string> {
  const timestamp = String(nowMs);
  const key: KeyObject = createPrivateKey(credentials.privateKeyPem);
  const signature = sign('sha256', Buffer.from(kalshiSignatureMessage(timestamp, request.method, request.path)), {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  });
  return { 'KALSHI-ACCESS-KEY': credentials.keyId, 'KALSHI-ACCESS-TIMESTAMP': timestamp, 'KALSHI-ACCESS-SIGNATURE': signature.toString('base64') };
}

/** Credentials from the environment (or a key file it names); never logged. */
export function kalshiCredentialsFromEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string): KalshiCredentials | undefined {
  const keyId = env.KALSHI_API_KEY_ID;
  const privateKeyPem = env.KALSHI_PRIVATE_KEY ?? (env.KALSHI_PRIVATE_KEY_PATH ? readFile(env.KALSHI_PRIVATE_KEY_PATH) : undefined);
  if (!keyId || !privateKeyPem) return undefined;
  return { keyId, privateKeyPem: privateKeyPem.replace(/\\n/g, '\n') };
}
