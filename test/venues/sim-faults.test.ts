/**
 * Every fault kind of the simulator (venues/sim/faults.ts) against each venue's real adapter and
 * stream client over loopback sockets: the error class each REST fault produces, the stream events
 * each stream fault produces, count and seeded probability, and that a submit whose answer is lost
 * (timeout, accept-then-drop) is resolved without a second order at the venue.
 */
import { privateKeyToAccount } from 'viem/accounts';
import { levels, type Book } from '../../domain/book';
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema, type OrderRequest, type OrderSnapshot } from '../../domain/order';
import { checkQuote, emptyRejectionCounts } from '../../domain/quote-firewall';
import { VenueError } from '../../domain/venue-errors';
import { CoinbaseAdapter } from '../../venues/coinbase/adapter';
import { coinbaseBookStream } from '../../venues/coinbase/stream';
import { KalshiAdapter } from '../../venues/kalshi/adapter';
import { kalshiBookStream } from '../../venues/kalshi/stream';
import { kalshiUserStream } from '../../venues/kalshi/user-stream';
import { PolymarketAdapter } from '../../venues/polymarket/adapter';
import { polymarketBookStream } from '../../venues/polymarket/stream';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { eventually } from '../helpers/db';
import { mulberry32 } from '../helpers/prng';
import { armedFaults, BOOK_STREAM, injectFault, SUBMIT_ENDPOINT, type SimVenue } from '../helpers/sim';
import { nextEvent } from '../helpers/streams';

const KALSHI_MARKET = 'FED-25DEC-T4.25';
const POLY_TOKEN = '7132104567925221259';
const PRODUCT = 'BTC-USD';

interface Adapters {
  kalshi: KalshiAdapter;
  polymarket: PolymarketAdapter;
  coinbase: CoinbaseAdapter;
  close(): Promise<void>;
}

function adaptersFor(sim: VenueSimulator, requestTimeoutMs?: number): Adapters {
  const d = sim.describe();
  const kalshi = new KalshiAdapter({ restBaseUrl: d.kalshi.restBaseUrl, credentials: { keyId: d.kalshi.apiKeyId, privateKeyPem: d.kalshi.privateKeyPem }, requestTimeoutMs });
  const polymarket = new PolymarketAdapter({
    restBaseUrl: d.polymarket.restBaseUrl,
    account: privateKeyToAccount(d.polymarket.walletPrivateKey),
    credentials: { key: d.polymarket.apiKey, secret: d.polymarket.apiSecret, passphrase: d.polymarket.apiPassphrase },
    requestTimeoutMs,
  });
  const coinbase = new CoinbaseAdapter({ restBaseUrl: d.coinbase.restBaseUrl, credentials: { keyName: d.coinbase.apiKeyName, privateKeyPem: d.coinbase.apiPrivateKeyPem }, requestTimeoutMs });
  return { kalshi, polymarket, coinbase, close: async () => void (await Promise.all([kalshi.close(), polymarket.close(), coinbase.close()])) };
}

let n = 0;
interface RestCase {
  venue: SimVenue;
  /** A read that changes nothing, and the endpoint it calls. */
  readEndpoint: string;
  read(a: Adapters): Promise<unknown>;
  order(): OrderRequest;
  submit(a: Adapters, req: OrderRequest): Promise<OrderSnapshot>;
  /** Orders at the venue for this request (the simulator's own log). */
  atVenue(sim: VenueSimulator, a: Adapters, req: OrderRequest): number;
}

const REST: RestCase[] = [
  {
    venue: 'kalshi',
    readEndpoint: 'GET /trade-api/v2/portfolio/balance',
    read: (a) => a.kalshi.balance(),
    order: () => orderRequestSchema.parse({ venue: 'kalshi', market: KALSHI_MARKET, outcome: 'yes', action: 'buy', price: '0.45', quantity: '10', timeInForce: 'GTC', clientOrderId: clientOrderId(`faults-k-${++n}`, 'A', 1) }),
    submit: (a, req) => a.kalshi.submitOrder(req),
    atVenue: (sim, _a, req) => sim.kalshi.orderLog.filter((o) => o.client_order_id === req.clientOrderId).length,
  },
  {
    venue: 'polymarket',
    readEndpoint: 'GET /book',
    read: (a) => a.polymarket.orderBook(POLY_TOKEN),
    order: () => orderRequestSchema.parse({ venue: 'polymarket', market: POLY_TOKEN, outcome: 'yes', action: 'buy', price: '0.55', quantity: '10', timeInForce: 'GTC', clientOrderId: clientOrderId(`faults-p-${++n}`, 'B', 1) }),
    submit: (a, req) => a.polymarket.submitOrder(req),
    atVenue: (sim, a, req) => sim.polymarket.orderLog.filter((o) => o.id === a.polymarket.orderIdFor(req)).length,
  },
  {
    venue: 'coinbase',
    readEndpoint: 'GET /api/v3/brokerage/accounts',
    read: (a) => a.coinbase.balances(),
    order: () => orderRequestSchema.parse({ venue: 'coinbase', market: PRODUCT, action: 'sell', price: '96900.00', quantity: '0.25', timeInForce: 'IOC', clientOrderId: clientOrderId(`faults-c-${++n}`, 'H', 1) }),
    submit: (a, req) => a.coinbase.submitOrder(req),
    atVenue: (sim, _a, req) => sim.coinbase.orderLog.filter((o) => o.client_order_id === req.clientOrderId).length,
  },
];

/** How a call failed: its VenueError's class (and status), or 'ok'. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    if (!(err instanceof VenueError)) throw err;
    return `${err.errorClass}${err.details.httpStatus ? ` ${err.details.httpStatus}` : ''}`;
  }
}

let sim: VenueSimulator;
beforeEach(async () => {
  sim = await startVenueSimulator();
});
afterEach(async () => {
  await sim.stop();
});

describe('the fault admin API', () => {
  const post = (venue: SimVenue, body: unknown) => fetch(`${sim.describe()[venue].adminUrl}/faults`, { method: 'POST', body: JSON.stringify(body) });

  it.each<[string, SimVenue, unknown, RegExp]>([
    ['an unknown kind', 'kalshi', { endpoint: 'GET /x', kind: 'meteor' }, /^kind: /m],
    ['a probability above 1', 'coinbase', { endpoint: 'GET /x', kind: 'http_5xx', probability: 1.5 }, /^probability: /m],
    ['slow without a delay', 'polymarket', { endpoint: 'GET /book', kind: 'slow' }, /^delayMs: required for kind slow/m],
    ['a misspelt field', 'kalshi', { endpoint: 'GET /x', kind: 'http_429', retry_after: 2 }, /retry_after/],
    ['a stream the venue does not have', 'coinbase', { endpoint: 'WS orderbook_delta', kind: 'ws_duplicate' }, /^endpoint: no stream "WS orderbook_delta"/m],
    ['a sequence gap on a stream without sequence numbers', 'polymarket', { endpoint: 'WS /ws/market', kind: 'ws_seq_gap' }, /^kind: ws_seq_gap does not apply to WS \/ws\/market/m],
    ['a stream kind on a REST endpoint', 'kalshi', { endpoint: 'POST /trade-api/v2/portfolio/orders', kind: 'ws_duplicate' }, /^kind: ws_duplicate does not apply to a REST endpoint/m],
    ['an endpoint without a method', 'kalshi', { endpoint: '/trade-api/v2/portfolio/balance', kind: 'http_5xx' }, /^endpoint: expected "METHOD \/path"/m],
    ['a market on a REST endpoint', 'polymarket', { endpoint: 'GET /book', kind: 'crossed_book', market: '1' }, /^market: only for stream faults/m],
  ])('refuses %s with a 400 naming the field', async (_what, venue, body, field) => {
    const res = await post(venue, body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: string; message: string };
    expect(answer.error).toBe('invalid_fault');
    expect(answer.message).toMatch(field);
    expect(await armedFaults(sim, venue)).toEqual([]);
  });

  it.each<SimVenue>(['kalshi', 'polymarket', 'coinbase'])('%s: lists armed faults with what is left, and clears them', async (venue) => {
    await injectFault(sim, venue, { endpoint: SUBMIT_ENDPOINT[venue], kind: 'reject', count: 2 });
    await injectFault(sim, venue, { endpoint: BOOK_STREAM[venue], kind: 'ws_duplicate', probability: 0.25, seed: 3 });
    expect(await armedFaults(sim, venue)).toMatchObject([
      { endpoint: SUBMIT_ENDPOINT[venue], kind: 'reject', count: 2, probability: 1, hits: 0 },
      { endpoint: BOOK_STREAM[venue], kind: 'ws_duplicate', count: 1, probability: 0.25, seed: 3 },
    ]);
    const cleared = await fetch(`${sim.describe()[venue].adminUrl}/faults`, { method: 'DELETE' });
    expect(await cleared.json()).toEqual({ cleared: 2, faults: [] });
    expect(await armedFaults(sim, venue)).toEqual([]);
  });
});

describe.each(REST)('$venue adapter under REST faults', (c) => {
  let a: Adapters;
  beforeEach(() => {
    a = adaptersFor(sim);
  });
  afterEach(async () => {
    await a.close();
  });

  it('http_429 is retryable and carries Retry-After', async () => {
    await injectFault(sim, c.venue, { endpoint: c.readEndpoint, kind: 'http_429', retryAfterSeconds: 1 });
    await expect(c.read(a)).rejects.toMatchObject({ details: { errorClass: 'retryable', httpStatus: 429, retryAfterMs: 1000 } });
    expect(await outcome(c.read(a))).toBe('ok');
  });

  it('http_5xx is retryable, and `count` is honoured', async () => {
    await injectFault(sim, c.venue, { endpoint: c.readEndpoint, kind: 'http_5xx', count: 2 });
    expect(await outcome(c.read(a))).toBe('retryable 503');
    expect(await armedFaults(sim, c.venue)).toMatchObject([{ kind: 'http_5xx', count: 1, hits: 1 }]);
    expect(await outcome(c.read(a))).toBe('retryable 503');
    expect(await armedFaults(sim, c.venue)).toEqual([]);
    expect(await outcome(c.read(a))).toBe('ok');
  });

  it('a probability with a seed hits the subset that seed draws, and stops at `count`', async () => {
    const seed = 20_261_130 + c.venue.length;
    await injectFault(sim, c.venue, { endpoint: c.readEndpoint, kind: 'http_5xx', count: 3, probability: 0.4, seed });
    const got: string[] = [];
    for (let i = 0; i < 14; i++) got.push(await outcome(c.read(a)));
    // The simulator's documented draw: one per matching request, a hit below the probability.
    const draw = mulberry32(seed);
    let left = 3;
    const expected = got.map(() => (left > 0 && draw() < 0.4 ? (left--, 'retryable 503') : 'ok'));
    expect(got).toEqual(expected);
    expect(got.filter((o) => o !== 'ok')).toHaveLength(3);
  });

  it('reject is permanent and places nothing', async () => {
    await injectFault(sim, c.venue, { endpoint: SUBMIT_ENDPOINT[c.venue], kind: 'reject' });
    const req = c.order();
    await expect(c.submit(a, req)).rejects.toMatchObject({ details: { errorClass: 'permanent' } });
    expect(c.atVenue(sim, a, req)).toBe(0);
  });

  it('accept_then_drop: the lost answer is resolved by lookup; one order at the venue', async () => {
    await injectFault(sim, c.venue, { endpoint: SUBMIT_ENDPOINT[c.venue], kind: 'accept_then_drop' });
    const req = c.order();
    const placed = await c.submit(a, req);
    expect(placed.venueOrderId).toBeTruthy();
    expect(c.atVenue(sim, a, req)).toBe(1);
  });

  describe('with a short request timeout', () => {
    let quick: Adapters;
    beforeEach(() => {
      quick = adaptersFor(sim, 800);
    });
    afterEach(async () => {
      await quick.close();
    });

    it('timeout on a read: the client gives up, and the read is retryable', async () => {
      await injectFault(sim, c.venue, { endpoint: c.readEndpoint, kind: 'timeout' });
      await expect(c.read(quick)).rejects.toMatchObject({ details: { errorClass: 'retryable' }, message: expect.stringMatching(/timeout/) });
      expect(await outcome(c.read(quick))).toBe('ok');
    });

    it('timeout on a submit: the order may exist (unknown), is found, and is never placed twice', async () => {
      await injectFault(sim, c.venue, { endpoint: SUBMIT_ENDPOINT[c.venue], kind: 'timeout' });
      const req = c.order();
      const placed = await c.submit(quick, req);
      expect(placed.venueOrderId).toBeTruthy();
      expect(c.atVenue(sim, quick, req)).toBe(1);
      // Asked again (a retried activity), the same order comes back.
      expect((await c.submit(quick, req)).venueOrderId).toBe(placed.venueOrderId);
      expect(c.atVenue(sim, quick, req)).toBe(1);
    });

    it('slow: an answer later than the client waits is a timeout; a short delay is answered', async () => {
      await injectFault(sim, c.venue, { endpoint: c.readEndpoint, kind: 'slow', delayMs: 5_000 });
      expect(await outcome(c.read(quick))).toBe('retryable');
      await injectFault(sim, c.venue, { endpoint: c.readEndpoint, kind: 'slow', delayMs: 20 });
      expect(await outcome(c.read(quick))).toBe('ok');
      expect(await armedFaults(sim, c.venue)).toEqual([]);
    });
  });
});

describe('crossed_book on the REST book', () => {
  it.each<[SimVenue, string]>([
    ['kalshi', `GET /trade-api/v2/markets/${KALSHI_MARKET}/orderbook`],
    ['polymarket', 'GET /book'],
    ['coinbase', 'GET /api/v3/brokerage/product_book'],
  ])('%s: the next book is crossed and the quote firewall rejects it as crossed', async (venue, endpoint) => {
    const a = adaptersFor(sim);
    try {
      const read = () => (venue === 'kalshi' ? a.kalshi.orderBook(KALSHI_MARKET) : venue === 'polymarket' ? a.polymarket.orderBook(POLY_TOKEN) : a.coinbase.orderBook(PRODUCT));
      const market = venue === 'kalshi' ? KALSHI_MARKET : venue === 'polymarket' ? POLY_TOKEN : PRODUCT;
      await injectFault(sim, venue, { endpoint, kind: 'crossed_book' });
      const counts = emptyRejectionCounts();
      for (let i = 0; i < 2; i++) {
        const check = checkQuote({ venue, market, ...(await read()), receivedAtMs: Date.now() }, Date.now(), venue === 'coinbase' ? { binary: false, minSize: '0.1' } : { binary: true });
        if (!check.ok) counts[check.reason] += 1;
        else expect(i).toBe(1); // only the first read was faulted
      }
      expect(counts).toMatchObject({ crossed: 1, locked: 0, degenerate: 0, stale: 0, empty: 0 });
    } finally {
      await a.close();
    }
  });
});

// ---------------------------------------------------------------- streams

type StreamEvent = { type: 'book'; from: 'snapshot' | 'update'; book: Book } | { type: 'gap' } | { type: 'invalid'; reason: string } | { type: 'disconnected' } | { type: 'other' };

interface StreamCase {
  venue: SimVenue;
  market: string;
  /** The bid level `change` sets, as the stream's book names it. */
  probe: string;
  open(sim: VenueSimulator): { events: AsyncGenerator<StreamEvent>; close(): void };
  /** The i-th change (1, 2, …) of the probe level: one market-data message, after which its size is i. */
  change(sim: VenueSimulator, i: number): Promise<void>;
}

async function* normalise<T>(source: AsyncGenerator<T>, map: (e: T) => StreamEvent): AsyncGenerator<StreamEvent> {
  for await (const e of source) yield map(e);
}

async function admin(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
}

const STREAMS: StreamCase[] = [
  {
    venue: 'kalshi',
    market: KALSHI_MARKET,
    probe: '0.3',
    open: (s) => {
      const stream = kalshiBookStream({ wsUrl: s.kalshi.wsUrl, credentials: s.kalshi.key, markets: [KALSHI_MARKET] });
      return { close: stream.close, events: normalise(stream.events(), (e): StreamEvent => (e.type === 'book' ? { type: 'book', from: e.from === 'snapshot' ? 'snapshot' : 'update', book: e.book } : e.type === 'gap' || e.type === 'disconnected' ? { type: e.type } : { type: 'invalid', reason: e.reason })) };
    },
    // Another trader's YES bid at 30¢, one contract more each time.
    change: (s) => admin(`${s.describe().kalshi.adminUrl}/liquidity`, { ticker: KALSHI_MARKET, side: 'yes', price: 30, count: 1 }),
  },
  {
    venue: 'polymarket',
    market: POLY_TOKEN,
    probe: '0.3',
    open: (s) => {
      const stream = polymarketBookStream({ wsUrl: s.polymarket.wsUrl, assetIds: [POLY_TOKEN] });
      return {
        close: stream.close,
        events: normalise(stream.events(), (e): StreamEvent => (e.type === 'book' ? { type: 'book', from: e.from === 'snapshot' ? 'snapshot' : 'update', book: e.book } : e.type === 'gap' || e.type === 'disconnected' ? { type: e.type } : e.type === 'invalid' ? e : { type: 'other' })),
      };
    },
    change: (s, i) => admin(`${s.describe().polymarket.adminUrl}/liquidity`, { token_id: POLY_TOKEN, side: 'BUY', price: '0.30', size: String(i) }),
  },
  {
    venue: 'coinbase',
    market: PRODUCT,
    probe: '96000',
    open: (s) => {
      const d = s.describe().coinbase;
      const stream = coinbaseBookStream({ wsUrl: s.coinbase.wsUrl, credentials: { keyName: d.apiKeyName, privateKeyPem: d.apiPrivateKeyPem }, products: [PRODUCT] });
      return { close: stream.close, events: normalise(stream.events(), (e): StreamEvent => (e.type === 'book' ? { type: 'book', from: e.from, book: e.book } : e.type === 'gap' || e.type === 'disconnected' ? { type: e.type } : e.type === 'invalid' ? e : { type: 'other' })) };
    },
    // The default book plus another trader's bid at 96000 of size i: one level changes each time.
    change: (s, i) => admin(`${s.describe().coinbase.adminUrl}/liquidity`, { product_id: PRODUCT, bids: [['97000.00', '1'], ['96000.00', String(i)]], asks: [['97100.00', '0.5'], ['97200.00', '1']] }),
  },
];

const sizeAt = (book: Book, price: string) => levels(book, 'bid').find(([p]) => p === price)?.[1];
const isBook = (e: StreamEvent): e is Extract<StreamEvent, { type: 'book' }> => e.type === 'book';
const isSnapshot = (e: StreamEvent): e is Extract<StreamEvent, { type: 'book' }> => e.type === 'book' && e.from === 'snapshot';
/** What the quote firewall says of a stream book right now. */
const firewall = (c: StreamCase, book: Book) =>
  checkQuote({ venue: c.venue, market: c.market, bids: levels(book, 'bid'), asks: levels(book, 'ask'), receivedAtMs: Date.now() }, Date.now(), c.venue === 'coinbase' ? { binary: false, minSize: '0.1' } : { binary: true });

describe.each(STREAMS)('$venue stream under stream faults', (c) => {
  let stream: ReturnType<StreamCase['open']>;
  const open = async () => {
    stream = c.open(sim);
    await nextEvent(stream.events, isSnapshot);
    return stream.events;
  };
  afterEach(() => stream?.close());

  it('ws_duplicate: the message arrives twice and is applied once', async () => {
    const events = await open();
    await injectFault(sim, c.venue, { endpoint: BOOK_STREAM[c.venue], kind: 'ws_duplicate' });
    await c.change(sim, 1);
    await c.change(sim, 2);
    // Read up to the second change's update (Kalshi and Coinbase events share one live book, so
    // sizes are read from each event as it arrives only on Polymarket, whose events are copies).
    const seen: StreamEvent[] = [];
    const updates = c.venue === 'polymarket' ? 3 : 2;
    await nextEvent(events, (e) => (seen.push(e), seen.filter(isBook).length === updates));
    const last = seen[seen.length - 1]!;
    if (c.venue === 'polymarket') {
      // No sequence numbers; sizes are absolute, so the repeat is harmless: the same book twice.
      expect(seen.filter(isBook).map((e) => sizeAt(e.book, c.probe))).toEqual(['1', '1', '2']);
    } else {
      // Dropped by its sequence number (a relative Kalshi delta applied twice would make it 3).
      expect(seen.filter((e) => e.type === 'invalid')).toEqual([{ type: 'invalid', reason: expect.stringMatching(/^duplicate seq/) }]);
      expect(isBook(last) && sizeAt(last.book, c.probe)).toBe('2');
    }
    expect(seen.some((e) => e.type === 'gap')).toBe(false);
  });

  it('ws_out_of_order: the swap is seen as a gap and the book resyncs from a snapshot', async () => {
    const events = await open();
    await injectFault(sim, c.venue, { endpoint: BOOK_STREAM[c.venue], kind: 'ws_out_of_order' });
    await c.change(sim, 1);
    // Polymarket orders by millisecond timestamps: the swapped messages must be a millisecond apart.
    const first = Date.now();
    await eventually('the next millisecond', async () => Date.now() > first);
    await c.change(sim, 2);
    await nextEvent(events, (e) => e.type === 'gap');
    // The resync's snapshot, then whatever follows it: the book converges on the venue's (size 2),
    // never on the late message (size 1).
    let settled = await nextEvent(events, isSnapshot);
    if (isBook(settled) && sizeAt(settled.book, c.probe) !== '2') settled = await nextEvent(events, (e) => isBook(e) && sizeAt(e.book, c.probe) === '2');
    expect(isBook(settled) && firewall(c, settled.book).ok).toBe(true);
    expect(isBook(settled) && sizeAt(settled.book, c.probe)).toBe('2');
  });

  it('stale_book: `count` updates of the market are withheld, then a fresh snapshot', async () => {
    const events = await open();
    await injectFault(sim, c.venue, { endpoint: BOOK_STREAM[c.venue], kind: 'stale_book', market: c.market, count: 2 });
    await c.change(sim, 1);
    await c.change(sim, 2);
    const next = await nextEvent(events, isBook);
    expect(next).toMatchObject({ type: 'book', from: 'snapshot' });
    expect(isBook(next) && sizeAt(next.book, c.probe)).toBe('2');
    await c.change(sim, 3);
    const after = await nextEvent(events, isBook);
    expect(after).toMatchObject({ type: 'book', from: 'update' });
    expect(isBook(after) && sizeAt(after.book, c.probe)).toBe('3');
  });

  it('ws_disconnect: the stream reports the drop, reconnects and starts again from a snapshot', async () => {
    const events = await open();
    const res = await fetch(`${sim.describe()[c.venue].adminUrl}/faults`, { method: 'POST', body: JSON.stringify({ endpoint: BOOK_STREAM[c.venue], kind: 'ws_disconnect' }) });
    expect(await res.json()).toMatchObject({ disconnected: 1 });
    // The drop is said before anything of the new connection: no gap, no book in between.
    expect(await nextEvent(events, () => true)).toEqual({ type: 'disconnected' });
    await nextEvent(events, isSnapshot);
    await c.change(sim, 1);
    await nextEvent(events, (e) => isBook(e) && sizeAt(e.book, c.probe) === '1');
  });

  it('crossed_book: the next snapshot is crossed and the quote firewall counts it as crossed', async () => {
    await injectFault(sim, c.venue, { endpoint: BOOK_STREAM[c.venue], kind: 'crossed_book', market: c.market });
    const counts = emptyRejectionCounts();
    for (let i = 0; i < 2; i++) {
      const s = c.open(sim);
      try {
        const snapshot = await nextEvent(s.events, isSnapshot);
        const check = isBook(snapshot) ? firewall(c, snapshot.book) : undefined;
        if (check && !check.ok) counts[check.reason] += 1;
      } finally {
        s.close();
      }
    }
    expect(counts).toMatchObject({ crossed: 1, locked: 0, degenerate: 0, empty: 0 });
  });

  if (c.venue !== 'polymarket') {
    it('ws_seq_gap: the gap is reported and a fresh snapshot resumes the book', async () => {
      const events = await open();
      await injectFault(sim, c.venue, { endpoint: BOOK_STREAM[c.venue], kind: 'ws_seq_gap' });
      await c.change(sim, 1);
      await nextEvent(events, (e) => e.type === 'gap');
      const fresh = await nextEvent(events, isSnapshot);
      expect(isBook(fresh) && sizeAt(fresh.book, c.probe)).toBe('1');
    });
  }
});

describe('user_stream_silent (Kalshi private fills)', () => {
  it('the next `count` fill messages are never sent; REST still has the fills', async () => {
    const a = adaptersFor(sim);
    const stream = kalshiUserStream({ wsUrl: sim.kalshi.wsUrl, credentials: sim.kalshi.key });
    const events = stream.events();
    const taker = () => REST[0]!.order();
    try {
      // A first fill proves the subscription is live before the fault is armed.
      const first = await a.kalshi.submitOrder({ ...taker(), quantity: '1', timeInForce: 'IOC' });
      await nextEvent(events, (e) => e.type === 'fill' && e.fill.venueOrderId === first.venueOrderId);
      await injectFault(sim, 'kalshi', { endpoint: 'WS fill', kind: 'user_stream_silent', count: 1 });
      const silenced = await a.kalshi.submitOrder({ ...taker(), quantity: '1', timeInForce: 'IOC' });
      const heard = await a.kalshi.submitOrder({ ...taker(), quantity: '1', timeInForce: 'IOC' });
      const next = await nextEvent(events, (e) => e.type === 'fill');
      expect(next.type === 'fill' && next.fill.venueOrderId).toBe(heard.venueOrderId);
      expect(sim.kalshi.fills.filter((f) => f.order_id === silenced.venueOrderId)).toHaveLength(1);
    } finally {
      stream.close();
      await a.close();
    }
  });
});
