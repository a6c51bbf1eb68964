/**
 * Coinbase's REST book (`GET /api/v3/brokerage/product_book`) on the simulator, over real HTTP on
 * loopback: Advanced Trade's wire shape behind the JWT, the adapter's `orderBook` (best first,
 * exact decimal strings, `limit`), the execution seam's Coinbase `touch` (what a leg B is
 * quote-checked against), and the REST books the signal loop reads for Coinbase.
 */
import { clientOrderId } from '../../domain/client-order-id';
import { orderRequestSchema } from '../../domain/order';
import { VenueError } from '../../domain/venue-errors';
import { buildCoinbaseJwt } from '../../venues/coinbase/auth';
import { bookSourceForSimulator, closeExecutionVenues, executionVenuesFor, paperAdapters, type ExecutionVenues } from '../../venues/execution';
import { startVenueSimulator, type VenueSimulator } from '../../venues/sim';
import { simAdmin } from '../helpers/sim';

const PRODUCT = 'BTC-USD';
/** Given unsorted, with trailing zeros: the answers are best first and canonical. */
const LIQUIDITY = {
  product_id: PRODUCT,
  bids: [['96000.50', '0.25'], ['97000.00', '1.50'], ['95000', '3']],
  asks: [['97300', '2'], ['97100.10', '0.5']],
};

let sim: VenueSimulator;
let venues: ExecutionVenues;
let adapters: ReturnType<typeof paperAdapters>;

beforeAll(async () => {
  sim = await startVenueSimulator();
  adapters = paperAdapters(sim.describe());
  venues = executionVenuesFor(adapters);
});
afterAll(async () => {
  await closeExecutionVenues(venues);
  await sim.stop();
});
beforeEach(() => simAdmin(sim, 'coinbase', 'liquidity', LIQUIDITY));

/** A JWT-signed GET of the book, as the venue's own clients send it. */
async function getProductBook(query: string, signed = true): Promise<Response> {
  const d = sim.describe().coinbase;
  const url = new URL(`${d.restBaseUrl}/product_book?${query}`);
  const headers: Record<string, string> = {};
  if (signed) headers.authorization = `Bearer ${await buildCoinbaseJwt({ keyName: d.apiKeyName, privateKeyPem: d.apiPrivateKeyPem }, { method: 'GET', host: url.host, path: url.pathname })}`;
  return fetch(url, { headers });
}

describe('Coinbase product_book', () => {
  it('answers Advanced Trade\'s pricebook, best first, at most `limit` levels a side', async () => {
    const res = await getProductBook(`product_id=${PRODUCT}&limit=2`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { pricebook: { time: string } };
    expect(body).toEqual({
      pricebook: {
        product_id: PRODUCT,
        bids: [
          { price: '97000', size: '1.5' },
          { price: '96000.5', size: '0.25' },
        ],
        asks: [
          { price: '97100.1', size: '0.5' },
          { price: '97300', size: '2' },
        ],
        time: expect.any(String),
      },
    });
    expect(Number.isNaN(Date.parse(body.pricebook.time))).toBe(false);
  });

  it('refuses an unsigned request, a bad limit naming the field, and an unknown product', async () => {
    expect((await getProductBook(`product_id=${PRODUCT}`, false)).status).toBe(401);
    const bad = await getProductBook(`product_id=${PRODUCT}&limit=-1`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'INVALID_ARGUMENT', message: expect.stringMatching(/^limit: /) });
    const unknown = adapters.coinbase.orderBook('DOGE-USD');
    await expect(unknown).rejects.toBeInstanceOf(VenueError);
    await expect(unknown).rejects.toMatchObject({ errorClass: 'permanent', details: { httpStatus: 404 } });
  });

  it('the adapter reads the whole book, or `limit` levels, as exact decimal strings', async () => {
    expect(await adapters.coinbase.orderBook(PRODUCT)).toEqual({
      bids: [
        ['97000', '1.5'],
        ['96000.5', '0.25'],
        ['95000', '3'],
      ],
      asks: [
        ['97100.1', '0.5'],
        ['97300', '2'],
      ],
    });
    expect(await adapters.coinbase.orderBook(PRODUCT, 1)).toEqual({ bids: [['97000', '1.5']], asks: [['97100.1', '0.5']] });
  });

  it('moves with the book: a level taken by our order is gone from the next read', async () => {
    // Buying 0.5 at 97100.10 takes the whole best ask.
    const taken = await venues.coinbase!.submit(
      orderRequestSchema.parse({ venue: 'coinbase', market: PRODUCT, action: 'buy', price: '97100.10', quantity: '0.5', timeInForce: 'IOC', clientOrderId: clientOrderId('intent-cb-book', 'B', 1) }),
    );
    expect(taken).toMatchObject({ state: 'filled', filledQuantity: '0.5' });
    expect((await adapters.coinbase.orderBook(PRODUCT)).asks).toEqual([['97300', '2']]);
  });
});

describe('Coinbase touch on the execution seam', () => {
  it('is the best ask to buy and the best bid to sell; undefined on an empty side', async () => {
    const coinbase = venues.coinbase!;
    expect(coinbase.touch).toBeDefined();
    expect(await coinbase.touch!(PRODUCT, undefined, 'buy')).toEqual({ price: '97100.1', size: '0.5' });
    expect(await coinbase.touch!(PRODUCT, undefined, 'sell')).toEqual({ price: '97000', size: '1.5' });
    await simAdmin(sim, 'coinbase', 'liquidity', { product_id: PRODUCT, bids: [['96500', '1']], asks: [] });
    expect(await coinbase.touch!(PRODUCT, undefined, 'buy')).toBeUndefined();
    expect(await coinbase.touch!(PRODUCT, undefined, 'sell')).toEqual({ price: '96500', size: '1' });
  });
});

describe('the loop\'s REST books for Coinbase', () => {
  it('are the product book, read per call (no stream behind them)', async () => {
    const rest = bookSourceForSimulator(sim.describe(), adapters);
    try {
      expect(await rest.books.book('coinbase', PRODUCT)).toEqual(await adapters.coinbase.orderBook(PRODUCT));
      await simAdmin(sim, 'coinbase', 'liquidity', { product_id: PRODUCT, bids: [['96400', '0.1']], asks: [['96600', '0.2']] });
      expect(await rest.books.book('coinbase', PRODUCT)).toEqual({ bids: [['96400', '0.1']], asks: [['96600', '0.2']] });
    } finally {
      await rest.close();
    }
  });
});
