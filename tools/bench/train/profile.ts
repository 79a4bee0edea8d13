/**
 * Where a training step's time goes: wraps every method of the current backend with a timer, runs
 * the benchmark loop, and prints the time per step in each backend method (and in what is left:
 * autograd, tensor bookkeeping, the optimizer's and the loader's JS) after warm-up.
 *
 *   node --conditions=@minidl/source --import tsx tools/bench/train/profile.ts [--batch 64] [--steps 20] [--threads 2]
 */
import { parseArgs } from 'node:util';
import * as torch from '@minidl/tensor';
import { trainSteps } from './loop.js';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '20' },
    threads: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const steps = Number(args.steps);
const warmup = 3;
torch.set_backend(args.backend as torch.BackendName, args.threads ? { threads: Number(args.threads) } : {});
const backend = torch.ones([1]).storage.backend as unknown as Record<string, unknown>;

const totals = new Map<string, { ms: number; calls: number }>();
let counting = false;
let depth = 0;
for (
  let proto = Object.getPrototypeOf(backend);
  proto && proto !== Object.prototype;
  proto = Object.getPrototypeOf(proto)
) {
  for (const name of Object.getOwnPropertyNames(proto)) {
    const f = backend[name];
    if (name === 'constructor' || typeof f !== 'function' || Object.hasOwn(backend, name)) continue;
    // the outermost backend call gets the time (fallbacks into the base class are not counted twice)
    backend[name] = function (this: unknown, ...a: unknown[]) {
      if (!counting || depth > 0) return (f as (...x: unknown[]) => unknown).apply(this, a);
      depth++;
      const t0 = performance.now();
      try {
        return (f as (...x: unknown[]) => unknown).apply(this, a);
      } finally {
        depth--;
        const key = name === 'unary' || name === 'binary' || name === 'reduce' ? `${name}:${a[0]}` : name;
        const e = totals.get(key) ?? { ms: 0, calls: 0 };
        e.ms += performance.now() - t0;
        e.calls++;
        totals.set(key, e);
      }
    };
  }
}

let wall = 0;
let step = 0;
let last = performance.now();
await trainSteps({
  batch: Number(args.batch),
  steps,
  warmup,
  backend: args.backend,
  threads: args.threads ? Number(args.threads) : undefined,
  every: 1,
  onSample: () => {
    const now = performance.now();
    if (step >= warmup) wall += now - last;
    step++;
    counting = step >= warmup;
    last = performance.now();
  },
});
const timed = steps - warmup;
let inBackend = 0;
const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms);
for (const [name, e] of rows) {
  inBackend += e.ms;
  console.log(
    `${name.padEnd(28)} ${(e.ms / timed).toFixed(2).padStart(8)} ms/step ${String(e.calls / timed).padStart(6)} calls/step`,
  );
}
console.log(`${'backend total'.padEnd(28)} ${(inBackend / timed).toFixed(2).padStart(8)} ms/step`);
console.log(`${'step (wall)'.padEnd(28)} ${(wall / timed).toFixed(2).padStart(8)} ms/step`);
