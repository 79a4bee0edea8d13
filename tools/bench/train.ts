/**
 * Training-step benchmark: the tutorial's MNIST CNN (shared/SEED.md model 3) trained as a user's
 * loop would run it through the public API — `@minidl/nn` model, `F.cross_entropy`, `backward()`,
 * `optim.SGD` (lr 0.01, momentum 0.9) `step()` and `zero_grad()`, batches from a shuffling
 * `data.DataLoader` over a `TensorDataset` iterated with `for await` — at batch 16, 64 and 256.
 *
 *   npm run bench -- train [--batch 16,64,256] [--json] [--reps 100] [--warmup 50] [--threads T]
 *                          [--backend wasm|js|tfjs] [--no-torch] [--wait-quiet SECONDS] [--repeat K]
 *   npm run bench -- train --steps 10000 [--batch 16] [--every 500] [--json]     (memory over steps)
 *
 * A step's time is the time between the ends of two consecutive loop iterations: it includes
 * fetching and collating the batch and the loader's yield to the event loop, as a user's epoch
 * does. Each batch size runs in a fresh process (so peak RSS is that configuration's alone); the
 * figure is the median step after warm-up (50 steps by default: V8 optimises the hot JavaScript and
 * the heap settles over the first few dozen steps, and an epoch is hundreds of steps, so a shorter
 * warm-up measures start-up rather than training), with the median process CPU time per step (all threads),
 * which other load on the machine distorts far less than wall time. With `--repeat K` each side runs
 * K times, alternating, and the fastest run's figures are kept (the one least disturbed by other
 * work on a shared machine); `load` is the 1-minute load average before and after. Where a PyTorch exists
 * (MINIDL_PYTHON, else .venv/bin/python), train_torch.py runs the same loop with the same thread
 * count and the ratio minidl / PyTorch samples per second is printed.
 *
 * With `--steps N` it instead trains N steps at one batch size (default 16) and reports every
 * `--every` steps the RSS, the JS heap and the wasm bytes held by live tensors, to show memory
 * stays flat.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitQuiet } from './lib/quiet.js';
import { type MemorySample, type StepStats, trainSteps } from './train/loop.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
};
const json = flag('--json');
const reps = Number(option('--reps', '100'));
const warmup = Number(option('--warmup', '50'));
const backend = option('--backend', 'wasm');
const threadsArg = option('--threads', '');
const memorySteps = Number(option('--steps', '0'));
const repeat = Math.max(1, Number(option('--repeat', '1')));

if (flag('--child')) {
  // one configuration in this process: print its StepStats as JSON
  const stats = await trainSteps({
    batch: Number(option('--batch', '64')),
    steps: warmup + reps,
    warmup,
    backend,
    threads: threadsArg ? Number(threadsArg) : undefined,
  });
  console.log(JSON.stringify(stats));
  process.exit(0);
}

if (memorySteps > 0) {
  const batch = Number(option('--batch', '16'));
  const every = Number(option('--every', String(Math.max(1, Math.round(memorySteps / 20)))));
  await waitQuiet(Number(option('--wait-quiet', '0')));
  const samples: MemorySample[] = [];
  await trainSteps({
    batch,
    steps: memorySteps,
    warmup: 0,
    backend,
    threads: threadsArg ? Number(threadsArg) : undefined,
    every,
    onSample: (s) => {
      samples.push(s);
      if (json) console.log(JSON.stringify({ mode: 'memory', batch, ...s }));
      else
        console.log(
          `step ${String(s.step).padStart(6)}: rss ${s.rss_mb} MB, js heap ${s.heap_mb} MB, ` +
            `wasm in use ${s.wasm_in_use_mb} MB (memory ${s.wasm_memory_mb} MB), ` +
            `${s.step_ms} ms/step, load ${s.load}`,
        );
    },
  });
  // flat means: no growth over the second half of the run, once the heap has reached its working size
  const mid = samples.find((s) => s.step >= memorySteps / 2)!;
  const last = samples[samples.length - 1]!;
  const growth = {
    mode: 'memory-growth',
    batch,
    from_step: mid.step,
    to_step: last.step,
    rss_mb: +(last.rss_mb - mid.rss_mb).toFixed(1),
    wasm_memory_mb: +((last.wasm_memory_mb ?? 0) - (mid.wasm_memory_mb ?? 0)).toFixed(1),
    max_rss_mb: Math.max(...samples.map((s) => s.rss_mb)),
  };
  if (json) console.log(JSON.stringify(growth));
  else
    console.log(
      `steps ${growth.from_step}-${growth.to_step}: RSS ${growth.rss_mb >= 0 ? '+' : ''}${growth.rss_mb} MB, ` +
        `wasm memory ${growth.wasm_memory_mb >= 0 ? '+' : ''}${growth.wasm_memory_mb} MB (max RSS ${growth.max_rss_mb} MB)`,
    );
  process.exit(0);
}

const batches = option('--batch', '16,64,256').split(',').map(Number);
const python = process.env.MINIDL_PYTHON ?? join(root, '.venv', 'bin', 'python');
const torch = !flag('--no-torch') && existsSync(python);
if (!torch && !flag('--no-torch')) console.error(`(no PyTorch at ${python}; set MINIDL_PYTHON to compare)`);
await waitQuiet(Number(option('--wait-quiet', '0')));

/** Runs a command that prints one JSON object as its last stdout line. */
function runJson<T>(cmd: string, args: string[]): T {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with status ${r.status}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

const common = ['--reps', String(reps), '--warmup', String(warmup)];
/** The fastest of several runs' medians: on a shared machine, the run least disturbed by others. */
const fastest = (runs: StepStats[]) => runs.reduce((a, b) => (b.step_ms < a.step_ms ? b : a));
for (const batch of batches) {
  const load = +loadavg()[0]!.toFixed(2);
  const mine: StepStats[] = [];
  const ref: StepStats[] = [];
  // minidl and PyTorch alternate, so a burst of load from elsewhere hits both alike
  for (let r = 0; r < repeat; r++) {
    mine.push(
      runJson<StepStats>(process.execPath, [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--child',
        '--batch',
        String(batch),
        '--backend',
        backend,
        ...(threadsArg ? ['--threads', threadsArg] : []),
        ...common,
      ]),
    );
    if (torch) {
      const threads = String(mine[0]!.threads);
      ref.push(
        runJson<StepStats>(python, [
          join(here, 'train_torch.py'),
          '--batch',
          String(batch),
          '--threads',
          threads,
          ...common,
        ]),
      );
    }
  }
  const best = fastest(mine);
  const result: Record<string, unknown> = { engine: 'minidl', backend, ...best, load, repeat };
  if (torch) {
    const tbest = fastest(ref);
    result.torch = tbest;
    result.ratio = +(best.samples_per_sec / tbest.samples_per_sec).toFixed(2);
  }
  result.load_after = +loadavg()[0]!.toFixed(2);
  if (json) {
    console.log(JSON.stringify(result));
    continue;
  }
  const line = (name: string, s: StepStats) =>
    `${name.padEnd(14)} batch ${String(batch).padStart(3)}: ${String(s.samples_per_sec).padStart(6)} samples/s, ` +
    `${s.step_ms} ms/step (cpu ${s.cpu_ms} ms), peak RSS ${s.peak_rss_mb} MB`;
  const loads = `load ${load}-${result.load_after}`;
  console.log(`${line(`minidl ${backend}`, best)}, ${best.threads} threads, ${loads}`);
  if (result.torch) {
    const t = result.torch as StepStats;
    console.log(`${line(`torch ${t.version ?? ''}`, t)}  -> ratio ${result.ratio}x`);
  }
}
