/**
 * Every venue failure is classified, because what happens next depends on it:
 * - retryable: nothing happened at the venue (429 with Retry-After, 503, most 5xx on reads,
 *   connection refused, a request that never left) — try again after a back-off;
 * - permanent: the venue judged the request and said no (validation, insufficient funds, market
 *   closed, auth) — never retry the same request (Temporal: ApplicationFailure with nonRetryable);
 * - unknown: the request may have reached the venue (timeout or reset after sending, a gateway
 *   error in front of an order submit) — resolve by looking the order up, never by blind
 *   resubmission.
 * Errors carry no secrets: only venue, endpoint, status, the venue's code and a message, and the
 * message is scrubbed of anything that looks like a credential before it is stored.
 * Pure: the clock ("now", for Retry-After dates) is passed in.
 */
import { z } from 'zod';

/** What the caller may do next: retry, give up, or look the order up. */
export type VenueErrorClass = 'retryable' | 'permanent' | 'unknown';
/** zod: VenueErrorClass. */
export const venueErrorClassSchema = z.enum(['retryable', 'permanent', 'unknown']);

/** Plain, serialisable form of a VenueError (Temporal ApplicationFailure details, logs, the ledger). */
export interface VenueFailureDetails {
  venue: string;
  /** "METHOD /path" without query string or ids that carry secrets. */
  endpoint: string;
  errorClass: VenueErrorClass;
  httpStatus?: number;
  venueCode?: string;
  retryAfterMs?: number;
  message: string;
}

/** zod: VenueFailureDetails, for details coming back from a Temporal failure (untrusted shape). */
export const venueFailureDetailsSchema = z.object({
  venue: z.string().min(1),
  endpoint: z.string(),
  errorClass: venueErrorClassSchema,
  httpStatus: z.number().int().min(100).max(599).optional(),
  venueCode: z.string().optional(),
  retryAfterMs: z.number().int().nonnegative().optional(),
  message: z.string(),
});

/** The ApplicationFailure `type` activities use for venue errors (so workflows can match on it). */
export const VENUE_ERROR_TYPE = 'VenueError';

// Credentials that could leak into a venue's echoed message or a library's error text.
const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)/g, // JWTs
  /\b(api[-_]?key|secret|passphrase|password|signature|token|private[-_]?key|KALSHI-ACCESS-[A-Z]+|POLY_[A-Z_]+)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  /\b0x[0-9a-fA-F]{64}\b/g, // 32-byte hex (private keys; also signatures' halves)
];

/** The message with anything credential-shaped replaced by "[redacted]". */
export function scrubSecrets(message: string): string {
  let out = message;
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (match, ...groups: unknown[]) => {
      const [name, sep] = groups as [string | undefined, string | undefined];
      // key=value forms keep their key so the message still says what was wrong.
      if (typeof name === 'string' && typeof sep === 'string' && /[:=]/.test(sep)) return `${name}${sep}[redacted]`;
      if (typeof name === 'string' && /^(bearer|basic)$/i.test(name)) return `${name} [redacted]`;
      return '[redacted]';
    });
  }
  return out;
}

/** A classified failure of one venue call. */
export class VenueError extends Error {
  public readonly details: VenueFailureDetails;
  constructor(details: VenueFailureDetails) {
    const clean = { ...details, message: scrubSecrets(details.message) };
    super(`${clean.venue} ${clean.endpoint}: ${clean.errorClass}${clean.httpStatus ? ` (HTTP ${clean.httpStatus})` : ''}: ${clean.message}`);
    this.name = 'VenueError';
    this.details = clean;
  }
  get errorClass(): VenueErrorClass {
    return this.details.errorClass;
  }
  get venue(): string {
    return this.details.venue;
  }
  get endpoint(): string {
    return this.details.endpoint;
  }
  get httpStatus(): number | undefined {
    return this.details.httpStatus;
  }
  get venueCode(): string | undefined {
    return this.details.venueCode;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
  /** Permanent failures must not be retried (Temporal: ApplicationFailure nonRetryable). */
  get nonRetryable(): boolean {
    return this.details.errorClass === 'permanent';
  }
  /** Plain data for Temporal failures (ApplicationFailure details) and logs. */
  toFailureDetails(): VenueFailureDetails {
    return { ...this.details };
  }
  /** Rebuilds the error from plain details (e.g. ApplicationFailure.details[0]); throws a clear error on a wrong shape. */
  static fromFailureDetails(details: unknown): VenueError {
    const parsed = venueFailureDetailsSchema.safeParse(details);
    if (!parsed.success) throw new Error(`not venue failure details: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    return new VenueError(parsed.data);
  }
}

/** True for VenueError instances (also across module copies, by name and shape). */
export function isVenueError(err: unknown): err is VenueError {
  return err instanceof VenueError || (err instanceof Error && err.name === 'VenueError' && venueFailureDetailsSchema.safeParse((err as { details?: unknown }).details).success);
}

/** The plain details of a VenueError, or undefined for anything else. */
export function toFailureDetails(err: unknown): VenueFailureDetails | undefined {
  return isVenueError(err) ? { ...err.details } : undefined;
}

/** Rebuilds a VenueError from plain details (see VenueError.fromFailureDetails). */
export function fromFailureDetails(details: unknown): VenueError {
  return VenueError.fromFailureDetails(details);
}

/** Longest wait we accept from a Retry-After header (a venue asking for more is treated as this). */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * `Retry-After` (RFC 9110): delta-seconds ("120") or an HTTP date ("Tue, 24 Nov 2026 00:00:05 GMT").
 * The date form needs `nowMs` (no clock here); without it, or for anything unparsable, undefined.
 * Dates in the past give 0; waits are capped at MAX_RETRY_AFTER_MS.
 */
export function parseRetryAfter(header: string | undefined, nowMs?: number): number | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  // Some servers send fractional seconds; not RFC, but unambiguous.
  if (/^\d+\.\d+$/.test(trimmed)) return Math.min(Math.round(Number(trimmed) * 1000), MAX_RETRY_AFTER_MS);
  if (nowMs === undefined) return undefined;
  // Only the HTTP-date shapes (IMF-fixdate and the obsolete RFC 850 / asctime forms), not any string Date.parse happens to accept.
  if (!/^[A-Za-z]{3},? /.test(trimmed) && !/^[A-Za-z]+, \d/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

/** Venue error codes that mean "try again" whatever the HTTP status says. */
export const RETRYABLE_VENUE_CODES: ReadonlySet<string> = new Set([
  'rate_limited',
  'rate_limit_exceeded',
  'too_many_requests',
  'service_unavailable',
  'exchange_unavailable',
  'internal_error',
  'internal_server_error',
  'temporarily_unavailable',
]);

/** The class of an HTTP failure, with the Retry-After wait when the venue gave one. */
export interface HttpFailureClass {
  errorClass: VenueErrorClass;
  retryAfterMs?: number;
}

/**
 * Classifies an HTTP error response.
 * - 429, 503, 408, 425 and venue codes in RETRYABLE_VENUE_CODES: retryable (the venue did not act).
 * - 502, 504: unknown (a gateway answered; the venue behind it may have processed the request).
 * - other 5xx: retryable for reads; unknown when `sideEffecting` (an order submit/cancel/amend),
 *   because a 500 may come after the order was accepted.
 * - other 4xx: permanent.
 * Anything else (1xx–3xx reaching here) is unknown: we cannot tell what happened.
 */
export function classifyHttpFailure(opts: { status: number; venueCode?: string; retryAfterHeader?: string; nowMs?: number; sideEffecting?: boolean }): HttpFailureClass {
  const retryAfterMs = parseRetryAfter(opts.retryAfterHeader, opts.nowMs);
  const withWait = (errorClass: VenueErrorClass): HttpFailureClass => (retryAfterMs === undefined ? { errorClass } : { errorClass, retryAfterMs });
  const s = opts.status;
  if (s === 429 || s === 503 || s === 408 || s === 425 || (opts.venueCode !== undefined && RETRYABLE_VENUE_CODES.has(opts.venueCode))) return withWait('retryable');
  if (s === 502 || s === 504) return withWait('unknown');
  if (s >= 500 && s <= 599) return withWait(opts.sideEffecting ? 'unknown' : 'retryable');
  if (s >= 400 && s <= 499) return { errorClass: 'permanent' };
  return { errorClass: 'unknown' };
}

/** Ways a request can fail below HTTP. */
export type NetworkFailureKind = 'timeout' | 'reset' | 'refused' | 'aborted';

/**
 * Classifies a transport failure. A refused connection, or any failure before the request was
 * written, is retryable (the venue never saw it). A timeout, reset or abort after the request was
 * sent is unknown: the venue may have acted on it.
 */
export function classifyNetworkFailure(kind: NetworkFailureKind, requestSent: boolean): VenueErrorClass {
  if (kind === 'refused' || !requestSent) return 'retryable';
  return 'unknown';
}
