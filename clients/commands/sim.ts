/** `legwork sim` (run the venue simulator standalone) and `legwork sim fault` (arm, list and clear faults). */
import type { Command } from 'commander';
import { z } from 'zod';
import { startVenueSimulator } from '../../venues/sim';
import { FAULT_KINDS, faultSpecSchema, type FaultSpec, type FaultSpecInput } from '../../venues/sim/faults';
import { formatZodError, ValidationError } from '../../domain/validation';
import { print, reportError, type OutputOptions } from './output';

interface FaultOptions extends OutputOptions {
  admin?: string;
  endpoint?: string;
  kind?: string;
  count: string;
  probability?: string;
  seed?: string;
  delayMs?: string;
  retryAfter?: string;
  market?: string;
}

const wholeNumber = z.string().regex(/^-?\d+$/, 'must be a whole number').transform(Number);
const adminUrl = z.url({ protocol: /^https?$/, error: 'must be the simulator admin URL, e.g. http://127.0.0.1:8700/_sim' });
/** The flags as typed (strings), checked and turned into the admin API's fault spec. */
const faultOptionsSchema = z.object({
  admin: adminUrl,
  endpoint: z.string({ error: 'required, e.g. "POST /order" or "WS orderbook_delta"' }),
  kind: z.enum(FAULT_KINDS, { error: `must be one of ${FAULT_KINDS.join(' | ')}` }),
  count: wholeNumber,
  probability: z.string().regex(/^(\d+(\.\d+)?|\.\d+)$/, 'must be a number from 0 to 1').transform(Number).optional(),
  seed: wholeNumber.optional(),
  delayMs: wholeNumber.optional(),
  retryAfter: wholeNumber.optional(),
  market: z.string().optional(),
});
/** Spec field → the flag that sets it, so an error names what the operator typed. */
const FLAG: Record<string, string> = { admin: '--admin', endpoint: '--endpoint', kind: '--kind', count: '--count', probability: '--probability', seed: '--seed', delayMs: '--delay-ms', retryAfter: '--retry-after', retryAfterSeconds: '--retry-after', market: '--market' };
const flagged = (error: z.ZodError) => formatZodError(error).replace(/^([A-Za-z]+)(?=[.:])/gm, (field) => FLAG[field] ?? field);

function faultSpecFromOptions(opts: FaultOptions): FaultSpec {
  const typed = faultOptionsSchema.safeParse(opts);
  if (!typed.success) throw new ValidationError('fault', flagged(typed.error));
  const { admin: _admin, retryAfter, ...rest } = typed.data;
  const input: FaultSpecInput = { ...rest, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) };
  const spec = faultSpecSchema.safeParse(input);
  if (!spec.success) throw new ValidationError('fault', flagged(spec.error));
  return spec.data;
}

const armedListSchema = z.object({ faults: z.array(z.object({ id: z.number(), endpoint: z.string(), kind: z.string(), count: z.number(), probability: z.number(), hits: z.number(), seed: z.number().optional(), market: z.string().optional(), delayMs: z.number().optional() })) });

function describeFault(f: { kind: string; count: number; endpoint: string; probability: number; seed?: number; market?: string; delayMs?: number }): string {
  const extras = [f.probability < 1 ? `probability ${f.probability}${f.seed !== undefined ? `, seed ${f.seed}` : ''}` : '', f.market ? `market ${f.market}` : '', f.delayMs !== undefined ? `delay ${f.delayMs} ms` : ''].filter(Boolean);
  return `${f.kind} × ${f.count} on ${f.endpoint}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

/**
 * One admin API call. A spec the simulator refuses (400, naming the field) is invalid input; an
 * unreachable simulator or another answer is a failure.
 */
async function callAdmin(admin: string | undefined, method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<unknown> {
  const url = adminUrl.safeParse(admin);
  if (!url.success) throw new ValidationError('fault', flagged(new z.ZodError(url.error.issues.map((i) => ({ ...i, path: ['admin'] })))));
  let res: Response;
  try {
    res = await fetch(`${url.data.replace(/\/$/, '')}/faults`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (err) {
    throw new Error(`cannot reach the simulator at ${url.data}: ${(err as Error).message}`);
  }
  const text = await res.text();
  const parsed = z.object({ error: z.string(), message: z.string() }).safeParse(safeJson(text));
  if (res.status === 400 && parsed.success) throw new ValidationError('fault', parsed.data.message);
  if (!res.ok) throw new Error(`simulator answered HTTP ${res.status}: ${text.slice(0, 500)}`);
  return safeJson(text);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function registerSimCommands(program: Command): void {
  const sim = program
    .command('sim')
    .description('run the venue simulator standalone; prints JSON with base URLs and test credentials')
    .option('--coinbase-port <port>', 'port for the Coinbase simulator (default: any free port)')
    .option('--kalshi-port <port>', 'port for the Kalshi simulator (default: any free port)')
    .option('--world <seed>', 'run the market world with this seed (events on Kalshi and Polymarket, moving quotes, dislocations); its mapping is in the JSON')
    .option('--dislocation-rate <p>', 'with --world: chance per 1 s tick that a dislocation opens', '0.05')
    .addHelpText(
      'after',
      '\nExample:\n  legwork sim --coinbase-port 8700\n  legwork sim --world 7 --dislocation-rate 0.2\n  legwork sim fault --admin http://127.0.0.1:8700/_sim --endpoint "POST /api/v3/brokerage/orders" --kind http_429 --retry-after 2',
    )
    .action(async (opts: { coinbasePort?: string; kalshiPort?: string; world?: string; dislocationRate: string }) => {
      const seed = opts.world === undefined ? undefined : Number(opts.world);
      if (seed !== undefined && !Number.isInteger(seed)) {
        process.exitCode = reportError({}, new ValidationError('--world', `a whole-number seed, got ${JSON.stringify(opts.world)}`));
        return;
      }
      const simulator = await startVenueSimulator({
        coinbasePort: opts.coinbasePort ? Number(opts.coinbasePort) : undefined,
        kalshiPort: opts.kalshiPort ? Number(opts.kalshiPort) : undefined,
        ...(seed !== undefined ? { world: { seed, tickMs: 1_000, dislocationRate: Number(opts.dislocationRate) } } : {}),
      });
      process.stdout.write(`${JSON.stringify(simulator.describe(), null, 2)}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await simulator.stop();
    });

  const fault = sim
    .command('fault')
    .description('inject a fault into a running simulator: by venue (--admin), endpoint, kind, count and probability')
    .option('--admin <url>', 'the venue simulator admin URL (adminUrl in `legwork sim` output)')
    .option('--endpoint <endpoint>', '"METHOD /path" of a REST endpoint (full path, no query), or a stream: Kalshi "WS orderbook_delta" | "WS fill", Polymarket "WS /ws/market" | "WS /ws/user", Coinbase "WS level2" | "WS user"')
    .option('--kind <kind>', FAULT_KINDS.join(' | '))
    .option('--count <n>', 'how many requests or messages it hits', '1')
    .option('--probability <p>', 'chance (0 to 1) that a matching request or message is hit (default 1)')
    .option('--seed <n>', 'seed of the probability draws (a whole number): the same seed hits the same requests')
    .option('--delay-ms <ms>', 'slow: how long the answer is held')
    .option('--retry-after <seconds>', 'http_429: the Retry-After header')
    .option('--market <id>', 'stream and book faults: only this market (Kalshi ticker, Polymarket token id, Coinbase product)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      [
        '',
        'Kinds: http_429, http_5xx, slow, timeout, accept_then_drop, reject and crossed_book act on REST endpoints;',
        'crossed_book, stale_book, ws_seq_gap, ws_duplicate, ws_out_of_order, ws_disconnect, user_stream_silent on streams',
        '(which venue takes which: README "Venues and the simulator"). A spec the venue cannot apply is refused, naming the field.',
        '',
        'Examples:',
        '  legwork sim fault --admin http://127.0.0.1:8700/_sim --endpoint "POST /api/v3/brokerage/orders" --kind http_429 --retry-after 2',
        '  legwork sim fault --admin $KALSHI_ADMIN --endpoint "GET /trade-api/v2/portfolio/orders" --kind http_5xx --count 5 --probability 0.3 --seed 7',
        '  legwork sim fault --admin $KALSHI_ADMIN --endpoint "POST /trade-api/v2/portfolio/orders" --kind timeout',
        '  legwork sim fault --admin $POLY_ADMIN --endpoint "GET /book" --kind slow --delay-ms 1500',
        '  legwork sim fault --admin $KALSHI_ADMIN --endpoint "WS orderbook_delta" --kind stale_book --market FED-25DEC-T4.25 --count 3',
        '  legwork sim fault list --admin $KALSHI_ADMIN --json',
        '  legwork sim fault clear --admin $KALSHI_ADMIN',
      ].join('\n'),
    )
    .action(async (opts: FaultOptions) => {
      try {
        const spec = faultSpecFromOptions(opts);
        const body = await callAdmin(opts.admin, 'POST', spec);
        print(opts, body, () => `fault armed: ${describeFault(spec)}`);
      } catch (err) {
        process.exitCode = reportError(opts, err);
      }
    });

  fault
    .command('list')
    .description('list the faults armed on a venue simulator, with what is left of each')
    .option('--admin <url>', 'the venue simulator admin URL')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<OutputOptions & { admin?: string }>();
      try {
        const body = await callAdmin(opts.admin, 'GET');
        const faults = armedListSchema.parse(body).faults;
        print(opts, body, () => (faults.length ? faults.map((f) => `#${f.id} ${describeFault(f)} (${f.hits} hit so far)`).join('\n') : 'no faults armed'));
      } catch (err) {
        process.exitCode = reportError(opts, err);
      }
    });

  fault
    .command('clear')
    .description('disarm every fault on a venue simulator')
    .option('--admin <url>', 'the venue simulator admin URL')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<OutputOptions & { admin?: string }>();
      try {
        const body = await callAdmin(opts.admin, 'DELETE');
        print(opts, body, () => `cleared ${z.object({ cleared: z.number() }).parse(body).cleared} fault(s)`);
      } catch (err) {
        process.exitCode = reportError(opts, err);
      }
    });
}
