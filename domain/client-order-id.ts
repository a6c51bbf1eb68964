/**
 * Client order ids are a pure function of (intent id, leg, attempt): a retried submit after a
 * crash or a timeout sends the same id, so the venue (or our lookup) recognises the order instead
 * of taking a second one. UUID-shaped (RFC 9562 version 8, from SHA-256), which both Kalshi's and
 * Coinbase's `client_order_id` accept. Polymarket has no client id: there the signed order is
 * deterministic and its hash is the id (venues/polymarket).
 * Pure JS (@noble/hashes), so it runs inside the Temporal workflow sandbox too.
 */
import { sha256 } from '@noble/hashes/sha256';
import { utf8ToBytes } from '@noble/hashes/utils';

export function clientOrderId(intentId: string, legId: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error(`attempt must be a positive whole number, got ${attempt}`);
  const digest = sha256(utf8ToBytes(`legwork/v1\u0000${intentId}\u0000${legId}\u0000${attempt}`));
  const b = digest.slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8 (custom)
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
