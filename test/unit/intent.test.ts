import { parseIntent } from '../../domain/intent';
import { ValidationError } from '../../domain/validation';

const good = {
  opportunityId: 'opp-1',
  strategy: 'xvenue',
  legs: [
    { legId: 'A', venue: 'kalshi', market: 'KXBTC-25', outcome: 'yes', action: 'buy', limitPrice: '0.42', quantity: '10' },
    { legId: 'B', venue: 'polymarket', market: '123', outcome: 'no', action: 'buy', limitPrice: '0.55', quantity: '10' },
  ],
};

describe('intent schema', () => {
  it('accepts a good intent and applies defaults', () => {
    const intent = parseIntent(good);
    expect(intent.leggingWindowMs).toBe(10_000);
    expect(intent.legs[0]?.timeInForce).toBe('GTC');
  });
  it('names the bad field', () => {
    const bad = structuredClone(good);
    bad.legs[1]!.limitPrice = '1.5';
    expect(() => parseIntent(bad)).toThrow(ValidationError);
    expect(() => parseIntent(bad)).toThrow(/legs\.1\.limitPrice/);
  });
  it('rejects float-typed money', () => {
    const bad = { ...good, legs: [{ ...good.legs[0], quantity: 10 }] };
    expect(() => parseIntent(bad)).toThrow(/legs\.0\.quantity/);
  });
  it('requires an outcome on binary venues and leg A first', () => {
    const bad = { ...good, legs: [{ ...good.legs[1], legId: 'B', outcome: undefined }] };
    const msg = (() => { try { parseIntent(bad); return ''; } catch (e) { return String(e); } })();
    expect(msg).toMatch(/legs\.0\.outcome/);
    expect(msg).toMatch(/legs\.0\.legId/);
  });
});
