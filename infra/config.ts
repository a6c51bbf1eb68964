/**
 * Process configuration from the environment, validated once with zod. A bad value is an error
 * naming the variable; nothing reads process.env for these settings anywhere else.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseOrThrow } from '../domain/validation';
import { dataDir } from './paths';

const port = z.coerce.number().int().min(1).max(65535);

const envSchema = z.object({
  LEGWORK_MODE: z.enum(['PAPER', 'DRY_RUN', 'LIVE']).default('PAPER'),
  /** When set, Legwork uses this Temporal frontend and starts no dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  LEGWORK_TASK_QUEUE: z.string().min(1).default('legwork-intents'),
  /** Workflow id of the risk governor singleton (one per namespace). */
  LEGWORK_GOVERNOR_ID: z.string().min(1).default('legwork-risk-governor'),
  /** Daily reconciliation time (HH:MM) and its IANA time zone. */
  LEGWORK_RECONCILE_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour').default('06:00'),
  LEGWORK_RECONCILE_TZ: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as UTC or America/New_York')
    .default('UTC'),
  LEGWORK_TEMPORAL_PORT: port.default(7233),
  LEGWORK_TEMPORAL_UI_PORT: port.default(8233),
  /** When set, Legwork uses this PostgreSQL and starts no embedded server. */
  DATABASE_URL: z.string().min(1).optional(),
  LEGWORK_POSTGRES_PORT: port.default(5433),
  /** Prometheus /metrics of a worker; the supervisor gives worker i the port base + i. 0 turns it off. */
  LEGWORK_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  LEGWORK_DATA_DIR: z.string().optional(),
  LEGWORK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * PAPER: the venue simulator a worker's adapters trade against, as the JSON `legwork sim` prints
   * (the supervisor writes it for its workers). Without it a worker has no venues and rejects every leg.
   */
  LEGWORK_SIM_FILE: z.string().optional(),
  /** PAPER: run the simulator's market world (seeded events with dislocations) and the signal loop over it. */
  LEGWORK_WORLD: z.enum(['on', 'off']).default('on'),
  LEGWORK_WORLD_SEED: z.coerce.number().int().default(1),
  /** Chance per world tick (1 s) that a dislocation opens on one event. */
  LEGWORK_WORLD_DISLOCATION_RATE: z.coerce.number().min(0).max(1).default(0.05),
  /** How often the signal loop scans the mapped markets (REST polling). */
  LEGWORK_SIGNAL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** The day's realized-loss cap (USD); the risk governor halts everything once it is reached. */
  LEGWORK_DAILY_LOSS_CAP: z.string().regex(/^\d+(\.\d+)?$/, 'a positive decimal amount, e.g. "500"').default('500'),
  /** How often each worker reads every venue's balances into the ledger (and the `balance:<venue>` breakers). */
  LEGWORK_BALANCE_REFRESH_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /** Available cash below this on a venue opens its `balance:<venue>` breaker (REDUCING); 0 turns the floor off. */
  LEGWORK_MIN_VENUE_BALANCE: z.string().regex(/^\d+(\.\d+)?$/, 'a decimal amount of 0 or more, e.g. "250"').default('0'),
  /**
   * Market data recorded as JSONL (venues/recording.ts) into this folder, one file set per worker
   * run; unset or empty: nothing is recorded. `npm start` sets `<data>/marketdata` unless it is set.
   */
  LEGWORK_RECORD_DIR: z.string().optional().transform((d) => (d === '' ? undefined : d)),
  /** A recording file rotates past this size (MiB). */
  LEGWORK_RECORD_MAX_FILE_MB: z.coerce.number().int().min(1).max(65_536).default(64),
  /** A feed's market comes back to the stream only after its stream book has been known this long again. */
  LEGWORK_FEED_HOLD_MS: z.coerce.number().int().min(0).max(600_000).default(3_000),
  /** How often a feed polls the markets its stream does not serve (REST, one market at a time). */
  LEGWORK_FEED_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /** A stream with no message for this long is resynced (reopened for fresh snapshots). */
  LEGWORK_FEED_STALE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(15_000),
  /** Stream events queued per feed; a burst past it drops them and forces a resync. */
  LEGWORK_FEED_QUEUE_LIMIT: z.coerce.number().int().min(10).max(1_000_000).default(1_000),
  /** Feed the governor's per-endpoint circuit breakers from this worker's venue requests. */
  LEGWORK_ENDPOINT_BREAKERS: z.enum(['on', 'off']).default('on'),
  /** Path of a prebuilt workflow bundle (tests, fast restarts); otherwise workflows are bundled at start. */
  LEGWORK_WORKFLOW_BUNDLE: z.string().optional(),
});

export type LegworkConfig = z.infer<typeof envSchema> & { dataDir: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LegworkConfig {
  const parsed = parseOrThrow(envSchema, 'configuration (environment)', env);
  return { ...parsed, dataDir: path.resolve(dataDir(env)) };
}
