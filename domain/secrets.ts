/** Names under which credentials travel (object keys and HTTP headers): never logged, never stored. */
export const SECRET_KEYS = [
  'password',
  'secret',
  'passphrase',
  'privateKey',
  'private_key',
  'privateKeyPem',
  'apiSecret',
  'apiKey',
  'authorization',
  'Authorization',
  'token',
  'signature',
  'databaseUrl',
  'DATABASE_URL',
  'KALSHI-ACCESS-KEY',
  'KALSHI-ACCESS-SIGNATURE',
  'POLY_SIGNATURE',
  'POLY_PASSPHRASE',
  'POLY_API_KEY',
] as const;

const LOWER = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));

/** A copy of the headers with every credential replaced by "[redacted]". */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, LOWER.has(k.toLowerCase()) ? '[redacted]' : v]));
}
