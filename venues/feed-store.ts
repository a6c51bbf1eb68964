/**
 * The process-local book store the venue feeds write and the signal loop reads. Per venue and
 * market it keeps the stream's book (a copy: the stream trackers mutate theirs) and the last REST
 * poll, and decides per market which one is served, with hysteresis:
 *
 * - a market goes to polling at once when its stream book is lost (sequence gap, disconnect,
 *   forced resync after a queue overflow or a silent stream);
 * - it comes back to the stream only after its stream book has been known again for `holdMs`, so
 *   a stream that keeps failing stays on polling instead of flapping.
 *
 * A venue's mode follows from its markets: `stream` (all served by the stream), `hybrid` (some
 * polled, some streamed), `poll` (none streamed: the stream is down).
 */
import { bookFromLevels, levels, type Book } from '../domain/book';
import type { BookSource } from '../activities/signal-loop';
import { VENUES, type Venue } from '../domain/venue';

export const FEED_VENUES = VENUES;
export type FeedVenue = Venue;
export type FeedMode = 'stream' | 'hybrid' | 'poll';
/** The order of `legwork_feed_mode`'s values. */
export const FEED_MODE_VALUE: Record<FeedMode, number> = { stream: 0, hybrid: 1, poll: 2 };

/** A book as levels best first: prices and sizes as canonical decimal strings. */
export type Levels = { bids: [string, string][]; asks: [string, string][] };

/** What applying a stream book changed: the whole book (snapshot) or the levels that moved (delta, size "0" = gone). */
export type BookChange = { kind: 'snapshot' | 'delta'; bids: [string, string][]; asks: [string, string][] };

export interface VenueFeedHealth {
  mode: FeedMode;
  /** Mapped markets with no known stream book (never synced, or lost): the data-health measure. */
  unknown: number;
  /** How long the venue has had any unknown market (0 when none). */
  unhealthyMs: number;
  /** Markets served from the stream, and from REST polls, right now. */
  streamMarkets: number;
  polledMarkets: number;
  /** Stream messages applied, sequence gaps, disconnects, resyncs forced by the feed, invalid messages, events dropped by a full queue. */
  messages: number;
  gaps: number;
  disconnects: number;
  resyncs: number;
  invalid: number;
  dropped: number;
  polls: number;
  pollErrors: number;
  /** Time since the venue's stream last delivered a book (ms; -1 before the first). */
  stalenessMs: number;
  /** Time since the last mode change (ms). */
  modeForMs: number;
}

export interface FeedHealth {
  /** Reads served from a stream book, and from REST (a feed's poll, or the fallback without a feed). */
  streamReads: number;
  restReads: number;
  /** Gaps, disconnects and forced resyncs on every stream; invalid messages. */
  resyncs: number;
  invalid: number;
  /** Markets served from their stream now. */
  synced: number;
  /** Age of the oldest stream book among the tracked markets (ms; Infinity while one has none). */
  oldestAgeMs: number;
  /** Per tracked venue. */
  venues: Partial<Record<FeedVenue, VenueFeedHealth>>;
}

interface MarketState {
  stream?: { book: Book; at: number; since: number };
  /** When the stream book was last lost; undefined: never (no hold before the first serving). */
  lostAt?: number;
  polled?: { levels: Levels; at: number };
}

interface VenueState {
  markets: Map<string, MarketState>;
  /** Feeds running for the venue in this process (reads never go to REST directly while one does). */
  feeds: number;
  counters: { messages: number; gaps: number; disconnects: number; resyncs: number; invalid: number; dropped: number; polls: number; pollErrors: number };
  lastMessageAt?: number;
  unhealthySince?: number;
  mode: FeedMode;
  modeSince: number;
}

export interface FeedStoreOptions {
  /** How long a stream book must be known again before it is served after a loss. */
  holdMs?: number;
  /** A polled book older than this is not served (the loop skips the pair for that scan). */
  maxPollAgeMs?: number;
  now?: () => number;
}

const copyBook = (b: Book): Book => ({ bids: new Map(b.bids), asks: new Map(b.asks) });
const asLevels = (b: Book): Levels => ({ bids: levels(b, 'bid'), asks: levels(b, 'ask') });

/** Levels whose size differs between two sides (absolute new size; "0" for a level that went). */
function sideChanges(prev: Map<string, string>, next: Map<string, string>): [string, string][] {
  const out: [string, string][] = [];
  for (const [price, size] of next) if (prev.get(price) !== size) out.push([price, size]);
  for (const price of prev.keys()) if (!next.has(price)) out.push([price, '0']);
  return out;
}

export function bookChanges(prev: Book, next: Book): { bids: [string, string][]; asks: [string, string][] } {
  return { bids: sideChanges(prev.bids, next.bids), asks: sideChanges(prev.asks, next.asks) };
}

export function createFeedStore(opts: FeedStoreOptions = {}) {
  const holdMs = opts.holdMs ?? 3_000;
  const maxPollAgeMs = opts.maxPollAgeMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const venues = new Map<FeedVenue, VenueState>();
  const reads = { stream: 0, rest: 0 };

  const venueState = (venue: FeedVenue): VenueState => {
    let v = venues.get(venue);
    if (!v) {
      v = { markets: new Map(), feeds: 0, counters: { messages: 0, gaps: 0, disconnects: 0, resyncs: 0, invalid: 0, dropped: 0, polls: 0, pollErrors: 0 }, mode: 'poll', modeSince: now() };
      venues.set(venue, v);
    }
    return v;
  };
  const market = (venue: FeedVenue, m: string): MarketState => {
    const v = venueState(venue);
    let s = v.markets.get(m);
    if (!s) v.markets.set(m, (s = {}));
    return s;
  };
  const streamed = (s: MarketState | undefined, at: number): boolean =>
    s?.stream !== undefined && (s.lostAt === undefined || at - s.stream.since >= holdMs);

  /** Recomputes the venue's mode (called on every change and every health read, so holds expire). */
  const refreshMode = (v: VenueState): FeedMode => {
    const at = now();
    let n = 0;
    for (const s of v.markets.values()) if (streamed(s, at)) n += 1;
    const mode: FeedMode = n === v.markets.size && n > 0 ? 'stream' : n === 0 ? 'poll' : 'hybrid';
    if (mode !== v.mode) {
      v.mode = mode;
      v.modeSince = at;
    }
    return mode;
  };

  const lose = (s: MarketState, at: number) => {
    if (s.stream) s.lostAt = at;
    s.stream = undefined;
  };

  /**
   * The book the loop reads: the stream's while it serves the market; else the feed's last poll
   * (an error when too old: the loop skips the pair); else, with no feed running for the venue in
   * this process, `fallback` (REST on demand).
   */
  async function read(venue: FeedVenue, m: string, fallback: () => Promise<Levels>): Promise<Levels> {
    const v = venues.get(venue);
    const s = v?.markets.get(m);
    const at = now();
    if (s && streamed(s, at)) {
      reads.stream += 1;
      return asLevels(s.stream!.book);
    }
    if (!v || v.feeds === 0) {
      reads.rest += 1;
      return fallback();
    }
    if (s?.polled && at - s.polled.at <= maxPollAgeMs) {
      reads.rest += 1;
      return s.polled.levels;
    }
    throw new Error(`${venue} ${m}: no stream book and no poll in the last ${maxPollAgeMs} ms`);
  }

  function venueHealth(venue: FeedVenue): VenueFeedHealth | undefined {
    const v = venues.get(venue);
    if (!v) return undefined;
    const at = now();
    const mode = refreshMode(v);
    let unknown = 0;
    let streamMarkets = 0;
    for (const s of v.markets.values()) {
      if (!s.stream) unknown += 1;
      if (streamed(s, at)) streamMarkets += 1;
    }
    if (unknown === 0) v.unhealthySince = undefined;
    else v.unhealthySince ??= at;
    return {
      mode,
      unknown,
      unhealthyMs: v.unhealthySince === undefined ? 0 : at - v.unhealthySince,
      streamMarkets,
      polledMarkets: v.markets.size - streamMarkets,
      ...v.counters,
      stalenessMs: v.lastMessageAt === undefined ? -1 : at - v.lastMessageAt,
      modeForMs: at - v.modeSince,
    };
  }

  return {
    /** Declares the markets a venue's feed serves (health counts them from now on). */
    track(venue: FeedVenue, markets: string[]): void {
      for (const m of markets) market(venue, m);
      refreshMode(venueState(venue));
    },
    /** A feed for the venue started (reads poll through it) or stopped (reads fall back to REST). */
    feedStarted(venue: FeedVenue): void {
      venueState(venue).feeds += 1;
    },
    feedStopped(venue: FeedVenue): void {
      const v = venueState(venue);
      v.feeds = Math.max(0, v.feeds - 1);
      if (v.feeds === 0) for (const s of v.markets.values()) lose(s, now());
      refreshMode(v);
    },
    /**
     * A stream book after a snapshot or delta. Returns what changed (for the recording), or
     * undefined when the event is not applied: a delta for a market whose book is lost (only a
     * snapshot makes it known again), or a delta that changed nothing.
     */
    applyStream(venue: FeedVenue, m: string, book: Book, from: 'snapshot' | 'delta'): BookChange | undefined {
      const v = venueState(venue);
      const s = market(venue, m);
      const at = now();
      v.lastMessageAt = at;
      if (from === 'delta' && !s.stream) return undefined;
      v.counters.messages += 1;
      const change: BookChange = from === 'snapshot' || !s.stream ? { kind: 'snapshot', ...asLevels(book) } : { kind: 'delta', ...bookChanges(s.stream.book, book) };
      s.stream = { book: copyBook(book), at, since: s.stream?.since ?? at };
      refreshMode(v);
      return change.kind === 'delta' && change.bids.length === 0 && change.asks.length === 0 ? undefined : change;
    },
    /** The stream lost these markets' books (one gap, disconnect or resync: counted once). */
    lost(venue: FeedVenue, markets: string[], why: 'gap' | 'disconnect' | 'resync'): void {
      const v = venueState(venue);
      v.counters[why === 'gap' ? 'gaps' : why === 'disconnect' ? 'disconnects' : 'resyncs'] += 1;
      const at = now();
      for (const m of markets) lose(market(venue, m), at);
      refreshMode(v);
    },
    count(venue: FeedVenue, what: 'invalid' | 'pollErrors', n = 1): void {
      venueState(venue).counters[what] += n;
    },
    dropped(venue: FeedVenue, n: number): void {
      venueState(venue).counters.dropped += n;
    },
    polled(venue: FeedVenue, m: string, book: Levels): void {
      const v = venueState(venue);
      v.counters.polls += 1;
      market(venue, m).polled = { levels: book, at: now() };
    },
    /** Markets of the venue not served by the stream right now (what its feed polls). */
    needsPoll(venue: FeedVenue): string[] {
      const v = venueState(venue);
      const at = now();
      refreshMode(v);
      return [...v.markets].filter(([, s]) => !streamed(s, at)).map(([m]) => m);
    },
    /** The venue's stream book of a market as a book (the recording's consumers compare against it). */
    streamBook(venue: FeedVenue, m: string): Book | undefined {
      const b = venues.get(venue)?.markets.get(m)?.stream?.book;
      return b ? copyBook(b) : undefined;
    },
    /** Stream books of the venue that are known now (for a rotated recording's opening snapshots). */
    knownStreamBooks(venue: FeedVenue): { market: string; levels: Levels }[] {
      const v = venues.get(venue);
      if (!v) return [];
      return [...v.markets].flatMap(([m, s]) => (s.stream ? [{ market: m, levels: asLevels(s.stream.book) }] : []));
    },
    read,
    /** The loop's BookSource over this store; `fallback` is REST for venues no feed serves here. */
    bookSource(fallback: BookSource): BookSource {
      return { book: (venue, m) => read(venue, m, () => fallback.book(venue, m)) };
    },
    venueHealth,
    health(): FeedHealth {
      const at = now();
      const out: FeedHealth = { streamReads: reads.stream, restReads: reads.rest, resyncs: 0, invalid: 0, synced: 0, oldestAgeMs: 0, venues: {} };
      for (const venue of venues.keys()) {
        const h = venueHealth(venue)!;
        out.venues[venue] = h;
        out.resyncs += h.gaps + h.disconnects + h.resyncs;
        out.invalid += h.invalid;
        out.synced += h.streamMarkets;
        for (const s of venues.get(venue)!.markets.values()) out.oldestAgeMs = Math.max(out.oldestAgeMs, s.stream ? at - s.stream.at : Number.POSITIVE_INFINITY);
      }
      return out;
    },
  };
}

export type FeedStore = ReturnType<typeof createFeedStore>;

/** Rebuilds a book from levels (a recording's snapshot, a poll). */
export const bookOf = (l: Levels): Book => bookFromLevels(l.bids, l.asks);
