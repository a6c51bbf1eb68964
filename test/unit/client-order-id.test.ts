import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { CLIENT_ORDER_ID_RE, clientOrderId, isDerivedClientOrderId, MAX_ATTEMPT, polymarketSaltFor } from '../../domain/client-order-id';
import { clientOrderIdSchema } from '../../domain/order';

/** Independent re-derivation with node:crypto (the domain code uses @noble/hashes). */
function reference(intentId: string, legId: string, attempt: number): string {
  const b = createHash('sha256').update(`legwork/v1\u0000${intentId}\u0000${legId}\u0000${attempt}`, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

describe('client order ids', () => {
  it('are stable across runs: fixed vectors', () => {
    // Changing the derivation would make a deploy re-submit in-flight legs under new ids.
    expect(clientOrderId('intent-opp-1', 'A', 1)).toBe('d99ce6e3-8963-8a65-a12e-d1d09d4b44f7');
    expect(clientOrderId('intent-opp-1', 'B', 2)).toBe('07fd736f-7dd7-897b-8eea-ff70f777a61b');
    expect(polymarketSaltFor('d99ce6e3-8963-8a65-a12e-d1d09d4b44f7')).toBe('259478852679815');
  });

  it('match an independent SHA-256 derivation, including non-ASCII input', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }).filter((s) => !s.includes('\u0000')), fc.constantFrom('A', 'B'), fc.integer({ min: 1, max: MAX_ATTEMPT }), (intent, leg, attempt) => clientOrderId(intent, leg, attempt) === reference(intent, leg, attempt)),
    );
  });

  it('fit every venue: UUID v8 shape, Kalshi length and alphabet, our request schema', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 120 }).filter((s) => !s.includes('\u0000')), fc.integer({ min: 1, max: 1000 }), (intent, attempt) => {
        const id = clientOrderId(intent, 'A', attempt);
        return CLIENT_ORDER_ID_RE.test(id) && isDerivedClientOrderId(id) && id.length === 36 && /^[-\w:+=/]{1,64}$/.test(id) && clientOrderIdSchema.safeParse(id).success;
      }),
    );
  });

  it('differ for any different (intent, leg, attempt)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000')), fc.constantFrom('A', 'B'), fc.integer({ min: 1, max: 50 }), (intent, leg, attempt) => {
        const id = clientOrderId(intent, leg, attempt);
        return id !== clientOrderId(intent, leg, attempt + 1) && id !== clientOrderId(`${intent}x`, leg, attempt) && id !== clientOrderId(intent, leg === 'A' ? 'B' : 'A', attempt);
      }),
    );
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) for (const leg of ['A', 'B']) for (let a = 1; a <= 5; a++) ids.add(clientOrderId(`intent-${i}`, leg, a));
    expect(ids.size).toBe(200 * 2 * 5);
  });

  it('refuse inputs that would make the encoding ambiguous or the attempt meaningless', () => {
    expect(() => clientOrderId('i', 'A', 0)).toThrow(/positive whole number/);
    expect(() => clientOrderId('i', 'A', 1.5)).toThrow(/positive whole number/);
    expect(() => clientOrderId('i', 'A', MAX_ATTEMPT + 1)).toThrow(/positive whole number/);
    expect(() => clientOrderId('', 'A', 1)).toThrow(/intent id must be a non-empty string/);
    expect(() => clientOrderId('i\u0000A', 'B', 1)).toThrow(/NUL/);
  });

  it('give Polymarket salts that are deterministic, distinct and JSON-number safe', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !s.includes('\u0000')), (id) => {
        const salt = polymarketSaltFor(id);
        return salt === polymarketSaltFor(id) && BigInt(salt) < 2n ** 48n && Number.isSafeInteger(Number(salt)) && salt !== polymarketSaltFor(`${id}x`);
      }),
    );
  });
});
