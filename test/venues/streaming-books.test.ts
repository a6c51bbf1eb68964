/**
 * The signal loop's books from the venue feeds, against the simulator's market world over real
 * WebSockets: stream books equal the REST books once synced; a dropped Polymarket stream sends its
 * reads to the feed's REST polls until the fresh snapshot has been known for the hold, then back.
 */
import { bookSourceForSimulator, streamingBookSourceForSimulator } from '../../venues/execution';
import { startVenueSimulator } from '../../venues/sim';
import { eventually } from '../helpers/db';
import { injectFault } from '../helpers/sim';

describe('streaming books with a REST fallback', () => {
  it('serves the streams while they are synced, REST while one resyncs, and agrees with REST', async () => {
    const sim = await startVenueSimulator({ world: { seed: 3, tickMs: 0 } });
    const mapping = sim.describe().world!.mapping;
    const feeds = streamingBookSourceForSimulator(sim.describe(), mapping, undefined, { tuning: { holdMs: 200, pollIntervalMs: 100 } });
    const all = mapping.pairs.length * 3 + 1; // every pair's ticker and two tokens, and BTC-USD
    const rest = bookSourceForSimulator(sim.describe());
    try {
      const pair = mapping.pairs[0]!;
      await sim.world!.tick();
      // Every mapped market synced from its stream (snapshots, then deltas of the tick).
      await eventually('streams synced', async () => (feeds.health().synced === all ? true : undefined));
      await sim.world!.tick();
      await eventually('stream books equal the REST books after a tick', async () => {
        const [k, kr, p, pr] = await Promise.all([feeds.books.book('kalshi', pair.kalshi.ticker), rest.books.book('kalshi', pair.kalshi.ticker), feeds.books.book('polymarket', pair.polymarket.noTokenId), rest.books.book('polymarket', pair.polymarket.noTokenId)]);
        return JSON.stringify(k) === JSON.stringify(kr) && JSON.stringify(p) === JSON.stringify(pr) ? true : undefined;
      });
      const before = feeds.health();
      expect(before.streamReads).toBeGreaterThan(0);

      // The Polymarket market channel drops: its books are unknown, reads go to REST until resynced.
      await injectFault(sim, 'polymarket', { endpoint: 'WS /ws/market', kind: 'ws_disconnect' });
      await eventually('the drop noticed', async () => (feeds.health().resyncs > before.resyncs ? true : undefined));
      expect(before.venues.polymarket).toMatchObject({ unknown: 0, unhealthyMs: 0, mode: 'stream' });
      const restBefore = feeds.health().restReads;
      await eventually('reads served by the feed\'s REST polls until the stream is back', async () => {
        await feeds.books.book('polymarket', pair.polymarket.yesTokenId).catch(() => undefined);
        return feeds.health().restReads > restBefore ? true : undefined;
      });
      await eventually('resynced from a fresh snapshot, and held', async () => (feeds.health().synced === all ? true : undefined));
      expect(feeds.health().venues.polymarket).toMatchObject({ unknown: 0, unhealthyMs: 0, mode: 'stream' });
      const streamBefore = feeds.health().streamReads;
      await feeds.books.book('polymarket', pair.polymarket.yesTokenId);
      expect(feeds.health().streamReads).toBe(streamBefore + 1);
    } finally {
      await feeds.close();
      await rest.close();
      await sim.stop();
    }
  });
});
