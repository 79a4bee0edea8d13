/**
 * Puts a results snapshot of the experiments app into the Experiments guide: the per-scheme summary
 * table, the mean test accuracy after each epoch, the configuration and machine, and the plots (PNG
 * files copied to docs/guides/media/experiments/, which TypeDoc copies into the site).
 *
 * Usage: `npx tsx tools/docs/snapshot-experiments.ts <results-dir>` (a folder written by
 * `npm run experiments -- --out <results-dir>`); then commit the guide and the copied images.
 *
 * It reads only the fields summary.json promises (issue #8): `config`, `versions`, `summary` (one
 * entry per scheme) and `runs` (`scheme`, `seed`, `history` of `{ epoch, test_acc, ... }`).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, replaceGenerated } from './generated.js';

/** The parts of the app's summary.json this script shows. */
export interface ResultsSummary {
  config: { model: string; epochs: number; batch_size: number; lr: number; optimizer: string; data: string };
  seeds: number[];
  versions: { node: string; cpu: string; threads: number };
  summary: Array<{
    scheme: string;
    runs: number;
    final_test_acc: { mean: number; std: number };
    final_test_loss: { mean: number; std: number };
    steps_to_50: { mean: number; reached: number };
    steps_to_90: { mean: number; reached: number };
    samples_per_s: number;
  }>;
  runs: Array<{ scheme: string; seed: number; history: Array<{ epoch: number; test_acc: number }> }>;
}

/** The plots the guide shows, by the app's file names, with the caption shown under each. */
export const PLOTS: ReadonlyArray<readonly [name: string, caption: string]> = [
  ['test-accuracy', 'Test accuracy after each epoch (epoch 0: at initialisation); band: ± std across seeds.'],
  ['train-loss', 'Training loss; band: ± std across seeds.'],
  ['activation-std-init', 'Standard deviation of each layer’s output at initialisation (log scale).'],
  ['grad-norm-init', 'Norm of each layer’s weight gradient at initialisation (log scale).'],
];

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function steps(s: { mean: number; reached: number }, runs: number): string {
  if (s.reached === 0) return 'never';
  const mean = Math.round(s.mean).toLocaleString('en-US');
  return s.reached === runs ? mean : `${mean} (${s.reached} of ${runs} runs)`;
}

/** The markdown of the snapshot section for `results`, with images under `mediaPath`. */
export function snapshotMarkdown(
  results: ResultsSummary,
  mediaPath: string,
  plots: readonly string[],
): string {
  const c = results.config;
  const v = results.versions;
  const lines = [
    `Configuration: model \`${c.model}\`, ${c.epochs} epochs, batch size ${c.batch_size}, ` +
      `${c.optimizer} with learning rate ${c.lr}, data \`${c.data}\`, seeds ${results.seeds.join(', ')}. ` +
      `Machine: ${v.cpu}, ${v.threads} threads, Node ${v.node}.`,
    '',
    markdownTable(
      ['scheme', 'final test accuracy', 'final test loss', 'steps to 50%', 'steps to 90%', 'samples/s'],
      results.summary.map((s) => [
        `\`${s.scheme}\``,
        `${pct(s.final_test_acc.mean)} ± ${pct(s.final_test_acc.std)}`,
        `${s.final_test_loss.mean.toFixed(3)} ± ${s.final_test_loss.std.toFixed(3)}`,
        steps(s.steps_to_50, s.runs),
        steps(s.steps_to_90, s.runs),
        Math.round(s.samples_per_s).toLocaleString('en-US'),
      ]),
      'lrrrrr',
    ),
    '',
    'Mean test accuracy across seeds after each epoch:',
    '',
    epochTable(results),
  ];
  for (const [name, caption] of PLOTS) {
    if (plots.includes(name)) lines.push('', `![${caption}](${mediaPath}/${name}.png)`, '', `*${caption}*`);
  }
  return lines.join('\n');
}

function epochTable(results: ResultsSummary): string {
  const schemes = results.summary.map((s) => s.scheme);
  const epochs = [...new Set(results.runs.flatMap((r) => r.history.map((h) => h.epoch)))].sort(
    (a, b) => a - b,
  );
  const rows = epochs.map((epoch) => [
    String(epoch),
    ...schemes.map((scheme) => {
      const accs = results.runs
        .filter((r) => r.scheme === scheme)
        .flatMap((r) => r.history.filter((h) => h.epoch === epoch).map((h) => h.test_acc));
      return accs.length ? pct(accs.reduce((a, b) => a + b, 0) / accs.length) : '—';
    }),
  ]);
  return markdownTable(['epoch', ...schemes.map((s) => `\`${s}\``)], rows, `l${'r'.repeat(schemes.length)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir || !existsSync(join(dir, 'summary.json'))) {
    console.error('usage: npx tsx tools/docs/snapshot-experiments.ts <results-dir containing summary.json>');
    process.exit(2);
  }
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const guide = join(repo, 'docs/guides/experiments.md');
  const media = join(repo, 'docs/guides/media/experiments');
  mkdirSync(media, { recursive: true });
  const copied = PLOTS.map(([name]) => name).filter((name) => {
    const png = join(dir, 'plots', `${name}.png`);
    if (!existsSync(png)) return false;
    copyFileSync(png, join(media, `${name}.png`));
    return true;
  });
  const results = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as ResultsSummary;
  const md = readFileSync(guide, 'utf8');
  writeFileSync(
    guide,
    replaceGenerated(md, 'experiments-snapshot', snapshotMarkdown(results, 'media/experiments', copied)),
  );
  console.log(`updated ${guide} and ${copied.length} plot(s) in ${media}`);
}
