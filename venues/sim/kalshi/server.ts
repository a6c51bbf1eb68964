/**
 * A simulator process with Kalshi only: what Kalshi tests and the combined simulator
 * (venues/sim/index.ts) start. The protocol lives in ./mount.ts; the process in ../server.ts.
 */
import type { LoggedOrder } from '../order-log';
import { startSimServer, type SimServer, type SimServerOptions } from '../server';
import type { SimKalshiKey } from './auth';
import type { KalshiMount } from './mount';
import type { SeedMarket } from './world';

export interface KalshiSim {
  restBaseUrl: string;
  wsUrl: string;
  adminUrl: string;
  key: SimKalshiKey;
  /** Orders Kalshi accepted, in order (the simulator's own log). */
  readonly orderLog: LoggedOrder[];
  venue: KalshiMount;
  server: SimServer;
  stop(): Promise<void>;
}

export interface KalshiSimOptions {
  port?: number;
  seed?: number;
  markets?: SeedMarket[];
  balanceCents?: number;
  pingIntervalMs?: number;
}

export async function startKalshiSim(opts: KalshiSimOptions = {}): Promise<KalshiSim> {
  const server = await startSimServer({ port: opts.port, seed: opts.seed, kalshi: { markets: opts.markets, balanceCents: opts.balanceCents, pingIntervalMs: opts.pingIntervalMs } } satisfies SimServerOptions);
  const venue = server.kalshiVenue;
  return {
    restBaseUrl: venue.restBaseUrl,
    wsUrl: venue.wsUrl,
    adminUrl: server.adminUrl,
    key: venue.key,
    get orderLog() {
      return server.context.orderLog.orders({ venue: 'kalshi' });
    },
    venue,
    server,
    stop: () => server.stop(),
  };
}
