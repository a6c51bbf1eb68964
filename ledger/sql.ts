/** Shared SQL fragments for the few writes that need INSERT … ON CONFLICT DO UPDATE semantics. */
import { Prisma } from '../generated/prisma/client';

/**
 * "Now" as Prisma stores DateTime in TIMESTAMP(3) columns: UTC wall-clock time, whatever the
 * session's time zone is.
 */
export const UTC_NOW = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/** A decimal parameter, typed for PostgreSQL (the value is already a checked canonical string). */
export function numeric(value: string): Prisma.Sql {
  return Prisma.sql`CAST(${value} AS DECIMAL(38,18))`;
}

/**
 * Runs an upsert again when it lost a race on a second unique index. PostgreSQL arbitrates ON
 * CONFLICT on one index only; a table whose natural key and primary key are both unique can have
 * two racing first inserts where the loser trips the other index (23505) instead of updating. The
 * row exists by then, so the retry takes the DO UPDATE path.
 */
export async function retryingUniqueRace<T>(write: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await write();
    } catch (err) {
      const code = (err as { code?: string; meta?: { code?: string } }).meta?.code ?? (err as { code?: string }).code;
      const unique = code === '23505' || code === 'P2002' || /23505|unique constraint/i.test(String((err as Error).message));
      if (!unique || i >= attempts) throw err;
    }
  }
}
