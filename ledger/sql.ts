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
