/** The rate governor on a virtual clock: deterministic, no real waiting. */
import { RateGovernor } from '../../venues/rate-governor';

function virtualClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => (t += ms),
    sleeps,
  };
}

describe('rate governor', () => {
  it('lets a burst through, then paces at the configured rate', async () => {
    const clock = virtualClock();
    const g = new RateGovernor({ venue: 'kalshi', limits: { default: { ratePerSecond: 10, burst: 5 } }, maxInFlight: 100, ...clock });
    const sentAt: number[] = [];
    for (let i = 0; i < 15; i++) await g.schedule('GET /markets', async () => sentAt.push(clock.now()));
    expect(sentAt.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // 10 more at 10/s: one every 100 ms
    expect(sentAt.slice(5)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('a 429 with Retry-After blocks the endpoint until then and halves its rate; successes bring it back (AIMD)', async () => {
    const clock = virtualClock();
    const g = new RateGovernor({ venue: 'kalshi', limits: { default: { ratePerSecond: 10, burst: 1 } }, maxInFlight: 10, increasePerSuccess: 1, ...clock });
    await g.schedule('POST /portfolio/orders', async () => undefined);
    g.onThrottled('POST /portfolio/orders', 2_000);
    expect(g.snapshot().endpoints[0]).toMatchObject({ ratePerSecond: 5, blockedForMs: 2_000, throttled: 1 });
    let sentAt = -1;
    await g.schedule('POST /portfolio/orders', async () => (sentAt = clock.now()));
    expect(sentAt).toBeGreaterThanOrEqual(2_000);
    // Other endpoints are not held back by this one's 429.
    let other = -1;
    const before = clock.now();
    await g.schedule('GET /markets', async () => (other = clock.now()));
    expect(other).toBe(before);
    for (let i = 0; i < 5; i++) g.onSuccess('POST /portfolio/orders');
    expect(g.snapshot().endpoints.find((e) => e.endpoint === 'POST /portfolio/orders')?.ratePerSecond).toBe(10);
    for (let i = 0; i < 10; i++) g.onThrottled('POST /portfolio/orders');
    expect(g.snapshot().endpoints.find((e) => e.endpoint === 'POST /portfolio/orders')?.ratePerSecond).toBe(10 / 16); // floor
  });

  it('bounds requests in flight per venue', async () => {
    const g = new RateGovernor({ venue: 'polymarket', limits: { default: { ratePerSecond: 1000, burst: 1000 } }, maxInFlight: 2 });
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const tasks = Array.from({ length: 6 }, () =>
      g.schedule('POST /order', async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
      }),
    );
    // Let the first two start, then release them one by one; the rest start only as slots free up.
    while (releases.length < 2) await new Promise((r) => setImmediate(r));
    expect(g.snapshot().inFlight).toBe(2);
    let released = 0;
    while (released < 6) {
      while (releases.length <= released) await new Promise((r) => setImmediate(r));
      releases[released]!();
      released += 1;
    }
    await Promise.all(tasks);
    expect(peak).toBe(2);
    expect(g.snapshot().inFlight).toBe(0);
  });
});
