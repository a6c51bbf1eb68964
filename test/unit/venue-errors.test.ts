import { classifyHttpFailure, classifyNetworkFailure, parseRetryAfter, VenueError } from '../../domain/venue-errors';

const now = Date.parse('2026-11-24T00:00:00Z');

describe('venue error classes', () => {
  it('429 and 503 are retryable and carry Retry-After (seconds or HTTP date)', () => {
    expect(classifyHttpFailure({ status: 429, retryAfterHeader: '2', nowMs: now })).toEqual({ errorClass: 'retryable', retryAfterMs: 2000 });
    expect(classifyHttpFailure({ status: 503, retryAfterHeader: 'Tue, 24 Nov 2026 00:00:05 GMT', nowMs: now })).toEqual({ errorClass: 'retryable', retryAfterMs: 5000 });
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('gateway timeouts are unknown (the venue may have acted); validation and funds are permanent', () => {
    expect(classifyHttpFailure({ status: 504, nowMs: now }).errorClass).toBe('unknown');
    expect(classifyHttpFailure({ status: 500, nowMs: now }).errorClass).toBe('retryable');
    expect(classifyHttpFailure({ status: 400, venueCode: 'insufficient_balance', nowMs: now }).errorClass).toBe('permanent');
    expect(classifyHttpFailure({ status: 401, nowMs: now }).errorClass).toBe('permanent');
    expect(classifyHttpFailure({ status: 400, venueCode: 'rate_limited', nowMs: now }).errorClass).toBe('retryable');
  });

  it('a timeout or reset after sending is unknown; a refused connection is retryable', () => {
    expect(classifyNetworkFailure('timeout', true)).toBe('unknown');
    expect(classifyNetworkFailure('reset', true)).toBe('unknown');
    expect(classifyNetworkFailure('timeout', false)).toBe('retryable');
    expect(classifyNetworkFailure('refused', true)).toBe('retryable');
  });

  it('round-trips through plain failure details', () => {
    const e = new VenueError({ venue: 'kalshi', endpoint: 'POST /portfolio/orders', errorClass: 'permanent', httpStatus: 400, venueCode: 'market_closed', message: 'market closed' });
    const back = VenueError.fromFailureDetails(JSON.parse(JSON.stringify(e.toFailureDetails())));
    expect(back.message).toBe('kalshi POST /portfolio/orders: permanent (HTTP 400): market closed');
    expect(back.errorClass).toBe('permanent');
  });
});
