/**
 * The report's figures, built from run records (and optionally a PyTorch reference, drawn dashed):
 * training loss over steps and test accuracy and loss over epochs, each scheme's mean across
 * seeds with a mean +- std band; activation std and gradient norm per layer at initialisation.
 */
import { SCHEMES } from './options.js';
import type { RunRecord } from './record.js';
import { bandOf } from './stats.js';
import { type ChartSpec, formatTick, lineChart, PALETTE, type Series } from './svg-chart.js';

/** One named figure: its file stem and its SVG. */
export interface Figure {
  name: string;
  title: string;
  /** One or two sentences saying what is drawn, shown under the figure in the report. */
  caption: string;
  svg: string;
}

/** Stable colour of a scheme: built-ins by their place in SCHEMES, user schemes after them. */
export function schemeColor(scheme: string, all: string[]): string {
  const builtin = (SCHEMES as readonly string[]).indexOf(scheme);
  const index =
    builtin >= 0
      ? builtin
      : SCHEMES.length + all.filter((s) => !(SCHEMES as readonly string[]).includes(s)).indexOf(scheme);
  return PALETTE[index % PALETTE.length]!;
}

type Extract = (run: RunRecord) => { x: number; y: number }[];

/** A loss above three times chance level (3 ln 10 = 6.9) counts as off the scale. */
const OFF_SCALE_LOSS = 3 * Math.LN10;

/**
 * Keeps a loss chart readable when a scheme's loss explodes (`uniform01` starts in the millions):
 * the y range is fitted to the other values and the title names the series left off the scale,
 * with their maximum. A log scale would squash the interesting range (0.1-2.3) instead.
 *
 * @example
 * ```ts
 * withOffScaleLosses({ title: 'Training loss', ... }).title; // 'Training loss (off the scale: uniform01 up to 2.3e6)'
 * ```
 */
export function withOffScaleLosses(spec: ChartSpec): ChartSpec {
  const finite = (ys: number[]) => ys.filter(Number.isFinite);
  const off = spec.series.filter((s) => finite(s.points.map((p) => p.y)).some((y) => y > OFF_SCALE_LOSS));
  if (off.length === 0) return spec;
  const inRange = finite(spec.series.flatMap((s) => s.points.map((p) => p.y))).filter(
    (y) => y <= OFF_SCALE_LOSS,
  );
  const top = inRange.length > 0 ? Math.max(...inRange) : Math.LN10;
  const names = off.map(
    (s) =>
      `${s.label} up to ${formatTick(Number(Math.max(...finite(s.points.map((p) => p.y))).toPrecision(2)))}`,
  );
  return {
    ...spec,
    title: `${spec.title} (off the scale: ${names.join(', ')})`,
    yDomain: [0, Math.ceil(top * 1.1 * 2) / 2],
  };
}

/** Mean line plus std band per scheme for one extracted series; reference runs dashed, no band. */
function seriesOf(runs: RunRecord[], reference: RunRecord[], extract: Extract, markers: boolean): Series[] {
  const schemes = [...new Set([...runs, ...reference].map((r) => r.scheme))];
  const out: Series[] = [];
  for (const [source, suffix, dashed] of [
    [runs, '', false],
    [reference, ' (PyTorch)', true],
  ] as const) {
    for (const scheme of schemes) {
      const mine = source.filter((r) => r.scheme === scheme);
      if (mine.length === 0) continue;
      const band = bandOf(mine.map(extract));
      const seeds = mine.length > 1 ? ` (${mine.length} seeds)` : '';
      out.push({
        label: `${scheme}${suffix}${dashed ? '' : seeds}`,
        color: schemeColor(scheme, schemes),
        points: band.map((b) => ({ x: b.x, y: b.mean })),
        ...(mine.length > 1 && !dashed
          ? { band: band.map((b) => ({ x: b.x, lo: b.mean - b.std, hi: b.mean + b.std })) }
          : {}),
        dashed,
        markers,
      });
    }
  }
  return out;
}

/** Per-layer series at initialisation, with the layer names as x tick labels. */
function perLayer(
  runs: RunRecord[],
  reference: RunRecord[],
  key: 'act_std' | 'grad_norm',
  title: string,
  yLabel: string,
): ChartSpec {
  const layersOf = (r: RunRecord) => r.diagnostics.find((d) => d.epoch === 0)?.layers ?? [];
  const names = layersOf(runs[0] ?? reference[0]!).map((l) => l.name);
  const every = Math.ceil(names.length / 12);
  return {
    title,
    xLabel: names.length > 12 ? 'layer (index)' : 'layer',
    yLabel,
    yScale: 'log',
    xTickLabels: names
      .map((n, i) => ({ x: i + 1, label: names.length > 12 ? String(i + 1) : n }))
      .filter((_, i) => i % every === 0),
    series: seriesOf(runs, reference, (r) => layersOf(r).map((l, i) => ({ x: i + 1, y: l[key] })), true),
  };
}

/**
 * All figures of a report.
 *
 * @example
 * ```ts
 * for (const fig of figures(runs, [])) writeFileSync(`${fig.name}.svg`, fig.svg);
 * ```
 */
export function figures(runs: RunRecord[], reference: RunRecord[]): Figure[] {
  const perEpoch =
    (key: 'test_acc' | 'test_loss'): Extract =>
    (r) => [{ x: 0, y: r.init[key] }, ...r.history.map((h) => ({ x: h.epoch, y: h[key] }))];
  const seeds = 'Lines: mean across seeds; band: mean ± std.';
  const dashed = reference.length > 0 ? ' Dashed: PyTorch reference.' : '';
  const specs: [string, string, ChartSpec][] = [
    [
      'train-loss',
      `Training cross-entropy averaged over each logging window. ${seeds}${dashed}`,
      withOffScaleLosses({
        title: 'Training loss',
        xLabel: 'step',
        yLabel: 'cross-entropy',
        series: seriesOf(runs, reference, (r) => r.steps.map((s) => ({ x: s.step, y: s.loss })), false),
      }),
    ],
    [
      'test-accuracy',
      `Accuracy on the test split after each epoch; epoch 0 is at initialisation. ${seeds}${dashed}`,
      {
        title: 'Test accuracy',
        xLabel: 'epoch',
        yLabel: 'accuracy',
        yDomain: [0, 1],
        series: seriesOf(runs, reference, perEpoch('test_acc'), true),
      },
    ],
    [
      'test-loss',
      `Cross-entropy on the test split after each epoch; epoch 0 is at initialisation. ${seeds}${dashed}`,
      withOffScaleLosses({
        title: 'Test loss',
        xLabel: 'epoch',
        yLabel: 'cross-entropy',
        series: seriesOf(runs, reference, perEpoch('test_loss'), true),
      }),
    ],
    [
      'activation-std-init',
      'Std of each Conv2d/Linear output (pre-activation) on a fixed batch at initialisation, log scale. ' +
        'Constant across depth means the scheme preserves the signal (He et al. 2015); shrinking means it vanishes.',
      perLayer(runs, reference, 'act_std', 'Layer output std at initialisation', 'std (log)'),
    ],
    [
      'grad-norm-init',
      'L2 norm of the gradient of the fixed batch’s mean cross-entropy with respect to each layer’s weight, at initialisation, log scale.',
      perLayer(runs, reference, 'grad_norm', 'Weight gradient norm at initialisation', '‖dL/dW‖ (log)'),
    ],
  ];
  return specs.map(([name, caption, spec]) => ({ name, title: spec.title, caption, svg: lineChart(spec) }));
}
