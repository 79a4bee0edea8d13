/**
 * CSV files of the results, one row per record, for spreadsheets and pandas:
 * epochs.csv (per run and epoch), steps.csv (per run and logging window), layers.csv (per run,
 * diagnostics moment and layer) and summary.csv (per scheme).
 */
import type { RunRecord } from './record.js';
import type { SchemeSummary } from './stats.js';

function cell(value: unknown): string {
  const text =
    typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value ?? '');
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Header row plus one row per object, columns in the given order.
 *
 * @example
 * ```ts
 * toCsv(['a', 'b'], [{ a: 1, b: 'x,y' }]); // 'a,b\n1,"x,y"\n'
 * ```
 */
export function toCsv(columns: string[], rows: Record<string, unknown>[]): string {
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

/** The four CSV files, by file name. */
export function csvFiles(runs: RunRecord[], summary: SchemeSummary[]): Record<string, string> {
  const id = (r: RunRecord) => ({ scheme: r.scheme, seed: r.seed });
  return {
    'epochs.csv': toCsv(
      [
        'scheme',
        'seed',
        'epoch',
        'step',
        'train_loss',
        'train_acc',
        'test_loss',
        'test_acc',
        'wall_time_s',
        'samples_per_s',
      ],
      runs.flatMap((r) => [
        { ...id(r), epoch: 0, step: 0, test_loss: r.init.test_loss, test_acc: r.init.test_acc },
        ...r.history.map((h) => ({ ...id(r), ...h })),
      ]),
    ),
    'steps.csv': toCsv(
      ['scheme', 'seed', 'step', 'loss', 'acc'],
      runs.flatMap((r) => r.steps.map((s) => ({ ...id(r), ...s }))),
    ),
    'layers.csv': toCsv(
      ['scheme', 'seed', 'epoch', 'layer', 'act_mean', 'act_std', 'grad_norm', 'weight_std'],
      runs.flatMap((r) =>
        r.diagnostics.flatMap((d) =>
          d.layers.map((l) => ({ ...id(r), epoch: d.epoch, layer: l.name, ...l })),
        ),
      ),
    ),
    'summary.csv': toCsv(
      [
        'scheme',
        'runs',
        'final_test_acc_mean',
        'final_test_acc_std',
        'final_test_loss_mean',
        'steps_to_50',
        'steps_to_90',
        'samples_per_s',
        'diverged',
      ],
      summary.map((s) => ({
        scheme: s.scheme,
        runs: s.runs,
        final_test_acc_mean: s.final_test_acc.mean,
        final_test_acc_std: s.final_test_acc.std,
        final_test_loss_mean: s.final_test_loss.mean,
        steps_to_50: s.steps_to_50.reached === s.runs ? s.steps_to_50.mean : '',
        steps_to_90: s.steps_to_90.reached === s.runs ? s.steps_to_90.mean : '',
        samples_per_s: s.samples_per_s,
        diverged: s.diverged,
      })),
    ),
  };
}
