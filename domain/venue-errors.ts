/**
 * Every venue failure is classified, because what happens next depends on it:
 * - retryable: nothing happened at the venue (429 with Retry-After, 5xx before processing,
 *   connection refused) — try again after a back-off;
 * - permanent: the venue judged the request and said no (validation, insufficient funds, market
 *   closed, auth) — never retry the same request;
 * - unknown: the request may have reached the venue (timeout or reset after sending) — resolve by
 *   looking the order up, never by blind resubmission.
 * Errors carry no secrets: only venue, endpoint, status, the venue's code and message.
 */
export type VenueErrorClass = 'retryable' | 'permanent' | 'unknown';

export interface VenueFailureDetails {
  venue: string;
  endpoint: string;
  errorClass: VenueErrorClass;
  httpStatus?: number;
  venueCode?: string;
  retryAfterMs?: number;
  message: string;
}

export class VenueError extends Error {
  constructor(public readonly details: VenueFailureDetails) {
    super(`${details.venue} ${details.endpoint}: ${details.errorClass}${details.httpStatus ? ` (HTTP ${details.httpStatus})` : ''}: ${details.message}`);
    this.name = 'VenueError';
  }
  get errorClass(): VenueErrorClass {
    return this.details.errorClass;
  }
  /** Plain data for Temporal failures (ApplicationFailure details) and logs. */
  toFailureDetails(): VenueFailureDetails {
    return { ...this.details };
  }
  static fromFailureDetails(details: VenueFailureDetails): VenueError {
    return new VenueError(details);
  }
}

/** `Retry-After`: delta-seconds or an HTTP date (relative to `nowMs`, passed in: no clock here). */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Venue codes that mean "try again" even though the status is 4xx. */
const RETRYABLE_CODES = new Set(['rate_limited', 'too_many_requests', 'service_unavailable', 'internal_error']);

export function classifyHttpFailure(opts: { status: number; venueCode?: string; retryAfterHeader?: string; nowMs: number }): { errorClass: VenueErrorClass; retryAfterMs?: number } {
  const retryAfterMs = parseRetryAfter(opts.retryAfterHeader, opts.nowMs);
  if (opts.status === 429 || opts.status === 503 || (opts.venueCode && RETRYABLE_CODES.has(opts.venueCode))) return { errorClass: 'retryable', retryAfterMs };
  // A 504 (or 502) from a gateway: the venue may have processed the request behind it.
  if (opts.status === 502 || opts.status === 504) return { errorClass: 'unknown', retryAfterMs };
  if (opts.status >= 500) return { errorClass: 'retryable', retryAfterMs };
  return { errorClass: 'permanent' };
}

export function classifyNetworkFailure(kind: 'timeout' | 'reset' | 'refused' | 'aborted', requestSent: boolean): VenueErrorClass {
  if (kind === 'refused' || !requestSent) return 'retryable';
  return 'unknown';
}
