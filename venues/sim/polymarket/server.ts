/**
 * A Polymarket CLOB simulator on loopback: `POST /order` with an EIP-712 signed order (the
 * signature must recover to the order's signer, the L2 HMAC headers must verify), lookup by order
 * hash (`GET /data/order/{hash}`), cancel (`DELETE /order`), and the book (`GET /book`). The hash
 * is the order id, so a re-posted identical order is recognised, never taken twice. Orders fill
 * against a static book per token (takers pay no fee on this market); an independent order log
 * and an admin fault API as for the other venues.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { recoverTypedDataAddress } from 'viem';
import { z } from 'zod';
import { dec, decStr, ZERO, type Dec } from '../../../domain/money';
import { fromPolymarketUnits } from '../../../domain/units';
import { formatZodError } from '../../../domain/validation';
import { polyHmacSignature } from '../../polymarket/auth';
import { orderHash, orderTypedData, type PolymarketOrder } from '../../polymarket/order-signing';

const uint = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/).transform((v) => v as `0x${string}`);
const postOrderSchema = z.object({
  order: z.object({
    salt: uint,
    maker: address,
    signer: address,
    taker: address,
    tokenId: uint,
    makerAmount: uint,
    takerAmount: uint,
    expiration: uint,
    nonce: uint,
    feeRateBps: uint,
    side: z.enum(['BUY', 'SELL']),
    signatureType: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
  }),
  owner: z.string(),
  orderType: z.enum(['GTC', 'FOK', 'GTD', 'FAK']),
});

export interface PolySimOrder {
  id: `0x${string}`;
  status: 'LIVE' | 'MATCHED' | 'CANCELED';
  owner: string;
  maker_address: string;
  asset_id: string;
  side: 'BUY' | 'SELL';
  original_size: string;
  size_matched: string;
  price: string;
  order_type: string;
  created_at: number;
}

const faultSchema = z.object({ endpoint: z.string(), kind: z.enum(['http_429', 'http_5xx', 'accept_then_drop', 'reject']), count: z.number().int().positive().default(1), retryAfterSeconds: z.number().int().optional() });

export interface PolymarketSim {
  restBaseUrl: string;
  credentials: { key: string; secret: string; passphrase: string };
  orderLog: PolySimOrder[];
  stop(): Promise<void>;
}

type Level = { price: Dec; size: Dec };
export type PolymarketSeedBook = { bids: [string, string][]; asks: [string, string][] };

export async function startPolymarketSim(opts: { port?: number; books?: Record<string, PolymarketSeedBook> } = {}): Promise<PolymarketSim> {
  const credentials = { key: randomBytes(16).toString('hex'), secret: randomBytes(32).toString('base64'), passphrase: randomBytes(16).toString('hex') };
  const seed: Record<string, PolymarketSeedBook> = opts.books ?? { '7132104567925221259': { bids: [['0.52', '100']], asks: [['0.55', '40'], ['0.56', '200']] } };
  const books = new Map<string, { bids: Level[]; asks: Level[] }>(
    Object.entries(seed).map(([token, b]) => [token, { bids: b.bids.map(([p, s]) => ({ price: dec(p), size: dec(s) })), asks: b.asks.map(([p, s]) => ({ price: dec(p), size: dec(s) })) }]),
  );
  const orders = new Map<string, PolySimOrder>();
  /** Resolved tokens: token id → whether it won. */
  const winners = new Map<string, boolean>();
  // The CLOB's market object (GET /markets/{condition_id}); the simulator lists each token as its
  // own market (condition id = token id), which is all settlement needs: closed, and the winner.
  const marketOf = (token: string) => ({
    condition_id: token,
    closed: winners.has(token),
    tokens: [{ token_id: token, outcome: 'Yes', winner: winners.get(token) ?? false }],
  });
  const orderLog: PolySimOrder[] = [];
  const faults: z.infer<typeof faultSchema>[] = [];
  const takeFault = (endpoint: string) => {
    const i = faults.findIndex((f) => f.endpoint === endpoint);
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (--f.count === 0) faults.splice(i, 1);
    return f;
  };
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => void handle(req, res, raw).catch((err: unknown) => json(res, 500, { error: String(err) })));
  });

  const authorised = (req: http.IncomingMessage, path: string, body: string): boolean => {
    const h = (n: string) => String(req.headers[n.toLowerCase()] ?? '');
    if (h('POLY_API_KEY') !== credentials.key || h('POLY_PASSPHRASE') !== credentials.passphrase) return false;
    const ts = Number(h('POLY_TIMESTAMP'));
    if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 30) return false;
    return h('POLY_SIGNATURE') === polyHmacSignature(credentials.secret, h('POLY_TIMESTAMP'), req.method ?? 'GET', path, body || undefined);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const endpoint = `${req.method} ${url.pathname}`;
    if (url.pathname === '/_sim/faults' && req.method === 'POST') {
      const parsed = faultSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: formatZodError(parsed.error) });
      faults.push(parsed.data);
      return json(res, 200, { faults });
    }
    if (url.pathname === '/_sim/orders') return json(res, 200, { orders: orderLog });
    if (url.pathname === '/_sim/resolve' && req.method === 'POST') {
      const parsed = z.object({ token_id: z.string().min(1), winner: z.boolean() }).safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: formatZodError(parsed.error) });
      if (!books.has(parsed.data.token_id)) return json(res, 404, { error: 'market not found' });
      winners.set(parsed.data.token_id, parsed.data.winner);
      return json(res, 200, marketOf(parsed.data.token_id));
    }
    const market = /^\/markets\/([^/]+)$/.exec(url.pathname);
    if (market && req.method === 'GET') {
      if (!books.has(market[1]!)) return json(res, 404, { error: 'market not found' });
      return json(res, 200, marketOf(market[1]!));
    }
    if (endpoint === 'GET /book') {
      const book = books.get(url.searchParams.get('token_id') ?? '');
      if (!book) return json(res, 404, { error: 'market not found' });
      const side = (l: Level[]) => l.map((x) => ({ price: decStr(x.price), size: decStr(x.size) }));
      return json(res, 200, { asset_id: url.searchParams.get('token_id'), bids: side(book.bids), asks: side(book.asks), hash: randomBytes(20).toString('hex'), timestamp: String(Date.now()) });
    }
    if (!authorised(req, url.pathname, raw)) return json(res, 401, { error: 'Unauthorized/Invalid api key' });
    const fault = takeFault(endpoint);
    if (fault?.kind === 'http_429') return json(res, 429, { error: 'Too Many Requests' }, fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {});
    if (fault?.kind === 'http_5xx') return json(res, 503, { error: 'service unavailable' });

    if (endpoint === 'POST /order') {
      const parsed = postOrderSchema.safeParse(JSON.parse(raw || '{}'));
      if (!parsed.success) return json(res, 400, { error: `invalid order payload: ${formatZodError(parsed.error)}` });
      const { signature, side, ...fields } = parsed.data.order;
      const order: PolymarketOrder = { ...fields, side: side === 'BUY' ? 0 : 1 };
      const signer = await recoverTypedDataAddress({ ...orderTypedData(order), signature: signature as `0x${string}` });
      if (signer.toLowerCase() !== order.signer.toLowerCase()) return json(res, 400, { error: 'invalid signature' });
      if (fault?.kind === 'reject') return json(res, 400, { error: 'not enough balance / allowance' });
      const id = orderHash(order);
      const existing = orders.get(id);
      if (existing) return json(res, 400, { error: `order ${id} already exists` }); // the hash is the id: never taken twice
      const shares = fromPolymarketUnits(side === 'BUY' ? order.takerAmount : order.makerAmount);
      const usdc = fromPolymarketUnits(side === 'BUY' ? order.makerAmount : order.takerAmount);
      const price = dec(usdc).div(dec(shares));
      const book = books.get(order.tokenId.toString());
      let remaining = dec(shares);
      const levels = side === 'BUY' ? book?.asks ?? [] : book?.bids ?? [];
      for (const l of levels) {
        if (remaining.isZero() || (side === 'BUY' ? l.price.gt(price) : l.price.lt(price))) break;
        const n = l.size.lt(remaining) ? l.size : remaining;
        l.size = l.size.minus(n);
        remaining = remaining.minus(n);
      }
      if (book) book[side === 'BUY' ? 'asks' : 'bids'] = levels.filter((l) => l.size.gt(ZERO));
      const matched = dec(shares).minus(remaining);
      const o: PolySimOrder = {
        id,
        status: remaining.isZero() ? 'MATCHED' : parsed.data.orderType === 'FAK' || parsed.data.orderType === 'FOK' ? 'CANCELED' : 'LIVE',
        owner: parsed.data.owner,
        maker_address: order.maker,
        asset_id: order.tokenId.toString(),
        side,
        original_size: shares,
        size_matched: decStr(matched),
        price: decStr(price),
        order_type: parsed.data.orderType,
        created_at: Math.floor(Date.now() / 1000),
      };
      orders.set(id, o);
      orderLog.push(o);
      if (fault?.kind === 'accept_then_drop') return void req.socket.destroy();
      return json(res, 200, { success: true, errorMsg: '', orderID: id, status: o.status === 'MATCHED' ? 'matched' : 'live', transactionsHashes: [] });
    }
    const one = /^\/data\/order\/(0x[0-9a-fA-F]{64})$/.exec(url.pathname);
    if (one && req.method === 'GET') {
      const o = orders.get(one[1]!.toLowerCase()) ?? orders.get(one[1]!);
      return o ? json(res, 200, o) : json(res, 404, { error: 'order not found' });
    }
    if (endpoint === 'DELETE /order') {
      const id = z.object({ orderID: z.string() }).parse(JSON.parse(raw || '{}')).orderID;
      const o = orders.get(id);
      if (!o || o.status !== 'LIVE') return json(res, 200, { canceled: [], not_canceled: { [id]: o ? `order is ${o.status}` : 'order not found' } });
      o.status = 'CANCELED';
      return json(res, 200, { canceled: [id], not_canceled: {} });
    }
    return json(res, 404, { error: `no route ${endpoint}` });
  };

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { restBaseUrl: `http://127.0.0.1:${port}`, credentials, orderLog, stop: () => new Promise((r) => server.close(() => r())) };
}
