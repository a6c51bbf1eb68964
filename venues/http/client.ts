/**
 * The HTTP plumbing every venue adapter shares: one keep-alive undici pool, requests paced by the
 * venue's rate governor, venue auth headers per request, every failure classified (retryable /
 * permanent / unknown) and every response validated with zod before anyone reads it.
 */
import { Pool, errors as undiciErrors } from 'undici';
import type { z } from 'zod';
import type { PostingDecision } from '../../domain/live-gate';
import { redactHeaders } from '../../domain/secrets';
import { classifyHttpFailure, classifyNetworkFailure, VenueError, type VenueErrorClass } from '../../domain/venue-errors';
import { formatZodError } from '../../domain/validation';
import type { RateGovernor } from '../rate-governor';

export interface VenueHttpOptions {
  venue: string;
  /** e.g. http://127.0.0.1:8700/api/v3/brokerage — paths are relative to it. */
  baseUrl: string;
  rate: RateGovernor;
  /** Auth headers for one request; `path` is the full path without the query string. */
  authHeaders(request: { method: string; host: string; path: string; body?: string }): Promise<Record<string, string>> | Record<string, string>;
  /** The venue's error code in an error body, if it has one. */
  errorCode(body: unknown): { code?: string; message?: string };
  /**
   * How long a request may wait for the venue's answer (headers, then each body chunk) before it
   * fails as a timeout; default DEFAULT_REQUEST_TIMEOUT_MS. A timed-out read is retryable; a
   * timed-out POST or DELETE is unknown (the venue may have acted on it).
   */
  timeoutMs?: number;
  /**
   * The mode gate for requests that change state at the venue (POST, DELETE). Without it every
   * request is sent (tests against the simulator). Reads are always sent.
   */
  posting?: PostingPolicy;
  /**
   * Told the outcome of every request sent (endpoint health for the circuit breakers): `ok`, or a
   * failure that says something about the endpoint (429, 5xx, timeouts, resets). A permanent
   * refusal (validation, funds) is the venue working as it should and is not reported.
   */
  onOutcome?: (outcome: EndpointOutcome) => void;
}

export interface EndpointOutcome {
  venue: string;
  endpoint: string;
  ok: boolean;
  detail?: string;
}

export interface PreflightPayload {
  venue: string;
  method: string;
  path: string;
  body?: string;
  /** Credentials and signatures already redacted. */
  headers: Record<string, string>;
}

export interface PostingPolicy {
  decide(): PostingDecision | Promise<PostingDecision>;
  /** DRY_RUN: keeps what would have been sent. */
  record(payload: PreflightPayload): Promise<void>;
}

/** DRY_RUN outcome: the request was built and signed, recorded, and not sent. */
export class PreflightRecorded extends Error {
  constructor(public readonly payload: PreflightPayload) {
    super(`DRY_RUN: ${payload.method} ${payload.path} recorded as a preflight payload, not sent`);
    this.name = 'PreflightRecorded';
  }
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * A request that failed on the wire: a read changed nothing at the venue, so it is safe to retry
 * whatever happened to it; a request that changes state may have been acted on unless the
 * connection was refused (it never arrived), so it is unknown and resolved by a lookup.
 */
export function classifyWireFailure(method: 'GET' | 'POST' | 'DELETE', kind: 'timeout' | 'reset' | 'refused'): VenueErrorClass {
  return method === 'GET' ? 'retryable' : classifyNetworkFailure(kind, true);
}

export class VenueHttpClient {
  private readonly pool: Pool;
  private readonly base: URL;

  constructor(private readonly options: VenueHttpOptions) {
    this.base = new URL(options.baseUrl);
    this.pool = new Pool(this.base.origin, { connections: 8, keepAliveTimeout: 30_000 });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, schema: z.ZodType<T>, opts: { body?: unknown; query?: URLSearchParams; endpoint?: string } = {}): Promise<T> {
    const endpoint = opts.endpoint ?? `${method} ${path}`;
    const fullPath = `${this.base.pathname.replace(/\/$/, '')}${path}`;
    const { venue } = this.options;
    return this.options.rate.schedule(endpoint, async () => {
      const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
      const auth = await this.options.authHeaders({ method, host: this.base.host, path: fullPath, body });
      if (method !== 'GET' && this.options.posting) {
        const decision = await this.options.posting.decide();
        if (!decision.post) {
          if (decision.preflightOnly) {
            const payload = { venue, method, path: fullPath, body, headers: redactHeaders(auth) };
            await this.options.posting.record(payload);
            throw new PreflightRecorded(payload);
          }
          throw new VenueError({ venue, endpoint, errorClass: 'permanent', venueCode: `gate:${decision.refusedBy}`, message: decision.reason });
        }
      }
      let status: number;
      let text: string;
      let retryAfter: string | undefined;
      try {
        const res = await this.pool.request({
          method,
          path: `${fullPath}${opts.query && [...opts.query].length ? `?${opts.query}` : ''}`,
          headers: { ...auth, 'content-type': 'application/json', host: this.base.host },
          body,
          headersTimeout: this.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
          bodyTimeout: this.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        });
        status = res.statusCode;
        text = await res.body.text();
        const h = res.headers['retry-after'];
        retryAfter = Array.isArray(h) ? h[0] : h;
      } catch (err) {
        const kind =
          err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError ? 'timeout' : (err as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'refused' : 'reset';
        this.options.onOutcome?.({ venue, endpoint, ok: false, detail: kind });
        throw new VenueError({ venue, endpoint, errorClass: classifyWireFailure(method, kind), message: `${kind}: ${(err as Error).message}` });
      }
      const json = parseJson(text);
      if (status >= 400) {
        const { code, message } = this.options.errorCode(json);
        const { errorClass, retryAfterMs } = classifyHttpFailure({ status, venueCode: code, retryAfterHeader: retryAfter, nowMs: Date.now() });
        if (status === 429) this.options.rate.onThrottled(endpoint, retryAfterMs);
        if (errorClass !== 'permanent') this.options.onOutcome?.({ venue, endpoint, ok: false, detail: `HTTP ${status}` });
        throw new VenueError({ venue, endpoint, errorClass, httpStatus: status, venueCode: code, retryAfterMs, message: message ?? `HTTP ${status}` });
      }
      this.options.rate.onSuccess(endpoint);
      this.options.onOutcome?.({ venue, endpoint, ok: true });
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new VenueError({ venue, endpoint, errorClass: 'unknown', httpStatus: status, message: `unexpected response: ${formatZodError(parsed.error)}` });
      return parsed.data;
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
