/** Money crosses into and out of the ledger as exact decimal strings; Prisma.Decimal lives only here. */
import { Prisma } from '../generated/prisma/client';
import { dec, decStr } from '../domain/money';

export function toDb(value: string): Prisma.Decimal {
  return new Prisma.Decimal(decStr(dec(value)));
}

export function fromDb(value: Prisma.Decimal): string {
  return decStr(dec(value.toFixed()));
}
