/**
 * Coinbase's official TypeScript SDK, @coinbase-sample/advanced-trade-sdk-ts 0.3.0, against our
 * Advanced Trade simulator over loopback HTTP: its own client class (`CoinbaseAdvTradeClient`,
 * pointed at the sim through its second constructor argument) with its HTTP layer (axios, from
 * @coinbase-sample/core-ts), ES256 JWT credentials, request types and camelCase response
 * transform, unmodified. The SDK needs core-ts at run time but declares it only as a
 * devDependency, so this project installs core-ts 0.2.2 as a devDependency of its own.
 * venues/README.md "Differences found" lists what this proved.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoinbaseError } from '@coinbase-sample/core-ts';
import { CoinbaseAdvTradeClient } from '@coinbase-sample/advanced-trade-sdk-ts/dist/rest/client';
import { CoinbaseAdvTradeCredentials } from '@coinbase-sample/advanced-trade-sdk-ts/dist/rest/credentials';
import type { Account } from '@coinbase-sample/advanced-trade-sdk-ts/dist/model/Account';
import type { Fill } from '@coinbase-sample/advanced-trade-sdk-ts/dist/model/Fill';
import type { GetHistoricalOrdersResponse } from '@coinbase-sample/advanced-trade-sdk-ts/dist/model/GetHistoricalOrdersResponse';
import type { NewOrderResponse } from '@coinbase-sample/advanced-trade-sdk-ts/dist/model/NewOrderResponse';
import type { Order } from '@coinbase-sample/advanced-trade-sdk-ts/dist/model/Order';
import type { Product } from '@coinbase-sample/advanced-trade-sdk-ts/dist/model/Product';
import type { CancelOrdersResponse } from '@coinbase-sample/advanced-trade-sdk-ts/dist/model/CancelOrdersResponse';
import type { GetFillsResponse } from '@coinbase-sample/advanced-trade-sdk-ts/dist/model/GetFillsResponse';
import { OrderSide } from '@coinbase-sample/advanced-trade-sdk-ts/dist/model/enums/OrderSide';
import { AccountsService } from '@coinbase-sample/advanced-trade-sdk-ts/dist/rest/accounts';
import { OrdersService } from '@coinbase-sample/advanced-trade-sdk-ts/dist/rest/orders';
import { ProductsService } from '@coinbase-sample/advanced-trade-sdk-ts/dist/rest/products';
import { decodeJwt } from 'jose';
import { generateSimCoinbaseKey } from '../../venues/sim/coinbase/auth';
import { startCoinbaseSim, type CoinbaseSim } from '../../venues/sim/coinbase/server';
import { fieldsOf, missingFields } from '../helpers/model-fields';

const ORDER_FIELDS = fieldsOf<Order>()(['orderId', 'productId', 'userId', 'orderConfiguration', 'side', 'clientOrderId', 'status', 'createdTime', 'completionPercentage', 'averageFilledPrice', 'numberOfFills', 'pendingCancel', 'sizeInQuote', 'totalFees', 'sizeInclusiveOfFees', 'totalValueAfterFees']);
const PRODUCT_FIELDS = fieldsOf<Product>()([
  'productId', 'price', 'pricePercentageChange24h', 'volume24h', 'volumePercentageChange24h', 'baseIncrement', 'quoteIncrement', 'quoteMinSize', 'quoteMaxSize', 'baseMinSize',
  'baseMaxSize', 'baseName', 'quoteName', 'watched', 'isDisabled', '_new', 'status', 'cancelOnly', 'limitOnly', 'postOnly', 'tradingDisabled', 'auctionMode', 'baseDisplaySymbol',
  'quoteDisplaySymbol',
]);
/**
 * Known differences: the sim does not know a currency's display name nor keep 24 h statistics, so
 * a Product lacks these; and the SDK's model names the `new` flag `_new`, which its own camelCase
 * transform never produces from the wire's `new` (an SDK quirk: the field reads `new`).
 */
const PRODUCT_FIELDS_NOT_SIMULATED = ['pricePercentageChange24h', 'volume24h', 'volumePercentageChange24h', 'baseName', 'quoteName', '_new'];

let sim: CoinbaseSim;
let orders: OrdersService;
let accounts: AccountsService;
let products: ProductsService;
/** The JWT `uri` claim of every authenticated request the sim's HTTP server received, in order. */
let receivedUriClaims: string[];

/**
 * Node publishes every request an HTTP server in this process receives on this channel; the sim
 * runs in-process, so the test reads the requests as the sim got them, without touching the SDK.
 */
const SERVER_REQUEST_CHANNEL = 'http.server.request.start';
function recordUriClaim(message: unknown): void {
  const { request, server } = message as { request: IncomingMessage; server: Server };
  if ((server.address() as AddressInfo | null)?.port !== Number(new URL(sim.restBaseUrl).port)) return;
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (token) receivedUriClaims.push(String(decodeJwt(token).uri));
}

/** The SDK's own client, pointed at the sim (its base path ends in '/', as its default does). */
const sdkClient = (key: { keyName: string; privateKeyPem: string }) => new CoinbaseAdvTradeClient(new CoinbaseAdvTradeCredentials(key.keyName, key.privateKeyPem), `${sim.restBaseUrl}/`);

beforeEach(async () => {
  sim = await startCoinbaseSim(); // BTC-USD: bid 97000 ×1; asks 97100 ×0.5, 97200 ×1; USD 100000, BTC 10
  receivedUriClaims = [];
  subscribe(SERVER_REQUEST_CHANNEL, recordUriClaim);
  const client = sdkClient(sim.key);
  orders = new OrdersService(client);
  accounts = new AccountsService(client);
  products = new ProductsService(client);
});
afterEach(async () => {
  unsubscribe(SERVER_REQUEST_CHANNEL, recordUriClaim);
  await sim.stop();
});

/** Another trader's order through the sim's admin API (it takes our resting orders). */
async function otherTraderTrades(body: { side: 'BUY' | 'SELL'; size: string; price: string }): Promise<void> {
  const res = await fetch(`${new URL(sim.restBaseUrl).origin}/_sim/trade`, { method: 'POST', body: JSON.stringify({ product_id: 'BTC-USD', ...body }) });
  expect(res.status).toBe(200);
}

// The SDK's request types are camelCase and go on the wire as they are.
const limitGtc = (clientOrderId: string, side: OrderSide, baseSize: string, limitPrice: string) => ({ clientOrderId, productId: 'BTC-USD', side, orderConfiguration: { limitLimitGtc: { baseSize, limitPrice } } });

describe('@coinbase-sample/advanced-trade-sdk-ts 0.3.0 ↔ Coinbase simulator', () => {
  it('its ES256 JWT authenticates every request; the uri claim is METHOD host/path', async () => {
    await products.getProduct({ productId: 'BTC-USD' });
    expect(receivedUriClaims).toEqual([`GET ${new URL(sim.restBaseUrl).host}/api/v3/brokerage/products/BTC-USD`]);
  });

  it("the sim's errors reach it as core-ts's CoinbaseError with the status and the venue's body", async () => {
    // Signed with a key the sim does not know: Coinbase's 401.
    const stranger = new ProductsService(sdkClient(generateSimCoinbaseKey('organizations/sim/apiKeys/unknown')));
    const unauthenticated = await stranger.getProduct({ productId: 'BTC-USD' }).catch((err: unknown) => err);
    expect(unauthenticated).toBeInstanceOf(CoinbaseError);
    expect(unauthenticated).toMatchObject({ statusCode: 401, response: { data: { error: 'UNAUTHENTICATED' } } });

    const unknownOrder = await orders.getOrder({ orderId: 'no-such-order' }).catch((err: unknown) => err);
    expect(unknownOrder).toBeInstanceOf(CoinbaseError);
    expect(unknownOrder).toMatchObject({ statusCode: 404, response: { data: { error: 'NOT_FOUND' } } });
  });

  it('product and accounts parse into its models', async () => {
    const product = (await products.getProduct({ productId: 'BTC-USD' })) as Product;
    expect(missingFields(product, PRODUCT_FIELDS)).toEqual(PRODUCT_FIELDS_NOT_SIMULATED);
    expect(product).toMatchObject({ new: false, isDisabled: false, baseDisplaySymbol: 'BTC', quoteDisplaySymbol: 'USD' });
    expect(product).toMatchObject({ productId: 'BTC-USD', baseIncrement: '0.00000001', quoteIncrement: '0.01', status: 'online', baseCurrencyId: 'BTC', quoteCurrencyId: 'USD' });
    const listed = (await accounts.listAccounts({})) as { accounts: Account[]; hasNext: boolean };
    expect(listed.hasNext).toBe(false);
    expect(listed.accounts.map((a) => [a.currency, a.availableBalance?.value, a.hold?.value])).toEqual([
      ['USD', '100000', '0'],
      ['BTC', '10', '0'],
    ]);
  });

  it('create a limit order (camelCase body), get it, list it, a fill by another trader, fills, cancel', async () => {
    // 97050: above the best bid (97000), below the best ask (97100): it rests at the top of the book.
    const created = (await orders.createOrder(limitGtc('official-cb-1', OrderSide.Buy, '0.2', '97050.00'))) as NewOrderResponse;
    expect(created).toMatchObject({ success: true, successResponse: { clientOrderId: 'official-cb-1', productId: 'BTC-USD', side: 'BUY' }, orderConfiguration: { limitLimitGtc: { baseSize: '0.2', limitPrice: '97050.00' } } });
    const orderId = created.successResponse!.orderId;
    // The venue's own log, in its field names.
    expect(sim.orderLog).toEqual([expect.objectContaining({ order_id: orderId, client_order_id: 'official-cb-1', side: 'BUY', base_size: '0.2', limit_price: '97050.00', status: 'OPEN' })]);

    // Re-posting the same clientOrderId returns the existing order, not a second one.
    const again = (await orders.createOrder(limitGtc('official-cb-1', OrderSide.Buy, '0.2', '97050.00'))) as NewOrderResponse;
    expect(again.successResponse?.orderId).toBe(orderId);
    expect(sim.orderLog).toHaveLength(1);

    // getOrder answers `{ order }` as the API does; the SDK types it as the Order itself (SDK typing quirk).
    const got = ((await orders.getOrder({ orderId })) as unknown as { order: Order }).order;
    expect(missingFields(got, ORDER_FIELDS)).toEqual([]);
    expect(got).toMatchObject({ orderId, clientOrderId: 'official-cb-1', status: 'OPEN', side: 'BUY', completionPercentage: '0', pendingCancel: false });

    // Query names go camelCase too (orderStatus, productIds).
    const open = (await orders.listOrders({ orderStatus: ['OPEN'], productIds: ['BTC-USD'] })) as GetHistoricalOrdersResponse;
    expect(open.orders.map((o) => o.orderId)).toEqual([orderId]);
    for (const o of open.orders) expect(missingFields(o, ORDER_FIELDS)).toEqual([]);

    await otherTraderTrades({ side: 'SELL', size: '0.05', price: '97050.00' });
    const fills = ((await orders.listFills({ orderIds: [orderId] })) as GetFillsResponse).fills as Fill[];
    expect(fills.map((f) => ({ orderId: f.orderId, size: f.size, price: f.price, liquidity: f.liquidityIndicator, side: f.side }))).toEqual([{ orderId, size: '0.05', price: '97050', liquidity: 'MAKER', side: 'BUY' }]);
    const partly = ((await orders.getOrder({ orderId })) as unknown as { order: Order }).order;
    expect(partly).toMatchObject({ filledSize: '0.05', completionPercentage: '25', numberOfFills: '1' });

    const cancelled = (await orders.cancelOrders({ orderIds: [orderId] })) as CancelOrdersResponse;
    expect(cancelled.results).toEqual([expect.objectContaining({ success: true, orderId })]);
    expect(((await orders.getOrder({ orderId })) as unknown as { order: Order }).order.status).toBe('CANCELLED');
    expect(sim.orderLog[0]!.status).toBe('CANCELLED');
    expect(((await orders.listOrders({ orderStatus: ['OPEN'] })) as GetHistoricalOrdersResponse).orders).toEqual([]);
  });
});
