/**
 * Polymarket CLOB authentication.
 * - L1: the wallet signs an EIP-712 `ClobAuth` message; the venue derives API credentials
 *   (key, secret, passphrase) from it.
 * - L2 (every trading request): POLY_ADDRESS, POLY_SIGNATURE, POLY_TIMESTAMP, POLY_API_KEY,
 *   POLY_PASSPHRASE, where the signature is HMAC-SHA256 keyed with the base64-decoded secret over
 *   `timestamp + METHOD + path + body`, encoded as URL-safe base64 (keeping the "=" padding), as
 *   the official clob-client does.
 */
import { createHmac } from 'node:crypto';
import type { LocalAccount } from 'viem';

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
