/**
 * A small SVG line chart: axes with round-numbered ticks, linear or log y, lines with optional
 * shaded bands (mean +- std across seeds), dashed lines (e.g. a PyTorch reference) and a legend.
 * The output is a standalone SVG string that resvg renders to PNG and report.html inlines.
 */

/** One line of a chart. Non-finite y values break the line instead of drawing to infinity. */
export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
  /** A shaded band, e.g. mean - std to mean + std. */
  band?: { x: number; lo: number; hi: number }[];
  dashed?: boolean;
  /** Draw a dot at every point (for short series such as per-epoch values). */
  markers?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
  yScale?: 'linear' | 'log';
  /** Fixed y range; otherwise the data's range, padded. */
  yDomain?: [number, number];
  /** Categorical tick labels at given x values (e.g. layer names); otherwise round numbers. */
  xTickLabels?: { x: number; label: string }[];
}

/** Okabe-Ito colour-blind-safe palette, then a few distinct extras, for up to 12 series. */
export const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
  '#8C564B',
  '#7F7F7F',
  '#BCBD22',
  '#17BECF',
  '#9467BD',
];

export const FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', Lato, Arial, Helvetica, sans-serif";

/** XML-escapes text for element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/**
 * About `count` ticks at 1, 2 or 5 times a power of ten covering [min, max].
 *
 * @example
 * ```ts
 * niceTicks(0, 0.93, 5); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * ```
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, min + pad, count);
  }
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const first = Math.floor(min / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v < max + step - 1e-9 * step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/**
 * Powers of ten covering [min, max] (min > 0); adds 2x and 5x when that is fewer than three.
 *
 * @example
 * ```ts
 * logTicks(0.003, 2); // [0.001, 0.01, 0.1, 1, 10]
 * ```
 */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const decades: number[] = [];
  for (let e = lo; e <= hi; e++) decades.push(Number((10 ** e).toPrecision(12)));
  if (decades.length >= 3) {
    const stride = Math.ceil(decades.length / 8);
    return decades.filter((_, i) => i % stride === 0 || i === decades.length - 1);
  }
  const fine: number[] = [];
  for (const d of decades) for (const m of [1, 2, 5]) fine.push(Number((d * m).toPrecision(12)));
  return fine.filter((v) => v >= 10 ** lo && v <= 10 ** hi);
}

/** Short tick text: 0.0002 -> '2e-4', 1500 -> '1500', 0.25 -> '0.25'. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) {
    const [mantissa, exponent] = value.toExponential().split('e');
    return `${Number(Number(mantissa).toPrecision(3))}e${Number(exponent)}`;
  }
  return String(Number(value.toPrecision(4)));
}

/** A short deterministic hash (FNV-1a, base 36) of a string. */
function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

const f = (v: number) => Number(v.toFixed(2));

/**
 * Renders a line chart as a standalone SVG document.
 *
 * @example
 * ```ts
 * const svg = lineChart({ title: 'Test accuracy', xLabel: 'epoch', yLabel: 'accuracy',
 *   series: [{ label: 'kaiming', color: PALETTE[0], points: [{ x: 0, y: 0.1 }, { x: 1, y: 0.87 }] }] });
 * ```
 */
export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 380;
  const log = spec.yScale === 'log';
  const legendWidth = Math.min(220, 28 + 7 * Math.max(8, ...spec.series.map((s) => s.label.length)));
  const m = { left: 70, right: legendWidth + 16, top: 40, bottom: 52 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;

  const usable = (y: number) => Number.isFinite(y) && (!log || y > 0);
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = spec.series
    .flatMap((s) => [...s.points.map((p) => p.y), ...(s.band ?? []).flatMap((b) => [b.lo, b.hi])])
    .filter(usable);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  let [yLo, yHi] = spec.yDomain ?? (ys.length ? [Math.min(...ys), Math.max(...ys)] : log ? [0.1, 1] : [0, 1]);
  let yTicks: number[];
  if (log) {
    yTicks = logTicks(yLo, yHi);
    yLo = yTicks[0]!;
    yHi = yTicks[yTicks.length - 1]!;
  } else {
    yTicks = niceTicks(yLo, yHi);
    if (spec.yDomain === undefined) {
      yLo = yTicks[0]!;
      yHi = yTicks[yTicks.length - 1]!;
    } else yTicks = yTicks.filter((t) => t >= yLo - 1e-12 && t <= yHi + 1e-12);
  }
  const xSpan = xMax > xMin ? xMax - xMin : 1;
  const sx = (x: number) => m.left + ((x - xMin) / xSpan) * plotW;
  const ty = (y: number) => (log ? Math.log10(y) : y);
  const sy = (y: number) => {
    const t = (ty(y) - ty(yLo)) / (ty(yHi) - ty(yLo) || 1);
    return m.top + plotH - Math.min(1.02, Math.max(-0.02, t)) * plotH;
  };

  // Unique per chart so that several charts inlined in one HTML page keep their own clip paths.
  const clipId = `clip-${hashText(spec.title + spec.series.map((s) => s.label).join('|'))}`;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${m.left}" y="24" font-size="15" font-weight="bold" fill="#222">${escapeXml(spec.title)}</text>`,
  );
  // Grid and y ticks.
  for (const t of yTicks) {
    const y = f(sy(t));
    parts.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${y}" y2="${y}" stroke="#e4e4e4"/>`,
      `<text x="${m.left - 6}" y="${y + 4}" text-anchor="end" fill="#444">${formatTick(t)}</text>`,
    );
  }
  // x ticks: categorical labels, or round numbers within the data range.
  // Integer data (epochs, steps) gets integer ticks only.
  const integral = xs.every(Number.isInteger);
  const xTicks =
    spec.xTickLabels ??
    niceTicks(xMin, xMax, 6)
      .filter((t) => t >= xMin - 1e-9 && t <= xMax + 1e-9 && (!integral || Number.isInteger(t)))
      .map((x) => ({ x, label: formatTick(x) }));
  const stride = Math.ceil(xTicks.length / Math.max(1, Math.floor(plotW / 48)));
  xTicks.forEach((t, i) => {
    if (i % stride !== 0) return;
    const x = f(sx(t.x));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${m.top + plotH}" y2="${m.top + plotH + 4}" stroke="#444"/>`,
      `<text x="${x}" y="${m.top + plotH + 17}" text-anchor="middle" fill="#444">${escapeXml(t.label)}</text>`,
    );
  });
  parts.push(
    `<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${m.left + plotW / 2}" y="${height - 10}" text-anchor="middle" fill="#222">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#222">${escapeXml(spec.yLabel)}</text>`,
    `<clipPath id="${clipId}"><rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}"/></clipPath>`,
    `<g clip-path="url(#${clipId})">`,
  );
  for (const s of spec.series) {
    const band = (s.band ?? []).filter((b) => usable(b.hi));
    if (band.length > 1) {
      const lo = (v: number) => (usable(v) ? v : yLo);
      const upper = band.map((b) => `${f(sx(b.x))},${f(sy(b.hi))}`);
      const lower = band.map((b) => `${f(sx(b.x))},${f(sy(lo(b.lo)))}`).reverse();
      parts.push(
        `<polygon points="${[...upper, ...lower].join(' ')}" fill="${s.color}" fill-opacity="0.18" stroke="none"/>`,
      );
    }
    let d = '';
    let pen = false;
    for (const p of s.points) {
      if (!usable(p.y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${f(sx(p.x))},${f(sy(p.y))}`;
      pen = true;
    }
    if (d !== '') {
      parts.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    if (s.markers) {
      for (const p of s.points.filter((q) => usable(q.y))) {
        parts.push(
          `<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="3" fill="${s.dashed ? '#fff' : s.color}" stroke="${s.color}" stroke-width="1.5"/>`,
        );
      }
    }
  }
  parts.push('</g>');
  // Legend, to the right of the plot.
  const lx = m.left + plotW + 14;
  spec.series.forEach((s, i) => {
    const y = m.top + 8 + i * 18;
    parts.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${lx + 28}" y="${y + 4}" fill="#222">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
