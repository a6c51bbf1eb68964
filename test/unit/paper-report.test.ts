/** The paper report's KPIs from hand-made data (pure), and its hand-written SVG charts. */
import { buildPaperReport, decMedian, distribution, renderCharts, renderMarkdown, robustMeans, type IntentRow, type OrderRow, type PnlRow, type ReportData, type ScanRow } from '../../reports/paper-report';
import { histogramBins, renderSvgBars, renderSvgHistogram } from '../../reports/svg';
import { dec, decStr } from '../../domain/money';

const T0 = Date.parse('2026-11-24T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function order(intentId: string, legId: 'A' | 'B' | 'U', attempt: number, quantity: string, filledQuantity: string, createdMs: number, updatedMs: number): OrderRow {
  return {
    clientOrderId: `${intentId}:${legId}:${attempt}`,
    venue: legId === 'B' ? 'polymarket' : 'kalshi',
    intentId,
    legId,
    attempt,
    price: '0.4',
    quantity,
    filledQuantity,
    state: dec(filledQuantity).eq(dec(quantity)) ? 'filled' : 'cancelled',
    createdAt: at(createdMs),
    updatedAt: at(updatedMs),
  };
}

function scan(decision: 'take' | 'skip', reason: string, opportunityId?: string): ScanRow {
  return { at: at(0), pairId: 'FEDCUT42', direction: 'kalshi_yes_poly_no', decision, reason, netEdgePerContract: decision === 'take' ? '0.02' : null, ...(opportunityId ? { opportunityId } : {}) };
}

const intent = (id: string, state: string, qty?: string): IntentRow => ({ id, strategy: 'xvenue-binary-arb', state, plannedQuantity: qty ? { A: qty, B: qty } : {}, createdAt: at(0), updatedAt: at(0) });

/**
 * Per-intent PnL of 20 intents, skewed with two outliers: -50, 0.1 … 1.7 (17 values), 5, 10.
 * p10's 5 is split across two settlement events in two currencies; one event has no intent.
 */
function pnlEvents(): PnlRow[] {
  const rows: PnlRow[] = [];
  const ev = (intentId: string | null, amount: string, kind = 'settlement', currency = 'USD', fees = '0'): PnlRow => ({ intentId, kind, amount, fees, currency, createdAt: at(0) });
  for (let i = 1; i <= 17; i++) rows.push(ev(`p${String(i).padStart(2, '0')}`, decStr(dec(String(i)).div(10))));
  rows.push(ev('p18', '-50', 'unwind', 'USD', '1.2'));
  rows.push(ev('p19', '3', 'settlement', 'USD', '0.07'), ev('p19', '2', 'settlement', 'USDC', '0.03'));
  rows.push(ev('p20', '10'));
  rows.push(ev(null, '0.5', 'adjustment'));
  return rows;
}

function data(): ReportData {
  return {
    generatedAt: at(60_000),
    since: null,
    scans: {
      file: 'scans.jsonl',
      missing: false,
      malformedLines: 1,
      records: [scan('take', 'ok', 'opp-1'), scan('take', 'ok', 'opp-1'), scan('skip', 'no_edge'), scan('skip', 'no_edge'), scan('skip', 'cooldown', 'opp-2'), scan('skip', 'fees_exceed_edge', 'opp-3')],
    },
    intents: [intent('i1', 'COMPLETED', '10'), intent('i2', 'COMPLETED', '10'), intent('i3', 'COMPLETED', '5'), intent('i4', 'COMPLETED', '8'), intent('i5', 'REJECTED', '3'), intent('i6', 'UNHEDGED', '1')],
    orders: [
      // i1: A needs a re-send (6 then 4), B fills 10: fully filled, legging 1200 ms.
      order('i1', 'A', 1, '10', '6', 0, 300),
      order('i1', 'A', 2, '4', '4', 400, 700),
      order('i1', 'B', 1, '10', '10', 800, 1200),
      // i2: B covers 4 of 10, the rest of A is unwound in two attempts: legging 3000 ms.
      order('i2', 'A', 1, '10', '10', 10_000, 10_100),
      order('i2', 'B', 1, '10', '4', 10_200, 13_000),
      order('i2', 'U', 1, '6', '4', 13_100, 13_200),
      order('i2', 'U', 2, '2', '2', 13_800, 13_900),
      // i3: clean, 500 ms.
      order('i3', 'A', 1, '5', '5', 20_000, 20_200),
      order('i3', 'B', 1, '5', '5', 20_300, 20_500),
      // i4: A never filled, no B: traded, not filled, no legging time.
      order('i4', 'A', 1, '8', '0', 30_000, 35_000),
      // i6: 800 ms.
      order('i6', 'A', 1, '1', '1', 40_000, 40_100),
      order('i6', 'B', 1, '1', '1', 40_200, 40_800),
    ],
    pnlEvents: pnlEvents(),
    reconciliation: {
      id: 'recon-1',
      trigger: 'schedule',
      status: 'FINISHED',
      startedAt: at(50_000),
      finishedAt: at(51_000),
      summary: { differences: 3, findings: 1 },
      differences: [
        { venue: 'kalshi', kind: 'position_mismatch', severity: 'high', repaired: false },
        { venue: 'polymarket', kind: 'stale_reservation', severity: 'low', repaired: true },
        { venue: 'kalshi', kind: 'order_missing', severity: 'high', repaired: true },
      ],
    },
  };
}

describe('paper report KPIs', () => {
  const report = buildPaperReport(data());

  it('counts evaluations, distinct opportunities, takes and skips by reason', () => {
    expect(report.opportunities).toEqual({
      scansFile: 'scans.jsonl',
      scansFileMissing: false,
      malformedLines: 1,
      evaluations: 6,
      distinctOpportunities: 3,
      taken: 2,
      skipped: 4,
      skippedByReason: { no_edge: 2, cooldown: 1, fees_exceed_edge: 1 },
    });
    expect(report.intents).toEqual({ total: 6, byState: { COMPLETED: 4, REJECTED: 1, UNHEDGED: 1 } });
  });

  it('fill rate: filled / ordered over every entry order (re-sends included), and intents fully filled', () => {
    // A: 10+4+10+5+8+1 = 38 ordered, 6+4+10+5+0+1 = 26 filled; B: 26 ordered, 20 filled.
    expect(report.fillRate).toEqual({
      orderedQuantity: '64',
      filledQuantity: '46',
      quantityFillRate: '0.71875',
      byLeg: {
        A: { orderedQuantity: '38', filledQuantity: '26', quantityFillRate: '0.684210526315789474' },
        B: { orderedQuantity: '26', filledQuantity: '20', quantityFillRate: '0.769230769230769231' },
      },
      tradedIntents: 5,
      bothLegsFilled: 3, // i1, i3, i6
      bothLegsFilledShare: '0.6',
    });
  });

  it('legging time: leg A first sent to leg B last updated, nearest-rank percentiles', () => {
    expect(report.leggingTimeMs).toEqual({
      count: 4,
      min: 500,
      p50: 800, // ceil(0.5 × 4) = 2nd of 500, 800, 1200, 3000
      p90: 3000, // ceil(0.9 × 4) = 4th
      max: 3000,
      perIntent: [
        { intentId: 'i1', ms: 1200 },
        { intentId: 'i2', ms: 3000 },
        { intentId: 'i3', ms: 500 },
        { intentId: 'i6', ms: 800 },
      ],
    });
  });

  it('hedges: leg U orders and quantities', () => {
    expect(report.hedges).toEqual({ unwindOrders: 2, intentsUnwound: 1, orderedQuantity: '8', filledQuantity: '6' });
  });

  it('realized PnL after fees: exact total, raw and outlier-robust per-intent figures', () => {
    const p = report.pnl;
    // 0.1 + … + 1.7 = 15.3; -50 + 15.3 + 5 + 10 = -19.7 per intent, + 0.5 without an intent.
    expect(p.total).toBe('-19.2');
    expect(p.fees).toBe('1.3');
    expect(p.byCurrency).toEqual({ USD: '-21.2', USDC: '2' });
    expect(p.byKind).toEqual({ settlement: '30.3', unwind: '-50', adjustment: '0.5' });
    expect(p.perIntent).toHaveLength(20);
    expect(p.perIntent.find((x) => x.intentId === 'p19')).toEqual({ intentId: 'p19', pnl: '5' });
    expect(p.raw).toEqual({ count: 20, mean: '-0.985', min: '-50', max: '10' });
    expect(p.robust).toEqual({
      median: '0.95', // (0.9 + 1.0) / 2
      trimmedMean5: '1.127777777777777778', // (15.3 + 5) / 18, rounded to 18 places
      winsorizedMean5: '1.27', // (0.1 + 15.3 + 5 + 5) / 20
      trimmedPerSide: 1,
    });
  });

  it('the latest reconciliation run: differences by kind and severity, findings', () => {
    expect(report.reconciliation).toEqual({
      runId: 'recon-1',
      trigger: 'schedule',
      status: 'FINISHED',
      startedAt: at(50_000),
      finishedAt: at(51_000),
      differences: 3,
      repaired: 2,
      byKind: { position_mismatch: 1, stale_reservation: 1, order_missing: 1 },
      bySeverity: { high: 2, low: 1 },
      findings: 1,
    });
    // Without a summary the findings are recounted: unrepaired high-severity differences.
    const d = data();
    d.reconciliation = { ...d.reconciliation!, summary: null };
    expect(buildPaperReport(d).reconciliation?.findings).toBe(1);
  });

  it('an empty run gives zeros and nulls, not errors', () => {
    const empty = buildPaperReport({ generatedAt: at(0), since: null, scans: { file: null, missing: true, records: [], malformedLines: 0 }, intents: [], orders: [], pnlEvents: [], reconciliation: null });
    expect(empty.fillRate.quantityFillRate).toBeNull();
    expect(empty.leggingTimeMs).toEqual({ count: 0, min: null, p50: null, p90: null, max: null, perIntent: [] });
    expect(empty.pnl).toMatchObject({ total: '0', raw: { count: 0, mean: null }, robust: { median: null, trimmedMean5: null, winsorizedMean5: null } });
    expect(empty.reconciliation).toBeNull();
    expect(renderMarkdown(empty)).toContain('No reconciliation run');
  });
});

describe('statistics helpers', () => {
  it('percentiles and decimal medians', () => {
    expect(distribution([7])).toEqual({ count: 1, min: 7, p50: 7, p90: 7, max: 7 });
    expect(distribution([5, 1, 4, 2, 3, 10, 9, 8, 7, 6])).toMatchObject({ p50: 5, p90: 9 });
    expect(decMedian(['0.1', '0.2'].map((s) => dec(s)))).toBe('0.15');
    expect(decMedian(['1', '2', '3'].map((s) => dec(s)))).toBe('2');
  });

  it('fewer than 20 values are not trimmed: robust means equal the raw mean', () => {
    const v = ['-100', '1', '2'].map((s) => dec(s));
    expect(robustMeans(v)).toEqual({ trimmedMean: '-32.333333333333333333', winsorizedMean: '-32.333333333333333333', k: 0 });
  });
});

describe('SVG charts', () => {
  const rects = (svg: string) => (svg.match(/<rect\b/g) ?? []).length;
  const wellFormed = (svg: string, title: string) => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain(`<title>${title}</title>`);
    // Every element is either self-closed or closed: opening and closing tag counts match.
    for (const tag of ['svg', 'title', 'text', 'rect']) {
      const opened = (svg.match(new RegExp(`<${tag}\\b(?:[^>]*[^/])?>`, 'g')) ?? []).length;
      expect((svg.match(new RegExp(`</${tag}>`, 'g')) ?? []).length).toBe(opened);
    }
  };

  it('a histogram draws one rect per bin, with axes and labels', () => {
    const svg = renderSvgHistogram([500, 800, 1200, 3000], { title: 'Legging time', xLabel: 'ms', bins: 5 });
    wellFormed(svg, 'Legging time');
    expect(rects(svg)).toBe(5);
    expect(svg).toContain('>ms</text>');
    expect(svg).toContain('<line');
    expect(histogramBins([500, 800, 1200, 3000], 5).map((b) => b.count)).toEqual([2, 1, 0, 0, 1]);
  });

  it('bars: one rect per bar; labels are escaped', () => {
    const svg = renderSvgBars(
      [
        { label: 'quote_rejected:stale', value: 3 },
        { label: 'a<b & c', value: 1 },
      ],
      { title: 'Skips <by> reason', xLabel: 'records' },
    );
    wellFormed(svg, 'Skips &lt;by&gt; reason');
    expect(rects(svg)).toBe(2);
    expect(svg).toContain('a&lt;b &amp; c');
  });

  it('no data: a titled chart without bars', () => {
    const svg = renderSvgHistogram([], { title: 'Empty', xLabel: 'x' });
    wellFormed(svg, 'Empty');
    expect(rects(svg)).toBe(0);
    expect(svg).toContain('no data');
  });

  it('the report charts draw the report figures', () => {
    const charts = renderCharts(buildPaperReport(data()));
    expect(rects(charts.skipSvg)).toBe(3); // three skip reasons
    expect(rects(charts.statesSvg)).toBe(3);
    expect(rects(charts.leggingSvg)).toBe(2); // ceil(sqrt(4)) bins
    expect(rects(charts.pnlSvg)).toBe(5); // ceil(sqrt(20)) bins
    for (const svg of Object.values(charts)) expect(svg.startsWith('<svg')).toBe(true);
  });
});
