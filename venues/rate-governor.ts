/**
 * Per-venue, per-endpoint request pacing, shared by every adapter:
 * - a token bucket (rate per second, burst) per endpoint,
 * - AIMD on the rate: a 429 halves it (multiplicative decrease, with a floor), each success adds
 *   a little back (additive increase) up to the configured rate,
 * - `Retry-After` honoured: nothing goes to that endpoint before the venue said it may,
 * - bounded concurrency per venue (requests in flight),
 * - a snapshot of every budget for metrics and for the risk governor's endpoint breakers.
 * Time is injected (`now()` in ms and a `sleep`), so tests drive it with a virtual clock.
 */
export interface EndpointLimit {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Bucket size: how many may go at once after a quiet period. */
  burst: number;
  /** The rate never drops below this on 429s. */
  minRatePerSecond?: number;
}

export interface RateGovernorOptions {
  venue: string;
  /** Limits by endpoint key (e.g. "POST /portfolio/orders"); `default` applies to the rest. */
  limits: Record<string, EndpointLimit> & { default: EndpointLimit };
  maxInFlight: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Additive increase per success, in requests per second. */
  increasePerSuccess?: number;
}

interface Bucket {
  limit: EndpointLimit;
  rate: number;
  tokens: number;
  refilledAt: number;
  blockedUntil: number;
  throttled: number;
  granted: number;
}

export interface EndpointBudget {
  endpoint: string;
  ratePerSecond: number;
  configuredRatePerSecond: number;
  tokens: number;
  blockedForMs: number;
  throttled: number;
  granted: number;
}

export class RateGovernor {
  private readonly buckets = new Map<string, Bucket>();
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RateGovernorOptions) {
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private bucket(endpoint: string): Bucket {
    let b = this.buckets.get(endpoint);
    if (!b) {
      const limit = this.options.limits[endpoint] ?? this.options.limits.default;
      b = { limit, rate: limit.ratePerSecond, tokens: limit.burst, refilledAt: this.now(), blockedUntil: 0, throttled: 0, granted: 0 };
      this.buckets.set(endpoint, b);
    }
    return b;
  }

  private refill(b: Bucket, at: number): void {
    const elapsed = Math.max(0, at - b.refilledAt) / 1000;
    b.tokens = Math.min(b.limit.burst, b.tokens + elapsed * b.rate);
    b.refilledAt = at;
  }

  /** How long until this endpoint may send (0 = now); takes the token when it is 0. */
  private tryTake(endpoint: string): number {
    const b = this.bucket(endpoint);
    const at = this.now();
    if (at < b.blockedUntil) return b.blockedUntil - at;
    this.refill(b, at);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.granted += 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / b.rate) * 1000);
  }

  private async acquireSlot(): Promise<void> {
    if (this.inFlight < this.options.maxInFlight) {
      this.inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.inFlight += 1;
  }

  private releaseSlot(): void {
    this.inFlight -= 1;
    this.waiters.shift()?.();
  }

  /** Runs `fn` when the endpoint's budget and the venue's concurrency allow. */
  async schedule<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const wait = this.tryTake(endpoint);
      if (wait === 0) break;
      await this.sleep(wait);
    }
    await this.acquireSlot();
    try {
      return await fn();
    } finally {
      this.releaseSlot();
    }
  }

  /** A 429 (or equivalent): halve the rate, and block until Retry-After if the venue gave one. */
  onThrottled(endpoint: string, retryAfterMs?: number): void {
    const b = this.bucket(endpoint);
    b.throttled += 1;
    b.rate = Math.max(b.limit.minRatePerSecond ?? b.limit.ratePerSecond / 16, b.rate / 2);
    b.tokens = Math.min(b.tokens, 0);
    if (retryAfterMs !== undefined) b.blockedUntil = Math.max(b.blockedUntil, this.now() + retryAfterMs);
  }

  /** A success: creep the rate back towards the configured one. */
  onSuccess(endpoint: string): void {
    const b = this.bucket(endpoint);
    b.rate = Math.min(b.limit.ratePerSecond, b.rate + (this.options.increasePerSuccess ?? b.limit.ratePerSecond / 20));
  }

  snapshot(): { venue: string; inFlight: number; maxInFlight: number; endpoints: EndpointBudget[] } {
    const at = this.now();
    return {
      venue: this.options.venue,
      inFlight: this.inFlight,
      maxInFlight: this.options.maxInFlight,
      endpoints: [...this.buckets.entries()].map(([endpoint, b]) => {
        this.refill(b, at);
        return {
          endpoint,
          ratePerSecond: b.rate,
          configuredRatePerSecond: b.limit.ratePerSecond,
          tokens: Math.floor(b.tokens * 1000) / 1000,
          blockedForMs: Math.max(0, b.blockedUntil - at),
          throttled: b.throttled,
          granted: b.granted,
        };
      }),
    };
  }
}
