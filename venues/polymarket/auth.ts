/**
 * Polymarket CLOB authentication.
 * - L1: the wallet signs an EIP-712 `ClobAuth` message (domain ClobAuthDomain v1 on chain 137;
 *   address, timestamp, nonce and the fixed attestation text) sent as POLY_ADDRESS,
 *   POLY_SIGNATURE, POLY_TIMESTAMP, POLY_NONCE; `POST /auth/api-key` creates API credentials
 *   (key, secret, passphrase) for (wallet, nonce), `GET /auth/derive-api-key` returns them again.
 * - L2 (every trading request): POLY_ADDRESS, POLY_SIGNATURE, POLY_TIMESTAMP, POLY_API_KEY,
 *   POLY_PASSPHRASE, where the signature is HMAC-SHA256 keyed with the base64-decoded secret over
 *   `timestamp + METHOD + path + body`, encoded as URL-safe base64 (keeping the "=" padding), as
 *   the official clob-client does.
 */
import { createHmac } from 'node:crypto';
import type { LocalAccount } from 'viem';
import { z } from 'zod';
import { VenueError } from '../../domain/venue-errors';
import { VenueHttpClient } from '../http/client';
import { RateGovernor } from '../rate-governor';
import { POLYGON_CHAIN_ID } from './order-signing';

export interface PolymarketApiCredentials {
  key: string;
  /** base64 */
  secret: string;
  passphrase: string;
}

export function polyHmacSignature(secretBase64: string, timestamp: string, method: string, requestPath: string, body?: string): string {
  const message = `${timestamp}${method.toUpperCase()}${requestPath}${body ?? ''}`;
  const digest = createHmac('sha256', Buffer.from(secretBase64, 'base64')).update(message).digest('base64');
  return digest.replace(/\+/g, '-').replace(/\//g, '_');
}

export function l2Headers(
  address: string,
  credentials: PolymarketApiCredentials,
  request: { method: string; path: string; body?: string },
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const timestamp = String(nowSeconds);
  return {
    POLY_ADDRESS: address,
    POLY_SIGNATURE: polyHmacSignature(credentials.secret, timestamp, request.method, request.path, request.body),
    POLY_TIMESTAMP: timestamp,
    POLY_API_KEY: credentials.key,
    POLY_PASSPHRASE: credentials.passphrase,
  };
}

export const CLOB_AUTH_MESSAGE = 'This message attests that I control the given wallet';

export function clobAuthTypedData(address: `0x${string}`, timestamp: string, nonce: bigint, chainId: number) {
  return {
    domain: { name: 'ClobAuthDomain', version: '1', chainId },
    types: {
      ClobAuth: [
        { name: 'address', type: 'address' },
        { name: 'timestamp', type: 'string' },
        { name: 'nonce', type: 'uint256' },
        { name: 'message', type: 'string' },
      ],
    },
    primaryType: 'ClobAuth' as const,
    message: { address, timestamp, nonce, message: CLOB_AUTH_MESSAGE },
  };
}

/** L1 headers for `POST /auth/api-key` / `GET /auth/derive-api-key`. */
export async function l1Headers(account: LocalAccount, chainId: number, nowSeconds: number, nonce = 0n): Promise<Record<string, string>> {
  const timestamp = String(nowSeconds);
  const signature = await account.signTypedData(clobAuthTypedData(account.address, timestamp, nonce, chainId));
  return { POLY_ADDRESS: account.address, POLY_SIGNATURE: signature, POLY_TIMESTAMP: timestamp, POLY_NONCE: nonce.toString() };
}

// ---------- L1: API credentials from the wallet ----------

/** The venue's answer to create/derive: `{apiKey, secret, passphrase}` (clob-client's raw ApiKeyRaw). */
const apiKeyResponse = z.object({ apiKey: z.string().min(1), secret: z.string().min(1), passphrase: z.string().min(1) });
const errorBody = z.object({ error: z.string() });

export interface L1Options {
  restBaseUrl: string;
  account: LocalAccount;
  /** The key's nonce: one wallet can hold one key per nonce (default 0, as clob-client). */
  nonce?: bigint;
  chainId?: number;
}

/** One L1 request: the ClobAuth signature is made fresh per request (its timestamp is signed). */
async function l1Call(opts: L1Options, method: 'GET' | 'POST', path: string): Promise<PolymarketApiCredentials> {
  const http = new VenueHttpClient({
    venue: 'polymarket',
    baseUrl: opts.restBaseUrl,
    rate: new RateGovernor({ venue: 'polymarket', limits: { default: { ratePerSecond: 5, burst: 5 } }, maxInFlight: 2 }),
    authHeaders: () => l1Headers(opts.account, opts.chainId ?? POLYGON_CHAIN_ID, Math.floor(Date.now() / 1000), opts.nonce ?? 0n),
    errorCode: (body) => {
      const parsed = errorBody.safeParse(body);
      return parsed.success ? { message: parsed.data.error } : {};
    },
  });
  try {
    const r = await http.call(method, path, apiKeyResponse);
    return { key: r.apiKey, secret: r.secret, passphrase: r.passphrase };
  } finally {
    await http.close();
  }
}

/** `POST /auth/api-key`: a new key for (wallet, nonce); refused (400) when one exists. */
export function createApiCredentials(opts: L1Options): Promise<PolymarketApiCredentials> {
  return l1Call(opts, 'POST', '/auth/api-key');
}

/** `GET /auth/derive-api-key`: the existing key for (wallet, nonce). */
export function deriveApiCredentials(opts: L1Options): Promise<PolymarketApiCredentials> {
  return l1Call(opts, 'GET', '/auth/derive-api-key');
}

/**
 * The wallet's key for this nonce, made if it does not exist yet: create, and when the venue
 * refuses because the key exists (a 4xx other than 401), derive — as clob-client's
 * `createOrDeriveApiKey`. A bad signature (401) is not retried as a derive.
 */
export async function createOrDeriveApiCredentials(opts: L1Options): Promise<PolymarketApiCredentials> {
  try {
    return await createApiCredentials(opts);
  } catch (err) {
    const exists = err instanceof VenueError && err.errorClass === 'permanent' && err.details.httpStatus !== undefined && err.details.httpStatus !== 401;
    if (!exists) throw err;
    return deriveApiCredentials(opts);
  }
}
