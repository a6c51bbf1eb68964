/**
 * The market world's opportunities for the parity and BTC fair-value strategies, read back through
 * the adapters' REST books over loopback: Polymarket parity mispricings (YES + NO asks under $1, no
 * cross-venue edge), Kalshi BTC threshold contracts quoted around the model's value (or off it
 * while mispriced) and resolved from the BTC walk at their time. A fake clock drives the ticks.
 */
import { privateKeyToAccount } from 'viem/accounts';
import { dec, decStr, ONE, type Dec } from '../../domain/money';
import { btcAboveProbability, DEFAULT_BTC_ANNUAL_VOL } from '../../domain/strategies/btc-model';
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import { PolymarketAdapter } from '../../venues/polymarket/adapter';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { buildWorld } from '../../venues/sim/world';

const T0 = 1_800_000_000_000;
const MINUTE = 60_000;

const best = (levels: [string, string][]): Dec => {
  const level = levels[0];
  if (!level) throw new Error('empty side');
  return dec(level[0]);
};

describe('market world: parity and BTC markets', () => {
  let now = T0;
  let sim: VenueSimulator;
  let kalshi: KalshiAdapter;
  let polymarket: PolymarketAdapter;
  beforeAll(async () => {
    sim = await startVenueSimulator({ world: { seed: 31, tickMs: 0, parityRate: 1, dislocationRate: 0.5, btcMarkets: 3, btcResolveAfterMs: 10 * MINUTE, clock: () => now } });
    const d = sim.describe();
    kalshi = new KalshiAdapter({ restBaseUrl: d.kalshi.restBaseUrl, credentials: { keyId: d.kalshi.apiKeyId, privateKeyPem: d.kalshi.privateKeyPem } });
    polymarket = new PolymarketAdapter({
      restBaseUrl: d.polymarket.restBaseUrl,
      account: privateKeyToAccount(d.polymarket.walletPrivateKey),
      credentials: { key: d.polymarket.apiKey, secret: d.polymarket.apiSecret, passphrase: d.polymarket.apiPassphrase },
    });
  });
  afterAll(async () => {
    await Promise.all([kalshi.close(), polymarket.close()]);
    await sim.stop();
  });

  it('lists the BTC markets in the mapping, and worlds without them keep their seed\'s definition', () => {
    const world = sim.world!;
    expect(sim.describe().world?.mapping.btcMarkets?.map((b) => b.kalshi.ticker)).toEqual(world.btcMarkets.map((b) => b.kalshiTicker));
    expect(world.btcMarkets.map((b) => b.strike)).toEqual(['96950', '97050', '97150']);
    // BTC markets take no draws from the seed: the rest of the world is the same with or without them.
    const plain = buildWorld({ seed: 31, startAt: T0 });
    const withBtc = buildWorld({ seed: 31, startAt: T0, btcMarkets: 3 });
    expect(withBtc.events).toEqual(plain.events);
    expect(withBtc.lookalike).toEqual(plain.lookalike);
    expect(withBtc.mapping.pairs).toEqual(plain.mapping.pairs);
    expect(plain.mapping.btcMarkets).toBeUndefined();
  });

  it('opens parity mispricings on Polymarket with no cross-venue edge, and quotes BTC markets around the model', async () => {
    const world = sim.world!;
    let parities = 0;
    let mispriced = 0;
    for (let i = 0; i < 12; i++) {
      now += 1_000;
      await world.tick();
      const state = world.state();
      for (const s of state.events) {
        const e = world.events.find((x) => x.id === s.id)!;
        const [k, yes, no] = await Promise.all([kalshi.orderBook(e.kalshiTicker), polymarket.orderBook(e.polymarketYesTokenId), polymarket.orderBook(e.polymarketNoTokenId)]);
        const parity = ONE.minus(best(yes.asks)).minus(best(no.asks));
        if (s.parity && !s.dislocation) {
          parities += 1;
          // YES + NO cost 1 − k¢ (k in 1..2 with a 1¢ half spread) ...
          expect(parity.gt(0) && parity.lte(dec('0.02'))).toBe(true);
          // ... and neither cross-venue pair costs under 1.
          expect(best(k.asks).plus(best(no.asks)).gte(ONE)).toBe(true);
          expect(ONE.minus(best(k.bids)).plus(best(yes.asks)).gte(ONE)).toBe(true);
        } else if (!s.parity) {
          expect(parity.lt(0)).toBe(true);
        }
      }
      for (const b of state.btcMarkets) {
        const m = world.btcMarkets.find((x) => x.id === b.id)!;
        // The world's fair value is the strategy's model at the walk's mid and the world's clock.
        const fair = btcAboveProbability({ spot: state.btcMid!, strike: m.strike, msToExpiry: m.resolvesAt - now, annualVol: DEFAULT_BTC_ANNUAL_VOL });
        expect(b.fair).toBe(decStr(fair));
        const book = await kalshi.orderBook(m.kalshiTicker);
        const centre = best(book.asks).plus(best(book.bids)).div(2);
        const expected = Math.min(98, Math.max(2, Math.floor((dec(b.fair).times(10_000).toNumber() + 50) / 100) + (b.mispricedCents ?? 0)));
        expect(centre.times(100).toNumber()).toBe(expected);
        if (b.mispricedCents !== undefined) mispriced += 1;
      }
    }
    expect(parities).toBeGreaterThan(0);
    expect(mispriced).toBeGreaterThan(0);
  });

  it('resolves a BTC market from the walk at its time, and takes its quotes off', async () => {
    const world = sim.world!;
    const [first, second] = world.btcMarkets;
    now = first!.resolvesAt;
    await world.tick();
    const state = world.state();
    const expected = dec(state.btcMid!).gt(dec(first!.strike)) ? 'yes' : 'no';
    expect(state.btcMarkets.find((b) => b.id === first!.id)?.resolution).toBe(expected);
    expect(await kalshi.resolution(first!.kalshiTicker, 'yes')).toMatchObject({ resolved: true, result: expected });
    expect(await kalshi.orderBook(first!.kalshiTicker)).toEqual({ bids: [], asks: [] });
    expect(await kalshi.resolution(second!.kalshiTicker, 'yes')).toMatchObject({ resolved: false });
    expect(world.state().lastError).toBeUndefined();
  });
});
