/**
 * The signal path's figures:
 *  - throughput: Kalshi book deltas through the feed's tracker (parse, validate, sequence, apply),
 *    the quote firewall and every strategy (cross-venue, parity, BTC fair value over a seeded
 *    world's mapping), one full scan per delta, one core, no sockets: our side of the path;
 *  - detection latency: over real sockets, the time from another trader's order reaching the
 *    Kalshi simulator (admin POST sent) to the scan step taking the dislocation it opened, with
 *    the book arriving on the Kalshi `orderbook_delta` stream. This is what an event-driven scan
 *    would see; the running loop adds up to one scan interval (LEGWORK_SIGNAL_INTERVAL_MS) on top.
 */
import { levels, type Book } from '../domain/book';
import type { BookSnapshot } from '../domain/quote-firewall';
import { strategiesForMapping } from '../domain/strategies';
import { emptyScanState, scanStep, type ScanState } from '../domain/strategies/scan-step';
import { bookKey, type BookMap } from '../domain/strategies/strategy';
import { createKalshiBookTracker, kalshiBookStream } from '../venues/kalshi/stream';
import { startKalshiSim } from '../venues/sim/kalshi/server';
import { buildWorld, type MarketMapping } from '../venues/sim/world';
import { summarize } from './stats';

const DELTAS = 50_000;
const DETECTIONS = 50;

/** Books for every market the strategies read: Kalshi YES 0.38/0.47, Polymarket YES 0.44/0.46 and NO 0.53/0.55 (no edge anywhere). */
function quietBooks(mapping: MarketMapping, nowMs: number): Map<string, BookSnapshot> {
  const books = new Map<string, BookSnapshot>();
  const put = (venue: BookSnapshot['venue'], market: string, bids: [string, string][], asks: [string, string][]) => books.set(bookKey(venue, market), { venue, market, bids, asks, receivedAtMs: nowMs });
  for (const p of mapping.pairs) {
    put('kalshi', p.kalshi.ticker, [['0.38', '500']], [['0.47', '500']]);
    put('polymarket', p.polymarket.yesTokenId, [['0.44', '500']], [['0.46', '500']]);
    put('polymarket', p.polymarket.noTokenId, [['0.53', '500']], [['0.55', '500']]);
  }
  // BTC contracts quoted wide around any fair value, and the reference book they are priced from.
  for (const b of mapping.btcMarkets ?? []) {
    put('kalshi', b.kalshi.ticker, [['0.02', '500']], [['0.98', '500']]);
    put(b.reference.venue, b.reference.product, [['97000.00', '2']], [['97010.00', '2']]);
  }
  return books;
}

const yesLevels = (book: Book) => ({ bids: levels(book, 'bid'), asks: levels(book, 'ask') });

function throughput(mapping: MarketMapping): Record<string, unknown> {
  const strategies = strategiesForMapping(mapping);
  const pair = mapping.pairs.find((p) => p.confidence === 'high')!;
  const ticker = pair.kalshi.ticker;
  let nowMs = Date.now();
  const books = quietBooks(mapping, nowMs);
  const tracker = createKalshiBookTracker(() => undefined);
  let seq = 1;
  tracker.handle(JSON.stringify({ type: 'orderbook_snapshot', sid: 1, seq: seq++, msg: { market_ticker: ticker, yes: [[38, 500], [37, 100]], no: [[53, 500], [52, 100]] } }));
  // Each level +5 then −5 straight after: the book wanders without a size ever going negative.
  const deltas = Array.from({ length: 64 }, (_, i) => ({ price: 30 + ((i >> 1) % 8), side: (i >> 1) % 2 ? 'yes' : 'no', delta: i % 2 ? -5 : 5 }));
  let state: ScanState = emptyScanState();
  let records = 0;
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const d = deltas[i % deltas.length]!;
      const event = tracker.handle(JSON.stringify({ type: 'orderbook_delta', sid: 1, seq: seq++, msg: { market_ticker: ticker, price: d.price, delta: d.delta, side: d.side } }));
      if (event?.type !== 'book') throw new Error(`delta not applied: ${JSON.stringify(event)}`);
      nowMs += 1;
      books.set(bookKey('kalshi', ticker), { venue: 'kalshi', market: ticker, ...yesLevels(event.book), receivedAtMs: nowMs });
      const step = scanStep({ strategies, books: books as BookMap, nowMs, state });
      state = step.state;
      records += step.records.length;
    }
  };
  run(2_000); // warm-up
  records = 0;
  const t = performance.now();
  run(DELTAS);
  const seconds = (performance.now() - t) / 1000;
  return {
    deltas: DELTAS,
    deltasPerSecond: Math.round(DELTAS / seconds),
    scanRecordsPerDelta: Math.round(records / DELTAS),
    strategies: strategies.map((s) => s.name),
    booksPerScan: books.size,
  };
}

async function detectionLatency(mapping: MarketMapping): Promise<Record<string, unknown>> {
  const pair = mapping.pairs.find((p) => p.confidence === 'high')!;
  const ticker = pair.kalshi.ticker;
  // YES bids 38¢ and NO bids 53¢ (YES asked at 47¢): against Polymarket's NO at 55¢ there is no edge.
  const sim = await startKalshiSim({ books: { [ticker]: { yes: [[38, 500]], no: [[53, 500]] } } });
  const admin = `${new URL(sim.restBaseUrl).origin}/_sim/liquidity`;
  const strategies = strategiesForMapping(mapping);
  const books = quietBooks(mapping, Date.now());
  const stream = kalshiBookStream({ wsUrl: sim.wsUrl, credentials: sim.key, markets: [ticker] });
  const events = stream.events();
  let state: ScanState = emptyScanState();
  const samples: number[] = [];
  /** Scans every book the stream delivers until one takes (or, with `untilQuiet`, until none does). */
  const scanUntil = async (wantTake: boolean): Promise<void> => {
    for (;;) {
      const { value: e, done } = await events.next();
      if (done) throw new Error('stream ended');
      if (e.type !== 'book' || e.market !== ticker) continue;
      const nowMs = Date.now();
      books.set(bookKey('kalshi', ticker), { venue: 'kalshi', market: ticker, ...yesLevels(e.book), receivedAtMs: nowMs });
      const step = scanStep({ strategies, books: books as BookMap, nowMs, state, params: { cooldownMs: 0 } });
      state = step.state;
      const took = step.records.some((r) => r.decision === 'take' && r.pairId === pair.id);
      if (took === wantTake) return;
    }
  };
  const post = (count: number) => fetch(admin, { method: 'POST', body: JSON.stringify({ ticker, side: 'no', price: 60, count }) }).then((r) => r.arrayBuffer());
  try {
    await scanUntil(false); // the snapshot: quiet
    for (let i = 0; i < DETECTIONS + 5; i++) {
      // Another trader bids NO at 60¢: YES is offered at 40¢, 5¢ under Polymarket's implied 45¢.
      const t0 = performance.now();
      const posted = post(30);
      await scanUntil(true);
      if (i >= 5) samples.push(performance.now() - t0);
      await posted;
      const withdrawn = post(-30);
      await scanUntil(false);
      await withdrawn;
    }
  } finally {
    stream.close();
    await sim.stop();
  }
  return { ms: summarize(samples) };
}

export async function benchSignalPath(): Promise<Record<string, unknown>> {
  const { mapping } = buildWorld({ seed: 1, btcMarkets: 3 });
  return { throughput: throughput(mapping), detection: await detectionLatency(mapping) };
}
