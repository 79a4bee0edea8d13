/**
 * Fills the Performance guide's benchmark tables from the benchmarks' JSON lines:
 *
 *   npm run bench -- kernels --json > kernels.jsonl
 *   npx tsx tools/docs/bench-tables.ts kernels kernels.jsonl
 *   npm run bench -- train --json > train.jsonl      (add `--steps 10000 --json` lines for memory)
 *   npx tsx tools/docs/bench-tables.ts train train.jsonl
 *
 * Kernels: one row per kernel (sgemm 512³, each tutorial-CNN convolution pass at batch 64, and the
 * total convolution work of a training step), one column per engine and thread count with its median
 * time and GFLOP/s, and minidl's speed relative to PyTorch at the same thread count. Training: one row
 * per batch size with minidl's and PyTorch's step time, samples/s and peak memory, and their ratio.
 * The machine line comes from the machine the script runs on: run it where the benchmark ran.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, replaceGenerated } from './generated.js';

/** One line of `npm run bench -- kernels --json`. */
export interface KernelResult {
  engine: string;
  kernel: string;
  threads: number;
  ms: number;
  gflops: number;
}

const ENGINE_ORDER = ['minidl', 'torch', 'tfjs-cpu'];
const ENGINE_NAME: Record<string, string> = {
  minidl: 'minidl',
  torch: 'PyTorch',
  'tfjs-cpu': 'tfjs-core cpu',
};

const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** The kernel table as markdown: a `ms (GFLOP/s)` cell per engine and thread count. */
export function kernelTable(results: readonly KernelResult[]): string {
  const kernels = [...new Set(results.map((r) => r.kernel))];
  const columns = [...new Set(results.map((r) => `${r.engine}\t${r.threads}`))]
    .map((key) => {
      const [engine, threads] = key.split('\t') as [string, string];
      return { engine, threads: Number(threads) };
    })
    .sort((a, b) => ENGINE_ORDER.indexOf(a.engine) - ENGINE_ORDER.indexOf(b.engine) || a.threads - b.threads);
  const find = (kernel: string, engine: string, threads: number) =>
    results.find((r) => r.kernel === kernel && r.engine === engine && r.threads === threads);
  const ratioThreads = columns.filter((c) => c.engine === 'torch').map((c) => c.threads);
  const rows = kernels.map((kernel) => [
    `\`${kernel}\``,
    ...columns.map((c) => {
      const r = find(kernel, c.engine, c.threads);
      return r ? `${fmtMs(r.ms)} ms (${r.gflops.toFixed(1)})` : '—';
    }),
    ...ratioThreads.map((t) => {
      const ours = find(kernel, 'minidl', t);
      const torch = find(kernel, 'torch', t);
      return ours && torch ? `${(torch.ms / ours.ms).toFixed(2)}×` : '—';
    }),
  ]);
  const header = [
    'kernel',
    ...columns.map(
      (c) => `${ENGINE_NAME[c.engine] ?? c.engine}, ${c.threads} thread${c.threads > 1 ? 's' : ''}`,
    ),
    ...ratioThreads.map((t) => `minidl speed vs PyTorch, ${t} thread${t > 1 ? 's' : ''}`),
  ];
  return markdownTable(header, rows, `l${'r'.repeat(header.length - 1)}`);
}

/** The part of a training-step benchmark result the table shows (`npm run bench -- train --json`). */
export interface StepResult {
  batch: number;
  threads: number;
  step_ms: number;
  samples_per_sec: number;
  peak_rss_mb: number;
}

/** A line of `npm run bench -- train --json`: minidl's figures, with PyTorch's when it ran. */
export interface TrainResult extends StepResult {
  engine: string;
  torch?: StepResult;
  ratio?: number;
}

/** Memory over a long run (`npm run bench -- train --steps N --json`, its last line). */
export interface MemoryGrowth {
  from_step: number;
  to_step: number;
  rss_mb: number;
  wasm_memory_mb: number;
  max_rss_mb: number;
}

/** The training-step table as markdown, and a sentence on memory when a long run is included. */
export function trainTable(lines: ReadonlyArray<TrainResult | MemoryGrowth>): string {
  const steps = lines.filter((l): l is TrainResult => 'engine' in l && l.engine === 'minidl');
  const rows = steps.map((r) => [
    String(r.batch),
    String(r.threads),
    fmtMs(r.step_ms),
    Math.round(r.samples_per_sec).toLocaleString('en-US'),
    `${Math.round(r.peak_rss_mb)} MB`,
    r.torch ? fmtMs(r.torch.step_ms) : '—',
    r.torch ? Math.round(r.torch.samples_per_sec).toLocaleString('en-US') : '—',
    r.torch ? `${(r.samples_per_sec / r.torch.samples_per_sec).toFixed(2)}×` : '—',
  ]);
  const table = markdownTable(
    [
      'batch',
      'threads',
      'minidl ms/step',
      'minidl samples/s',
      'minidl peak RSS',
      'PyTorch ms/step',
      'PyTorch samples/s',
      'minidl / PyTorch',
    ],
    rows,
    'rrrrrrrr',
  );
  const growth = lines.find((l): l is MemoryGrowth => 'from_step' in l);
  if (!growth) return table;
  const signed = (mb: number) => `${mb >= 0 ? '+' : ''}${mb} MB`;
  return `${table}\n\nMemory over a long run: from step ${growth.from_step} to step ${growth.to_step}, RSS changed by ${signed(growth.rss_mb)} and WebAssembly memory by ${signed(growth.wasm_memory_mb)} (peak RSS ${growth.max_rss_mb} MB).`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [which, file] = process.argv.slice(2);
  if ((which !== 'kernels' && which !== 'train') || !file) {
    console.error(
      "usage: npx tsx tools/docs/bench-tables.ts kernels|train <file of the benchmark's --json lines>",
    );
    process.exit(2);
  }
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  const guide = join(dirname(fileURLToPath(import.meta.url)), '../../docs/guides/performance.md');
  const machine = `${cpus()[0]?.model ?? 'this machine'}, ${cpus().length} cores, Node ${process.version}`;
  const body =
    which === 'kernels'
      ? `Median times (and GFLOP/s) measured by \`npm run bench -- kernels\` on ${machine}; the last columns give ` +
        `PyTorch's time divided by minidl's (above 1: minidl is faster).\n\n${kernelTable(lines as KernelResult[])}`
      : `Median training step of the tutorial CNN through the public API (\`npm run bench -- train\`), SGD with ` +
        `momentum, on ${machine}; the last column is minidl's samples/s divided by PyTorch's.\n\n${trainTable(lines)}`;
  const section = which === 'kernels' ? 'bench-kernels' : 'bench-train';
  writeFileSync(guide, replaceGenerated(readFileSync(guide, 'utf8'), section, body));
  console.log(`wrote the ${section} section of ${guide} from ${lines.length} results`);
}
