/** Orders converge on their most advanced state; fills are recorded once; filled quantity only grows. */
import { closeLedgerClient, createLedgerClient, fillsForOrder, fromDb, recordFill, upsertOrder, type FillRecord, type LedgerClient, type OrderRecord } from '../../ledger';
import { sumDec, decStr } from '../../domain/money';
import { concurrently, countRows, uniqueId, useLedgerDatabase } from './database';

const database = useLedgerDatabase();
let db: LedgerClient;
beforeAll(() => {
  db = createLedgerClient(database.url(), { poolSize: 20 });
});
afterAll(async () => {
  await closeLedgerClient(db);
});

function order(clientOrderId: string, over: Partial<OrderRecord> = {}): OrderRecord {
  return { clientOrderId, venue: 'kalshi', venueOrderId: `v-${clientOrderId}`, market: 'M', outcome: 'yes', action: 'buy', price: '0.42', quantity: '10', state: 'open', ...over };
}

function fill(clientOrderId: string, venueTradeId: string, quantity: string): FillRecord {
  return {
    venue: 'kalshi',
    venueTradeId,
    venueOrderId: `v-${clientOrderId}`,
    clientOrderId,
    market: 'M',
    outcome: 'yes',
    action: 'buy',
    price: '0.42',
    quantity,
    fee: '0.000000000000000001',
    at: '2026-11-24T10:00:00.000Z',
  };
}

const filledOf = async (clientOrderId: string) => {
  const row = await db.venueOrder.findUniqueOrThrow({ where: { clientOrderId } });
  return { state: row.state, filled: fromDb(row.filledQuantity), venueOrderId: row.venueOrderId };
};

describe('orders', () => {
  it('filled quantity never decreases and a stale update does not move the state back', async () => {
    const id = uniqueId('o');
    await upsertOrder(db, order(id, { filledQuantity: '4', state: 'partially_filled' }));
    const stale = await upsertOrder(db, order(id, { filledQuantity: '1', state: 'open' }));
    expect(stale).toEqual({ created: false, state: 'partially_filled', filledQuantity: '4' });
    expect(await upsertOrder(db, order(id, { filledQuantity: '10', state: 'filled' }))).toEqual({ created: false, state: 'filled', filledQuantity: '10' });
    expect(await filledOf(id)).toEqual({ state: 'filled', filled: '10', venueOrderId: `v-${id}` });
  });

  it('a terminal state stays terminal; the venue order id, once known, is kept', async () => {
    const id = uniqueId('o');
    await upsertOrder(db, order(id, { venueOrderId: undefined, state: 'pending' }));
    await upsertOrder(db, order(id, { venueOrderId: 'venue-1', state: 'cancelled', filledQuantity: '2' }));
    const late = await upsertOrder(db, order(id, { venueOrderId: undefined, state: 'open', filledQuantity: '2' }));
    expect(late.state).toBe('cancelled');
    expect(await filledOf(id)).toEqual({ state: 'cancelled', filled: '2', venueOrderId: 'venue-1' });
  });

  it('20 concurrent observations with growing fills end at the largest one', async () => {
    const id = uniqueId('o');
    await concurrently(20, (i) => upsertOrder(db, order(id, { filledQuantity: `${(i % 10) + 0.5}`, state: 'partially_filled' })));
    expect((await filledOf(id)).filled).toBe('9.5');
  });
});

describe('fills', () => {
  it('the same trade reported 20 times at once is recorded once and counted once', async () => {
    const id = uniqueId('o');
    await upsertOrder(db, order(id));
    const results = await concurrently(20, () => recordFill(db, fill(id, `${id}-t1`, '3')));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await countRows(database.url(), 'fills', 'venue = $1 AND venue_trade_id = $2', ['kalshi', `${id}-t1`])).toBe(1);
    expect((await filledOf(id)).filled).toBe('3');
  });

  it('20 different trades of one order, concurrently, add up exactly on the order', async () => {
    const id = uniqueId('o');
    await upsertOrder(db, order(id, { quantity: '100' }));
    const sizes = Array.from({ length: 20 }, (_, i) => `0.${String(i + 1).padStart(2, '0')}`);
    await concurrently(20, (i) => recordFill(db, fill(id, `${id}-t${i}`, sizes[i]!)));
    expect((await filledOf(id)).filled).toBe(decStr(sumDec(sizes)));
    const fills = await fillsForOrder(db, id);
    expect(fills).toHaveLength(20);
    expect(fills.every((f) => f.fee === '0.000000000000000001')).toBe(true);
  });

  it('fills never lower a larger filled quantity the venue already reported', async () => {
    const id = uniqueId('o');
    await upsertOrder(db, order(id, { filledQuantity: '5', state: 'partially_filled' }));
    await recordFill(db, fill(id, `${id}-t1`, '2'));
    expect((await filledOf(id)).filled).toBe('5');
  });

  it('the same trade id on another venue is a different fill', async () => {
    const tradeId = uniqueId('t');
    const id = uniqueId('o');
    expect(await recordFill(db, fill(id, tradeId, '1'))).toEqual({ created: true });
    expect(await recordFill(db, { ...fill(id, tradeId, '1'), venue: 'polymarket' })).toEqual({ created: true });
    expect(await countRows(database.url(), 'fills', 'venue_trade_id = $1', [tradeId])).toBe(2);
  });

  it('a fill for an order the ledger has not seen yet is kept (the order row arrives later)', async () => {
    const id = uniqueId('o');
    expect(await recordFill(db, fill(id, `${id}-t1`, '1.25'))).toEqual({ created: true });
    await upsertOrder(db, order(id, { filledQuantity: '1.25', state: 'partially_filled' }));
    expect((await filledOf(id)).filled).toBe('1.25');
  });
});
