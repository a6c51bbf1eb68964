/** Shutdown is never held hostage by a refresh that cannot finish (e.g. a governor query with no worker left to answer). */
import type { LedgerClient } from '../../ledger';
import { startBalanceRefresher } from '../../workers/balance-refresh';

describe('startBalanceRefresher stop()', () => {
  afterEach(() => jest.useRealTimers());

  it('resolves within its bound while a refresh hangs, and schedules no further refresh', async () => {
    jest.useFakeTimers();
    let calls = 0;
    const hanging = new Promise<never>(() => undefined);
    const refresher = startBalanceRefresher({
      sources: [{ venue: 'kalshi', balances: () => ((calls += 1), hanging) }],
      db: {} as LedgerClient, // never reached: the read never returns
      everyMs: 1_000,
    });
    expect(calls).toBe(1);
    let stopped = false;
    const stopping = refresher.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(1_999);
    expect(stopped).toBe(false); // still waiting for the refresh in flight
    await jest.advanceTimersByTimeAsync(1);
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
  });
});
