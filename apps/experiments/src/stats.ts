/**
 * Aggregates across seeds: mean and sample standard deviation (n - 1 in the denominator, like
 * torch.std's default; 0 for a single seed), and the per-scheme summary the terminal and the
 * report print.
 */
import type { RunRecord } from './record.js';

/** Mean and sample std of the finite values (NaN/Infinity from a diverged run are left out, counted in `n`). */
export function meanStd(values: number[]): { mean: number; std: number; n: number } {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

/**
 * First logged step at which the training accuracy, averaged over the `log_every` steps ending
 * there, reaches `threshold`; undefined if it never does.
 *
 * @example
 * ```ts
 * stepsToAccuracy(run, 0.9); // e.g. 350
 * ```
 */
export function stepsToAccuracy(run: RunRecord, threshold: number): number | undefined {
  return run.steps.find((s) => s.acc >= threshold)?.step;
}

/**
 * Whether a run learnt anything: its final test loss is at least 5% below both the loss at
 * initialisation and ln 10 = 2.303, the loss of predicting every digit with probability 1/10. The
 * second bound keeps a scheme whose initial loss is huge (uniform01) from counting as learning
 * merely because it fell back to chance.
 *
 * @example
 * ```ts
 * trains(run); // false for xavier on a 30-layer ReLU MLP, true for kaiming
 * ```
 */
export function trains(run: RunRecord): boolean {
  const last = run.history[run.history.length - 1];
  const baseline = Math.min(run.init.test_loss, Math.LN10);
  return last !== undefined && Number.isFinite(last.test_loss) && last.test_loss < 0.95 * baseline;
}

/** One row of the per-scheme summary. */
export interface SchemeSummary {
  scheme: string;
  runs: number;
  final_test_acc: { mean: number; std: number };
  final_test_loss: { mean: number; std: number };
  /** Mean over the seeds that reached it; `reached` of `runs` did. */
  steps_to_50: { mean: number; reached: number };
  steps_to_90: { mean: number; reached: number };
  samples_per_s: number;
  diverged: number;
}

function stepsSummary(runs: RunRecord[], threshold: number): { mean: number; reached: number } {
  const steps = runs.map((r) => stepsToAccuracy(r, threshold)).filter((s): s is number => s !== undefined);
  return { mean: meanStd(steps).mean, reached: steps.length };
}

/**
 * Summarises the runs of each scheme, in the order the schemes first appear.
 *
 * @example
 * ```ts
 * summarise(runs)[0].final_test_acc.mean; // e.g. 0.87
 * ```
 */
export function summarise(runs: RunRecord[]): SchemeSummary[] {
  const schemes = [...new Set(runs.map((r) => r.scheme))];
  return schemes.map((scheme) => {
    const mine = runs.filter((r) => r.scheme === scheme);
    const last = (r: RunRecord) => r.history[r.history.length - 1];
    const acc = meanStd(mine.map((r) => last(r)?.test_acc ?? Number.NaN));
    const loss = meanStd(mine.map((r) => last(r)?.test_loss ?? Number.NaN));
    return {
      scheme,
      runs: mine.length,
      final_test_acc: { mean: acc.mean, std: acc.std },
      final_test_loss: { mean: loss.mean, std: loss.std },
      steps_to_50: stepsSummary(mine, 0.5),
      steps_to_90: stepsSummary(mine, 0.9),
      samples_per_s: meanStd(mine.map((r) => r.samples_per_s)).mean,
      diverged: mine.filter((r) => r.diverged).length,
    };
  });
}

/**
 * Mean and std across runs of a series keyed by x (epochs, steps or layer indices); only the x
 * values every run has are kept, so a band never mixes in a missing seed.
 */
export function bandOf(series: { x: number; y: number }[][]): { x: number; mean: number; std: number }[] {
  if (series.length === 0) return [];
  const maps = series.map((s) => new Map(s.map((p) => [p.x, p.y])));
  const common = series[0]!.map((p) => p.x).filter((x) => maps.every((m) => m.has(x)));
  return common.map((x) => {
    const { mean, std } = meanStd(maps.map((m) => m.get(x)!));
    return { x, mean, std };
  });
}
