/**
 * The simulator's market world, over real HTTP and WebSockets on loopback: seeded events and
 * mapping, the admin liquidity endpoints, dislocations measured through the adapters' REST books,
 * and resolutions through `GET /markets/...`. Ticks are driven by `tick()` with a fake clock, so
 * nothing waits on a timer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { levels } from '../../domain/book';
import { clientOrderId } from '../../domain/client-order-id';
import { dec, ONE, type Dec } from '../../domain/money';
import { orderRequestSchema } from '../../domain/order';
import { coinbaseBookStream } from '../../venues/coinbase/stream';
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import { kalshiBookStream } from '../../venues/kalshi/stream';
import { PolymarketAdapter } from '../../venues/polymarket/adapter';
import { polymarketBookStream } from '../../venues/polymarket/stream';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { buildWorld, marketMappingSchema, readMappingFile, type MarketWorld, type WorldEvent } from '../../venues/sim/world';
import { nextEvent } from '../helpers/streams';

const T0 = 1_800_000_000_000;
const MINUTE = 60_000;

function adaptersFor(sim: VenueSimulator) {
  const d = sim.describe();
  const kalshi = new KalshiAdapter({ restBaseUrl: d.kalshi.restBaseUrl, credentials: { keyId: d.kalshi.apiKeyId, privateKeyPem: d.kalshi.privateKeyPem } });
  const polymarket = new PolymarketAdapter({
    restBaseUrl: d.polymarket.restBaseUrl,
    account: privateKeyToAccount(d.polymarket.walletPrivateKey),
    credentials: { key: d.polymarket.apiKey, secret: d.polymarket.apiSecret, passphrase: d.polymarket.apiPassphrase },
  });
  return { kalshi, polymarket, close: () => Promise.all([kalshi.close(), polymarket.close()]) };
}
type Adapters = ReturnType<typeof adaptersFor>;

const bestAsk = (book: { asks: [string, string][] }): Dec => {
  const level = book.asks[0];
  if (!level) throw new Error('no asks');
  return dec(level[0]);
};
const bestBid = (book: { bids: [string, string][] }): Dec => {
  const level = book.bids[0];
  if (!level) throw new Error('no bids');
  return dec(level[0]);
};

/** Both cross-venue costs of one YES + one NO, from the venues' REST books. */
async function costs(a: Adapters, e: WorldEvent) {
  const [k, polyYes, polyNo] = await Promise.all([a.kalshi.orderBook(e.kalshiTicker), a.polymarket.orderBook(e.polymarketYesTokenId), a.polymarket.orderBook(e.polymarketNoTokenId)]);
  const kalshiNoAsk = ONE.minus(bestBid(k)); // a Kalshi NO ask is 1 − its best YES bid
  return { kalshiYesPolyNo: bestAsk(k).plus(bestAsk(polyNo)), polyYesKalshiNo: bestAsk(polyYes).plus(kalshiNoAsk) };
}

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('market world', () => {
  it('the same seed gives the same events and mapping; another seed another', () => {
    const a = buildWorld({ seed: 11, startAt: T0, divergentEvents: 1 });
    const b = buildWorld({ seed: 11, startAt: T0, divergentEvents: 1 });
    expect(b).toEqual(a);
    expect(buildWorld({ seed: 12, startAt: T0 }).mapping).not.toEqual(a.mapping);
    expect(a.events).toHaveLength(3);
    expect(a.events.filter((e) => e.divergent)).toHaveLength(1);
    for (const e of a.events) {
      expect(e.kalshiTicker).toMatch(/^LWSIM-[A-Z0-9]+-YES$/);
      expect(e.polymarketYesTokenId).toMatch(/^[1-9]\d{18}$/);
      expect(dec(e.fair).gt(dec('0.02')) && dec(e.fair).lt(dec('0.98'))).toBe(true);
    }
    expect(() => buildWorld({ seed: 1, events: 2, divergentEvents: 3 })).toThrow(/divergentEvents/);
  });

  it('the checked-in example mapping validates, with its one low-confidence pair', () => {
    const example = readMappingFile(path.join(__dirname, '..', '..', 'config', 'market-mapping.example.json'));
    expect(example.pairs.filter((p) => p.confidence === 'low')).toHaveLength(1);
    expect(example).toEqual(buildWorld({ seed: 1, startAt: Date.UTC(2026, 0, 1) }).mapping);
  });

  describe('running on a simulator', () => {
    let now = T0;
    let sim: VenueSimulator;
    let world: MarketWorld;
    let adapters: Adapters;
    beforeEach(async () => {
      now = T0;
      sim = await startVenueSimulator({ world: { seed: 2024, tickMs: 0, dislocationRate: 0.3, dislocationTicks: 3, divergentEvents: 1, resolveAfterMs: 10 * MINUTE, clock: () => now } });
      world = sim.world!;
      adapters = adaptersFor(sim);
    });
    afterEach(async () => {
      await adapters.close();
      await sim.stop();
    });

    it('exposes the mapping in describe(), writes it as a file the zod schema accepts, and labels the look-alike pair low', async () => {
      const mapping = sim.describe().world?.mapping;
      expect(mapping).toEqual(world.mapping);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lw-world-')), 'market-mapping.json');
      world.writeMappingFile(file);
      const parsed = marketMappingSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      expect(parsed.success).toBe(true);
      expect(readMappingFile(file)).toEqual(world.mapping);

      const low = world.mapping.pairs.filter((p) => p.confidence === 'low');
      expect(low).toEqual([expect.objectContaining({ id: world.lookalike.id, kalshi: { ticker: world.lookalike.kalshiTicker } })]);
      expect(world.mapping.pairs.filter((p) => p.confidence === 'high').map((p) => p.id)).toEqual(world.events.map((e) => e.id));
      // The pair's listings are quoted too (a strategy sees them), each around its own fair value.
      expect((await adapters.kalshi.orderBook(world.lookalike.kalshiTicker)).asks.length).toBeGreaterThan(0);

      // The schema names the field at fault.
      const bad = marketMappingSchema.safeParse({ ...world.mapping, pairs: [{ ...world.mapping.pairs[0], confidence: 'medium' }] });
      expect(bad.success).toBe(false);
      expect(JSON.stringify(bad.error?.issues.map((i) => i.path))).toContain('confidence');
      const twice = marketMappingSchema.safeParse({ ...world.mapping, pairs: [world.mapping.pairs[0], world.mapping.pairs[0]] });
      expect(twice.error?.issues[0]?.message).toMatch(/mapped twice/);

      // No world, no mapping.
      const plain = await startVenueSimulator();
      try {
        expect(plain.describe().world).toBeUndefined();
        expect(plain.world).toBeUndefined();
      } finally {
        await plain.stop();
      }
    });

    it('replays from its seed: two simulators with the same world reach the same state and books', async () => {
      const twin = await startVenueSimulator({ world: { seed: 2024, tickMs: 0, dislocationRate: 0.3, dislocationTicks: 3, divergentEvents: 1, resolveAfterMs: 10 * MINUTE, clock: () => now } });
      const twinAdapters = adaptersFor(twin);
      try {
        for (let i = 0; i < 15; i++) await Promise.all([world.tick(), twin.world!.tick()]);
        expect(twin.world!.state()).toEqual(world.state());
        const e = world.events[1]!;
        expect(await twinAdapters.kalshi.orderBook(e.kalshiTicker)).toEqual(await adapters.kalshi.orderBook(e.kalshiTicker));
        expect(await twinAdapters.polymarket.orderBook(e.polymarketNoTokenId)).toEqual(await adapters.polymarket.orderBook(e.polymarketNoTokenId));
      } finally {
        await twinAdapters.close();
        await twin.stop();
      }
    });

    it('opens a dislocation (Kalshi YES ask + Polymarket NO ask < 1, read from the REST books) and closes it again', async () => {
      // Calm books: buying YES on one venue and NO on the other costs more than 1 for every event.
      for (const e of world.events) {
        const c = await costs(adapters, e);
        expect(c.kalshiYesPolyNo.gt(ONE) && c.polyYesKalshiNo.gt(ONE)).toBe(true);
      }
      let found: WorldEvent | undefined;
      for (let i = 0; i < 200 && !found; i++) {
        await world.tick();
        const open = world.state().events.find((s) => s.dislocation?.kind === 'kalshi-yes+polymarket-no' && s.dislocation.ticksLeft === 3);
        found = open && world.events.find((e) => e.id === open.id);
      }
      if (!found) throw new Error('no Kalshi-YES/Polymarket-NO dislocation within 200 ticks');
      const during = await costs(adapters, found);
      expect(during.kalshiYesPolyNo.lt(ONE)).toBe(true);

      // It stays open for dislocationTicks ticks, then the books are calm again.
      for (let i = 0; i < 2; i++) {
        await world.tick();
        expect(world.state().events.find((s) => s.id === found.id)?.dislocation).toBeDefined();
        expect((await costs(adapters, found)).kalshiYesPolyNo.lt(ONE)).toBe(true);
      }
      await world.tick();
      expect(world.state().events.find((s) => s.id === found.id)?.dislocation).toBeUndefined();
      const after = await costs(adapters, found);
      expect(after.kalshiYesPolyNo.gt(ONE) && after.polyYesKalshiNo.gt(ONE)).toBe(true);
      // Every event without an open dislocation is calm.
      for (const s of world.state().events.filter((x) => !x.dislocation)) {
        const c = await costs(adapters, world.events.find((e) => e.id === s.id)!);
        expect(c.kalshiYesPolyNo.gt(ONE) && c.polyYesKalshiNo.gt(ONE)).toBe(true);
      }
    });

    it('resolves an event on both venues at its resolution time, differently on the two when divergent', async () => {
      const [first] = world.events;
      now = first!.resolvesAt - 1;
      await world.tick();
      expect(await adapters.kalshi.resolution(first!.kalshiTicker, 'yes')).toMatchObject({ resolved: false });

      now = first!.resolvesAt;
      await world.tick();
      expect(await adapters.kalshi.resolution(first!.kalshiTicker, 'yes')).toMatchObject({ resolved: true });
      expect(await adapters.polymarket.resolution(first!.polymarketYesTokenId)).toMatchObject({ resolved: true });
      expect(await adapters.kalshi.resolution(world.events[1]!.kalshiTicker, 'yes')).toMatchObject({ resolved: false });
      // Trading stops with resolution: the world's quotes are gone.
      expect(await adapters.kalshi.orderBook(first!.kalshiTicker)).toEqual({ bids: [], asks: [] });

      now = world.lookalike.resolvesAt;
      await world.tick();
      expect(world.events.filter((e) => e.divergent)).toHaveLength(1);
      for (const e of world.events) {
        const kalshiYes = await adapters.kalshi.resolution(e.kalshiTicker, 'yes');
        const polyYes = await adapters.polymarket.resolution(e.polymarketYesTokenId);
        const polyNo = await adapters.polymarket.resolution(e.polymarketNoTokenId);
        if (!kalshiYes.resolved || !polyYes.resolved || !polyNo.resolved) throw new Error(`${e.id} not resolved`);
        // One token of the pair wins on Polymarket.
        expect(dec(polyYes.payoutPerContract).plus(dec(polyNo.payoutPerContract)).eq(ONE)).toBe(true);
        const same = kalshiYes.payoutPerContract === polyYes.payoutPerContract;
        expect(same).toBe(!e.divergent);
        expect(world.state().events.find((s) => s.id === e.id)?.resolution).toEqual({ kalshi: kalshiYes.result, polymarketYesWins: polyYes.result === 'won' });
      }
      expect(await adapters.kalshi.resolution(world.lookalike.kalshiTicker, 'yes')).toMatchObject({ resolved: true });
      expect(world.state().lastError).toBeUndefined();
    });
  });
});

describe('market world on its timer', () => {
  it('ticks by itself, walks the BTC-USD book on Coinbase (seen on the level2 stream), and stop() ends the ticking', async () => {
    const sim = await startVenueSimulator({ world: { seed: 9, tickMs: 5 } });
    const d = sim.describe();
    const stream = coinbaseBookStream({ wsUrl: sim.coinbase.wsUrl, credentials: { keyName: d.coinbase.apiKeyName, privateKeyPem: d.coinbase.apiPrivateKeyPem }, products: ['BTC-USD'] });
    const events = stream.events();
    try {
      const first = await nextEvent(events, (e) => e.type === 'book');
      if (first.type !== 'book') throw new Error('unreachable');
      const firstBid = levels(first.book, 'bid')[0]?.[0];
      // The world replaced the simulator's default quotes with its own ladder around the mid.
      expect(levels(first.book, 'bid')).toHaveLength(3);
      await nextEvent(events, (e) => e.type === 'book' && e.from === 'update' && levels(e.book, 'bid').length === 3 && levels(e.book, 'bid')[0]?.[0] !== firstBid);
      const world = sim.world!;
      await world.stop();
      const ticks = world.state().ticks;
      expect(ticks).toBeGreaterThan(0);
      await world.tick(); // a stopped world does nothing
      expect(world.state().ticks).toBe(ticks);
      expect(world.state().lastError).toBeUndefined();
    } finally {
      stream.close();
      await sim.stop();
    }
  });
});

describe('admin liquidity endpoints', () => {
  let sim: VenueSimulator;
  let adapters: Adapters;
  beforeEach(async () => {
    sim = await startVenueSimulator();
    adapters = adaptersFor(sim);
  });
  afterEach(async () => {
    await adapters.close();
    await sim.stop();
  });

  it('Kalshi: lists a market, adds and withdraws other traders’ contracts (never ours), and streams each change', async () => {
    const admin = sim.describe().kalshi.adminUrl;
    expect((await post(`${admin}/markets`, { ticker: 'LWSIM-T-YES' })).status).toBe(201);
    expect((await post(`${admin}/markets`, { ticker: 'LWSIM-T-YES' })).status).toBe(200);
    const credentials = { keyId: sim.kalshi.key.keyId, privateKeyPem: sim.kalshi.key.privateKeyPem };
    const stream = kalshiBookStream({ wsUrl: sim.kalshi.wsUrl, credentials, markets: ['LWSIM-T-YES'] });
    const events = stream.events();
    try {
      await nextEvent(events, (e) => e.type === 'book' && e.from === 'snapshot');
      expect((await post(`${admin}/liquidity`, { ticker: 'LWSIM-T-YES', side: 'yes', price: 40, count: 50 })).body).toEqual({ traded: 0, rested: 50, others: 50 });
      const seen = await nextEvent(events, (e) => e.type === 'book' && levels(e.book, 'bid')[0]?.[0] === '0.4');
      if (seen.type !== 'book') throw new Error('unreachable');
      expect(levels(seen.book, 'bid')).toEqual([['0.4', '50']]);

      // Our YES bid at 40¢ rests behind theirs (price-time priority).
      const ours = orderRequestSchema.parse({ venue: 'kalshi', market: 'LWSIM-T-YES', outcome: 'yes', action: 'buy', price: '0.4', quantity: '10', timeInForce: 'GTC', clientOrderId: clientOrderId('intent-world', 'A', 1) });
      expect(await adapters.kalshi.submitOrder(ours)).toMatchObject({ state: 'open' });
      expect((await adapters.kalshi.orderBook('LWSIM-T-YES')).bids).toEqual([['0.4', '60']]);
      // Withdrawing more than other traders have takes only theirs: our 10 stay.
      expect((await post(`${admin}/liquidity`, { ticker: 'LWSIM-T-YES', side: 'yes', price: 40, count: -500 })).body).toEqual({ removed: 50, others: 0 });
      expect((await adapters.kalshi.orderBook('LWSIM-T-YES')).bids).toEqual([['0.4', '10']]);
      const withdrawn = await nextEvent(events, (e) => e.type === 'book' && levels(e.book, 'bid')[0]?.[1] === '10');
      if (withdrawn.type !== 'book') throw new Error('unreachable');
      // Another trader's NO bid at 60¢ crosses our YES bid at 40¢: we fill as maker, the rest rests.
      expect((await post(`${admin}/liquidity`, { ticker: 'LWSIM-T-YES', side: 'no', price: 60, count: 25 })).body).toEqual({ traded: 10, rested: 15, others: 15 });
      expect(await adapters.kalshi.findByClientOrderId(ours)).toMatchObject({ state: 'filled', filledQuantity: '10' });

      // Bad requests name the field and change nothing.
      const before = await adapters.kalshi.orderBook('LWSIM-T-YES');
      const bad = await post(`${admin}/liquidity`, { ticker: 'LWSIM-T-YES', side: 'maybe', price: 0, count: 0 });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toMatch(/side[^]*price[^]*count/);
      expect((await post(`${admin}/liquidity`, { ticker: 'NOPE', side: 'yes', price: 40, count: 1 })).status).toBe(404);
      expect(await adapters.kalshi.orderBook('LWSIM-T-YES')).toEqual(before);
    } finally {
      stream.close();
    }
  });

  it('Polymarket: sets a level’s size, streams price_change, and refuses a crossing level', async () => {
    const admin = sim.describe().polymarket.adminUrl;
    const token = '12345678901234567890';
    expect((await post(`${admin}/markets`, { token_id: token })).status).toBe(201);
    expect((await post(`${admin}/markets`, { token_id: 'abc' })).body.error).toMatch(/token_id/);
    const stream = polymarketBookStream({ wsUrl: sim.polymarket.wsUrl, assetIds: [token] });
    const events = stream.events();
    try {
      await nextEvent(events, (e) => e.type === 'book' && e.from === 'snapshot');
      expect((await post(`${admin}/liquidity`, { token_id: token, side: 'SELL', price: '0.56', size: '40' })).status).toBe(200);
      expect((await post(`${admin}/liquidity`, { token_id: token, side: 'SELL', price: '0.55', size: '10.5' })).status).toBe(200);
      expect((await post(`${admin}/liquidity`, { token_id: token, side: 'BUY', price: '0.5', size: '20' })).status).toBe(200);
      const seen = await nextEvent(events, (e) => e.type === 'book' && e.from === 'delta' && levels(e.book, 'bid').length === 1);
      if (seen.type !== 'book') throw new Error('unreachable');
      expect(levels(seen.book, 'ask')).toEqual([['0.55', '10.5'], ['0.56', '40']]);
      expect(await adapters.polymarket.orderBook(token)).toEqual({ bids: [['0.5', '20']], asks: [['0.55', '10.5'], ['0.56', '40']] });

      const crossing = await post(`${admin}/liquidity`, { token_id: token, side: 'BUY', price: '0.55', size: '1' });
      expect(crossing.status).toBe(409);
      const bad = await post(`${admin}/liquidity`, { token_id: token, side: 'BUY', price: '1.2', size: '-1' });
      expect(bad.status).toBe(400);
      expect(String(bad.body.error)).toMatch(/price[^]*size/);
      expect((await post(`${admin}/liquidity`, { token_id: token, side: 'SELL', price: '0.55', size: '0' })).status).toBe(200);
      const removed = await nextEvent(events, (e) => e.type === 'book' && levels(e.book, 'ask').length === 1);
      if (removed.type !== 'book') throw new Error('unreachable');
      expect(await adapters.polymarket.orderBook(token)).toEqual({ bids: [['0.5', '20']], asks: [['0.56', '40']] });
    } finally {
      stream.close();
    }
  });

  it('Coinbase: replaces other traders’ BTC-USD quotes, refusing a crossed book', async () => {
    const admin = sim.describe().coinbase.adminUrl;
    const ok = await post(`${admin}/liquidity`, { product_id: 'BTC-USD', bids: [['98000', '0.5']], asks: [['98010.5', '1']] });
    expect(ok.status).toBe(200);
    const crossed = await post(`${admin}/liquidity`, { product_id: 'BTC-USD', bids: [['98100', '0.5']], asks: [['98010.5', '1']] });
    expect(crossed.status).toBe(400);
    expect(String(crossed.body.message)).toMatch(/bids/);
    expect((await post(`${admin}/liquidity`, { product_id: 'ETH-USD', bids: [], asks: [] })).status).toBe(404);
  });
});
