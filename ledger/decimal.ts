/**
 * Money crosses into and out of the ledger as exact decimal strings; Prisma.Decimal lives only here.
 *
 * Every money column is DECIMAL(38,18). PostgreSQL would silently round a value with more than 18
 * fraction digits (and reject one with more than 20 integer digits only at insert time, naming no
 * field), so both limits are checked here first and the error names the field.
 */
import { Prisma } from '../generated/prisma/client';
import { Dec, dec, decStr } from '../domain/money';

export const LEDGER_SCALE = 18;
const LEDGER_INTEGER_DIGITS = 38 - LEDGER_SCALE;

export class LedgerValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerValueError';
  }
}

/** The canonical decimal string of `value`, or an error naming `field` if DECIMAL(38,18) cannot hold it exactly. */
export function ledgerDecimalString(value: string | Dec, field = 'value'): string {
  let parsed: Dec;
  try {
    parsed = dec(value);
  } catch (err) {
    throw new LedgerValueError(`${field}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (parsed.decimalPlaces() > LEDGER_SCALE) {
    throw new LedgerValueError(`${field}: ${decStr(parsed)} has more than ${LEDGER_SCALE} decimal places; the ledger stores money exactly and will not round it`);
  }
  if (parsed.abs().gte(new Dec(10).pow(LEDGER_INTEGER_DIGITS))) {
    throw new LedgerValueError(`${field}: ${decStr(parsed)} has more than ${LEDGER_INTEGER_DIGITS} integer digits`);
  }
  return decStr(parsed);
}

export function toDb(value: string, field = 'value'): Prisma.Decimal {
  return new Prisma.Decimal(ledgerDecimalString(value, field));
}

export function fromDb(value: Prisma.Decimal): string {
  return decStr(dec(value.toFixed()));
}
