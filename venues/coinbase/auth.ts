/**
 * Coinbase Advanced Trade (CDP API key) authentication: every REST request carries
 * `Authorization: Bearer <JWT>`, an ES256 JWT signed with the key's EC P-256 private key:
 *   header  { alg: "ES256", kid: <key name>, nonce: <random hex>, typ: "JWT" }
 *   claims  { iss: "cdp", sub: <key name>, nbf: now, exp: now + 120, uri: "<METHOD> <host><path>" }
 * WebSocket subscriptions carry the same JWT without the `uri` claim. The nonce makes every token
 * unique, so a replayed request is recognisable. Signing uses `jose` (no hand-rolled crypto).
 */
import { randomBytes } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { importPKCS8, SignJWT, type KeyLike } from 'jose';

export interface CoinbaseCredentials {
  /** e.g. "organizations/{org}/apiKeys/{key}" */
  keyName: string;
  /** PEM: "-----BEGIN EC PRIVATE KEY-----" (SEC1, as CDP issues it) or PKCS#8. */
  privateKeyPem: string;
}

export const JWT_LIFETIME_SECONDS = 120;

/** The `uri` claim: method, a space, then host and path with no query string. */
export function jwtUri(method: string, host: string, path: string): string {
  return `${method.toUpperCase()} ${host}${path.split('?')[0]}`;
}

/** Accepts CDP's SEC1 "EC PRIVATE KEY" PEM as well as PKCS#8, returning a signing key. */
async function signingKey(pem: string): Promise<KeyLike> {
  if (pem.includes('BEGIN EC PRIVATE KEY')) return createPrivateKey({ key: pem, format: 'pem' });
  return importPKCS8(pem, 'ES256');
}

export async function buildCoinbaseJwt(
  credentials: CoinbaseCredentials,
  request: { method: string; host: string; path: string } | null,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<string> {
  const jwt = new SignJWT({ ...(request ? { uri: jwtUri(request.method, request.host, request.path) } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: credentials.keyName, nonce: randomBytes(16).toString('hex'), typ: 'JWT' })
    .setIssuer('cdp')
    .setSubject(credentials.keyName)
    .setNotBefore(nowSeconds)
    .setExpirationTime(nowSeconds + JWT_LIFETIME_SECONDS);
  return jwt.sign(await signingKey(credentials.privateKeyPem));
}

/** Credentials from the environment (or a file it names); never logged. */
export function coinbaseCredentialsFromEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string): CoinbaseCredentials | undefined {
  const keyName = env.COINBASE_API_KEY_NAME;
  const privateKeyPem = env.COINBASE_API_PRIVATE_KEY ?? (env.COINBASE_API_PRIVATE_KEY_PATH ? readFile(env.COINBASE_API_PRIVATE_KEY_PATH) : undefined);
  if (!keyName || !privateKeyPem) return undefined;
  return { keyName, privateKeyPem: privateKeyPem.replace(/\\n/g, '\n') };
}
