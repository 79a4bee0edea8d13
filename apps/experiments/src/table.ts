/**
 * The per-scheme summary as text: final test accuracy mean ± std, steps to 50% and 90% training
 * accuracy, final test loss and throughput. Printed at the end of a run and shown in report.html.
 */
import type { SchemeSummary } from './stats.js';

/** Percent with one decimal: 0.8734 -> '87.3%'. */
export function percent(value: number): string {
  return Number.isFinite(value) ? `${(100 * value).toFixed(1)}%` : 'n/a';
}

/** '87.3% ± 0.4' (the std in percentage points; omitted for a single seed). */
export function accuracyCell(s: SchemeSummary): string {
  const std =
    s.runs > 1 && Number.isFinite(s.final_test_acc.std)
      ? ` ± ${(100 * s.final_test_acc.std).toFixed(1)}`
      : '';
  return `${percent(s.final_test_acc.mean)}${std}`;
}

/** Mean steps over the seeds that got there; '-' if none did, 'n of m' marks partial success. */
export function stepsCell(steps: { mean: number; reached: number }, runs: number): string {
  if (steps.reached === 0) return '-';
  const mean = String(Math.round(steps.mean));
  return steps.reached === runs ? mean : `${mean} (${steps.reached} of ${runs})`;
}

/** The column headers and the row cells of a summary, shared by the terminal table and the report. */
export function summaryRows(summary: SchemeSummary[]): { header: string[]; rows: string[][] } {
  return {
    header: [
      'scheme',
      'seeds',
      'final test acc',
      'steps to 50%',
      'steps to 90%',
      'final test loss',
      'samples/s',
    ],
    rows: summary.map((s) => [
      s.diverged > 0 ? `${s.scheme} (${s.diverged} diverged)` : s.scheme,
      String(s.runs),
      accuracyCell(s),
      stepsCell(s.steps_to_50, s.runs),
      stepsCell(s.steps_to_90, s.runs),
      Number.isFinite(s.final_test_loss.mean) ? s.final_test_loss.mean.toFixed(4) : 'n/a',
      Number.isFinite(s.samples_per_s) ? String(Math.round(s.samples_per_s)) : 'n/a',
    ]),
  };
}

/**
 * A plain-text table with aligned columns (first column left-aligned, the rest right-aligned).
 *
 * @example
 * ```ts
 * console.log(textTable(['a', 'b'], [['x', '1']]));
 * ```
 */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
