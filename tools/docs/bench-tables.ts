/**
 * Fills the Performance guide's kernel table from the kernel benchmark's JSON lines:
 *
 *   npm run bench -- kernels --json > kernels.jsonl
 *   npx tsx tools/docs/bench-tables.ts kernels kernels.jsonl
 *
 * One row per kernel (sgemm 512³, each tutorial-CNN convolution pass at batch 64, and the total
 * convolution work of a training step), one column per engine and thread count with its median time
 * and GFLOP/s, and minidl's speed relative to PyTorch at the same thread count. The machine line comes
 * from the machine the script runs on: run it where the benchmark ran.
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [which, file] = process.argv.slice(2);
  if (which !== 'kernels' || !file) {
    console.error(
      'usage: npx tsx tools/docs/bench-tables.ts kernels <file of `npm run bench -- kernels --json` lines>',
    );
    process.exit(2);
  }
  const results = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as KernelResult);
  const guide = join(dirname(fileURLToPath(import.meta.url)), '../../docs/guides/performance.md');
  const body = [
    `Median times (and GFLOP/s) measured by \`npm run bench -- kernels\` on ${cpus()[0]?.model ?? 'this machine'}, ` +
      `${cpus().length} cores, Node ${process.version}; the last columns give PyTorch's time divided by minidl's ` +
      '(above 1: minidl is faster).',
    '',
    kernelTable(results),
  ].join('\n');
  writeFileSync(guide, replaceGenerated(readFileSync(guide, 'utf8'), 'bench-kernels', body));
  console.log(`wrote the bench-kernels section of ${guide} from ${results.length} results`);
}
