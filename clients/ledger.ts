/** Where client programs find the ledger: DATABASE_URL, or the embedded server `npm start` runs. */
import type { LegworkConfig } from '../infra/config';
import { embeddedDatabaseUrl } from '../infra/postgres';

export function ledgerUrl(config: LegworkConfig): string {
  return config.DATABASE_URL ?? embeddedDatabaseUrl(config.LEGWORK_POSTGRES_PORT);
}
