import fc from 'fast-check';
import { clientOrderId } from '../../domain/client-order-id';

describe('client order ids', () => {
  it('are UUID-shaped, stable across runs (fixed vector) and versioned', () => {
    const id = clientOrderId('intent-opp-1', 'A', 1);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).toBe(clientOrderId('intent-opp-1', 'A', 1));
    // Fixed vector: changing the derivation would make a deploy re-submit in-flight legs under new ids.
    expect(id).toBe('d99ce6e3-8963-8a65-a12e-d1d09d4b44f7');
  });

  it('differ for any different (intent, leg, attempt)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('A', 'B'), fc.integer({ min: 1, max: 50 }), (intent, leg, attempt) => {
        const id = clientOrderId(intent, leg, attempt);
        return id !== clientOrderId(intent, leg, attempt + 1) && id !== clientOrderId(`${intent}x`, leg, attempt) && id !== clientOrderId(intent, leg === 'A' ? 'B' : 'A', attempt);
      }),
    );
    expect(() => clientOrderId('i', 'A', 0)).toThrow(/positive whole number/);
  });
});
