/**
 * The simulator's market world: a seeded set of events listed on both Kalshi and Polymarket (same
 * outcome, different ids, joined by a mapping file), one deliberately low-confidence look-alike
 * pair, and synthetic traders that quote around each event's fair value, open and close cross-venue
 * dislocations at a configurable rate (and, with `parityRate`, same-venue YES/NO parity
 * mispricings on Polymarket), resolve events at their resolution time (optionally differently on
 * the two venues) and walk the BTC-USD book on Coinbase. With `btcMarkets`, Kalshi also lists
 * "BTC above K at T" contracts quoted around the BTC fair-value model's value from the walk
 * (domain/strategies/btc-model.ts), mispriced at the dislocation rate, resolved from the walk at T.
 *
 * The world is a client of the simulators' admin HTTP endpoints only (`/_sim/markets`,
 * `/_sim/liquidity`, `/_sim/resolve`), never their in-process state, so it can run in another
 * process against a simulator it did not start. Markets are listed through `/_sim/markets` (not
 * the `books` start option) for the same reason.
 *
 * Determinism: every random draw comes from one seeded PRNG, in a fixed order per tick, and no
 * draw depends on HTTP timing, so a seed and a clock replay the same world. Prices are integer
 * cents (fair values integer basis points) until they become decimal strings at the wire.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { dec, decStr } from '../../domain/money';
import { btcAboveProbability, DEFAULT_BTC_ANNUAL_VOL } from '../../domain/strategies/btc-model';
import { formatZodError } from '../../domain/validation';
import type { SimulatorDescription } from './index';

// ---------------------------------------------------------------- seeded randomness

/** mulberry32 (as test/helpers/prng.ts; copied so the simulator does not import test code). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer uniform in [lo, hi]. */
const intIn = (rng: () => number, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

// ---------------------------------------------------------------- the mapping file

const tokenId = z.string().regex(/^[1-9]\d*$/, 'must be a decimal token id');
export const marketMappingSchema = z
  .object({
    version: z.literal(1),
    seed: z.number().int(),
    pairs: z
      .array(
        z.object({
          id: z.string().min(1),
          title: z.string().min(1),
          /** `low`: the two listings may not be the same outcome; strategies must never trade the pair. */
          confidence: z.enum(['high', 'low']),
          kalshi: z.object({ ticker: z.string().min(1) }),
          polymarket: z.object({ yesTokenId: tokenId, noTokenId: tokenId }),
          /** ms since the epoch. */
          resolvesAt: z.number().int().nonnegative(),
          note: z.string().optional(),
        }),
      )
      .min(1),
    /**
     * Kalshi "BTC above `strike` USD at `resolvesAt`" contracts, priced by the BTC fair-value
     * strategy from the Coinbase `reference` product's mid.
     */
    btcMarkets: z
      .array(
        z.object({
          id: z.string().min(1),
          title: z.string().min(1),
          kalshi: z.object({ ticker: z.string().min(1) }),
          reference: z.object({ venue: z.literal('coinbase'), product: z.string().min(1) }),
          strike: z.string().regex(/^[1-9]\d*(\.\d{1,2})?$/, 'must be a USD amount above 0, e.g. "97100"'),
          /** ms since the epoch. */
          resolvesAt: z.number().int().nonnegative(),
        }),
      )
      .optional(),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    const check = (field: string, id: string, path: (string | number)[]) => {
      if (seen.has(`${field}:${id}`)) ctx.addIssue({ code: 'custom', path, message: `${id} is mapped twice` });
      seen.add(`${field}:${id}`);
    };
    m.pairs.forEach((p, i) => {
      for (const [field, id] of [['id', p.id], ['kalshi', p.kalshi.ticker], ['polymarket', p.polymarket.yesTokenId], ['polymarket', p.polymarket.noTokenId]] as const) check(field, id, ['pairs', i, field]);
    });
    m.btcMarkets?.forEach((b, i) => {
      check('id', b.id, ['btcMarkets', i, 'id']);
      check('kalshi', b.kalshi.ticker, ['btcMarkets', i, 'kalshi']);
    });
  });
export type MarketMapping = z.infer<typeof marketMappingSchema>;

/** Writes the mapping as JSON, validated first so a file on disk always parses. */
export function writeMappingFile(path: string, mapping: MarketMapping): void {
  const checked = marketMappingSchema.safeParse(mapping);
  if (!checked.success) throw new Error(`market mapping: ${formatZodError(checked.error)}`);
  fs.writeFileSync(path, `${JSON.stringify(checked.data, null, 2)}\n`);
}

/** Reads and validates a mapping file; errors name the file and the field. */
export function readMappingFile(path: string): MarketMapping {
  const parsed = marketMappingSchema.safeParse(JSON.parse(fs.readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`market mapping ${path}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

// ---------------------------------------------------------------- the world's definition (pure)

export interface WorldEvent {
  id: string;
  title: string;
  kalshiTicker: string;
  polymarketYesTokenId: string;
  polymarketNoTokenId: string;
  /** The starting fair probability of YES, a decimal string. */
  fair: string;
  resolvesAt: number;
  /** The two venues will resolve this event differently (Polymarket gets the opposite result). */
  divergent?: true;
}

/** A Kalshi "BTC above `strike` at `resolvesAt`" contract, quoted around the BTC fair-value model. */
export interface WorldBtcMarket {
  id: string;
  title: string;
  kalshiTicker: string;
  /** USD, a whole number of dollars. */
  strike: string;
  resolvesAt: number;
}

/** The low-confidence pair: two listings that look alike but are different outcomes, each with its own fair value. */
export interface WorldLookalike extends Omit<WorldEvent, 'fair' | 'divergent'> {
  kalshiFair: string;
  polymarketFair: string;
}

export const worldDefinitionOptionsSchema = z.object({
  seed: z.number().int(),
  events: z.number().int().min(1).max(20).default(3),
  /** The world's start (ms epoch); resolution times count from here. */
  startAt: z.number().int().nonnegative().optional(),
  /** Event i resolves at startAt + resolveAfterMs × (i + 1); the look-alike after the last event. */
  resolveAfterMs: z.number().int().positive().default(24 * 3600_000),
  /** How many events resolve differently on the two venues (picked by the seed). */
  divergentEvents: z.number().int().nonnegative().default(0),
  /** BTC-USD mid the walk starts from, in USD (the simulator's default book sits around 97050). */
  btcMid: z.string().regex(/^\d+(\.\d{1,2})?$/).default('97050'),
  /**
   * Kalshi BTC threshold contracts to list (0: none). Market i's strike is the starting mid rounded
   * to $50 plus (i − ⌊n/2⌋) × `btcStrikeStepUsd`; it resolves at startAt + btcResolveAfterMs × (i + 1),
   * YES when the BTC walk's mid is above the strike at the first tick from then.
   */
  btcMarkets: z.number().int().min(0).max(10).default(0),
  btcStrikeStepUsd: z.number().int().positive().default(100),
  btcResolveAfterMs: z.number().int().positive().default(10 * 60_000),
});
export type WorldDefinitionOptions = z.input<typeof worldDefinitionOptionsSchema>;

export interface WorldDefinition {
  seed: number;
  events: WorldEvent[];
  lookalike: WorldLookalike;
  btcMarkets: WorldBtcMarket[];
  mapping: MarketMapping;
}

/** The BTC reference product on Coinbase. */
export const BTC_PRODUCT = 'BTC-USD';

const TOPICS = ['FEDCUT', 'CPIHOT', 'BTC100K', 'GDPNEG', 'RAINNYC', 'ETHETF', 'SPX6K', 'OILUP', 'JOBSBEAT', 'TSLAQ'];
const BPS = 10_000;
const bpsStr = (bps: number) => decStr(dec(String(bps)).div(BPS));
const centsStr = (cents: number) => decStr(dec(String(cents)).div(100));

/** A 19-digit decimal token id, as Polymarket's (which are uint256 in decimal). */
const tokenIdFrom = (rng: () => number) => String(intIn(rng, 1, 9)) + Array.from({ length: 18 }, () => String(intIn(rng, 0, 9))).join('');

/** The events, look-alike and mapping a seed gives; pure, so the same seed and start give the same world. */
export function buildWorld(input: WorldDefinitionOptions): WorldDefinition {
  const { rng: _rng, ...def } = buildWorldWithRng(input);
  return def;
}

/** As `buildWorld`, with the PRNG positioned after the definition's draws (the traders carry on from it). */
function buildWorldWithRng(input: WorldDefinitionOptions): WorldDefinition & { rng: () => number } {
  const parsed = worldDefinitionOptionsSchema.safeParse(input);
  if (!parsed.success) throw new Error(`market world options: ${formatZodError(parsed.error)}`);
  const o = parsed.data;
  if (o.divergentEvents > o.events) throw new Error(`market world options: divergentEvents: must be at most events (${o.events})`);
  const rng = mulberry32(o.seed);
  const startAt = o.startAt ?? Date.now();
  const topics = [...TOPICS];
  const code = () => {
    const topic = topics.splice(intIn(rng, 0, topics.length - 1), 1)[0] ?? `EV${topics.length}`;
    return `${topic}${intIn(rng, 10, 99)}`;
  };
  const events: WorldEvent[] = Array.from({ length: o.events }, (_, i) => {
    const id = code();
    return {
      id,
      title: `Simulated event ${id}: resolves YES or NO`,
      kalshiTicker: `LWSIM-${id}-YES`,
      polymarketYesTokenId: tokenIdFrom(rng),
      polymarketNoTokenId: tokenIdFrom(rng),
      fair: bpsStr(intIn(rng, 1500, 8500)),
      resolvesAt: startAt + o.resolveAfterMs * (i + 1),
    };
  });
  // Pick the divergent events without replacement.
  const pool = events.map((_, i) => i);
  for (let k = 0; k < o.divergentEvents; k++) {
    const i = pool.splice(intIn(rng, 0, pool.length - 1), 1)[0]!;
    events[i]!.divergent = true;
  }
  const base = events[0]!;
  const lookalikeId = `${base.id}X`;
  const lookalike: WorldLookalike = {
    id: lookalikeId,
    title: `Look-alike of ${base.id}: a similar question with a different threshold or date`,
    kalshiTicker: `LWSIM-${lookalikeId}-YES`,
    polymarketYesTokenId: tokenIdFrom(rng),
    polymarketNoTokenId: tokenIdFrom(rng),
    kalshiFair: bpsStr(intIn(rng, 1500, 8500)),
    polymarketFair: bpsStr(intIn(rng, 1500, 8500)),
    resolvesAt: startAt + o.resolveAfterMs * (o.events + 1),
  };
  const pair = (e: WorldEvent | WorldLookalike, confidence: 'high' | 'low', note?: string) => ({
    id: e.id,
    title: e.title,
    confidence,
    kalshi: { ticker: e.kalshiTicker },
    polymarket: { yesTokenId: e.polymarketYesTokenId, noTokenId: e.polymarketNoTokenId },
    resolvesAt: e.resolvesAt,
    ...(note ? { note } : {}),
  });
  // No draws for the BTC markets: a world without them keeps its seed's exact sequence.
  const btcBase = dec(o.btcMid).div(50).round().times(50);
  const btcMarkets: WorldBtcMarket[] = Array.from({ length: o.btcMarkets }, (_, i) => {
    const strike = decStr(btcBase.plus((i - Math.floor(o.btcMarkets / 2)) * o.btcStrikeStepUsd));
    const id = `BTCW${i + 1}-T${strike}`;
    return { id, title: `BTC-USD above ${strike} at window ${i + 1}'s close`, kalshiTicker: `LWSIM-${id}`, strike, resolvesAt: startAt + o.btcResolveAfterMs * (i + 1) };
  });
  const mapping: MarketMapping = {
    version: 1,
    seed: o.seed,
    pairs: [...events.map((e) => pair(e, 'high')), pair(lookalike, 'low', 'resolution criteria differ between the listings: never trade this pair')],
    ...(btcMarkets.length
      ? { btcMarkets: btcMarkets.map((b) => ({ id: b.id, title: b.title, kalshi: { ticker: b.kalshiTicker }, reference: { venue: 'coinbase' as const, product: BTC_PRODUCT }, strike: b.strike, resolvesAt: b.resolvesAt })) }
      : {}),
  };
  return { seed: o.seed, events, lookalike, btcMarkets, mapping, rng };
}

// ---------------------------------------------------------------- the running world

export const marketWorldOptionsSchema = worldDefinitionOptionsSchema.extend({
  /** Ms between ticks; 0 = no timer, ticks only through `tick()` (tests drive it that way). */
  tickMs: z.number().int().nonnegative().default(1000),
  /** Probability per tick that a dislocation opens on one event (that has none open). */
  dislocationRate: z.number().min(0).max(1).default(0.05),
  /** Ticks a dislocation stays open. */
  dislocationTicks: z.number().int().positive().default(3),
  /** Price levels quoted on each side of each book. */
  levels: z.number().int().min(1).max(10).default(3),
  /** Half the quoted spread, in cents: the best bid is fair − this, the best ask fair + this. */
  halfSpreadCents: z.number().int().min(1).max(10).default(1),
  /** Largest fair-value move per tick, in basis points of probability. */
  maxStepBps: z.number().int().nonnegative().max(1000).default(50),
  /** Walk Coinbase's BTC-USD book too (required for BTC markets). */
  coinbase: z.boolean().default(true),
  /**
   * Probability per tick that a same-venue parity mispricing opens on one event's Polymarket
   * listing (one with no dislocation of either kind): its YES and NO tokens' asks then sum to
   * 1 − k cents (k in 1..2 × halfSpreadCents), with no cross-venue edge. 0: never (the default, so
   * worlds without it keep their seed's sequence).
   */
  parityRate: z.number().min(0).max(1).default(0),
  /** σ of the fair-value model the BTC markets are quoted around (domain/strategies/btc-model.ts). */
  btcAnnualVol: z.string().regex(/^\d+(\.\d+)?$/).default(DEFAULT_BTC_ANNUAL_VOL),
});
export type MarketWorldOptions = z.input<typeof marketWorldOptionsSchema> & {
  /** The simulator to drive; only its admin URLs are used. */
  sim: { describe(): SimulatorDescription };
  /** The clock resolution times are compared with (tests pass a fake one). */
  clock?: () => number;
  /** Called with an error from a timer-driven tick (the next tick still runs). */
  onError?: (err: Error) => void;
};

export type DislocationKind = 'kalshi-yes+polymarket-no' | 'polymarket-yes+kalshi-no';
export interface Dislocation {
  /** Which cross-venue pair of asks sums to less than 1 while it is open. */
  kind: DislocationKind;
  /** The venue whose quotes moved away from fair. */
  venue: 'kalshi' | 'polymarket';
  /** How far that venue's YES quotes moved, in cents (signed). */
  shiftCents: number;
  ticksLeft: number;
}
export interface EventState {
  id: string;
  /** Current fair probability of YES (decimal string); for the look-alike, Kalshi's. */
  fair: string;
  dislocation?: Dislocation;
  resolution?: { kalshi: 'yes' | 'no'; polymarketYesWins: boolean };
}
/** A same-venue parity mispricing on an event's Polymarket listing: both tokens' quotes moved down. */
export interface ParityDislocation {
  /** Cents the YES and the NO token's quotes moved down; together 2 × halfSpread + the shortfall. */
  yesDownCents: number;
  noDownCents: number;
  ticksLeft: number;
}
export interface BtcMarketState {
  id: string;
  /** The model's fair value of YES at the last tick (decimal string). */
  fair: string;
  /** Cents the quotes are moved off fair while mispriced (signed). */
  mispricedCents?: number;
  resolution?: 'yes' | 'no';
}
export interface WorldState {
  ticks: number;
  events: (EventState & { parity?: ParityDislocation })[];
  lookalike: EventState & { polymarketFair: string };
  btcMarkets: BtcMarketState[];
  btcMid?: string;
  lastError?: string;
}

export interface MarketWorld {
  events: WorldEvent[];
  lookalike: WorldLookalike;
  btcMarkets: WorldBtcMarket[];
  mapping: MarketMapping;
  /** One tick now (queued behind any tick in flight); resolves once the venues have the new books. */
  tick(): Promise<void>;
  state(): WorldState;
  writeMappingFile(path: string): void;
  /** Stops the timer and waits for a tick in flight; quotes stay on the venues. */
  stop(): Promise<void>;
}

/** One venue listing quoted by the world, with what it has posted there (so it sends only changes). */
interface Pair {
  id: string;
  event?: WorldEvent;
  lookalike?: WorldLookalike;
  kalshiTicker: string;
  yesToken: string;
  noToken: string;
  /** Fair values in basis points; equal for an event, independent for the look-alike. */
  kalshiFairBps: number;
  polyFairBps: number;
  /** Contracts per level, from the best level outwards. */
  sizes: number[];
  resolvesAt: number;
  dislocation?: Dislocation;
  parity?: ParityDislocation;
  resolution?: { kalshi: 'yes' | 'no'; polymarketYesWins: boolean };
  /** Both venues have the result (a failed publish is retried on the next tick). */
  published: boolean;
  /** Kalshi: `${side}:${cents}` → other-trader contracts there; Polymarket: `${token}:${side}:${price}` → size. */
  kalshiPosted: Map<string, number>;
  polyPosted: Map<string, string>;
}

const FAIR_MIN = 201; // fair stays inside (0.02, 0.98)
const FAIR_MAX = 9799;
const toBps = (s: string) => dec(s).times(BPS).toNumber(); // exact: the definition writes whole basis points

export async function startMarketWorld(opts: MarketWorldOptions): Promise<MarketWorld> {
  const { sim, clock = Date.now, onError, ...rest } = opts;
  const parsed = marketWorldOptionsSchema.safeParse(rest);
  if (!parsed.success) throw new Error(`market world options: ${formatZodError(parsed.error)}`);
  const o = parsed.data;
  const def = buildWorldWithRng({ ...rest, startAt: rest.startAt ?? clock() });
  const { rng } = def;
  const admin = sim.describe();
  const adminUrl = { kalshi: admin.kalshi.adminUrl, polymarket: admin.polymarket.adminUrl, coinbase: admin.coinbase.adminUrl };
  const h = o.halfSpreadCents;

  const sizesFrom = () => {
    const base = intIn(rng, 50, 150);
    return Array.from({ length: o.levels }, (_, i) => base * (i + 1));
  };
  const pairs: Pair[] = [
    ...def.events.map((e): Pair => ({ id: e.id, event: e, kalshiTicker: e.kalshiTicker, yesToken: e.polymarketYesTokenId, noToken: e.polymarketNoTokenId, kalshiFairBps: toBps(e.fair), polyFairBps: toBps(e.fair), sizes: sizesFrom(), resolvesAt: e.resolvesAt, published: false, kalshiPosted: new Map(), polyPosted: new Map() })),
    ((l): Pair => ({ id: l.id, lookalike: l, kalshiTicker: l.kalshiTicker, yesToken: l.polymarketYesTokenId, noToken: l.polymarketNoTokenId, kalshiFairBps: toBps(l.kalshiFair), polyFairBps: toBps(l.polymarketFair), sizes: sizesFrom(), resolvesAt: l.resolvesAt, published: false, kalshiPosted: new Map(), polyPosted: new Map() }))(def.lookalike),
  ];
  let btcMidCents = dec(o.btcMid).times(100).toNumber();
  if (def.btcMarkets.length > 0 && !o.coinbase) throw new Error('market world options: btcMarkets: need coinbase (the BTC walk) on');
  interface BtcListing {
    market: WorldBtcMarket;
    fairBps: number;
    mispricedCents?: number;
    mispricedTicksLeft?: number;
    resolution?: 'yes' | 'no';
    published: boolean;
    posted: Map<string, number>;
    sizes: number[];
  }
  /** The model's fair value of a BTC market now, in basis points (the model rounds to 0.0001). */
  const btcFairBps = (m: WorldBtcMarket, now: number) =>
    btcAboveProbability({ spot: centsStr(btcMidCents), strike: m.strike, msToExpiry: m.resolvesAt - now, annualVol: o.btcAnnualVol }).times(BPS).toNumber();
  // Sizes drawn only when there are BTC markets, so worlds without them keep their seed's sequence.
  const btcListings: BtcListing[] = def.btcMarkets.map((market) => ({ market, fairBps: btcFairBps(market, clock()), published: false, posted: new Map(), sizes: sizesFrom() }));
  let ticks = 0;
  let lastError: string | undefined;

  const post = async (url: string, body: unknown): Promise<unknown> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${url} ${JSON.stringify(body)}: ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
  const othersReply = z.object({ others: z.number().int() });

  // ---- quoting: what each book should hold now ----
  const walk = (bps: number) => Math.min(FAIR_MAX, Math.max(FAIR_MIN, bps + intIn(rng, -o.maxStepBps, o.maxStepBps)));
  const centsOf = (bps: number) => Math.floor((bps + 50) / 100); // nearest cent, in integers
  /** The YES centre a venue quotes around, kept where its best bid and best ask are inside 1..99. */
  const clampCentre = (c: number) => Math.min(99 - h, Math.max(1 + h, c));
  const centres = (p: Pair) => {
    const shift = (venue: 'kalshi' | 'polymarket') => (p.dislocation?.venue === venue ? p.dislocation.shiftCents : 0);
    return { kalshi: clampCentre(centsOf(p.kalshiFairBps) + shift('kalshi')), polymarket: clampCentre(centsOf(p.polyFairBps) + shift('polymarket')) };
  };
  /** Bids at centre − h − i and asks at centre + h + i (cents), those inside 1..99. */
  const ladder = (centre: number, sizes: number[]) => ({
    bids: sizes.map((n, i): [number, number] => [centre - h - i, n]).filter(([c]) => c >= 1),
    asks: sizes.map((n, i): [number, number] => [centre + h + i, n]).filter(([c]) => c <= 99),
  });
  /** Kalshi's book is YES bids and NO bids: a YES ask at c is a NO bid at 100 − c. */
  const kalshiLadder = (centre: number, sizes: number[]): Map<string, number> => {
    const out = new Map<string, number>();
    const { bids, asks } = ladder(centre, sizes);
    for (const [c, n] of bids) out.set(`yes:${c}`, n);
    for (const [c, n] of asks) out.set(`no:${100 - c}`, n);
    return out;
  };
  const kalshiDesired = (p: Pair): Map<string, number> => (p.resolution ? new Map() : kalshiLadder(centres(p).kalshi, p.sizes));
  /** A BTC market's YES quotes: around the model's fair value, moved while mispriced; none once resolved. */
  const btcDesired = (b: BtcListing): Map<string, number> =>
    b.resolution ? new Map() : kalshiLadder(clampCentre(centsOf(b.fairBps) + (b.mispricedCents ?? 0)), b.sizes);
  const polyDesired = (p: Pair): Map<string, string> => {
    const out = new Map<string, string>();
    if (p.resolution) return out;
    const yes = centres(p).polymarket;
    // The NO token is quoted around 1 − YES, so YES + NO asks sum to 1 + spread when calm; a parity
    // mispricing moves both down.
    const yesCentre = yes - (p.parity?.yesDownCents ?? 0);
    const noCentre = 100 - yes - (p.parity?.noDownCents ?? 0);
    for (const [token, centre] of [[p.yesToken, yesCentre], [p.noToken, noCentre]] as const) {
      const { bids, asks } = ladder(centre, p.sizes);
      for (const [c, n] of bids) out.set(`${token}:BUY:${centsStr(c)}`, String(n));
      for (const [c, n] of asks) out.set(`${token}:SELL:${centsStr(c)}`, String(n));
    }
    return out;
  };

  /** Withdrawals first, then additions, so a moved ladder never meets its own stale levels. */
  const requoteKalshiTicker = async (ticker: string, posted: Map<string, number>, want: Map<string, number>) => {
    const keys = new Set([...posted.keys(), ...want.keys()]);
    const deltas = [...keys].map((k) => ({ k, d: (want.get(k) ?? 0) - (posted.get(k) ?? 0) })).filter((x) => x.d !== 0);
    for (const { k, d } of [...deltas.filter((x) => x.d < 0), ...deltas.filter((x) => x.d > 0)]) {
      const [side, price] = k.split(':') as ['yes' | 'no', string];
      const reply = othersReply.parse(await post(`${adminUrl.kalshi}/liquidity`, { ticker, side, price: Number(price), count: d }));
      // The venue's count, not ours: takers may have eaten some of what we posted.
      if (reply.others === 0) posted.delete(k);
      else posted.set(k, reply.others);
    }
  };
  const requoteKalshi = (p: Pair) => requoteKalshiTicker(p.kalshiTicker, p.kalshiPosted, kalshiDesired(p));
  const requoteBtc = (b: BtcListing) => requoteKalshiTicker(b.market.kalshiTicker, b.posted, btcDesired(b));
  const resolveBtc = async (b: BtcListing) => {
    await post(`${adminUrl.kalshi}/resolve`, { ticker: b.market.kalshiTicker, result: b.resolution });
    b.published = true;
  };
  const requotePolymarket = async (p: Pair) => {
    const want = polyDesired(p);
    const removals = [...p.polyPosted.keys()].filter((k) => !want.has(k));
    const sets = [...want].filter(([k, size]) => p.polyPosted.get(k) !== size);
    for (const [k, size] of [...removals.map((k): [string, string] => [k, '0']), ...sets]) {
      const [token, side, price] = k.split(':') as [string, 'BUY' | 'SELL', string];
      await post(`${adminUrl.polymarket}/liquidity`, { token_id: token, side, price, size });
      if (size === '0') p.polyPosted.delete(k);
      else p.polyPosted.set(k, size);
    }
  };
  const requoteCoinbase = async () => {
    const usd = (cents: number) => centsStr(cents);
    const sizes = ['0.25', '0.5', '1'];
    await post(`${adminUrl.coinbase}/liquidity`, {
      product_id: 'BTC-USD',
      bids: sizes.map((s, i) => [usd(btcMidCents - 500 - i * 1000), s]),
      asks: sizes.map((s, i) => [usd(btcMidCents + 500 + i * 1000), s]),
    });
  };
  const resolve = async (p: Pair) => {
    const r = p.resolution!;
    await post(`${adminUrl.kalshi}/resolve`, { ticker: p.kalshiTicker, result: r.kalshi });
    await post(`${adminUrl.polymarket}/resolve`, { token_id: p.yesToken, winner: r.polymarketYesWins });
    await post(`${adminUrl.polymarket}/resolve`, { token_id: p.noToken, winner: !r.polymarketYesWins });
    p.published = true;
  };
  /** Every request of a phase finishes before the next phase (or tick) starts, failed or not. */
  const settle = async (work: Promise<unknown>[]) => {
    const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  };

  // ---- one tick: every draw first (fixed order), then the venues ----
  const dislocationFor = (p: Pair): Dislocation | undefined => {
    const kind: DislocationKind = rng() < 0.5 ? 'kalshi-yes+polymarket-no' : 'polymarket-yes+kalshi-no';
    // Asks then sum to 100 + 2h − |shift| cents: more than 2h makes the pair cost under 1.
    const size = 2 * h + intIn(rng, 1, 3);
    // Kalshi YES cheap + Polymarket NO cheap: Kalshi's quotes fall, or Polymarket's YES rise.
    const candidates: Pick<Dislocation, 'venue' | 'shiftCents'>[] =
      kind === 'kalshi-yes+polymarket-no' ? [{ venue: 'kalshi', shiftCents: -size }, { venue: 'polymarket', shiftCents: size }] : [{ venue: 'polymarket', shiftCents: -size }, { venue: 'kalshi', shiftCents: size }];
    const fits = candidates.filter((c) => {
      const fair = centsOf(c.venue === 'kalshi' ? p.kalshiFairBps : p.polyFairBps);
      return clampCentre(fair + c.shiftCents) === fair + c.shiftCents && clampCentre(fair) === fair;
    });
    const pick = fits[intIn(rng, 0, Math.max(0, fits.length - 1))];
    return pick ? { kind, ...pick, ticksLeft: o.dislocationTicks } : undefined;
  };
  const step = () => {
    ticks += 1;
    const now = clock();
    // Candidates first: an event whose dislocation closes this tick stays calm for at least one.
    const open = pairs.filter((p) => p.event && !p.resolution && !p.dislocation);
    for (const p of pairs) {
      if (p.resolution) continue;
      p.kalshiFairBps = walk(p.kalshiFairBps);
      p.polyFairBps = p.event ? p.kalshiFairBps : walk(p.polyFairBps);
      if (p.dislocation && --p.dislocation.ticksLeft <= 0) delete p.dislocation;
    }
    if (rng() < o.dislocationRate && open.length > 0) {
      const p = open[intIn(rng, 0, open.length - 1)]!;
      const d = dislocationFor(p);
      if (d) p.dislocation = d;
    }
    if (o.coinbase) btcMidCents = Math.max(100_00, btcMidCents + intIn(rng, -2000, 2000));
    // Draws below happen only with parity or BTC markets on, so other worlds keep their sequence.
    for (const p of pairs) if (p.parity && --p.parity.ticksLeft <= 0) delete p.parity;
    if (o.parityRate > 0 && rng() < o.parityRate) {
      const calm = pairs.filter((p) => p.event && !p.resolution && !p.dislocation && !p.parity);
      const p = calm.length ? calm[intIn(rng, 0, calm.length - 1)] : undefined;
      // Both tokens down by 2h + k in all, neither by more than 2h: a YES + NO shortfall of k cents
      // with no cross-venue edge (Kalshi's quotes still sit at fair).
      const k = intIn(rng, 1, 2 * h);
      const yesDownCents = Math.ceil((2 * h + k) / 2);
      const parity = { yesDownCents, noDownCents: 2 * h + k - yesDownCents, ticksLeft: o.dislocationTicks };
      const yes = p ? centsOf(p.polyFairBps) : 0;
      if (p && clampCentre(yes - parity.yesDownCents) === yes - parity.yesDownCents && clampCentre(100 - yes - parity.noDownCents) === 100 - yes - parity.noDownCents) p.parity = parity;
    }
    if (btcListings.length > 0) {
      for (const b of btcListings) {
        if (b.resolution) continue;
        b.fairBps = btcFairBps(b.market, now);
        if (b.mispricedTicksLeft !== undefined && --b.mispricedTicksLeft <= 0) {
          delete b.mispricedCents;
          delete b.mispricedTicksLeft;
        }
      }
      if (rng() < o.dislocationRate) {
        const calm = btcListings.filter((b) => !b.resolution && b.mispricedCents === undefined);
        const b = calm.length ? calm[intIn(rng, 0, calm.length - 1)] : undefined;
        // Quotes moved by more than the spread plus a Kalshi taker fee, up or down.
        const cents = (rng() < 0.5 ? -1 : 1) * (2 * h + intIn(rng, 3, 5));
        if (b) {
          b.mispricedCents = cents;
          b.mispricedTicksLeft = o.dislocationTicks;
        }
      }
      for (const b of btcListings) {
        if (b.resolution || now < b.market.resolvesAt) continue;
        delete b.mispricedCents;
        delete b.mispricedTicksLeft;
        b.resolution = dec(centsStr(btcMidCents)).gt(dec(b.market.strike)) ? 'yes' : 'no';
      }
    }
    for (const p of pairs) {
      if (p.resolution || now < p.resolvesAt) continue;
      delete p.dislocation;
      const kalshiYes = rng() * BPS < p.kalshiFairBps;
      // An event's venues share one outcome (flipped on Polymarket when divergent); the look-alike's are independent.
      const polyYes = p.event ? kalshiYes !== (p.event.divergent === true) : rng() * BPS < p.polyFairBps;
      p.resolution = { kalshi: kalshiYes ? 'yes' : 'no', polymarketYesWins: polyYes };
    }
  };
  const apply = async () => {
    // Quotes come off before the result is published, as a venue halts trading at resolution.
    await settle([...pairs.flatMap((p) => [requoteKalshi(p), requotePolymarket(p)]), ...btcListings.map(requoteBtc), ...(o.coinbase ? [requoteCoinbase()] : [])]);
    await settle([...pairs.filter((p) => p.resolution && !p.published).map(resolve), ...btcListings.filter((b) => b.resolution && !b.published).map(resolveBtc)]);
  };

  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  const tick = () => {
    const run = chain.then(async () => {
      if (stopped) return;
      step();
      await apply();
    });
    chain = run.catch(() => undefined);
    return run;
  };

  // Listing: idempotent on the venues, so a world restarted on the same seed finds its markets.
  // With their titles and resolution times, so the venue's market metadata (close time, status) is the world's.
  for (const b of btcListings) await post(`${adminUrl.kalshi}/markets`, { ticker: b.market.kalshiTicker, title: b.market.title, resolvesAt: b.market.resolvesAt });
  for (const p of pairs) {
    await post(`${adminUrl.kalshi}/markets`, { ticker: p.kalshiTicker, title: (p.event ?? p.lookalike)!.title, resolvesAt: p.resolvesAt });
    await post(`${adminUrl.polymarket}/markets`, { token_id: p.yesToken });
    await post(`${adminUrl.polymarket}/markets`, { token_id: p.noToken });
  }
  await apply(); // the opening books, before any tick

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped || o.tickMs === 0) return;
    timer = setTimeout(() => {
      tick()
        .catch((err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          lastError = e.message;
          onError?.(e);
        })
        .finally(schedule);
    }, o.tickMs);
    timer.unref(); // a world never keeps a process alive on its own
  };
  schedule();

  const stateOf = (p: Pair): EventState => ({
    id: p.id,
    fair: bpsStr(p.kalshiFairBps),
    ...(p.dislocation ? { dislocation: { ...p.dislocation } } : {}),
    ...(p.resolution ? { resolution: { ...p.resolution } } : {}),
  });
  const lookalikePair = pairs[pairs.length - 1]!;
  return {
    events: def.events,
    lookalike: def.lookalike,
    btcMarkets: def.btcMarkets,
    mapping: def.mapping,
    tick,
    state: () => ({
      ticks,
      events: pairs.filter((p) => p.event).map((p) => ({ ...stateOf(p), ...(p.parity ? { parity: { ...p.parity } } : {}) })),
      lookalike: { ...stateOf(lookalikePair), polymarketFair: bpsStr(lookalikePair.polyFairBps) },
      btcMarkets: btcListings.map((b) => ({
        id: b.market.id,
        fair: bpsStr(b.fairBps),
        ...(b.mispricedCents !== undefined ? { mispricedCents: b.mispricedCents } : {}),
        ...(b.resolution ? { resolution: b.resolution } : {}),
      })),
      ...(o.coinbase ? { btcMid: centsStr(btcMidCents) } : {}),
      ...(lastError !== undefined ? { lastError } : {}),
    }),
    writeMappingFile: (path) => writeMappingFile(path, def.mapping),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chain;
    },
  };
}
