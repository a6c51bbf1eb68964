/** The ledger's Prisma client over the PostgreSQL driver adapter (Prisma 7's engine-free client). */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type LedgerClient = PrismaClient;

/** One client (and one connection pool of `poolSize`) per process; close it with `closeLedgerClient`. */
export function createLedgerClient(url: string, opts: { poolSize?: number } = {}): LedgerClient {
  const adapter = new PrismaPg({ connectionString: url, max: opts.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}

/** Ends the pool; pending queries finish first. */
export async function closeLedgerClient(db: LedgerClient): Promise<void> {
  await db.$disconnect();
}
