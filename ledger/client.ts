/** The ledger's Prisma client over the PostgreSQL driver adapter (Prisma 7's engine-free client). */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type LedgerClient = PrismaClient;

export function createLedgerClient(url: string, opts: { poolSize?: number } = {}): LedgerClient {
  const adapter = new PrismaPg({ connectionString: url, max: opts.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}
