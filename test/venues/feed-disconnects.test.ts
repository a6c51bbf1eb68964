/**
 * A market-data stream that drops without a sequence gap, against the simulator over real
 * WebSockets: the Kalshi and Coinbase stream clients report the drop, and the feed sends the
 * venue's markets to polling at once, as a gap would, instead of serving the books again from the
 * reconnect's snapshots as if nothing had happened. Coinbase, like the binary venues, is polled
 * over REST (`GET /product_book`) meanwhile, and comes back to its stream only after the hold.
 *
 * The hold is measured on the store's clock, which the test moves on by hand (real time plus an
 * offset), so "not before the hold" is asserted without waiting or timing anything.
 */
import { bookSourceForSimulator } from '../../venues/execution';
import { createFeedStore, type FeedVenue } from '../../venues/feed-store';
import { feedSourcesForSimulator } from '../../venues/feed-streams';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { streamingBookSource } from '../../venues/streaming-books';
import { eventually } from '../helpers/db';
import { BOOK_STREAM, injectFault, simAdmin } from '../helpers/sim';

const HOLD_MS = 60_000;
const KALSHI_MARKET = 'FED-25DEC-T4.25';
const PRODUCT = 'BTC-USD';

describe('a stream that drops without a gap', () => {
  let sim: VenueSimulator;
  let rest: ReturnType<typeof bookSourceForSimulator>;
  let feeds: ReturnType<typeof streamingBookSource>;
  let offset = 0;
  const store = createFeedStore({ holdMs: HOLD_MS, now: () => Date.now() + offset });
  const health = (venue: FeedVenue) => store.venueHealth(venue)!;

  beforeAll(async () => {
    sim = await startVenueSimulator();
    rest = bookSourceForSimulator(sim.describe());
    feeds = streamingBookSource({ sources: feedSourcesForSimulator(sim.describe(), rest.books), markets: { kalshi: [KALSHI_MARKET], coinbase: [PRODUCT] }, fallback: rest.books, store, tuning: { pollIntervalMs: 100 } });
  });
  afterAll(async () => {
    await feeds.close();
    await rest.close();
    await sim.stop();
  });

  it.each<FeedVenue>(['kalshi', 'coinbase'])('%s: the drop sends the venue to polling at once, and the stream serves again only after the hold', async (venue) => {
    const market = venue === 'kalshi' ? KALSHI_MARKET : PRODUCT;
    await eventually(`${venue} streamed`, async () => health(venue).mode === 'stream');
    const before = health(venue);

    await injectFault(sim, venue, { endpoint: BOOK_STREAM[venue], kind: 'ws_disconnect' });
    await eventually(`${venue} polls after the drop`, async () => health(venue).mode === 'poll' && health(venue).disconnects === before.disconnects + 1);
    expect(health(venue).gaps).toBe(before.gaps); // a drop, not a gap
    // The reconnect's snapshot makes the book known again, but the hold keeps the venue polled.
    await eventually(`${venue} resynced`, async () => health(venue).unknown === 0);
    expect(health(venue)).toMatchObject({ mode: 'poll', streamMarkets: 0, polledMarkets: 1 });
    expect(store.needsPoll(venue)).toEqual([market]);

    // Meanwhile the loop's reads come from the feed's REST polls, which follow the venue's book.
    if (venue === 'coinbase') await simAdmin(sim, 'coinbase', 'liquidity', { product_id: PRODUCT, bids: [['96800', '0.7']], asks: [['96900', '0.3']] });
    else await simAdmin(sim, 'kalshi', 'liquidity', { ticker: KALSHI_MARKET, side: 'yes', price: 2, count: 1 });
    const restReads = feeds.health().restReads;
    await eventually(`${venue} read from a poll that has the change`, async () => JSON.stringify(await feeds.books.book(venue, market)) === JSON.stringify(await rest.books.book(venue, market)));
    expect(feeds.health().restReads).toBeGreaterThan(restReads);
    expect(health(venue).polls).toBeGreaterThan(before.polls);

    offset += HOLD_MS;
    expect(health(venue)).toMatchObject({ mode: 'stream', polledMarkets: 0 });
    const streamReads = feeds.health().streamReads;
    await eventually(`${venue} stream book has the change`, async () => JSON.stringify(await feeds.books.book(venue, market)) === JSON.stringify(await rest.books.book(venue, market)));
    expect(feeds.health().streamReads).toBeGreaterThan(streamReads);
  }, 60_000);
});
