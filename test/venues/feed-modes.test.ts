/**
 * The venue feeds against the simulator's market world over real WebSockets, driven by the
 * simulator's own faults: a sequence gap on one Kalshi connection sends that market alone to
 * polling (hybrid), gaps on every connection and a dropped Polymarket channel send everything to
 * polling (poll), and fresh snapshots bring the markets back to the stream only once the hold has
 * passed. The recording of the same run round-trips through its schema and rebuilds the books the
 * store holds; a burst beyond a feed's queue bound is dropped and forces a resync.
 *
 * The hold is measured on the store's clock, which the test moves on by hand (real time plus an
 * offset), so "not before the hold" is asserted without waiting or timing anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bookSourceForSimulator, streamingBookSourceForSimulator } from '../../venues/execution';
import { createFeedStore, type FeedVenue } from '../../venues/feed-store';
import { feedMarketsFor, feedSourcesForSimulator } from '../../venues/feed-streams';
import { createRecorder, marketDataRecordSchema, readRecording, rebuildBooks, recordKey } from '../../venues/recording';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { streamingBookSource } from '../../venues/streaming-books';
import { eventually } from '../helpers/db';
import { injectFault } from '../helpers/sim';

const HOLD_MS = 60_000;

async function admin(url: string, body: object): Promise<void> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
}

describe('venue feeds', () => {
  let sim: VenueSimulator;
  let offset = 0;
  const store = createFeedStore({ holdMs: HOLD_MS, now: () => Date.now() + offset });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legwork-feed-rec-'));
  const recorder = createRecorder({ dir, maxFileBytes: 8 * 1024 });
  let feeds: ReturnType<typeof streamingBookSourceForSimulator>;
  let rest: ReturnType<typeof bookSourceForSimulator>;

  beforeAll(async () => {
    sim = await startVenueSimulator({ world: { seed: 3, tickMs: 0 } });
    rest = bookSourceForSimulator(sim.describe());
    // One connection per market, so one connection's failure costs one market.
    feeds = streamingBookSourceForSimulator(sim.describe(), sim.describe().world!.mapping, undefined, { recorder, store, tuning: { marketsPerStream: 1, pollIntervalMs: 100 } });
  });
  let closed = false;
  const closeFeeds = async () => {
    if (closed) return;
    closed = true;
    await feeds.close();
    await recorder.close();
  };
  afterAll(async () => {
    await closeFeeds();
    await rest.close();
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const health = (venue: FeedVenue) => store.venueHealth(venue)!;
  const sameAsRest = async (venue: FeedVenue, market: string) => JSON.stringify(await feeds.books.book(venue, market)) === JSON.stringify(await rest.books.book(venue, market));

  it('goes stream → hybrid → poll promptly on faults, and back to stream only after the hold', async () => {
    const markets = feedMarketsFor(sim.describe().world!.mapping);
    await eventually('every venue streamed', async () => (['kalshi', 'polymarket', 'coinbase'] as const).every((v) => health(v).mode === 'stream'));
    const [first, ...others] = markets.kalshi;

    // A gap on the first market's connection: it alone goes to polling, at once.
    await injectFault(sim, 'kalshi', { endpoint: 'WS orderbook_delta', kind: 'ws_seq_gap', market: first! });
    await admin(`${sim.describe().kalshi.adminUrl}/liquidity`, { ticker: first, side: 'yes', price: 2, count: 1 });
    await eventually('kalshi hybrid after the gap', async () => health('kalshi').gaps >= 1 && health('kalshi').mode === 'hybrid');
    expect(store.needsPoll('kalshi')).toEqual([first]);
    // The loop reads that market from the feed's REST poll meanwhile; it has the gap's delta.
    await eventually('the gapped market served from the poll', () => sameAsRest('kalshi', first!));
    expect(health('kalshi').polls).toBeGreaterThan(0);

    // Gaps on every other connection, and the Polymarket channel dropped: both venues poll.
    for (const t of others) {
      await injectFault(sim, 'kalshi', { endpoint: 'WS orderbook_delta', kind: 'ws_seq_gap', market: t });
      await admin(`${sim.describe().kalshi.adminUrl}/liquidity`, { ticker: t, side: 'yes', price: 2, count: 1 });
    }
    await injectFault(sim, 'polymarket', { endpoint: 'WS /ws/market', kind: 'ws_disconnect' });
    await eventually('kalshi polls', async () => health('kalshi').mode === 'poll' && health('kalshi').gaps >= markets.kalshi.length);
    await eventually('polymarket polls', async () => health('polymarket').mode === 'poll' && health('polymarket').disconnects >= 1);

    // Fresh snapshots make every book known again (the governor's data-health measure is clear)…
    await eventually('every book resynced', async () => health('kalshi').unknown === 0 && health('polymarket').unknown === 0);
    expect(health('kalshi').unhealthyMs).toBe(0);
    // …but the streams have not been healthy for the hold yet: still polling, no flapping back.
    expect(health('kalshi')).toMatchObject({ mode: 'poll', streamMarkets: 0 });
    expect(health('polymarket')).toMatchObject({ mode: 'poll', streamMarkets: 0 });
    expect(health('coinbase').mode).toBe('stream'); // untouched

    offset += HOLD_MS;
    expect(health('kalshi')).toMatchObject({ mode: 'stream', polledMarkets: 0 });
    expect(health('polymarket')).toMatchObject({ mode: 'stream', polledMarkets: 0 });
    const streamReads = feeds.health().streamReads;
    expect(await sameAsRest('kalshi', first!)).toBe(true);
    expect(await sameAsRest('polymarket', markets.polymarket[0]!)).toBe(true);
    expect(feeds.health().streamReads).toBe(streamReads + 2);
  }, 60_000);

  it('records every applied book event as JSONL that rebuilds the books the store holds', async () => {
    const markets = feedMarketsFor(sim.describe().world!.mapping);
    // Some deltas on every venue, then a settled state to compare.
    await sim.world!.tick();
    await sim.world!.tick();
    const all = (Object.entries(markets) as [FeedVenue, string[]][]).flatMap(([venue, ms]) => ms.map((market) => ({ venue, market })));
    await eventually('the stream books settle on the REST books', async () => {
      for (const { venue, market } of all.filter((m) => m.venue !== 'coinbase')) if (!(await sameAsRest(venue, market))) return false;
      return health('coinbase').unknown === 0;
    });
    const live = new Map(all.map(({ venue, market }) => [recordKey(venue, market), store.streamBook(venue, market)]));

    await closeFeeds();
    const files = recorder.files;
    expect(files.length).toBeGreaterThan(1); // rotated at 8 KiB

    let lines = 0;
    for (const file of files) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        lines += 1;
        const parsed = marketDataRecordSchema.parse(JSON.parse(line));
        expect(JSON.parse(JSON.stringify(parsed))).toEqual(JSON.parse(line)); // nothing lost or added by the schema
      }
    }
    expect(lines).toBe(recorder.written);
    const kinds = new Set<string>();
    for await (const r of readRecording(files)) kinds.add(`${r.source}:${r.kind}`);
    expect([...kinds].sort()).toEqual(['rest:snapshot', 'stream:delta', 'stream:lost', 'stream:snapshot']);

    const rebuilt = await rebuildBooks(files);
    for (const [key, book] of live) expect([key, rebuilt.get(key)]).toEqual([key, book]);
    // The last file alone rebuilds them too: each rotated file opens with every known book.
    const lastOnly = await rebuildBooks(files[files.length - 1]!);
    for (const [key, book] of live) expect([key, lastOnly.get(key)]).toEqual([key, book]);
  }, 60_000);

  it('names the file, line and field of a bad record', async () => {
    const file = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(file, `${JSON.stringify({ v: 1, t: 1, venue: 'kalshi', market: 'X', kind: 'snapshot', source: 'stream', seq: null, bids: [], asks: [] })}\n${JSON.stringify({ v: 1, t: 1, venue: 'kalshi', market: 'X', kind: 'delta', source: 'stream', seq: 2, bids: [[0.5, '1']], asks: [] })}\n`);
    await expect(rebuildBooks(file)).rejects.toThrow(/bad\.jsonl:2: bids\.0\.0/);
  });
});

describe('a feed under a burst', () => {
  it('drops what exceeds its queue bound and resyncs from a fresh snapshot instead of growing', async () => {
    const sim = await startVenueSimulator();
    const rest = bookSourceForSimulator(sim.describe());
    const queueLimit = 20;
    const feeds = streamingBookSource({ sources: feedSourcesForSimulator(sim.describe(), rest.books), markets: { coinbase: ['BTC-USD'] }, fallback: rest.books, tuning: { queueLimit, holdMs: 0 } });
    try {
      const health = () => feeds.store.venueHealth('coinbase')!;
      await eventually('BTC-USD streamed', async () => health().mode === 'stream');
      // 200 levels a side at once: one level2 message each, far more than the queue holds.
      const bids = Array.from({ length: 200 }, (_, i): [string, string] => [`${90_000 - i}.00`, '1']);
      const asks = Array.from({ length: 200 }, (_, i): [string, string] => [`${97_100 + i}.00`, '1']);
      await admin(`${sim.describe().coinbase.adminUrl}/liquidity`, { product_id: 'BTC-USD', bids, asks });
      await eventually('the overflow noticed and a resync forced', async () => health().dropped > 0 && health().resyncs >= 1);
      // The fresh snapshot after the resync has the whole book.
      await eventually('resynced to the full book', async () => health().mode === 'stream' && feeds.store.streamBook('coinbase', 'BTC-USD')?.bids.size === 200);
      expect((await feeds.books.book('coinbase', 'BTC-USD')).bids[0]).toEqual(['90000', '1']);
    } finally {
      await feeds.close();
      await rest.close();
      await sim.stop();
    }
  }, 60_000);
});
