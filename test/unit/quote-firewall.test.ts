import { checkQuote, emptyRejectionCounts, QUOTE_REJECTIONS, type BookSnapshot, type QuoteCheck, type QuoteRejection } from '../../domain/quote-firewall';

const T0 = 1_700_000_000_000;

function book(overrides: Partial<BookSnapshot> = {}): BookSnapshot {
  return {
    venue: 'kalshi',
    market: 'KXFED-25DEC-T4.00',
    bids: [
      ['0.45', '100'],
      ['0.44', '50'],
    ],
    asks: [
      ['0.47', '80'],
      ['0.48', '10'],
    ],
    receivedAtMs: T0,
    sequence: 7,
    ...overrides,
  };
}

const binary = { binary: true };

function reasonOf(check: QuoteCheck): QuoteRejection | 'ok' {
  return check.ok ? 'ok' : check.reason;
}

describe('quote firewall', () => {
  it('passes a sane book and reports its top exactly', () => {
    expect(checkQuote(book(), T0 + 500, binary)).toEqual({
      ok: true,
      bestBid: '0.45',
      bestAsk: '0.47',
      mid: '0.46',
      spread: '0.02',
      bestBidSize: '100',
      bestAskSize: '80',
    });
    // Exact decimals: a float mid of 0.1 and 0.2 would be 0.15000000000000002.
    const r = checkQuote(book({ bids: [['0.1', '5']], asks: [['0.2', '5']] }), T0, binary);
    expect(r).toMatchObject({ ok: true, mid: '0.15', spread: '0.1' });
  });

  describe('stale', () => {
    it('rejects a book older than maxAgeMs (default 2000 ms), accepts one exactly at it', () => {
      expect(checkQuote(book(), T0 + 2_000, binary).ok).toBe(true);
      const r = checkQuote(book(), T0 + 2_001, binary);
      expect(r).toEqual({ ok: false, reason: 'stale', detail: 'age 2001 ms exceeds 2000 ms' });
    });

    it('honours a custom maxAgeMs', () => {
      expect(reasonOf(checkQuote(book(), T0 + 600, { binary: true, maxAgeMs: 500 }))).toBe('stale');
      expect(reasonOf(checkQuote(book(), T0 + 400, { binary: true, maxAgeMs: 500 }))).toBe('ok');
    });

    it('rejects a receipt time in the future (clock disagreement)', () => {
      const r = checkQuote(book({ receivedAtMs: T0 + 10 }), T0, binary);
      expect(r).toEqual({ ok: false, reason: 'stale', detail: 'received 10 ms in the future' });
    });

    it('checks staleness before anything else', () => {
      const crossed = book({ bids: [['0.50', '10']], asks: [['0.40', '10']] });
      expect(reasonOf(checkQuote(crossed, T0 + 5_000, binary))).toBe('stale');
    });
  });

  describe('empty', () => {
    it('rejects a book missing either side', () => {
      expect(checkQuote(book({ bids: [] }), T0, binary)).toEqual({ ok: false, reason: 'empty', detail: 'no bids' });
      expect(checkQuote(book({ asks: [] }), T0, binary)).toEqual({ ok: false, reason: 'empty', detail: 'no asks' });
      expect(checkQuote(book({ bids: [], asks: [] }), T0, binary)).toEqual({ ok: false, reason: 'empty', detail: 'no bids and asks' });
    });
  });

  describe('degenerate', () => {
    it.each<[string, Partial<BookSnapshot>, RegExp]>([
      ['a zero bid price', { bids: [['0', '10']] }, /bid level 0 price 0 is not above 0/],
      ['a binary ask at 1', { asks: [['1', '10']] }, /ask level 0 price 1 is not below 1/],
      ['a binary ask above 1 deeper in the ladder', { asks: [['0.47', '10'], ['1.2', '10']] }, /ask level 1 price 1.2/],
      ['a zero size', { asks: [['0.47', '0']] }, /ask level 0 size 0 is not above 0/],
      ['a repeated ask price', { asks: [['0.47', '10'], ['0.47', '5']] }, /ask ladder is not strictly increasing at level 1/],
      ['a falling ask ladder', { asks: [['0.47', '10'], ['0.46', '5']] }, /ask ladder is not strictly increasing/],
      ['a rising bid ladder', { bids: [['0.44', '10'], ['0.45', '5']] }, /bid ladder is not strictly decreasing at level 1/],
    ])('rejects %s', (_name, overrides, detail) => {
      const r = checkQuote(book(overrides), T0, binary);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.reason).toBe('degenerate');
      expect(r.detail).toMatch(detail);
    });

    it('allows prices above 1 on non-binary (spot) books but still rejects non-positive ones', () => {
      const spot = { venue: 'coinbase' as const, market: 'BTC-USD', bids: [['67000.5', '2']] as [string, string][], asks: [['67001', '3']] as [string, string][] };
      expect(checkQuote(book(spot), T0, { binary: false })).toMatchObject({ ok: true, mid: '67000.75', spread: '0.5' });
      // The same book is nonsense for a binary contract.
      expect(reasonOf(checkQuote(book(spot), T0, binary))).toBe('degenerate');
      expect(reasonOf(checkQuote(book({ ...spot, bids: [['-1', '2']] }), T0, { binary: false }))).toBe('degenerate');
    });
  });

  describe('crossed and locked', () => {
    it('rejects a best bid above the best ask as crossed', () => {
      const r = checkQuote(book({ bids: [['0.48', '10']], asks: [['0.47', '10']] }), T0, binary);
      expect(r).toEqual({ ok: false, reason: 'crossed', detail: 'best bid 0.48 above best ask 0.47' });
    });

    it('rejects a best bid equal to the best ask as locked, even written differently', () => {
      const r = checkQuote(book({ bids: [['0.470', '10']], asks: [['0.47', '10']] }), T0, binary);
      expect(r).toEqual({ ok: false, reason: 'locked', detail: 'best bid equals best ask at 0.47' });
    });
  });

  describe('micro_price', () => {
    it('rejects a best level smaller than minSize (default 1)', () => {
      const r = checkQuote(book({ bids: [['0.45', '0.5'], ['0.44', '500']] }), T0, binary);
      expect(r).toEqual({ ok: false, reason: 'micro_price', detail: 'best bid size 0.5 below 1' });
    });

    it('honours a custom minSize on the ask side, and accepts a size exactly at it', () => {
      expect(reasonOf(checkQuote(book({ asks: [['0.47', '9.99']] }), T0, { binary: true, minSize: '10' }))).toBe('micro_price');
      expect(reasonOf(checkQuote(book({ asks: [['0.47', '10']] }), T0, { binary: true, minSize: '10' }))).toBe('ok');
    });
  });

  it('every listed reason is reachable, and the list is exactly the reasons', () => {
    const seen = new Set<string>();
    const cases: [BookSnapshot, number][] = [
      [book(), T0 + 9_999],
      [book({ asks: [] }), T0],
      [book({ bids: [['0', '1']] }), T0],
      [book({ bids: [['0.5', '1']], asks: [['0.4', '1']] }), T0],
      [book({ bids: [['0.5', '1']], asks: [['0.5', '1']] }), T0],
      [book({ bids: [['0.45', '0.1']] }), T0],
    ];
    for (const [b, now] of cases) seen.add(reasonOf(checkQuote(b, now, binary)));
    expect([...seen].sort()).toEqual([...QUOTE_REJECTIONS].sort());
  });

  it('hands out a fresh zeroed counter per reason', () => {
    const a = emptyRejectionCounts();
    a.stale += 1;
    expect(emptyRejectionCounts()).toEqual({ stale: 0, crossed: 0, locked: 0, empty: 0, degenerate: 0, micro_price: 0 });
  });

  describe('input validation', () => {
    it('throws naming the field for a malformed level', () => {
      expect(() => checkQuote(book({ bids: [['abc', '1']] }), T0, binary)).toThrow(/bids\.0\.0: must be a decimal number/);
      expect(() => checkQuote(book({ asks: [['0.4', '1e3']] }), T0, binary)).toThrow(/asks\.0\.1/);
    });

    it('throws naming the field for bad options or clock', () => {
      expect(() => checkQuote(book(), T0, {} as { binary: boolean })).toThrow(/binary/);
      expect(() => checkQuote(book(), T0, { binary: true, minSize: '0' })).toThrow(/minSize/);
      expect(() => checkQuote(book(), Number.NaN, binary)).toThrow(/nowMs/);
      expect(() => checkQuote(book({ venue: 'nyse' as 'kalshi' }), T0, binary)).toThrow(/venue/);
    });
  });
});
