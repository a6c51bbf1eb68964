/**
 * Client order ids are a pure function of (intent id, leg id, attempt): a retried submit after a
 * crash or a timeout sends the same id, so the venue (or our lookup by id) recognises the order
 * instead of taking a second one; a deliberate new attempt (after a confirmed cancel or reject)
 * gets a new id.
 *
 * Shape: a UUID (RFC 9562 version 8, "custom", from the first 16 bytes of SHA-256 over a
 * versioned, NUL-separated encoding of the inputs). 36 characters of hex digits and hyphens, which
 * fits every venue:
 * - Kalshi `client_order_id`: at most 64 characters of letters, digits and `_ - : + = /`
 *   (its FIX ClOrdID rules; UUIDs are the documented preference);
 * - Coinbase Advanced `client_order_id`: a unique string, UUIDs as in its own examples; re-posting
 *   the same id returns the existing order;
 * - Polymarket has no client order id: the signed order's hash is its id. There our id keys the
 *   ledger, and polymarketSaltFor makes the signed order (hence its hash) deterministic too.
 *
 * Pure JS (@noble/hashes, no node:crypto), so it runs inside the Temporal workflow sandbox.
 * Changing the derivation changes every id: in-flight legs would be re-submitted under new ids
 * after a deploy. The test suite pins fixed vectors for that reason.
 */
import { sha256 } from '@noble/hashes/sha2';
import { utf8ToBytes } from '@noble/hashes/utils';

/** Version tag inside the hashed input; bump only with a migration plan for in-flight orders. */
const DERIVATION = 'legwork/v1';

/** Largest attempt number accepted (far beyond any retry policy; keeps the input a safe integer). */
export const MAX_ATTEMPT = 1_000_000;

/** The shape every id from clientOrderId has (lower-case UUID, version 8, RFC 9562 variant). */
export const CLIENT_ORDER_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function checkPart(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new Error(`${what} must be a non-empty string`);
  // NUL separates the parts of the hashed input; refusing it keeps the encoding injective.
  if (value.includes('\u0000')) throw new Error(`${what} must not contain NUL characters`);
}

function digest(intentId: string, legId: string, attempt: number): Uint8Array {
  checkPart(intentId, 'intent id');
  checkPart(legId, 'leg id');
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > MAX_ATTEMPT) throw new Error(`attempt must be a positive whole number up to ${MAX_ATTEMPT}, got ${attempt}`);
  return sha256(utf8ToBytes(`${DERIVATION}\u0000${intentId}\u0000${legId}\u0000${attempt}`));
}

/** The client order id of attempt `attempt` (1, 2, …) of leg `legId` of intent `intentId`: a UUID v8. */
export function clientOrderId(intentId: string, legId: string, attempt: number): string {
  const b = digest(intentId, legId, attempt).slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8 (custom)
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** True when `id` has the shape clientOrderId produces. */
export function isDerivedClientOrderId(id: string): boolean {
  return CLIENT_ORDER_ID_RE.test(id);
}

/**
 * A deterministic Polymarket order salt for a client order id: the first 6 bytes of
 * SHA-256("legwork/salt/v1\0" + id) as a decimal string. clob-client puts the salt in the signed
 * order as a JSON number, so it must stay below 2^53; 48 bits does. Same id ⇒ same salt ⇒ (with
 * the same order fields) the same order hash, so a retried submit is recognised by hash.
 */
export function polymarketSaltFor(clientOrderIdValue: string): string {
  checkPart(clientOrderIdValue, 'client order id');
  const d = sha256(utf8ToBytes(`legwork/salt/v1\u0000${clientOrderIdValue}`));
  let n = 0n;
  for (const byte of d.slice(0, 6)) n = (n << 8n) | BigInt(byte);
  return n.toString();
}
