/**
 * The simulator's fault injection, one registry shared by the three venue servers. A fault is armed
 * through the admin API (`POST <adminUrl>/faults`, `legwork sim fault`), listed (`GET`) and cleared
 * (`DELETE`); each matching request or stream message takes it until its `count` runs out.
 *
 * - `endpoint` is what the fault acts on: a REST endpoint as "METHOD /path" (the full path the venue
 *   serves, query string excluded: "GET /trade-api/v2/portfolio/balance"), or a stream as
 *   "WS <name>", one of the names the venue's server lists (Kalshi "WS orderbook_delta" and
 *   "WS fill", Polymarket "WS /ws/market", Coinbase "WS level2").
 * - `probability` (default 1): each matching request or message draws; only a hit takes the fault
 *   and counts. With `seed` the draws come from the simulator's own PRNG (mulberry32, as the
 *   market world), one draw per matching request in arrival order, so a seed replays the same
 *   subset; without one they come from Math.random. Several faults on one endpoint draw in the
 *   order they were armed until one hits.
 *
 * Kinds (which venue takes which is each server's `FaultSupport`):
 * - http_429: answered 429, with `Retry-After: <retryAfterSeconds>` when given.
 * - http_5xx: answered 503 before anything is processed.
 * - slow: processed at once, answered normally after `delayMs`.
 * - timeout: processed at once (an order is placed), never answered: the socket is held until the
 *   client gives up (or the simulator stops), as a venue that took the order and hung would.
 * - accept_then_drop: processed, then the connection is dropped instead of answering.
 * - reject: an order submit is refused as the venue refuses one for funds (a permanent error).
 * - crossed_book: the next book snapshot shows best bid above best ask: its two sides swapped (the
 *   asks' prices quoted as bids and the bids' as asks), so a book with both sides quoted is
 *   crossed. REST on the venue's book endpoint, or WS on the next snapshot sent for `market` (any
 *   market without one).
 * - stale_book (WS): the next `count` updates of `market` (all markets without one) are withheld
 *   with the sequence numbers running on unbroken, so the feed looks healthy while the book goes
 *   stale; after the last one the market's current book is sent as a fresh snapshot.
 * - ws_seq_gap (WS, venues with sequence numbers): the next message skips a sequence number.
 * - ws_duplicate (WS): the next market-data message is sent twice.
 * - ws_out_of_order (WS): the next market-data message is held and sent after the one after it.
 * - ws_disconnect (WS): drops every client of that stream at once, abruptly (no close frame), as a
 *   network failure would. It acts when armed and is never queued, so `count` does not apply.
 * - user_stream_silent (WS, Kalshi "WS fill"): the next `count` private fill messages are never sent
 *   (REST still knows the fills).
 */
import type http from 'node:http';
import type { Socket } from 'node:net';
import { z } from 'zod';
import { formatZodError } from '../../domain/validation';
import { mulberry32 } from './world';

export const FAULT_KINDS = [
  'http_429',
  'http_5xx',
  'slow',
  'timeout',
  'accept_then_drop',
  'reject',
  'crossed_book',
  'stale_book',
  'ws_seq_gap',
  'ws_duplicate',
  'ws_out_of_order',
  'ws_disconnect',
  'user_stream_silent',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The kinds that act on a stream message (taken per market-data update, applied to every subscriber). */
export const STREAM_MESSAGE_FAULTS = ['stale_book', 'ws_seq_gap', 'ws_duplicate', 'ws_out_of_order'] as const satisfies readonly FaultKind[];
export type StreamMessageFault = (typeof STREAM_MESSAGE_FAULTS)[number];

const WS_PREFIX = 'WS ';
const REST_ENDPOINT = /^(GET|POST|PUT|PATCH|DELETE) \/\S*$/;

export const faultSpecSchema = z
  .strictObject({
    endpoint: z.string().min(1).max(512),
    kind: z.enum(FAULT_KINDS),
    count: z.number().int().positive().max(1_000_000).default(1),
    probability: z.number().min(0).max(1).default(1),
    seed: z.number().int().optional(),
    delayMs: z.number().int().positive().max(600_000).optional(),
    retryAfterSeconds: z.number().int().nonnegative().max(86_400).optional(),
    /** Narrows a stream or book fault to one market (Kalshi ticker, Polymarket token id, Coinbase product). */
    market: z.string().min(1).max(256).optional(),
  })
  .refine((f) => f.kind !== 'slow' || f.delayMs !== undefined, { message: 'required for kind slow', path: ['delayMs'] });
export type FaultSpec = z.infer<typeof faultSpecSchema>;
export type FaultSpecInput = z.input<typeof faultSpecSchema>;

/** What one venue's server applies: kinds on its REST endpoints, and per stream name the kinds that stream takes. */
export interface FaultSupport {
  http: readonly FaultKind[];
  ws: Record<string, readonly FaultKind[]>;
  /** ws_disconnect: drops the stream's clients now; returns how many. */
  disconnect(endpoint: string): number;
}

/** A fault as armed, with its remaining count (what `GET /faults` lists). */
export interface ArmedFault extends FaultSpec {
  id: number;
  /** Requests or messages it has hit so far. */
  hits: number;
}

interface Entry {
  fault: ArmedFault;
  draw: () => number;
}

export type FaultAdminAnswer = { status: number; body: unknown };

export function createFaultRegistry(support: FaultSupport) {
  const armed: Entry[] = [];
  let nextId = 1;
  /** Sockets held by `timeout` and timers of `slow`, released when the server stops. */
  const held = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  /** The venue-specific check: does this venue have this endpoint and apply this kind there? */
  const applicability = (f: FaultSpec): string | undefined => {
    if (f.endpoint.startsWith(WS_PREFIX)) {
      const kinds = support.ws[f.endpoint];
      if (!kinds) return `endpoint: no stream ${JSON.stringify(f.endpoint)} here; streams: ${Object.keys(support.ws).map((k) => JSON.stringify(k)).join(', ')}`;
      if (!kinds.includes(f.kind)) return `kind: ${f.kind} does not apply to ${f.endpoint}; it takes ${kinds.join(', ')}`;
      return undefined;
    }
    if (!REST_ENDPOINT.test(f.endpoint)) return `endpoint: expected "METHOD /path" (e.g. "GET /book") or a stream (${Object.keys(support.ws).join(', ')}), got ${JSON.stringify(f.endpoint.slice(0, 80))}`;
    if (!support.http.includes(f.kind)) return `kind: ${f.kind} does not apply to a REST endpoint here; REST takes ${support.http.join(', ')}`;
    if (f.market !== undefined) return 'market: only for stream faults (a REST path names its market itself)';
    return undefined;
  };

  const list = (): ArmedFault[] => armed.map((e) => ({ ...e.fault }));
  const clear = (): number => armed.splice(0).length;

  const arm = (input: unknown): { ok: true; fault: ArmedFault; disconnected?: number } | { ok: false; error: string } => {
    const parsed = faultSpecSchema.safeParse(input);
    if (!parsed.success) return { ok: false, error: formatZodError(parsed.error) };
    const problem = applicability(parsed.data);
    if (problem) return { ok: false, error: problem };
    const fault: ArmedFault = { ...parsed.data, id: nextId++, hits: 0 };
    if (fault.kind === 'ws_disconnect') return { ok: true, fault, disconnected: support.disconnect(fault.endpoint) };
    armed.push({ fault, draw: fault.seed !== undefined ? mulberry32(fault.seed) : Math.random });
    return { ok: true, fault: { ...fault } };
  };

  return {
    arm,
    list,
    clear,

    /**
     * The fault this request or message takes, if any: the first armed fault on `endpoint` (of one
     * of `kinds`, for `market` when the fault names one) whose draw hits. Taking counts it down;
     * the returned copy's `count` is what is left (0: this was its last).
     */
    take(endpoint: string, opts: { kinds?: readonly FaultKind[]; market?: string } = {}): ArmedFault | undefined {
      for (let i = 0; i < armed.length; i++) {
        const { fault, draw } = armed[i]!;
        if (fault.endpoint !== endpoint) continue;
        if (opts.kinds && !opts.kinds.includes(fault.kind)) continue;
        if (fault.market !== undefined && fault.market !== opts.market) continue;
        if (fault.probability < 1 && !(draw() < fault.probability)) continue;
        fault.count -= 1;
        fault.hits += 1;
        if (fault.count === 0) armed.splice(i, 1);
        return { ...fault };
      }
      return undefined;
    },

    /**
     * Applies the answer-shaping kinds to a response about to be written: `slow` delays it,
     * `timeout` withholds it (socket held), `accept_then_drop` drops the connection instead. The
     * handler then processes the request as usual; the other kinds are the server's to apply.
     */
    shapeAnswer(fault: ArmedFault | undefined, res: http.ServerResponse): void {
      if (!fault || (fault.kind !== 'slow' && fault.kind !== 'timeout' && fault.kind !== 'accept_then_drop')) return;
      const socket = res.socket;
      const pending: (() => void)[] = [];
      const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => http.ServerResponse;
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      const end = res.end.bind(res) as (...a: unknown[]) => http.ServerResponse;
      const flush = () => {
        for (const call of pending.splice(0)) call();
      };
      const onEnd = () => {
        if (fault.kind === 'accept_then_drop') return void socket?.destroy(); // the work is done; the client never hears
        if (fault.kind === 'slow') {
          const timer = setTimeout(() => {
            timers.delete(timer);
            flush();
          }, fault.delayMs ?? 0);
          timers.add(timer);
          return;
        }
        if (socket) {
          held.add(socket);
          socket.once('close', () => held.delete(socket));
        }
      };
      // Buffer what the handler writes; the end of the answer decides what happens to it.
      res.writeHead = ((...a: unknown[]) => (pending.push(() => writeHead(...a)), res)) as typeof res.writeHead;
      res.write = ((...a: unknown[]) => (pending.push(() => write(...a)), true)) as typeof res.write;
      res.end = ((...a: unknown[]) => {
        pending.push(() => end(...a));
        onEnd();
        return res;
      }) as typeof res.end;
    },

    /** Ends what `timeout` and `slow` hold, so the server can close. */
    release(): void {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of held) s.destroy();
      held.clear();
    },

    /** The admin API: `POST` arms (400 naming the field when bad), `GET` lists, `DELETE` clears. */
    admin(method: string | undefined, raw: string): FaultAdminAnswer {
      if (method === 'GET') return { status: 200, body: { faults: list() } };
      if (method === 'DELETE') return { status: 200, body: { cleared: clear(), faults: [] } };
      if (method !== 'POST') return { status: 405, body: { error: 'method_not_allowed', message: 'GET, POST or DELETE /_sim/faults' } };
      let input: unknown;
      try {
        input = JSON.parse(raw || '{}');
      } catch {
        return { status: 400, body: { error: 'invalid_fault', message: '(root): not JSON' } };
      }
      const result = arm(input);
      if (!result.ok) return { status: 400, body: { error: 'invalid_fault', message: result.error } };
      return { status: 200, body: { fault: result.fault, faults: list(), ...(result.disconnected !== undefined ? { disconnected: result.disconnected } : {}) } };
    },
  };
}
export type FaultRegistry = ReturnType<typeof createFaultRegistry>;

/**
 * Frame delivery on one stream under `ws_duplicate` / `ws_out_of_order`: a duplicated frame is sent
 * twice; an out-of-order one is held per socket and sent right after the socket's next frame.
 */
export function createFrameDelivery() {
  const held = new WeakMap<object, string>();
  return (ws: { readyState: number; OPEN: number; send(data: string): void }, frame: string, fault?: FaultKind): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (fault === 'ws_out_of_order' && !held.has(ws)) return void held.set(ws, frame);
    ws.send(frame);
    if (fault === 'ws_duplicate') ws.send(frame);
    const late = held.get(ws);
    if (late !== undefined) {
      held.delete(ws);
      ws.send(late);
    }
  };
}

/** Both sides of a book swapped: the asks' prices quoted as bids and the bids' as asks (`crossed_book`). */
export function swapSides<L>(book: { bids: L[]; asks: L[] }): { bids: L[]; asks: L[] } {
  return { bids: book.asks, asks: book.bids };
}
