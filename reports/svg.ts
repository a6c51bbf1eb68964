/**
 * Tiny hand-written SVG charts for the paper report. No plotting package: the report must render
 * from a bare `npm start` install, and an SVG file opens in any browser or Markdown viewer.
 *
 * Every chart draws exactly one `<rect>` per bar (frames and axes are `<line>`s), so tests and
 * readers can count bars in the markup.
 */

export interface HistogramOptions {
  title: string;
  xLabel: string;
  yLabel?: string;
  /** Number of equal-width bins; default ceil(sqrt(n)), between 1 and 20. */
  bins?: number;
  width?: number;
  height?: number;
}

export interface Bar {
  label: string;
  value: number;
}

export interface BarsOptions {
  title: string;
  xLabel?: string;
  width?: number;
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

const FONT = 'font-family="sans-serif"';

/** Text content and attribute values: reason codes and intent ids are data, not markup. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Short axis labels: four significant digits, no exponent for the magnitudes a report shows. */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return String(Number(v.toPrecision(4)));
}

/** Rounds to 2 decimals so the markup stays short and stable across platforms. */
const px = (v: number): string => String(Math.round(v * 100) / 100);

/**
 * Equal-width bins over [min, max]; the last bin is closed so the maximum lands in it. All values
 * equal: one bin of width 1 around them (a zero-width bin would divide by zero).
 */
export function histogramBins(values: readonly number[], bins?: number): HistogramBin[] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [];
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (min === max) return [{ from: min, to: min + 1, count: finite.length }];
  const n = Math.max(1, Math.min(20, Math.floor(bins ?? Math.ceil(Math.sqrt(finite.length)))));
  const width = (max - min) / n;
  const out: HistogramBin[] = Array.from({ length: n }, (_, i) => ({ from: min + i * width, to: i === n - 1 ? max : min + (i + 1) * width, count: 0 }));
  for (const v of finite) {
    const i = Math.min(n - 1, Math.floor((v - min) / width));
    const bin = out[i];
    if (bin) bin.count++;
  }
  return out;
}

function open(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="${px(width / 2)}" y="20" text-anchor="middle" font-size="14" font-weight="bold" ${FONT}>${escapeXml(title)}</text>`,
  ];
}

function noData(lines: string[], width: number, height: number): string {
  lines.push(`<text x="${px(width / 2)}" y="${px(height / 2)}" text-anchor="middle" font-size="12" fill="#666" ${FONT}>no data</text>`, '</svg>');
  return lines.join('\n');
}

/** A histogram of measurements (timings, or money converted to numbers for drawing only). */
export function renderSvgHistogram(values: readonly number[], opts: HistogramOptions): string {
  const width = opts.width ?? 520;
  const height = opts.height ?? 300;
  const lines = open(width, height, opts.title);
  const bins = histogramBins(values, opts.bins);
  if (bins.length === 0) return noData(lines, width, height);

  const left = 56;
  const right = 16;
  const top = 36;
  const bottom = 52;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const maxCount = Math.max(...bins.map((b) => b.count));
  const barW = plotW / bins.length;
  const baseY = top + plotH;

  bins.forEach((b, i) => {
    const h = maxCount === 0 ? 0 : (b.count / maxCount) * plotH;
    const x = left + i * barW;
    lines.push(
      `<rect x="${px(x + 1)}" y="${px(baseY - h)}" width="${px(Math.max(0, barW - 2))}" height="${px(h)}" fill="#4a78b0"><title>${escapeXml(`${formatTick(b.from)} – ${formatTick(b.to)}: ${b.count}`)}</title></rect>`,
    );
  });

  // Axes, then ticks: every bin edge on x when they fit, 0 / half / max counts on y.
  lines.push(`<line x1="${left}" y1="${px(baseY)}" x2="${px(left + plotW)}" y2="${px(baseY)}" stroke="#000"/>`);
  lines.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${px(baseY)}" stroke="#000"/>`);
  const edgeStep = bins.length > 10 ? 2 : 1;
  for (let i = 0; i <= bins.length; i += edgeStep) {
    const edge = i === bins.length ? bins[bins.length - 1]!.to : bins[i]!.from;
    const x = left + i * barW;
    lines.push(`<line x1="${px(x)}" y1="${px(baseY)}" x2="${px(x)}" y2="${px(baseY + 4)}" stroke="#000"/>`);
    lines.push(`<text x="${px(x)}" y="${px(baseY + 16)}" text-anchor="middle" font-size="10" ${FONT}>${escapeXml(formatTick(edge))}</text>`);
  }
  for (const c of [...new Set([0, Math.round(maxCount / 2), maxCount])]) {
    const y = baseY - (maxCount === 0 ? 0 : (c / maxCount) * plotH);
    lines.push(`<text x="${left - 6}" y="${px(y + 3)}" text-anchor="end" font-size="10" ${FONT}>${c}</text>`);
  }
  lines.push(`<text x="${px(left + plotW / 2)}" y="${px(height - 12)}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(opts.xLabel)}</text>`);
  lines.push(
    `<text x="14" y="${px(top + plotH / 2)}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${px(top + plotH / 2)})" ${FONT}>${escapeXml(opts.yLabel ?? 'count')}</text>`,
  );
  lines.push('</svg>');
  return lines.join('\n');
}

/** Horizontal bars (labels such as reason codes are long; they read better on the left). */
export function renderSvgBars(bars: readonly Bar[], opts: BarsOptions): string {
  const width = opts.width ?? 560;
  const rowH = 22;
  const top = 36;
  const bottom = opts.xLabel ? 36 : 16;
  const height = top + Math.max(1, bars.length) * rowH + bottom;
  const lines = open(width, height, opts.title);
  if (bars.length === 0) return noData(lines, width, height);

  const labelW = Math.min(240, 12 + 6.5 * Math.max(...bars.map((b) => b.label.length)));
  const left = labelW;
  const valueW = 56;
  const plotW = Math.max(40, width - left - valueW);
  const max = Math.max(...bars.map((b) => b.value), 0);

  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const w = max <= 0 ? 0 : (Math.max(0, b.value) / max) * plotW;
    lines.push(`<text x="${px(left - 6)}" y="${px(y + rowH / 2 + 4)}" text-anchor="end" font-size="11" ${FONT}>${escapeXml(b.label)}</text>`);
    lines.push(`<rect x="${px(left)}" y="${px(y + 3)}" width="${px(w)}" height="${px(rowH - 6)}" fill="#4a78b0"><title>${escapeXml(`${b.label}: ${formatTick(b.value)}`)}</title></rect>`);
    lines.push(`<text x="${px(left + w + 4)}" y="${px(y + rowH / 2 + 4)}" font-size="11" ${FONT}>${escapeXml(formatTick(b.value))}</text>`);
  });
  const baseY = top + bars.length * rowH;
  lines.push(`<line x1="${px(left)}" y1="${top}" x2="${px(left)}" y2="${px(baseY)}" stroke="#000"/>`);
  if (opts.xLabel) lines.push(`<text x="${px(left + plotW / 2)}" y="${px(height - 12)}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(opts.xLabel)}</text>`);
  lines.push('</svg>');
  return lines.join('\n');
}
