/**
 * Signed Polymarket orders (CTF Exchange, EIP-712 `Order`). There is no client order id on
 * Polymarket: the order hash is the id. Building the order deterministically — the salt derived
 * from our client order id, ECDSA signing being deterministic (RFC 6979) — makes the same intent
 * leg attempt always produce the same signed order and hash, so a retried submit is recognised by
 * looking the hash up instead of posting a second order.
 * Struct as the CTF Exchange (v1) defines it; the venue's newer exchange version must be checked
 * against `GET /version` before it is supported (see README).
 */
import { hashTypedData, hexToBigInt, keccak256, toHex, type LocalAccount } from 'viem';

export const POLYGON_CHAIN_ID = 137;
export const CTF_EXCHANGE = '0x4bFb41d5B3570DeFd03C39a9A4D8dE6Bd8B8982E' as const;
export const NEG_RISK_CTF_EXCHANGE = '0xC5d563A36AE78145C45a50134d48A1215220f80a' as const;
export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000' as const;

export const SIDE = { BUY: 0, SELL: 1 } as const;
/** 0 = EOA, 1 = Polymarket proxy (email/magic), 2 = Gnosis safe. */
export type SignatureType = 0 | 1 | 2;

export interface PolymarketOrder {
  salt: bigint;
  maker: `0x${string}`;
  signer: `0x${string}`;
  taker: `0x${string}`;
  tokenId: bigint;
  /** 6-decimal integer units (what the maker gives). */
  makerAmount: bigint;
  /** 6-decimal integer units (what the maker receives). */
  takerAmount: bigint;
  /** Unix seconds; 0 = no expiry (GTC). */
  expiration: bigint;
  nonce: bigint;
  feeRateBps: bigint;
  side: (typeof SIDE)[keyof typeof SIDE];
  signatureType: SignatureType;
}

const ORDER_TYPES = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'taker', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'expiration', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'feeRateBps', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
  ],
} as const;

export function orderTypedData(order: PolymarketOrder, exchange: `0x${string}` = CTF_EXCHANGE, chainId = POLYGON_CHAIN_ID) {
  return {
    domain: { name: 'Polymarket CTF Exchange', version: '1', chainId, verifyingContract: exchange },
    types: ORDER_TYPES,
    primaryType: 'Order' as const,
    message: order,
  };
}

/** A salt that is a pure function of our client order id (fits in 53 bits, as clob-client's salts do). */
export function saltFor(clientOrderId: string): bigint {
  return hexToBigInt(keccak256(toHex(`legwork-salt/${clientOrderId}`))) & ((1n << 53n) - 1n);
}

export function orderHash(order: PolymarketOrder, exchange: `0x${string}` = CTF_EXCHANGE, chainId = POLYGON_CHAIN_ID): `0x${string}` {
  return hashTypedData(orderTypedData(order, exchange, chainId));
}

export async function signOrder(account: LocalAccount, order: PolymarketOrder, exchange: `0x${string}` = CTF_EXCHANGE, chainId = POLYGON_CHAIN_ID) {
  const signature = await account.signTypedData(orderTypedData(order, exchange, chainId));
  return { order, signature, hash: orderHash(order, exchange, chainId) };
}
