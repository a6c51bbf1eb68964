import {
  classifyHttpFailure,
  classifyNetworkFailure,
  fromFailureDetails,
  isVenueError,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  scrubSecrets,
  toFailureDetails,
  VenueError,
} from '../../domain/venue-errors';

const now = Date.parse('2026-11-24T00:00:00Z');

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates (relative to the now passed in)', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    expect(parseRetryAfter('Tue, 24 Nov 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tuesday, 24-Nov-26 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 23:59:00 GMT', now)).toBe(0); // in the past: retry now
  });

  it('gives up on what it cannot read, and on dates without a now', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('2026-11-24', now)).toBeUndefined();
    expect(parseRetryAfter('Tue, 24 Nov 2026 00:00:05 GMT')).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('999999', now)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('HTTP failures', () => {
  it('429 and 503 are retryable and carry Retry-After', () => {
    expect(classifyHttpFailure({ status: 429, retryAfterHeader: '2', nowMs: now })).toEqual({ errorClass: 'retryable', retryAfterMs: 2000 });
    expect(classifyHttpFailure({ status: 503, retryAfterHeader: 'Tue, 24 Nov 2026 00:00:05 GMT', nowMs: now })).toEqual({ errorClass: 'retryable', retryAfterMs: 5000 });
    expect(classifyHttpFailure({ status: 429 })).toEqual({ errorClass: 'retryable' });
    expect(classifyHttpFailure({ status: 408 }).errorClass).toBe('retryable');
    expect(classifyHttpFailure({ status: 400, venueCode: 'rate_limited' }).errorClass).toBe('retryable');
  });

  it('gateway errors are unknown; a 500 is unknown for order submits and retryable for reads', () => {
    expect(classifyHttpFailure({ status: 504 }).errorClass).toBe('unknown');
    expect(classifyHttpFailure({ status: 502 }).errorClass).toBe('unknown');
    expect(classifyHttpFailure({ status: 500 }).errorClass).toBe('retryable');
    expect(classifyHttpFailure({ status: 500, sideEffecting: true }).errorClass).toBe('unknown');
    expect(classifyHttpFailure({ status: 503, sideEffecting: true }).errorClass).toBe('retryable');
  });

  it('validation, funds, auth and conflicts are permanent; odd statuses are unknown', () => {
    expect(classifyHttpFailure({ status: 400, venueCode: 'insufficient_balance' })).toEqual({ errorClass: 'permanent' });
    expect(classifyHttpFailure({ status: 401 }).errorClass).toBe('permanent');
    expect(classifyHttpFailure({ status: 409, venueCode: 'order_already_exists' }).errorClass).toBe('permanent');
    expect(classifyHttpFailure({ status: 404, retryAfterHeader: '5' })).toEqual({ errorClass: 'permanent' });
    expect(classifyHttpFailure({ status: 302 }).errorClass).toBe('unknown');
  });
});

describe('network failures', () => {
  it('after sending, a timeout, reset or abort is unknown; refused or unsent is retryable', () => {
    expect(classifyNetworkFailure('timeout', true)).toBe('unknown');
    expect(classifyNetworkFailure('reset', true)).toBe('unknown');
    expect(classifyNetworkFailure('aborted', true)).toBe('unknown');
    expect(classifyNetworkFailure('timeout', false)).toBe('retryable');
    expect(classifyNetworkFailure('reset', false)).toBe('retryable');
    expect(classifyNetworkFailure('refused', true)).toBe('retryable');
  });
});

describe('VenueError', () => {
  it('round-trips through plain failure details (as Temporal carries them)', () => {
    const e = new VenueError({ venue: 'kalshi', endpoint: 'POST /portfolio/orders', errorClass: 'permanent', httpStatus: 400, venueCode: 'market_closed', message: 'market closed' });
    expect(e).toMatchObject({ venue: 'kalshi', endpoint: 'POST /portfolio/orders', errorClass: 'permanent', httpStatus: 400, venueCode: 'market_closed', nonRetryable: true });
    const back = VenueError.fromFailureDetails(JSON.parse(JSON.stringify(e.toFailureDetails())));
    expect(back.message).toBe('kalshi POST /portfolio/orders: permanent (HTTP 400): market closed');
    expect(back.toFailureDetails()).toEqual(e.toFailureDetails());
    expect(fromFailureDetails(toFailureDetails(e))).toBeInstanceOf(VenueError);
    expect(isVenueError(back)).toBe(true);
    expect(toFailureDetails(new Error('x'))).toBeUndefined();
    const retry = new VenueError({ venue: 'coinbase', endpoint: 'GET /orders', errorClass: 'retryable', retryAfterMs: 1500, message: 'slow down' });
    expect([retry.nonRetryable, retry.retryAfterMs]).toEqual([false, 1500]);
  });

  it('refuses malformed details, naming the field', () => {
    expect(() => VenueError.fromFailureDetails({ venue: 'kalshi', endpoint: 'x', errorClass: 'maybe', message: 'm' })).toThrow(/errorClass/);
    expect(() => VenueError.fromFailureDetails(null)).toThrow(/not venue failure details/);
  });

  it('never carries secrets in its message', () => {
    const e = new VenueError({
      venue: 'coinbase',
      endpoint: 'POST /orders',
      errorClass: 'unknown',
      message: 'upstream echoed Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJrZXkifQ.c2lnbmF0dXJl and api_key=abc123 secret: "s3cr3t" key 0x' + 'ab'.repeat(32),
    });
    expect(e.message).not.toMatch(/eyJ|abc123|s3cr3t|abab/);
    expect(e.message).toContain('api_key=[redacted]');
    expect(e.toFailureDetails().message).not.toMatch(/abc123/);
    expect(scrubSecrets('market closed: KXFED-26DEC')).toBe('market closed: KXFED-26DEC');
    expect(scrubSecrets('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----')).toBe('[redacted]');
  });
});
