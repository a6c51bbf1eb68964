/**
 * The simulator's market world: a seeded set of events listed on both Kalshi and Polymarket (same
 * outcome, different ids, joined by a mapping file), one deliberately low-confidence look-alike
 * pair, and synthetic traders that quote around each event's fair value, open and close cross-venue
 * dislocations at a configurable rate, resolve events at their resolution time (optionally
 * differently on the two venues) and walk the BTC-USD book on Coinbase.
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
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.pairs.forEach((p, i) => {
      for (const [field, id] of [['id', p.id], ['kalshi', p.kalshi.ticker], ['polymarket', p.polymarket.yesTokenId], ['polymarket', p.polymarket.noTokenId]] as const) {
        if (seen.has(`${field}:${id}`)) ctx.addIssue({ code: 'custom', path: ['pairs', i, field], message: `${id} is mapped twice` });
        seen.add(`${field}:${id}`);
      }
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
});
export type WorldDefinitionOptions = z.input<typeof worldDefinitionOptionsSchema>;

export interface WorldDefinition {
  seed: number;
  events: WorldEvent[];
  lookalike: WorldLookalike;
  mapping: MarketMapping;
}

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
  const mapping: MarketMapping = {
    version: 1,
    seed: o.seed,
    pairs: [...events.map((e) => pair(e, 'high')), pair(lookalike, 'low', 'resolution criteria differ between the listings: never trade this pair')],
  };
  return { seed: o.seed, events, lookalike, mapping, rng };
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
  /** Walk Coinbase's BTC-USD book too. */
  coinbase: z.boolean().default(true),
  /** BTC-USD mid the walk starts from, in USD (the simulator's default book sits around 97050). */
  btcMid: z.string().regex(/^\d+(\.\d{1,2})?$/).default('97050'),
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
export interface WorldState {
  ticks: number;
  events: EventState[];
  lookalike: EventState & { polymarketFair: string };
  btcMid?: string;
  lastError?: string;
}

export interface MarketWorld {
  events: WorldEvent[];
  lookalike: WorldLookalike;
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
  const kalshiDesired = (p: Pair): Map<string, number> => {
    const out = new Map<string, number>();
    if (p.resolution) return out;
    const { bids, asks } = ladder(centres(p).kalshi, p.sizes);
    // Kalshi's book is YES bids and NO bids: a YES ask at c is a NO bid at 100 − c.
    for (const [c, n] of bids) out.set(`yes:${c}`, n);
    for (const [c, n] of asks) out.set(`no:${100 - c}`, n);
    return out;
  };
  const polyDesired = (p: Pair): Map<string, string> => {
    const out = new Map<string, string>();
    if (p.resolution) return out;
    const yes = centres(p).polymarket;
    // The NO token is quoted around 1 − YES, so YES + NO asks sum to 1 + spread when calm.
    for (const [token, centre] of [[p.yesToken, yes], [p.noToken, 100 - yes]] as const) {
      const { bids, asks } = ladder(centre, p.sizes);
      for (const [c, n] of bids) out.set(`${token}:BUY:${centsStr(c)}`, String(n));
      for (const [c, n] of asks) out.set(`${token}:SELL:${centsStr(c)}`, String(n));
    }
    return out;
  };

  /** Withdrawals first, then additions, so a moved ladder never meets its own stale levels. */
  const requoteKalshi = async (p: Pair) => {
    const want = kalshiDesired(p);
    const keys = new Set([...p.kalshiPosted.keys(), ...want.keys()]);
    const deltas = [...keys].map((k) => ({ k, d: (want.get(k) ?? 0) - (p.kalshiPosted.get(k) ?? 0) })).filter((x) => x.d !== 0);
    for (const { k, d } of [...deltas.filter((x) => x.d < 0), ...deltas.filter((x) => x.d > 0)]) {
      const [side, price] = k.split(':') as ['yes' | 'no', string];
      const reply = othersReply.parse(await post(`${adminUrl.kalshi}/liquidity`, { ticker: p.kalshiTicker, side, price: Number(price), count: d }));
      // The venue's count, not ours: takers may have eaten some of what we posted.
      if (reply.others === 0) p.kalshiPosted.delete(k);
      else p.kalshiPosted.set(k, reply.others);
    }
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
    await settle([...pairs.flatMap((p) => [requoteKalshi(p), requotePolymarket(p)]), ...(o.coinbase ? [requoteCoinbase()] : [])]);
    await settle(pairs.filter((p) => p.resolution && !p.published).map(resolve));
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
  for (const p of pairs) {
    await post(`${adminUrl.kalshi}/markets`, { ticker: p.kalshiTicker });
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
    mapping: def.mapping,
    tick,
    state: () => ({
      ticks,
      events: pairs.filter((p) => p.event).map(stateOf),
      lookalike: { ...stateOf(lookalikePair), polymarketFair: bpsStr(lookalikePair.polyFairBps) },
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
