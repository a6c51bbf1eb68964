/**
 * The paper report from a real ledger: rows written with the ledger's own functions into a fresh
 * migrated database, a scan file on disk, then gather → build → write.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { intentIdFor, parseIntent } from '../../domain/intent';
import {
  closeLedgerClient,
  createLedgerClient,
  finishReconciliationRun,
  recordIntent,
  recordPnlEvent,
  startReconciliationRun,
  upsertOrder,
  type LedgerClient,
} from '../../ledger';
import { buildPaperReport, gatherReportData, REPORT_FILES, writePaperReport, type PaperReport } from '../../reports/paper-report';
import { freshDatabase } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';

let db: LedgerClient;
let tmp: string;
// Relative to now, so the `since` window (and nothing else) decides what the report covers.
const BASE = Date.now() - 10 * 60_000;
const SINCE = new Date(BASE - 60_000);
const OLD = BASE - 24 * 3_600_000;

/** TIMESTAMP(3) columns hold UTC wall-clock time, as Prisma writes them. */
const pgTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

async function newIntent(tag: string, state: string, quantity: string): Promise<string> {
  const leg = { outcome: 'yes' as const, action: 'buy' as const, limitPrice: '0.43', quantity };
  const intent = parseIntent(
    sampleIntent(tag, {
      legs: [
        { ...leg, legId: 'A', venue: 'kalshi', market: 'FED-25DEC-T4.25' },
        { ...leg, legId: 'B', venue: 'polymarket', market: '7132104567925221259', outcome: 'no' },
      ],
    }),
  );
  const intentId = intentIdFor(intent.opportunityId);
  await recordIntent(db, { intentId, intent, workflowId: intentId, runId: `run-${tag}`, state });
  return intentId;
}

async function order(intentId: string, legId: 'A' | 'B' | 'U', quantity: string, filledQuantity: string, createdMs: number, updatedMs: number): Promise<void> {
  const clientOrderId = `${intentId}:${legId}:1`;
  await upsertOrder(db, { clientOrderId, venue: legId === 'B' ? 'polymarket' : 'kalshi', intentId, legId, attempt: 1, market: 'M', outcome: 'yes', action: legId === 'U' ? 'sell' : 'buy', price: '0.43', quantity, filledQuantity, state: filledQuantity === quantity ? 'filled' : 'cancelled' });
  // The ledger stamps rows with the database's clock; pin them so legging times are exact.
  await db.$executeRaw`UPDATE venue_orders SET created_at = CAST(${pgTime(createdMs)} AS timestamp), updated_at = CAST(${pgTime(updatedMs)} AS timestamp) WHERE client_order_id = ${clientOrderId}`;
}

function scanLine(over: Record<string, unknown>): string {
  return JSON.stringify({
    strategy: 'xvenue-binary-arb',
    pairId: 'FEDCUT42',
    direction: 'kalshi_yes_poly_no',
    markets: { kalshi: 'LWSIM-FEDCUT42-YES', polymarket: '2222222222222222222' },
    outcomes: { kalshi: 'yes', polymarket: 'no' },
    prices: { kalshi: '0.4', polymarket: '0.55' },
    sizes: { kalshi: '30', polymarket: '40' },
    quantity: '0',
    binding: null,
    fees: null,
    grossEdgePerContract: '0.05',
    netEdgePerContract: '0.02',
    decision: 'skip',
    reason: 'no_edge',
    dislocationEpoch: 0,
    at: new Date(BASE).toISOString(),
    ...over,
  });
}

let ids: { done: string; unwound: string; rejected: string; old: string };

beforeAll(async () => {
  db = createLedgerClient(await freshDatabase('paperreport'), { poolSize: 4 });
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'paper-report-'));

  ids = {
    done: await newIntent('pr-done', 'COMPLETED', '10'),
    unwound: await newIntent('pr-unwound', 'COMPLETED', '10'),
    rejected: await newIntent('pr-rejected', 'REJECTED', '10'),
    old: await newIntent('pr-old', 'COMPLETED', '5'),
  };
  // A previous run's intent, outside the report window.
  await db.$executeRaw`UPDATE intents SET created_at = CAST(${pgTime(OLD)} AS timestamp) WHERE id = ${ids.old}`;

  // done: both legs fill, 900 ms from A sent to B's last update.
  await order(ids.done, 'A', '10', '10', BASE, BASE + 200);
  await order(ids.done, 'B', '10', '10', BASE + 300, BASE + 900);
  // unwound: B covers 6 of 10, the other 4 of A are sold back; 1500 ms.
  await order(ids.unwound, 'A', '10', '10', BASE + 1000, BASE + 1100);
  await order(ids.unwound, 'B', '10', '6', BASE + 1200, BASE + 2500);
  await order(ids.unwound, 'U', '4', '4', BASE + 2600, BASE + 2700);
  await order(ids.old, 'A', '5', '5', OLD, OLD + 100);

  await recordPnlEvent(db, { id: `${ids.done}:settlement:A`, intentId: ids.done, kind: 'settlement', amount: '0.3', fees: '0.02', currency: 'USD' });
  await recordPnlEvent(db, { id: `${ids.done}:settlement:B`, intentId: ids.done, kind: 'settlement', amount: '-0.1', fees: '0.01', currency: 'USDC' });
  await recordPnlEvent(db, { id: `${ids.unwound}:unwind`, intentId: ids.unwound, kind: 'unwind', amount: '-0.45', fees: '0.05', currency: 'USD' });
  await recordPnlEvent(db, { id: `${ids.old}:unwind`, intentId: ids.old, kind: 'unwind', amount: '100', currency: 'USD' });
  await db.$executeRaw`UPDATE pnl_events SET created_at = CAST(${pgTime(OLD)} AS timestamp) WHERE intent_id = ${ids.old}`;

  // Two runs in the window: the report shows the later one.
  await startReconciliationRun(db, { id: 'recon-early', trigger: 'startup', startedAt: new Date(BASE) });
  await finishReconciliationRun(db, 'recon-early', [], { differences: 0, findings: 0, trigger: 'startup' });
  await startReconciliationRun(db, { id: 'recon-late', trigger: 'shutdown', startedAt: new Date(BASE + 5_000) });
  await finishReconciliationRun(
    db,
    'recon-late',
    [
      { id: 'recon-late:1', venue: 'kalshi', kind: 'position_mismatch', severity: 'high', details: { why: 'test' }, repaired: false },
      { id: 'recon-late:2', venue: 'polymarket', kind: 'stale_reservation', severity: 'low', details: {}, repaired: true },
    ],
    { differences: 2, findings: 1, trigger: 'shutdown' },
  );

  await fs.writeFile(
    path.join(tmp, 'scans.jsonl'),
    [
      scanLine({ decision: 'take', reason: 'ok', quantity: '30', opportunityId: 'opp-1' }),
      scanLine({}),
      scanLine({ reason: 'cooldown', opportunityId: 'opp-1' }),
      scanLine({ at: new Date(OLD).toISOString() }), // before the window
      '{"truncated": ',
      JSON.stringify({ decision: 'take' }), // JSON, but not a scan record
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await closeLedgerClient(db);
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('paper report from the ledger', () => {
  let report: PaperReport;
  beforeAll(async () => {
    report = buildPaperReport(await gatherReportData(db, { scansFile: path.join(tmp, 'scans.jsonl'), since: SINCE }));
  });

  it('opportunities from the scan file: bad lines counted, older lines left out', () => {
    expect(report.opportunities).toMatchObject({ scansFileMissing: false, malformedLines: 2, evaluations: 3, distinctOpportunities: 1, taken: 1, skipped: 2, skippedByReason: { no_edge: 1, cooldown: 1 } });
  });

  it('intents, fill rate, legging and hedges within the window', () => {
    expect(report.intents).toEqual({ total: 3, byState: { COMPLETED: 2, REJECTED: 1 } });
    expect(report.fillRate).toMatchObject({ orderedQuantity: '40', filledQuantity: '36', quantityFillRate: '0.9', tradedIntents: 2, bothLegsFilled: 1, bothLegsFilledShare: '0.5' });
    expect(report.fillRate.byLeg.B).toEqual({ orderedQuantity: '20', filledQuantity: '16', quantityFillRate: '0.8' });
    expect(report.leggingTimeMs).toMatchObject({ count: 2, min: 900, p50: 900, p90: 1500, max: 1500 });
    expect(report.hedges).toEqual({ unwindOrders: 1, intentsUnwound: 1, orderedQuantity: '4', filledQuantity: '4' });
  });

  it('realized PnL exactly, and the latest reconciliation run', () => {
    expect(report.pnl).toMatchObject({
      total: '-0.25',
      fees: '0.08',
      byCurrency: { USD: '-0.15', USDC: '-0.1' },
      raw: { count: 2, mean: '-0.125', min: '-0.45', max: '0.2' },
      robust: { median: '-0.125', trimmedMean5: '-0.125', winsorizedMean5: '-0.125', trimmedPerSide: 0 },
    });
    expect(report.reconciliation).toMatchObject({ runId: 'recon-late', status: 'FINISHED', differences: 2, repaired: 1, findings: 1, bySeverity: { high: 1, low: 1 }, byKind: { position_mismatch: 1, stale_reservation: 1 } });
  });

  it('without `since` the whole ledger counts; a missing scan file is an empty one', async () => {
    const all = buildPaperReport(await gatherReportData(db, { scansFile: path.join(tmp, 'absent.jsonl') }));
    expect(all.intents.total).toBe(4);
    expect(all.pnl.total).toBe('99.75');
    expect(all.opportunities).toMatchObject({ scansFileMissing: true, evaluations: 0, malformedLines: 0 });
  });

  it('writes report.json, report.md and the SVG charts into a new folder', async () => {
    const dir = path.join(tmp, 'out', 'nested');
    const written = await writePaperReport(dir, report);
    expect(written.map((f) => path.basename(f)).sort()).toEqual(Object.values(REPORT_FILES).sort());
    expect(JSON.parse(await fs.readFile(path.join(dir, REPORT_FILES.json), 'utf8'))).toEqual(report);
    const md = await fs.readFile(path.join(dir, REPORT_FILES.markdown), 'utf8');
    for (const svg of [REPORT_FILES.leggingSvg, REPORT_FILES.pnlSvg, REPORT_FILES.skipSvg]) expect(md).toContain(`](${svg})`);
    expect(md).toContain('Total -0.25');
    for (const name of [REPORT_FILES.leggingSvg, REPORT_FILES.pnlSvg, REPORT_FILES.skipSvg, REPORT_FILES.statesSvg]) {
      const svg = await fs.readFile(path.join(dir, name), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    }
  });
});
