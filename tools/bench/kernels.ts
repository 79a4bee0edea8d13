/**
 * Kernel benchmark: sgemm 512^3 and every conv layer of the tutorial CNN at batch 64 (forward, input
 * gradient, weight gradient) on 1 and 2 threads with @minidl/kernels; the same work on tfjs-core's
 * 'cpu' backend (one timed run after one warm-up, and only sgemm plus conv1 and conv2 forward by
 * default: it is two to three orders of magnitude slower; `--tfjs-all` runs everything); and PyTorch
 * (tools/bench/kernels_torch.py, run with MINIDL_PYTHON or .venv/bin/python when present).
 * Each minidl/PyTorch figure is the median of several runs after a warm-up (see `median`); minidl also reports
 * the process CPU time per run (`cpu_ms`, all threads), which a busy machine distorts far less.
 *
 *   npm run bench -- kernels [--json] [--threads 1,2] [--reps 9] [--plain] [--no-tfjs] [--tfjs-all] [--no-torch]
 *                            [--wait-quiet SECONDS]
 *
 * --wait-quiet waits (up to the given time) until the CPUs are at least 90% idle before measuring:
 * the machine is shared and two cores are easily saturated by someone else's tests.
 *
 * The conv "step" total is what one training step of the tutorial CNN needs: all forwards, all weight
 * gradients, and input gradients of conv2 and conv3 (conv1's input needs no gradient; its time is
 * still reported).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKernels } from '@minidl/kernels';
import { waitQuiet } from './lib/quiet.js';

interface Result {
  engine: 'minidl' | 'tfjs-cpu' | 'torch';
  kernel: string;
  threads: number;
  ms: number;
  gflops: number;
  variant?: string;
  runs?: number;
  /** Median CPU time of the whole process per run (all threads): robust to other load on the machine. */
  cpu_ms?: number;
}

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const json = flag('--json');
const threadList = option('--threads', '1,2').split(',').map(Number);
const reps = Number(option('--reps', '9'));

const LAYERS = [
  { name: 'conv1', x: [64, 1, 28, 28], w: [16, 1, 3, 3] },
  { name: 'conv2', x: [64, 16, 28, 28], w: [32, 16, 3, 3] },
  { name: 'conv3', x: [64, 32, 14, 14], w: [64, 32, 3, 3] },
] as { name: string; x: [number, number, number, number]; w: [number, number, number, number] }[];
const PASSES = ['forward', 'input_grad', 'weight_grad'] as const;
const convFlops = (l: (typeof LAYERS)[number]) =>
  2 * l.x[0] * l.w[0] * l.x[2] * l.x[3] * l.w[1] * l.w[2] * l.w[3];
/** Whether a pass belongs to one training step (conv1's input gradient does not). */
const inStep = (layer: string, pass: string) => !(layer === 'conv1' && pass === 'input_grad');

const results: Result[] = [];
function report(r: Result): void {
  results.push(r);
  if (json) console.log(JSON.stringify(r));
}

/**
 * Median wall time and median process CPU time (ms) of `n` calls of `fn` after a warm-up of at
 * least 10 calls and 200 ms: V8 runs wasm first through its baseline compiler and tiers a function
 * up once it is hot, separately in every worker thread, so the first few dozen calls of a small
 * kernel can take three times as long (conv1's weight gradient on 2 threads: 0.64 ms, then 0.22).
 */
function median(fn: () => void, n: number): { ms: number; cpu: number } {
  const warmEnd = performance.now() + 200;
  for (let i = 0; i < 10 || performance.now() < warmEnd; i++) fn();
  const ts: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cs.push((c.user + c.system) / 1000);
  }
  const mid = (a: number[]) => a.sort((x, y) => x - y)[n >> 1]!;
  return { ms: mid(ts), cpu: mid(cs) };
}

await waitQuiet(Number(option('--wait-quiet', '0')));
const load0 = loadavg()[0]!;

// ---- minidl ----
for (const threads of threadList) {
  const k = loadKernels({ threads, relaxedSimd: flag('--plain') ? false : undefined });
  const fill = (p: number, n: number) => {
    const v = k.f32(p, n);
    for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.37);
  };
  const M = 512;
  const a = k.alloc(4 * M * M);
  const b = k.alloc(4 * M * M);
  const c = k.alloc(4 * M * M);
  fill(a, M * M);
  fill(b, M * M);
  const g = median(() => k.sgemm(false, false, M, M, M, 1, a, M, b, M, 0, c, M), reps * 2);
  report({
    engine: 'minidl',
    kernel: 'sgemm_512',
    threads,
    ms: g.ms,
    gflops: (2 * M ** 3) / g.ms / 1e6,
    variant: k.variant,
    cpu_ms: g.cpu,
  });
  for (const l of LAYERS) {
    const xn = l.x.reduce((p, q) => p * q);
    const wn = l.w.reduce((p, q) => p * q);
    const yn = l.x[0] * l.w[0] * l.x[2] * l.x[3];
    const [x, w, bias, y, dy, dx, dw] = [xn, wn, l.w[0], yn, yn, xn, wn].map((n) =>
      k.alloc(4 * n),
    ) as number[];
    for (const [p, n] of [
      [x, xn],
      [w, wn],
      [bias, l.w[0]],
      [dy, yn],
    ] as [number, number][])
      fill(p, n);
    const o = { padding: 1 };
    const run = {
      forward: () => k.conv2dForward(x!, l.x, w!, l.w, bias!, y!, { ...o, relu: true }),
      input_grad: () => k.conv2dInputGrad(w!, dy!, dx!, l.x, l.w, o),
      weight_grad: () => k.conv2dWeightGrad(x!, dy!, dw!, l.x, l.w, o),
    };
    for (const pass of PASSES) {
      const { ms: t, cpu } = median(run[pass], reps);
      report({
        cpu_ms: cpu,
        engine: 'minidl',
        kernel: `${l.name}_${pass}`,
        threads,
        ms: t,
        gflops: convFlops(l) / t / 1e6,
        variant: k.variant,
      });
    }
    for (const p of [x, w, bias, y, dy, dx, dw]) k.free(p!);
  }
  k.dispose();
}

// ---- tfjs-core 'cpu' ----
if (!flag('--no-tfjs')) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  const once = (fn: () => { dataSync(): unknown }) => {
    fn().dataSync();
    const t0 = performance.now();
    fn().dataSync();
    return performance.now() - t0;
  };
  const a = tf.randomNormal([512, 512]) as import('@tensorflow/tfjs-core').Tensor2D;
  const ms = once(() => tf.matMul(a, a));
  report({
    engine: 'tfjs-cpu',
    kernel: 'sgemm_512',
    threads: 1,
    ms,
    gflops: (2 * 512 ** 3) / ms / 1e6,
    runs: 1,
  });
  for (const l of LAYERS) {
    const x = tf.randomNormal([l.x[0], l.x[2], l.x[3], l.x[1]]) as import('@tensorflow/tfjs-core').Tensor4D;
    const w = tf.randomNormal([l.w[2], l.w[3], l.w[1], l.w[0]]) as import('@tensorflow/tfjs-core').Tensor4D;
    const dy = tf.randomNormal([l.x[0], l.x[2], l.x[3], l.w[0]]) as import('@tensorflow/tfjs-core').Tensor4D;
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC' };
    const run = {
      forward: () => tf.conv2d(x, w, 1, 'same'),
      input_grad: () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy, filter: w },
            { ...attrs, inputShape: x.shape },
          ) as import('@tensorflow/tfjs-core').Tensor,
      weight_grad: () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { ...attrs, filterShape: w.shape },
          ) as import('@tensorflow/tfjs-core').Tensor,
    };
    for (const pass of PASSES) {
      if (!flag('--tfjs-all') && !(l.name === 'conv1' || (l.name === 'conv2' && pass === 'forward')))
        continue;
      const t = once(run[pass]);
      report({
        engine: 'tfjs-cpu',
        kernel: `${l.name}_${pass}`,
        threads: 1,
        ms: t,
        gflops: convFlops(l) / t / 1e6,
        runs: 1,
      });
    }
  }
}

// ---- PyTorch ----
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const python = process.env.MINIDL_PYTHON ?? join(root, '.venv', 'bin', 'python');
if (!flag('--no-torch') && existsSync(python)) {
  const py = spawnSync(
    python,
    [
      join(root, 'tools', 'bench', 'kernels_torch.py'),
      '--threads',
      threadList.join(','),
      '--reps',
      String(reps),
    ],
    {
      encoding: 'utf8',
    },
  );
  if (py.status !== 0) console.error(`kernels_torch.py failed:\n${py.stderr}`);
  for (const line of py.stdout.split('\n')) if (line.trim()) report(JSON.parse(line) as Result);
} else if (!flag('--no-torch')) {
  console.error(`(no PyTorch at ${python}; set MINIDL_PYTHON to compare)`);
}

// ---- summary ----
const load1 = loadavg()[0]!;
const find = (engine: string, kernel: string, threads: number) =>
  results.find((r) => r.engine === engine && r.kernel === kernel && r.threads === threads);
for (const threads of threadList) {
  let total = 0;
  let cpuTotal = 0;
  let torchTotal = 0;
  for (const l of LAYERS) {
    for (const pass of PASSES) {
      if (!inStep(l.name, pass)) continue;
      total += find('minidl', `${l.name}_${pass}`, threads)?.ms ?? Number.NaN;
      cpuTotal += find('minidl', `${l.name}_${pass}`, threads)?.cpu_ms ?? Number.NaN;
      torchTotal += find('torch', `${l.name}_${pass}`, threads)?.ms ?? Number.NaN;
    }
  }
  const flops = LAYERS.reduce((s, l) => s + convFlops(l) * (l.name === 'conv1' ? 2 : 3), 0);
  report({
    engine: 'minidl',
    kernel: 'conv_step_total',
    threads,
    ms: total,
    gflops: flops / total / 1e6,
    cpu_ms: cpuTotal,
  });
  if (!Number.isNaN(torchTotal))
    report({
      engine: 'torch',
      kernel: 'conv_step_total',
      threads,
      ms: torchTotal,
      gflops: flops / torchTotal / 1e6,
    });
}
if (!json) {
  const kernels = [...new Set(results.map((r) => r.kernel))];
  const row = (cells: string[]) =>
    console.log(cells.map((c, i) => (i === 0 ? c.padEnd(32) : c.padStart(13))).join(''));
  row(['kernel', 'threads', 'minidl ms', 'GFLOP/s', 'cpu ms', 'torch ms', 'minidl/torch', 'tfjs-cpu ms']);
  for (const threads of threadList) {
    for (const kernel of kernels) {
      const m = find('minidl', kernel, threads);
      const t = find('torch', kernel, threads);
      const f = threads === 1 ? find('tfjs-cpu', kernel, 1) : undefined;
      if (!m) continue;
      const note = kernel === 'conv1_input_grad' ? ' (not in step)' : '';
      row([
        kernel + note,
        String(threads),
        m.ms.toFixed(2),
        m.gflops.toFixed(1),
        m.cpu_ms === undefined ? '-' : m.cpu_ms.toFixed(2),
        t ? t.ms.toFixed(2) : '-',
        t ? `${(m.ms / t.ms).toFixed(2)}x` : '-',
        f ? f.ms.toFixed(1) : '-',
      ]);
    }
  }
  const variant = results.find((r) => r.variant)?.variant;
  console.log(
    `\nbuild: ${variant}; load average ${load0.toFixed(2)} before, ${load1.toFixed(2)} after (2 cores; >0.5 means noisy figures).` +
      '\ncpu ms = CPU time of all threads per run: on a busy machine wall time inflates, CPU time much less.',
  );
}
