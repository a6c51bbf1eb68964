/**
 * Kalshi's official client, kalshi-typescript 3.30.0, unmodified, against our Kalshi simulator
 * over loopback HTTP: it signs with its own RSA-PSS code (dist/auth.js), calls the endpoints its
 * OpenAPI spec names, and we check that what comes back has every field its models declare
 * required, in the formats they document, and that the sim's own order log shows what it did.
 *
 * 3.30 creates and cancels only through the event-order endpoints (`POST/DELETE
 * /portfolio/events/orders`, book side bid/ask, dollar strings, fixed-point counts) and reads the
 * `*_dollars` / `*_fp` fields; venues/README.md "Differences found" lists what this proved.
 */
import axios, { isAxiosError } from 'axios';
import {
  Configuration,
  MarketApi,
  OrdersApi,
  PortfolioApi,
  type CancelOrderV2Response,
  type CreateOrderV2Request,
  type CreateOrderV2Response,
  type Fill,
  type GetBalanceResponse,
  type GetMarketOrderbookResponse,
  type Market,
  type Order,
} from 'kalshi-typescript';
import { z } from 'zod';
import { startKalshiSim, type KalshiSim } from '../../venues/sim/kalshi/server';
import { fieldsOf, missingFields } from '../helpers/model-fields';

const TICKER = 'FED-25DEC-T4.25'; // the sim's default book: YES bids 40¢ ×100; NO bids 57¢ ×30, 55¢ ×100

// Every required field of the client's models (checked against its types at compile time).
const ORDER_FIELDS = fieldsOf<Order>()(['order_id', 'user_id', 'client_order_id', 'ticker', 'outcome_side', 'book_side', 'type', 'status', 'yes_price_dollars', 'no_price_dollars', 'fill_count_fp', 'remaining_count_fp', 'initial_count_fp', 'taker_fill_cost_dollars', 'maker_fill_cost_dollars', 'taker_fees_dollars', 'maker_fees_dollars']);
const FILL_FIELDS = fieldsOf<Fill>()(['fill_id', 'exchange_index', 'trade_id', 'order_id', 'ticker', 'market_ticker', 'outcome_side', 'book_side', 'count_fp', 'yes_price_dollars', 'no_price_dollars', 'is_taker', 'fee_cost']);
const BALANCE_FIELDS = fieldsOf<GetBalanceResponse>()(['balance', 'balance_dollars', 'portfolio_value', 'updated_ts']);
const CREATED_FIELDS = fieldsOf<CreateOrderV2Response>()(['order_id', 'fill_count', 'remaining_count', 'ts_ms']);
const CANCELED_FIELDS = fieldsOf<CancelOrderV2Response>()(['order_id', 'reduced_by', 'ts_ms']);
const ORDERBOOK_FIELDS = fieldsOf<GetMarketOrderbookResponse>()(['orderbook_fp']);
const MARKET_FIELDS = fieldsOf<Market>()([
  'ticker', 'event_ticker', 'market_type', 'yes_sub_title', 'no_sub_title', 'created_time', 'updated_time', 'open_time', 'close_time', 'latest_expiration_time',
  'settlement_timer_seconds', 'status', 'yes_bid_dollars', 'yes_bid_size_fp', 'yes_ask_dollars', 'yes_ask_size_fp', 'no_bid_dollars', 'no_ask_dollars', 'last_price_dollars',
  'volume_fp', 'volume_24h_fp', 'result', 'can_close_early', 'open_interest_fp', 'notional_value_dollars', 'previous_yes_bid_dollars', 'previous_yes_ask_dollars',
  'previous_price_dollars', 'expiration_value', 'rules_primary', 'rules_secondary', 'price_level_structure', 'price_ranges',
]);

// The formats the models document: dollars with 4–6 decimals, counts with exactly 2.
const dollars = z.string().regex(/^\d+\.\d{4,6}$/);
const fp = z.string().regex(/^\d+\.\d{2}$/);
const orderFormat = z.object({ yes_price_dollars: dollars, no_price_dollars: dollars, fill_count_fp: fp, remaining_count_fp: fp, initial_count_fp: fp, taker_fees_dollars: dollars, book_side: z.enum(['bid', 'ask']), outcome_side: z.enum(['yes', 'no']), status: z.enum(['resting', 'canceled', 'executed']) });
const fillFormat = z.object({ count_fp: fp, yes_price_dollars: dollars, no_price_dollars: dollars, fee_cost: dollars, book_side: z.enum(['bid', 'ask']) });
const isoTime = z.iso.datetime({ offset: true });
const marketFormat = z.object({
  status: z.enum(['initialized', 'inactive', 'active', 'closed', 'determined', 'disputed', 'amended', 'finalized']),
  result: z.enum(['yes', 'no', 'scalar', '']),
  created_time: isoTime, updated_time: isoTime, open_time: isoTime, close_time: isoTime, latest_expiration_time: isoTime, expected_expiration_time: isoTime.nullable(),
  ...Object.fromEntries(['yes_bid_dollars', 'yes_ask_dollars', 'no_bid_dollars', 'no_ask_dollars', 'last_price_dollars', 'notional_value_dollars', 'previous_yes_bid_dollars', 'previous_yes_ask_dollars', 'previous_price_dollars'].map((f) => [f, dollars])),
  ...Object.fromEntries(['yes_bid_size_fp', 'yes_ask_size_fp', 'volume_fp', 'volume_24h_fp', 'open_interest_fp'].map((f) => [f, fp])),
  settlement_timer_seconds: z.number().int().nonnegative(),
  price_ranges: z.array(z.object({ start: dollars, end: dollars, step: dollars })).min(1),
});

let sim: KalshiSim;
let market: MarketApi;
let orders: OrdersApi;
let portfolio: PortfolioApi;

beforeEach(async () => {
  sim = await startKalshiSim();
  // The client's documented set-up: API key id, PEM, and the base path (it signs the URL's path).
  const config = new Configuration({ apiKey: sim.key.keyId, privateKeyPem: sim.key.privateKeyPem, basePath: sim.restBaseUrl });
  // One axios instance per key: each API object adds its signing interceptor to the axios instance
  // it is given — by default axios's global one, where it stays, so an older key (a previous
  // test's sim) would go on signing every later request (client quirk, venues/README.md).
  const http = axios.create();
  market = new MarketApi(config, undefined, http);
  orders = new OrdersApi(config, undefined, http);
  portfolio = new PortfolioApi(config, undefined, http);
});
afterEach(async () => {
  await sim.stop();
});

const gtc = (over: Partial<CreateOrderV2Request>): CreateOrderV2Request => ({ ticker: TICKER, side: 'bid', count: '5', price: '0.41', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross', ...over });

/** Another trader's order through the sim's admin API (it takes resting liquidity, ours included). */
async function otherTraderTrades(body: { side: 'yes' | 'no'; action: 'buy' | 'sell'; count: number; price: number }): Promise<number> {
  const res = await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/trade`, { method: 'POST', body: JSON.stringify({ ticker: TICKER, ...body }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { traded: number }).traded;
}

/** The venue's refusal as the client surfaces it (an AxiosError with the response). */
async function refusal(p: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAxiosError(err) || !err.response) throw new Error(`expected the venue to refuse, got ${String(err)}`);
  return { status: err.response.status, body: err.response.data };
}

describe('kalshi-typescript 3.30.0 ↔ Kalshi simulator', () => {
  it('reads the balance, the order book and a market into its models', async () => {
    const balance = (await portfolio.getBalance()).data;
    expect(missingFields(balance, BALANCE_FIELDS)).toEqual([]);
    expect(balance).toMatchObject({ balance: 10_000_000, balance_dollars: '100000.0000' });

    const book = (await market.getMarketOrderbook(TICKER)).data;
    expect(missingFields(book, ORDERBOOK_FIELDS)).toEqual([]);
    // YES bids and NO bids only, ascending by price, as dollar and fixed-point strings.
    expect(book.orderbook_fp).toEqual({ yes_dollars: [['0.4000', '100.00']], no_dollars: [['0.5500', '100.00'], ['0.5700', '30.00']] });

    const m = (await market.getMarket(TICKER)).data.market;
    expect(missingFields(m, MARKET_FIELDS)).toEqual([]);
    marketFormat.parse(m);
    // The quotes come from the live book: YES ask 43¢ is the best NO bid 57¢ seen from the YES side.
    expect(m).toMatchObject({ ticker: TICKER, event_ticker: 'FED-25DEC', market_type: 'binary', status: 'active', result: '', yes_bid_dollars: '0.4000', yes_bid_size_fp: '100.00', yes_ask_dollars: '0.4300', yes_ask_size_fp: '30.00', no_bid_dollars: '0.5700', no_ask_dollars: '0.6000' });
    expect(m).toMatchObject({ price_level_structure: 'linear_cent', price_ranges: [{ start: '0.0000', end: '1.0000', step: '0.0100' }], notional_value_dollars: '1.0000', last_price_dollars: '0.0000', volume_fp: '0.00', open_interest_fp: '0.00' });
  });

  it('a market’s schedule, trading statistics and result follow the sim’s state', async () => {
    // Listed as the market world lists its events: a title and a resolution time.
    const admin = `${new URL(sim.restBaseUrl).origin}/_sim`;
    const post = (path: string, body: object) => fetch(`${admin}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const resolvesAt = Date.parse('2031-01-02T15:00:00.000Z');
    expect((await post('/markets', { ticker: 'LWSIM-OFFK-YES', title: 'Official-client event', resolvesAt })).status).toBe(201);
    let m = (await market.getMarket('LWSIM-OFFK-YES')).data.market;
    expect(missingFields(m, MARKET_FIELDS)).toEqual([]);
    marketFormat.parse(m);
    expect(m).toMatchObject({ event_ticker: 'LWSIM-OFFK', yes_sub_title: 'Official-client event', status: 'active', close_time: '2031-01-02T15:00:00.000Z', expected_expiration_time: '2031-01-02T15:00:00.000Z', latest_expiration_time: '2031-01-02T15:00:00.000Z' });
    // An empty book: no bid (0), no ask ($1).
    expect(m).toMatchObject({ yes_bid_dollars: '0.0000', yes_ask_dollars: '1.0000', no_ask_dollars: '1.0000', settlement_ts: null });

    // Two buyers meet (a NO bid at 60¢, then someone buys 7 YES at 40¢): 7 contracts created at YES 40¢.
    expect((await post('/liquidity', { ticker: 'LWSIM-OFFK-YES', side: 'no', price: 60, count: 10 })).status).toBe(200);
    expect((await post('/trade', { ticker: 'LWSIM-OFFK-YES', side: 'yes', action: 'buy', count: 7, price: 40 })).status).toBe(200);
    // Then a holder sells 3 YES into a YES bid at 38¢: passed on, open interest unchanged.
    expect((await post('/liquidity', { ticker: 'LWSIM-OFFK-YES', side: 'yes', price: 38, count: 5 })).status).toBe(200);
    expect((await post('/trade', { ticker: 'LWSIM-OFFK-YES', side: 'yes', action: 'sell', count: 3, price: 38 })).status).toBe(200);
    m = (await market.getMarket('LWSIM-OFFK-YES')).data.market;
    expect(m).toMatchObject({ last_price_dollars: '0.3800', volume_fp: '10.00', volume_24h_fp: '10.00', open_interest_fp: '7.00', yes_bid_dollars: '0.3800', yes_bid_size_fp: '2.00', yes_ask_dollars: '0.4000', yes_ask_size_fp: '3.00' });

    expect((await post('/resolve', { ticker: 'LWSIM-OFFK-YES', result: 'no' })).status).toBe(200);
    m = (await market.getMarket('LWSIM-OFFK-YES')).data.market;
    marketFormat.parse(m);
    expect(m).toMatchObject({ status: 'finalized', result: 'no', settlement_value_dollars: '0.0000', settlement_timer_seconds: 0 });
    expect(isoTime.safeParse(m.settlement_ts).success).toBe(true);
  });

  it('create with a client_order_id, get, list, a fill by another trader, fills, cancel', async () => {
    const created = (await orders.createOrderV2(gtc({ client_order_id: 'official-k-1' }))).data;
    expect(missingFields(created, CREATED_FIELDS)).toEqual([]);
    expect(created).toMatchObject({ client_order_id: 'official-k-1', fill_count: '0.00', remaining_count: '5.00' });
    // The venue's own log: a buy of YES at 41¢ for 5, under the client's id.
    expect(sim.orderLog).toHaveLength(1);
    expect(sim.orderLog[0]).toMatchObject({ order_id: created.order_id, client_order_id: 'official-k-1', side: 'yes', action: 'buy', yes_price: 41, initial_count: 5, status: 'resting' });

    const got = (await orders.getOrder(created.order_id)).data.order;
    expect(missingFields(got, ORDER_FIELDS)).toEqual([]);
    orderFormat.parse(got);
    expect(got).toMatchObject({ order_id: created.order_id, client_order_id: 'official-k-1', book_side: 'bid', outcome_side: 'yes', status: 'resting', yes_price_dollars: '0.4100', no_price_dollars: '0.5900', remaining_count_fp: '5.00' });

    // Query parameters are not signed (the client signs the path only): the sim must agree.
    const listed = (await orders.getOrders(TICKER, undefined, undefined, undefined, 'resting')).data;
    expect(listed.orders.map((o) => o.order_id)).toEqual([created.order_id]);
    for (const o of listed.orders) expect(missingFields(o, ORDER_FIELDS)).toEqual([]);

    // Someone sells 2 YES (buys NO at 59¢): it meets our YES bid at 41¢; we are the maker.
    expect(await otherTraderTrades({ side: 'no', action: 'buy', count: 2, price: 59 })).toBe(2);
    const fills = (await portfolio.getFills(undefined, created.order_id)).data.fills;
    expect(fills).toHaveLength(1);
    expect(missingFields(fills[0], FILL_FIELDS)).toEqual([]);
    fillFormat.parse(fills[0]);
    expect(fills[0]).toMatchObject({ order_id: created.order_id, count_fp: '2.00', yes_price_dollars: '0.4100', is_taker: false, fee_cost: '0.0000', book_side: 'bid' });
    expect((await orders.getOrder(created.order_id)).data.order).toMatchObject({ fill_count_fp: '2.00', remaining_count_fp: '3.00', taker_fill_cost_dollars: '0.8200' });

    const canceled = (await orders.cancelOrderV2(created.order_id)).data;
    expect(missingFields(canceled, CANCELED_FIELDS)).toEqual([]);
    expect(canceled).toMatchObject({ order_id: created.order_id, client_order_id: 'official-k-1', reduced_by: '3.00' });
    expect((await orders.getOrder(created.order_id)).data.order.status).toBe('canceled');
    expect(sim.orderLog[0]!.status).toBe('canceled');
    expect(await refusal(orders.cancelOrderV2(created.order_id))).toEqual({ status: 400, body: { error: { code: 'order_not_cancelable', message: 'order is canceled' } } });
  });

  it('a taking order: filled at the resting price, Kalshi taker fee, cash debited', async () => {
    // No client_order_id: optional in the current API; the venue still gives the order one.
    const created = (await orders.createOrderV2(gtc({ count: '3.00', price: '0.4300', time_in_force: 'immediate_or_cancel' }))).data;
    // 3 at 43¢; fee ceil(0.07 × 3 × 0.43 × 0.57 = 0.0515) = 6¢, i.e. 2¢ a contract.
    expect(created).toMatchObject({ fill_count: '3.00', remaining_count: '0.00', average_fill_price: '0.430000', average_fee_paid: '0.020000' });
    expect(created.client_order_id).toEqual(expect.any(String));
    const fills = (await portfolio.getFills(TICKER)).data.fills;
    expect(fills.map((f) => ({ count: f.count_fp, price: f.yes_price_dollars, taker: f.is_taker, fee: f.fee_cost }))).toEqual([{ count: '3.00', price: '0.4300', taker: true, fee: '0.0600' }]);
    expect((await portfolio.getBalance()).data).toMatchObject({ balance: 10_000_000 - 129 - 6, balance_dollars: '99998.6500' });
    expect(sim.orderLog[0]).toMatchObject({ status: 'executed', fill_count: 3 });
  });

  it('an ask sells YES: it rests as a NO bid at 1 − price', async () => {
    const created = (await orders.createOrderV2(gtc({ side: 'ask', count: '4', price: '0.60', client_order_id: 'official-k-ask' }))).data;
    expect(sim.orderLog[0]).toMatchObject({ order_id: created.order_id, side: 'yes', action: 'sell', yes_price: 60 });
    expect((await orders.getOrder(created.order_id)).data.order).toMatchObject({ book_side: 'ask', outcome_side: 'no', yes_price_dollars: '0.6000' });
    expect((await market.getMarketOrderbook(TICKER)).data.orderbook_fp.no_dollars).toEqual([['0.4000', '4.00'], ['0.5500', '100.00'], ['0.5700', '30.00']]);
  });

  it('refusals come back in Kalshi’s error shape and name the field', async () => {
    await orders.createOrderV2(gtc({ client_order_id: 'official-k-dup' }));
    expect(await refusal(orders.createOrderV2(gtc({ client_order_id: 'official-k-dup' })))).toMatchObject({ status: 409, body: { error: { code: 'order_already_exists' } } });
    // Sim limit (documented): whole contracts and whole cents only.
    const fractional = await refusal(orders.createOrderV2(gtc({ count: '2.50' })));
    expect(fractional).toMatchObject({ status: 400, body: { error: { code: 'invalid_parameters', message: expect.stringMatching(/^count: /) } } });
    const subCent = await refusal(orders.createOrderV2(gtc({ price: '0.4150' })));
    expect(subCent).toMatchObject({ status: 400, body: { error: { code: 'invalid_parameters', message: expect.stringMatching(/^price: /) } } });
    expect(sim.orderLog).toHaveLength(1);
  });
});
