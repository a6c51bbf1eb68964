/**
 * The hand-written migrations produce exactly the schema the Prisma client was generated from:
 * same tables, columns, types, nullability and index names; every model writes and reads back
 * through the generated client; money round-trips exactly.
 */
import { Prisma } from '../../generated/prisma/client';
import { createLedgerClient, LedgerValueError, toDb, fromDb, closeLedgerClient } from '../../ledger';
import { freshDatabase, queryRows, useLedgerDatabase } from './database';
import { expectedColumnType, readSchemaModels } from './prisma-schema';

const server = useLedgerDatabase();
const models = readSchemaModels();

describe('migrated schema vs schema.prisma and the generated client', () => {
  let url: string;
  beforeAll(async () => {
    url = await freshDatabase(server.url());
  });

  it('the generated client has exactly the models and scalar fields of schema.prisma (regenerate if not)', () => {
    expect(Object.values(Prisma.ModelName).sort()).toEqual(models.map((m) => m.name).sort());
    for (const model of models) {
      const scalarEnum = (Prisma as unknown as Record<string, Record<string, string>>)[`${model.name}ScalarFieldEnum`];
      expect({ model: model.name, fields: Object.values(scalarEnum ?? {}).sort() }).toEqual({ model: model.name, fields: model.fields.map((f) => f.name).sort() });
    }
  });

  it('every table has exactly the schema\'s columns, with Prisma\'s types and nullability', async () => {
    const rows = await queryRows<{ table_name: string; column_name: string; data_type: string; numeric_precision: number | null; numeric_scale: number | null; datetime_precision: number | null; is_nullable: string }>(
      url,
      `SELECT table_name, column_name, data_type, numeric_precision, numeric_scale, datetime_precision, is_nullable
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const actual = rows
      .map((r) => {
        const type =
          r.data_type === 'numeric' ? `numeric(${r.numeric_precision},${r.numeric_scale})` : r.data_type.startsWith('timestamp') ? r.data_type.replace('timestamp', `timestamp(${r.datetime_precision})`) : r.data_type;
        return `${r.table_name}.${r.column_name} ${type} ${r.is_nullable === 'YES' ? 'NULL' : 'NOT NULL'}`;
      })
      .sort();
    const expected = models
      .flatMap((m) => m.fields.map((f) => `${m.table}.${f.column} ${expectedColumnType(f)} ${f.optional ? 'NULL' : 'NOT NULL'}`))
      .sort();
    expect(actual).toEqual(expected);
    // Money is never a float.
    expect(actual.filter((c) => /real|double/.test(c))).toEqual([]);
  });

  it('every primary key, unique and index has the name Prisma gives it', async () => {
    const rows = await queryRows<{ indexname: string; indexdef: string }>(
      url,
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
    );
    const actual = rows.map((r) => `${r.indexname}${/UNIQUE/.test(r.indexdef) ? ' unique' : ''}`).sort();
    const expected = models.flatMap((m) => m.indexes.map((i) => `${i.name}${i.unique ? ' unique' : ''}`)).sort();
    expect(actual).toEqual(expected);
  });

  it('every model writes and reads back through the generated client', async () => {
    const db = createLedgerClient(url, { poolSize: 2 });
    try {
      const at = new Date('2026-11-24T12:34:56.789Z');
      await db.intent.create({ data: { id: 'i1', opportunityId: 'o1', strategy: 's', state: 'RECORDED', payload: { a: 1 }, workflowId: 'w', runId: 'r' } });
      await db.leg.create({ data: { id: 'i1:A', intentId: 'i1', legId: 'A', venue: 'kalshi', market: 'M', action: 'buy', timeInForce: 'GTC', limitPrice: '0.42', quantity: '10', state: 'PLANNED' } });
      await db.venueOrder.create({ data: { clientOrderId: 'c1', venue: 'kalshi', market: 'M', action: 'buy', price: '0.42', quantity: '10', state: 'open' } });
      await db.fill.create({ data: { id: 'f1', venue: 'kalshi', venueTradeId: 't1', market: 'M', action: 'buy', price: '0.42', quantity: '3', fee: '0.02', filledAt: at } });
      await db.position.create({ data: { id: 'p1', venue: 'kalshi', market: 'M', outcome: 'yes', quantity: '3' } });
      await db.balance.create({ data: { id: 'b1', venue: 'kalshi', asset: 'USD', available: '100.5', total: '100.5' } });
      await db.capitalReservation.create({ data: { id: 'cr1', intentId: 'i1', venue: 'kalshi', asset: 'USD', amount: '4.2', state: 'RESERVED' } });
      await db.pnlEvent.create({ data: { id: 'pnl1', kind: 'realized', amount: '-0.123456789012345678', currency: 'USD' } });
      await db.auditEvent.create({ data: { id: 'a1', actor: 'test', action: 'x', reason: 'y', data: { k: 'v' } } });
      await db.reconciliationRun.create({ data: { id: 'rr1', trigger: 'manual', status: 'done', startedAt: at, differences: { create: [{ id: 'd1', venue: 'kalshi', kind: 'missing_fill', severity: 'high', details: {} }] } } });
      await db.quarantineRecord.create({ data: { id: 'q1', source: 'kalshi.ws', reason: 'bad', payload: '{' } });
      await db.operatorConfirmation.create({ data: { id: 'oc1', operator: 'ana', action: 'live.confirm', note: 'go' } });
      await db.preflightPayload.create({ data: { id: 'pf1', venue: 'kalshi', method: 'POST', path: '/orders', headers: { 'x-key': '[redacted]' } } });

      const reads = {
        intent: await db.intent.findUniqueOrThrow({ where: { opportunityId: 'o1' }, include: { legs: true } }),
        order: await db.venueOrder.findUniqueOrThrow({ where: { clientOrderId: 'c1' } }),
        fill: await db.fill.findUniqueOrThrow({ where: { venue_venueTradeId: { venue: 'kalshi', venueTradeId: 't1' } } }),
        position: await db.position.findUniqueOrThrow({ where: { venue_market_outcome: { venue: 'kalshi', market: 'M', outcome: 'yes' } } }),
        balance: await db.balance.findUniqueOrThrow({ where: { venue_asset: { venue: 'kalshi', asset: 'USD' } } }),
        reservation: await db.capitalReservation.findUniqueOrThrow({ where: { id: 'cr1' } }),
        pnl: await db.pnlEvent.findUniqueOrThrow({ where: { id: 'pnl1' } }),
        audit: await db.auditEvent.findUniqueOrThrow({ where: { id: 'a1' } }),
        run: await db.reconciliationRun.findUniqueOrThrow({ where: { id: 'rr1' }, include: { differences: true } }),
        quarantine: await db.quarantineRecord.findUniqueOrThrow({ where: { id: 'q1' } }),
        confirmation: await db.operatorConfirmation.findUniqueOrThrow({ where: { id: 'oc1' } }),
        preflight: await db.preflightPayload.findUniqueOrThrow({ where: { id: 'pf1' } }),
      };
      expect(reads.intent.legs.map((l) => [l.legId, fromDb(l.limitPrice), fromDb(l.filledQuantity)])).toEqual([['A', '0.42', '0']]);
      expect([fromDb(reads.order.price), reads.order.attempt, reads.order.venueOrderId]).toEqual(['0.42', 1, null]);
      expect([fromDb(reads.fill.fee), reads.fill.filledAt.toISOString()]).toEqual(['0.02', at.toISOString()]);
      expect([fromDb(reads.position.quantity), reads.position.averagePrice]).toEqual(['3', null]);
      expect(fromDb(reads.balance.available)).toBe('100.5');
      expect([fromDb(reads.reservation.amount), reads.reservation.releasedAt]).toEqual(['4.2', null]);
      expect(fromDb(reads.pnl.amount)).toBe('-0.123456789012345678');
      expect(reads.audit.data).toEqual({ k: 'v' });
      expect(reads.run.differences.map((d) => [d.kind, d.repaired])).toEqual([['missing_fill', false]]);
      expect(reads.quarantine.payload).toBe('{');
      expect(reads.confirmation.createdAt).toBeInstanceOf(Date);
      expect(reads.preflight.headers).toEqual({ 'x-key': '[redacted]' });
    } finally {
      await closeLedgerClient(db);
    }
  });
});

describe('money at the ledger boundary', () => {
  it('round-trips 18 decimal places and 20 integer digits exactly', async () => {
    const db = createLedgerClient(server.url(), { poolSize: 1 });
    try {
      const values = ['0.123456789012345678', '-0.000000000000000001', '99999999999999999999.999999999999999999', '0', '42'];
      for (const [i, amount] of values.entries()) {
        const id = `money-${process.pid}-${Date.now()}-${i}`;
        await db.pnlEvent.create({ data: { id, kind: 'test', amount: toDb(amount), currency: 'USD' } });
        expect(fromDb((await db.pnlEvent.findUniqueOrThrow({ where: { id } })).amount)).toBe(amount);
      }
    } finally {
      await closeLedgerClient(db);
    }
  });

  it('refuses values DECIMAL(38,18) would round or overflow, naming the field', () => {
    expect(() => toDb('0.1234567890123456789', 'fee')).toThrow(LedgerValueError);
    expect(() => toDb('0.1234567890123456789', 'fee')).toThrow(/^fee: .*more than 18 decimal places/);
    expect(() => toDb('100000000000000000000', 'total')).toThrow(/^total: .*more than 20 integer digits/);
    expect(() => toDb('1e5', 'price')).toThrow(/^price: not a decimal number/);
    expect(toDb('1.500').toFixed()).toBe('1.5');
  });
});
