/**
 * The feed store's serving rules on a hand-moved clock: a lost stream book goes to polling at
 * once, comes back only after the hold, a second loss during the hold restarts it, reads never go
 * to REST directly while a feed runs, and deltas are recorded as the levels that changed.
 */
import { bookFromLevels } from '../../domain/book';
import { createFeedStore } from '../../venues/feed-store';

describe('feed store', () => {
  const book = (bid: string, size = '10') => bookFromLevels([[bid, size]], [['0.6', '5']]);

  it('switches down at once and up only after the stream has been known for the hold', async () => {
    let t = 1_000;
    const store = createFeedStore({ holdMs: 3_000, now: () => t });
    store.track('kalshi', ['A', 'B']);
    store.feedStarted('kalshi');
    expect(store.venueHealth('kalshi')!.mode).toBe('poll');
    store.applyStream('kalshi', 'A', book('0.4'), 'snapshot');
    expect(store.venueHealth('kalshi')!.mode).toBe('hybrid'); // B has no stream book yet
    store.applyStream('kalshi', 'B', book('0.4'), 'snapshot');
    expect(store.venueHealth('kalshi')!.mode).toBe('stream'); // no hold before the first serving

    store.lost('kalshi', ['A'], 'gap');
    expect(store.venueHealth('kalshi')).toMatchObject({ mode: 'hybrid', unknown: 1, gaps: 1, streamMarkets: 1 });
    expect(store.needsPoll('kalshi')).toEqual(['A']);
    // A delta for a lost book is not applied: only a snapshot makes it known again.
    expect(store.applyStream('kalshi', 'A', book('0.41'), 'delta')).toBeUndefined();
    store.lost('kalshi', ['A', 'B'], 'disconnect');
    expect(store.venueHealth('kalshi')!.mode).toBe('poll');

    store.applyStream('kalshi', 'A', book('0.42'), 'snapshot');
    store.applyStream('kalshi', 'B', book('0.42'), 'snapshot');
    t += 2_999;
    expect(store.venueHealth('kalshi')).toMatchObject({ mode: 'poll', unknown: 0 }); // known, but held
    // A new loss during the hold restarts it for that market.
    store.lost('kalshi', ['B'], 'gap');
    store.applyStream('kalshi', 'B', book('0.42'), 'snapshot');
    t += 1;
    expect(store.venueHealth('kalshi')!.mode).toBe('hybrid'); // A served again, B still held
    t += 2_998;
    expect(store.venueHealth('kalshi')!.mode).toBe('hybrid'); // B known again for 2 999 ms
    t += 1;
    expect(store.venueHealth('kalshi')).toMatchObject({ mode: 'stream', gaps: 2, disconnects: 1 });
  });

  it('serves polls while a feed runs (never REST directly), and REST when no feed runs here', async () => {
    let t = 0;
    const store = createFeedStore({ holdMs: 0, maxPollAgeMs: 5_000, now: () => t });
    let restCalls = 0;
    const rest = { book: async () => ((restCalls += 1), { bids: [['0.1', '1']] as [string, string][], asks: [] }) };
    const books = store.bookSource(rest);
    expect(await books.book('polymarket', 'T')).toEqual({ bids: [['0.1', '1']], asks: [] });
    expect(restCalls).toBe(1);

    store.track('polymarket', ['T']);
    store.feedStarted('polymarket');
    await expect(books.book('polymarket', 'T')).rejects.toThrow(/no stream book and no poll/);
    store.polled('polymarket', 'T', { bids: [['0.2', '3']], asks: [] });
    expect(await books.book('polymarket', 'T')).toEqual({ bids: [['0.2', '3']], asks: [] });
    t += 5_001;
    await expect(books.book('polymarket', 'T')).rejects.toThrow(/no stream book/);
    store.applyStream('polymarket', 'T', book('0.3'), 'snapshot');
    expect(await books.book('polymarket', 'T')).toEqual({ bids: [['0.3', '10']], asks: [['0.6', '5']] });
    expect(restCalls).toBe(1);
    expect(store.health()).toMatchObject({ streamReads: 1, synced: 1 });
  });

  it('reports a delta as the levels that changed, absolute sizes, "0" for a level that went', () => {
    const store = createFeedStore();
    store.track('coinbase', ['BTC-USD']);
    expect(store.applyStream('coinbase', 'BTC-USD', bookFromLevels([['100', '1'], ['99', '2']], [['101', '1']]), 'snapshot')).toEqual({ kind: 'snapshot', bids: [['100', '1'], ['99', '2']], asks: [['101', '1']] });
    expect(store.applyStream('coinbase', 'BTC-USD', bookFromLevels([['100', '1.5']], [['101', '1'], ['102', '4']]), 'delta')).toEqual({ kind: 'delta', bids: [['100', '1.5'], ['99', '0']], asks: [['102', '4']] });
    // Nothing changed: nothing to record.
    expect(store.applyStream('coinbase', 'BTC-USD', bookFromLevels([['100', '1.5']], [['101', '1'], ['102', '4']]), 'delta')).toBeUndefined();
  });
});
