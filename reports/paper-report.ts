/**
 * The paper-trading run report: what `npm start -- --duration 5m --report out/` leaves behind.
 *
 * Three steps, so the arithmetic is testable without a database:
 *   gatherReportData  – reads the ledger and the signal loop's scan file into plain data
 *                       (decimal strings for money and quantities, ISO strings for times);
 *   buildPaperReport  – pure: turns that data into KPIs;
 *   writePaperReport  – writes report.json, report.md and the SVG charts.
 *
 * Intent *outcomes* (FILLED, PARTIAL, UNWOUND, …) live in workflow results, not in the ledger, so
 * the report works from what the ledger holds: intent states, venue orders and PnL events.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Dec, dec, decStr, ZERO } from '../domain/money';
import { scanRecordSchema } from '../domain/strategies/cross-venue';
import type { LedgerClient } from '../ledger/client';
import { fromDb } from '../ledger/decimal';
import { renderSvgBars, renderSvgHistogram } from './svg';

// ---------------------------------------------------------------- gathered data

/** The fields of one scan record the report uses. */
export interface ScanRow {
  at: string;
  pairId: string;
  direction: string;
  decision: 'take' | 'skip';
  reason: string;
  netEdgePerContract: string | null;
  opportunityId?: string;
}

export interface IntentRow {
  id: string;
  strategy: string;
  state: string;
  /** Planned quantity per leg id, from the intent's payload (the validated intent). */
  plannedQuantity: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface OrderRow {
  clientOrderId: string;
  venue: string;
  intentId: string | null;
  legId: string | null;
  attempt: number;
  price: string;
  quantity: string;
  filledQuantity: string;
  state: string;
  createdAt: string;
  updatedAt: string;
}

export interface PnlRow {
  intentId: string | null;
  kind: string;
  /** Realized PnL of the event, already net of its fees (see domain/settlement.ts). */
  amount: string;
  /** The fees that went into `amount`, kept for the record. */
  fees: string;
  currency: string;
  createdAt: string;
}

export interface ReconciliationRow {
  id: string;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  summary: unknown;
  differences: { venue: string; kind: string; severity: string; repaired: boolean }[];
}

export interface ReportData {
  generatedAt: string;
  since: string | null;
  scans: { file: string | null; missing: boolean; records: ScanRow[]; malformedLines: number };
  intents: IntentRow[];
  orders: OrderRow[];
  pnlEvents: PnlRow[];
  reconciliation: ReconciliationRow | null;
}

const iso = (d: Date): string => d.toISOString();

/** Reads the scan JSONL file: a missing file is an empty run, a bad line is counted and skipped. */
export async function readScanFile(file: string, since?: Date): Promise<ReportData['scans']> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file, missing: true, records: [], malformedLines: 0 };
    throw err;
  }
  const records: ScanRow[] = [];
  let malformedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue; // the trailing newline, or a blank line: not a record, not an error
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      malformedLines++;
      continue;
    }
    const r = scanRecordSchema.safeParse(parsed);
    if (!r.success) {
      malformedLines++;
      continue;
    }
    const s = r.data;
    if (since && Date.parse(s.at) < since.getTime()) continue;
    records.push({ at: s.at, pairId: s.pairId, direction: s.direction, decision: s.decision, reason: s.reason, netEdgePerContract: s.netEdgePerContract, ...(s.opportunityId ? { opportunityId: s.opportunityId } : {}) });
  }
  return { file, missing: false, records, malformedLines };
}

/** The fields of a scan record (domain/strategies/strategy.ts `ScanRecord`) the report keeps. */
export function scanRowOf(s: ScanRow): ScanRow {
  return { at: s.at, pairId: s.pairId, direction: s.direction, decision: s.decision, reason: s.reason, netEdgePerContract: s.netEdgePerContract, ...(s.opportunityId ? { opportunityId: s.opportunityId } : {}) };
}

/** A run told by plain rows instead of the ledger: a backtest's scan records, intents, orders and PnL. */
export interface PlainRunData {
  /** The run's own clock (a replay: its last virtual instant), never the wall clock of whoever builds the report. */
  generatedAt: string;
  since: string | null;
  /** How the scan records are named in the report (e.g. "scans.jsonl"). */
  scansFile: string | null;
  scans: readonly ScanRow[];
  intents: IntentRow[];
  orders: OrderRow[];
  pnlEvents: PnlRow[];
}

/**
 * The report's input from plain rows (`legwork replay`): the same `ReportData` the ledger gives,
 * so `buildPaperReport` computes the same KPIs and charts for a backtest as for a paper run. Pure.
 */
export function reportDataFromRun(run: PlainRunData): ReportData {
  return {
    generatedAt: run.generatedAt,
    since: run.since,
    scans: { file: run.scansFile, missing: false, records: run.scans.map(scanRowOf), malformedLines: 0 },
    intents: run.intents,
    orders: run.orders,
    pnlEvents: run.pnlEvents,
    reconciliation: null,
  };
}

/** Leg quantities from an intent payload; tolerant, since the payload is JSON from an older writer too. */
function plannedQuantities(payload: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const legs = (payload as { legs?: unknown } | null)?.legs;
  if (!Array.isArray(legs)) return out;
  for (const leg of legs as { legId?: unknown; quantity?: unknown }[]) {
    if (typeof leg?.legId === 'string' && typeof leg.quantity === 'string') out[leg.legId] = leg.quantity;
  }
  return out;
}

/**
 * Everything the report needs, as plain data. `since` keeps rows created at or after it (and the
 * latest reconciliation run started at or after it), so a report covers one paper run even when
 * the ledger holds earlier ones.
 */
export async function gatherReportData(db: LedgerClient, opts: { scansFile?: string; since?: Date; now?: Date } = {}): Promise<ReportData> {
  const created = opts.since ? { createdAt: { gte: opts.since } } : {};
  const [intents, orders, pnl, runs] = await Promise.all([
    db.intent.findMany({ where: created, orderBy: { createdAt: 'asc' } }),
    db.venueOrder.findMany({ where: created, orderBy: { createdAt: 'asc' } }),
    db.pnlEvent.findMany({ where: created, orderBy: { createdAt: 'asc' } }),
    db.reconciliationRun.findMany({
      where: opts.since ? { startedAt: { gte: opts.since } } : {},
      orderBy: { startedAt: 'desc' },
      take: 1,
      include: { differences: true },
    }),
  ]);
  const run = runs[0];
  return {
    generatedAt: iso(opts.now ?? new Date()),
    since: opts.since ? iso(opts.since) : null,
    scans: opts.scansFile ? await readScanFile(opts.scansFile, opts.since) : { file: null, missing: true, records: [], malformedLines: 0 },
    intents: intents.map((i) => ({ id: i.id, strategy: i.strategy, state: i.state, plannedQuantity: plannedQuantities(i.payload), createdAt: iso(i.createdAt), updatedAt: iso(i.updatedAt) })),
    orders: orders.map((o) => ({
      clientOrderId: o.clientOrderId,
      venue: o.venue,
      intentId: o.intentId,
      legId: o.legId,
      attempt: o.attempt,
      price: fromDb(o.price),
      quantity: fromDb(o.quantity),
      filledQuantity: fromDb(o.filledQuantity),
      state: o.state,
      createdAt: iso(o.createdAt),
      updatedAt: iso(o.updatedAt),
    })),
    pnlEvents: pnl.map((p) => ({ intentId: p.intentId, kind: p.kind, amount: fromDb(p.amount), fees: fromDb(p.fees), currency: p.currency, createdAt: iso(p.createdAt) })),
    reconciliation: run
      ? {
          id: run.id,
          trigger: run.trigger,
          status: run.status,
          startedAt: iso(run.startedAt),
          finishedAt: run.finishedAt ? iso(run.finishedAt) : null,
          summary: run.summary,
          differences: run.differences.map((d) => ({ venue: d.venue, kind: d.kind, severity: d.severity, repaired: d.repaired })),
        }
      : null,
  };
}

// ---------------------------------------------------------------- the report

export interface Distribution {
  count: number;
  min: number | null;
  p50: number | null;
  p90: number | null;
  max: number | null;
}

export interface PaperReport {
  generatedAt: string;
  since: string | null;
  opportunities: {
    scansFile: string | null;
    scansFileMissing: boolean;
    malformedLines: number;
    /** Scan records (one per pair and direction per scan). */
    evaluations: number;
    /** Distinct opportunity ids among them (the same dislocation is seen on many scans). */
    distinctOpportunities: number;
    taken: number;
    skipped: number;
    skippedByReason: Record<string, number>;
  };
  intents: { total: number; byState: Record<string, number> };
  fillRate: {
    /** Entry legs (A and B) over all their orders: filled / ordered quantity; null when nothing was ordered. */
    orderedQuantity: string;
    filledQuantity: string;
    quantityFillRate: string | null;
    byLeg: Record<'A' | 'B', { orderedQuantity: string; filledQuantity: string; quantityFillRate: string | null }>;
    /** Intents that sent at least one entry order. */
    tradedIntents: number;
    /** Of those, intents whose every planned leg filled its planned quantity. */
    bothLegsFilled: number;
    bothLegsFilledShare: string | null;
  };
  leggingTimeMs: Distribution & { perIntent: { intentId: string; ms: number }[] };
  hedges: { unwindOrders: number; intentsUnwound: number; orderedQuantity: string; filledQuantity: string };
  pnl: {
    /** Sum of every realized PnL event, after fees (the ledger's amounts are already net of fees). */
    total: string;
    /** The fees included in `total`. */
    fees: string;
    byCurrency: Record<string, string>;
    byKind: Record<string, string>;
    perIntent: { intentId: string; pnl: string }[];
    /** Over the per-intent figures; null with no intent PnL. */
    raw: { count: number; mean: string | null; min: string | null; max: string | null };
    robust: { median: string | null; trimmedMean5: string | null; winsorizedMean5: string | null; trimmedPerSide: number };
  };
  reconciliation: {
    runId: string;
    trigger: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    differences: number;
    repaired: number;
    byKind: Record<string, number>;
    bySeverity: Record<string, number>;
    /** Unrepaired high-severity differences: what sends the governor to SAFE_MODE. */
    findings: number;
  } | null;
}

/** Means are rounded to the ledger's 18 decimal places: a mean of decimals need not terminate (1/3). */
const MEAN_PLACES = 18;
/** Share of observations trimmed (or winsorized) from each end for the outlier-robust means. */
export const ROBUST_TRIM = 0.05;

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

function ratio(num: Dec, den: Dec): string | null {
  return den.isZero() ? null : decStr(num.div(den).toDecimalPlaces(MEAN_PLACES, Dec.ROUND_HALF_EVEN));
}

function mean(values: readonly Dec[]): string | null {
  if (values.length === 0) return null;
  return decStr(values.reduce((t, v) => t.plus(v), ZERO).div(values.length).toDecimalPlaces(MEAN_PLACES, Dec.ROUND_HALF_EVEN));
}

/**
 * Nearest-rank percentile (the ceil(q·n)-th smallest): always an observed value, so a reported
 * legging time is one that actually happened.
 */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, min: sorted[0] ?? null, p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), max: sorted[sorted.length - 1] ?? null };
}

/** Median of exact decimals: the middle value, or the exact mean of the two middle values. */
export function decMedian(sorted: readonly Dec[]): string | null {
  const n = sorted.length;
  if (n === 0) return null;
  const hi = sorted[Math.floor(n / 2)]!;
  return decStr(n % 2 === 1 ? hi : sorted[n / 2 - 1]!.plus(hi).div(2));
}

/**
 * k = floor(trim·n) values are cut from each end (trimmed mean) or clamped to the nearest kept value
 * (winsorized mean). With fewer than 1/trim values k is 0 and both equal the raw mean: a run too
 * short to tell an outlier from the distribution is not trimmed.
 */
export function robustMeans(sorted: readonly Dec[], trim = ROBUST_TRIM): { trimmedMean: string | null; winsorizedMean: string | null; k: number } {
  const n = sorted.length;
  if (n === 0) return { trimmedMean: null, winsorizedMean: null, k: 0 };
  const k = Math.floor(trim * n + 1e-9); // + epsilon: 0.05 × 20 must be 1, not 0.999…
  const kept = sorted.slice(k, n - k);
  const low = sorted[k]!;
  const high = sorted[n - 1 - k]!;
  const winsorized = sorted.map((v, i) => (i < k ? low : i >= n - k ? high : v));
  return { trimmedMean: mean(kept), winsorizedMean: mean(winsorized), k };
}

function byIntent<T extends { intentId: string | null }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    if (r.intentId === null) continue;
    const list = out.get(r.intentId) ?? [];
    list.push(r);
    out.set(r.intentId, list);
  }
  return out;
}

const sumOf = (values: readonly string[]): Dec => values.reduce((t, v) => t.plus(dec(v)), ZERO);

function fillRate(data: ReportData): PaperReport['fillRate'] {
  const entry = data.orders.filter((o) => o.legId === 'A' || o.legId === 'B');
  // Every order counts, re-sent reprices included: this is the share of what was offered that
  // traded, so a leg that needed three attempts to fill shows up below 100 %.
  const leg = (id: 'A' | 'B') => {
    const rows = entry.filter((o) => o.legId === id);
    const ordered = sumOf(rows.map((o) => o.quantity));
    const filled = sumOf(rows.map((o) => o.filledQuantity));
    return { orderedQuantity: decStr(ordered), filledQuantity: decStr(filled), quantityFillRate: ratio(filled, ordered) };
  };
  const ordered = sumOf(entry.map((o) => o.quantity));
  const filled = sumOf(entry.map((o) => o.filledQuantity));

  const planned = new Map(data.intents.map((i) => [i.id, i.plannedQuantity]));
  let traded = 0;
  let both = 0;
  for (const [intentId, orders] of byIntent(entry)) {
    traded++;
    const plan = planned.get(intentId);
    // An intent outside the gathered window (or with an unreadable payload) has no plan: it
    // counts as traded but cannot be called fully filled.
    if (!plan || !plan.A) continue;
    const full = Object.entries(plan).every(([legId, qty]) => sumOf(orders.filter((o) => o.legId === legId).map((o) => o.filledQuantity)).gte(dec(qty)));
    if (full) both++;
  }
  return {
    orderedQuantity: decStr(ordered),
    filledQuantity: decStr(filled),
    quantityFillRate: ratio(filled, ordered),
    byLeg: { A: leg('A'), B: leg('B') },
    tradedIntents: traded,
    bothLegsFilled: both,
    bothLegsFilledShare: ratio(new Dec(both), new Dec(traded)),
  };
}

/** Per intent: leg A's first order sent → leg B's last order last updated (intents with both legs). */
function leggingTimes(data: ReportData): { intentId: string; ms: number }[] {
  const out: { intentId: string; ms: number }[] = [];
  for (const [intentId, orders] of byIntent(data.orders)) {
    const a = orders.filter((o) => o.legId === 'A').map((o) => Date.parse(o.createdAt));
    const b = orders.filter((o) => o.legId === 'B').map((o) => Date.parse(o.updatedAt));
    if (a.length === 0 || b.length === 0) continue;
    out.push({ intentId, ms: Math.max(...b) - Math.min(...a) });
  }
  return out.sort((x, y) => x.intentId.localeCompare(y.intentId));
}

function pnlSection(data: ReportData): PaperReport['pnl'] {
  const byCurrency: Record<string, Dec> = {};
  const byKind: Record<string, Dec> = {};
  for (const e of data.pnlEvents) {
    byCurrency[e.currency] = (byCurrency[e.currency] ?? ZERO).plus(dec(e.amount));
    byKind[e.kind] = (byKind[e.kind] ?? ZERO).plus(dec(e.amount));
  }
  // An intent's figure sums its events across currencies (USD on Kalshi, USDC on Polymarket) at
  // par, as the settlement workflow's totalRealizedPnl does; byCurrency keeps them apart.
  const perIntent = [...byIntent(data.pnlEvents)]
    .map(([intentId, events]) => ({ intentId, pnl: decStr(sumOf(events.map((e) => e.amount))) }))
    .sort((x, y) => x.intentId.localeCompare(y.intentId));
  const sorted = perIntent.map((p) => dec(p.pnl)).sort((x, y) => x.comparedTo(y));
  const robust = robustMeans(sorted);
  const strMap = (m: Record<string, Dec>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, decStr(v)]));
  return {
    total: decStr(sumOf(data.pnlEvents.map((e) => e.amount))),
    fees: decStr(sumOf(data.pnlEvents.map((e) => e.fees))),
    byCurrency: strMap(byCurrency),
    byKind: strMap(byKind),
    perIntent,
    raw: { count: sorted.length, mean: mean(sorted), min: sorted[0] ? decStr(sorted[0]) : null, max: sorted.length ? decStr(sorted[sorted.length - 1]!) : null },
    robust: { median: decMedian(sorted), trimmedMean5: robust.trimmedMean, winsorizedMean5: robust.winsorizedMean, trimmedPerSide: robust.k },
  };
}

function reconciliationSection(run: ReconciliationRow | null): PaperReport['reconciliation'] {
  if (!run) return null;
  const computed = run.differences.filter((d) => d.severity === 'high' && !d.repaired).length;
  // The run's own summary says how many findings it raised; recount only if it is absent.
  const fromSummary = (run.summary as { findings?: unknown } | null)?.findings;
  return {
    runId: run.id,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    differences: run.differences.length,
    repaired: run.differences.filter((d) => d.repaired).length,
    byKind: countBy(run.differences, (d) => d.kind),
    bySeverity: countBy(run.differences, (d) => d.severity),
    findings: typeof fromSummary === 'number' ? fromSummary : computed,
  };
}

/** Pure: the KPIs of one run from its gathered data. */
export function buildPaperReport(data: ReportData): PaperReport {
  const scans = data.scans.records;
  const skips = scans.filter((s) => s.decision === 'skip');
  const legging = leggingTimes(data);
  const unwinds = data.orders.filter((o) => o.legId === 'U');
  return {
    generatedAt: data.generatedAt,
    since: data.since,
    opportunities: {
      scansFile: data.scans.file,
      scansFileMissing: data.scans.missing,
      malformedLines: data.scans.malformedLines,
      evaluations: scans.length,
      distinctOpportunities: new Set(scans.flatMap((s) => (s.opportunityId ? [s.opportunityId] : []))).size,
      taken: scans.length - skips.length,
      skipped: skips.length,
      skippedByReason: countBy(skips, (s) => s.reason),
    },
    intents: { total: data.intents.length, byState: countBy(data.intents, (i) => i.state) },
    fillRate: fillRate(data),
    leggingTimeMs: { ...distribution(legging.map((l) => l.ms)), perIntent: legging },
    hedges: {
      unwindOrders: unwinds.length,
      intentsUnwound: new Set(unwinds.flatMap((o) => (o.intentId ? [o.intentId] : []))).size,
      orderedQuantity: decStr(sumOf(unwinds.map((o) => o.quantity))),
      filledQuantity: decStr(sumOf(unwinds.map((o) => o.filledQuantity))),
    },
    pnl: pnlSection(data),
    reconciliation: reconciliationSection(data.reconciliation),
  };
}

// ---------------------------------------------------------------- writing it out

export const REPORT_FILES = {
  json: 'report.json',
  markdown: 'report.md',
  leggingSvg: 'legging-time.svg',
  pnlSvg: 'pnl-per-intent.svg',
  skipSvg: 'skip-reasons.svg',
  statesSvg: 'intent-states.svg',
} as const;

const sortedEntries = (m: Record<string, number>): [string, number][] => Object.entries(m).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

export function renderCharts(report: PaperReport): Record<'leggingSvg' | 'pnlSvg' | 'skipSvg' | 'statesSvg', string> {
  return {
    leggingSvg: renderSvgHistogram(report.leggingTimeMs.perIntent.map((l) => l.ms), { title: 'Legging time per intent', xLabel: 'ms (leg A first sent → leg B last update)', yLabel: 'intents' }),
    // Money is drawn as JS numbers: bar heights only; every figure in the report stays exact.
    pnlSvg: renderSvgHistogram(report.pnl.perIntent.map((p) => Number(p.pnl)), { title: 'Realized PnL per intent (after fees)', xLabel: 'PnL', yLabel: 'intents' }),
    skipSvg: renderSvgBars(sortedEntries(report.opportunities.skippedByReason).map(([label, value]) => ({ label, value })), { title: 'Skipped evaluations by reason', xLabel: 'scan records' }),
    statesSvg: renderSvgBars(sortedEntries(report.intents.byState).map(([label, value]) => ({ label, value })), { title: 'Intents by state', xLabel: 'intents' }),
  };
}

const pct = (share: string | null): string => (share === null ? 'n/a' : `${decStr(dec(share).times(100).toDecimalPlaces(2, Dec.ROUND_HALF_EVEN))} %`);
const orNa = (v: string | number | null): string => (v === null ? 'n/a' : String(v));

export function renderMarkdown(report: PaperReport): string {
  const o = report.opportunities;
  const f = report.fillRate;
  const l = report.leggingTimeMs;
  const p = report.pnl;
  const r = report.reconciliation;
  const table = (rows: [string, number | string][]) => (rows.length ? ['| | |', '|---|---:|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n') : '_none_');
  return [
    '# Legwork paper run report',
    '',
    `Generated ${report.generatedAt}${report.since ? `, covering ledger rows since ${report.since}` : ''}.`,
    '',
    '## Opportunities',
    '',
    `- Scan file: ${o.scansFile ?? 'none given'}${o.scansFileMissing ? ' (missing)' : ''}; malformed lines skipped: ${o.malformedLines}`,
    `- Evaluations: ${o.evaluations} (distinct opportunities ${o.distinctOpportunities}); taken ${o.taken}, skipped ${o.skipped}`,
    '',
    table(sortedEntries(o.skippedByReason)),
    '',
    `![skip reasons](${REPORT_FILES.skipSvg})`,
    '',
    '## Intents',
    '',
    `Total ${report.intents.total}.`,
    '',
    table(sortedEntries(report.intents.byState)),
    '',
    `![intent states](${REPORT_FILES.statesSvg})`,
    '',
    '## Fill rate (entry legs A and B)',
    '',
    `- Quantity: ${f.filledQuantity} filled of ${f.orderedQuantity} ordered = ${pct(f.quantityFillRate)} (A ${pct(f.byLeg.A.quantityFillRate)}, B ${pct(f.byLeg.B.quantityFillRate)})`,
    `- Intents with every leg fully filled: ${f.bothLegsFilled} of ${f.tradedIntents} traded = ${pct(f.bothLegsFilledShare)}`,
    '',
    '## Legging time (leg A first sent → leg B last update)',
    '',
    `- ${l.count} intents; min ${orNa(l.min)} ms, p50 ${orNa(l.p50)} ms, p90 ${orNa(l.p90)} ms, max ${orNa(l.max)} ms`,
    '',
    `![legging time](${REPORT_FILES.leggingSvg})`,
    '',
    '## Hedges / unwinds (leg U)',
    '',
    `- ${report.hedges.unwindOrders} unwind orders on ${report.hedges.intentsUnwound} intents; ${report.hedges.filledQuantity} filled of ${report.hedges.orderedQuantity} ordered`,
    '',
    '## Realized PnL (after fees)',
    '',
    `- Total ${p.total} (fees included: ${p.fees})`,
    `- By currency: ${Object.entries(p.byCurrency).map(([c, v]) => `${c} ${v}`).join(', ') || 'none'}; by kind: ${Object.entries(p.byKind).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `- Per intent (${p.raw.count}), raw: mean ${orNa(p.raw.mean)}, min ${orNa(p.raw.min)}, max ${orNa(p.raw.max)}`,
    `- Per intent, outlier-robust: median ${orNa(p.robust.median)}, 5 % trimmed mean ${orNa(p.robust.trimmedMean5)}, 5 % winsorized mean ${orNa(p.robust.winsorizedMean5)} (${p.robust.trimmedPerSide} per side)`,
    '',
    `![PnL per intent](${REPORT_FILES.pnlSvg})`,
    '',
    '## Reconciliation',
    '',
    r
      ? [
          `- Latest run ${r.runId} (${r.trigger}, ${r.status}) started ${r.startedAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ''}`,
          `- ${r.differences} difference(s), ${r.repaired} repaired, ${r.findings} finding(s) for SAFE_MODE`,
          `- By severity: ${sortedEntries(r.bySeverity).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}; by kind: ${sortedEntries(r.byKind).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
        ].join('\n')
      : '_No reconciliation run in the report window._',
    '',
  ].join('\n');
}

/** Writes report.json, report.md and the SVG charts into `dir` (created if absent); returns the paths. */
export async function writePaperReport(dir: string, report: PaperReport): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const charts = renderCharts(report);
  const files: [string, string][] = [
    [REPORT_FILES.json, `${JSON.stringify(report, null, 2)}\n`],
    [REPORT_FILES.markdown, renderMarkdown(report)],
    ...(Object.entries(charts) as [keyof typeof charts, string][]).map(([key, svg]): [string, string] => [REPORT_FILES[key], `${svg}\n`]),
  ];
  const written: string[] = [];
  for (const [name, content] of files) {
    const target = path.join(dir, name);
    await fs.writeFile(target, content, 'utf8');
    written.push(target);
  }
  return written;
}
