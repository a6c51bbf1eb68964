/** `legwork sim` (run the venue simulator standalone) and `legwork sim fault` (inject a fault). */
import type { Command } from 'commander';
import { startVenueSimulator } from '../../venues/sim';
import { ValidationError } from '../../domain/validation';
import { print, reportError, type OutputOptions } from './output';

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

  sim
    .command('fault')
    .description('inject a fault into a running simulator (by endpoint, kind and count)')
    .requiredOption('--admin <url>', 'the simulator admin URL (adminUrl in `legwork sim` output)')
    .requiredOption('--endpoint <endpoint>', 'METHOD and path, e.g. "POST /api/v3/brokerage/orders"')
    .requiredOption('--kind <kind>', 'http_429 | http_5xx | accept_then_drop | reject; Kalshi also ws_seq_gap, user_stream_silent; Polymarket ws_disconnect (endpoint "WS /ws/market")')
    .option('--count <n>', 'how many requests it hits', '1')
    .option('--retry-after <seconds>', 'Retry-After on http_429')
    .option('--json', 'print JSON')
    .action(async (opts: OutputOptions & { admin: string; endpoint: string; kind: string; count: string; retryAfter?: string }) => {
      try {
        const res = await fetch(`${opts.admin.replace(/\/$/, '')}/faults`, {
          method: 'POST',
          body: JSON.stringify({ endpoint: opts.endpoint, kind: opts.kind, count: Number(opts.count), ...(opts.retryAfter ? { retryAfterSeconds: Number(opts.retryAfter) } : {}) }),
        });
        const body = (await res.json()) as unknown;
        if (!res.ok) throw new Error(`simulator refused the fault: ${JSON.stringify(body)}`);
        print(opts, body, () => `fault armed: ${opts.kind} × ${opts.count} on ${opts.endpoint}`);
      } catch (err) {
        process.exitCode = reportError(opts, err);
      }
    });
}
