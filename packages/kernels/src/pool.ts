/**
 * Thread pool over Node `worker_threads`: every worker instantiates the same compiled module over the
 * same shared `WebAssembly.Memory`, then waits for jobs on an Int32Array control block.
 *
 * Dispatch is a write of the job (export index + numeric arguments) into the worker's Float64Array
 * slot, then a bump of its sequence word and `Atomics.notify`. A worker spins briefly on the sequence
 * word before `Atomics.wait` (a wait/notify round trip costs 50-70 us here, a spin well under 1 us),
 * runs the export, and publishes the sequence number it finished. The worker's "last seen" sequence
 * starts at 0 rather than being read from the control block: the main thread may already have
 * dispatched job 1 before the worker runs, and reading it would lose that wakeup (the probe deadlocked
 * on exactly this). Workers are unref'd, so an idle pool never keeps Node alive.
 */
import { nodeBuiltin } from './loader.js';

/** Float64 slots per worker: export index, argument count, up to 30 arguments. */
const SLOT = 32;
/** Spin iterations before blocking (a few tens of microseconds). */
const SPIN = 20000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctl, params, index, names, spin } = workerData;
const seqAt = 2 * index, doneAt = 2 * index + 1;
let fns;
try {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  fns = names.map((n) => exports[n]);
} catch (e) {
  console.error('@minidl/kernels worker ' + index + ' failed to start:', e);
  Atomics.store(ctl, doneAt, -1);
  Atomics.notify(ctl, doneAt);
  throw e;
}
const p = new Float64Array(params, index * ${SLOT} * 8, ${SLOT});
let last = 0;
for (;;) {
  let s = Atomics.load(ctl, seqAt);
  for (let i = 0; s === last && i < spin; i++) s = Atomics.load(ctl, seqAt);
  while (s === last) {
    Atomics.wait(ctl, seqAt, last);
    s = Atomics.load(ctl, seqAt);
  }
  last = s;
  const f = p[0];
  if (f < 0) break;
  try {
    fns[f](...p.subarray(2, 2 + p[1]));
    Atomics.store(ctl, doneAt, s);
  } catch (e) {
    console.error('@minidl/kernels worker ' + index + ':', e);
    Atomics.store(ctl, doneAt, -1);
  }
  Atomics.notify(ctl, doneAt);
}
`;

interface WorkerLike {
  unref(): void;
  terminate(): Promise<number>;
}
type WorkerCtor = new (
  source: string,
  options: { eval: boolean; workerData: unknown; stdout?: boolean; stderr?: boolean },
) => WorkerLike;

/** Whether worker threads over a shared memory can run here (Node with SharedArrayBuffer). */
export function threadsAvailable(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && nodeBuiltin('node:worker_threads') !== undefined;
}

/**
 * Workers 1..n-1 of an n-thread team (the calling thread is worker 0).
 *
 * @example
 * ```ts
 * const pool = new ThreadPool(module, sharedMemory, 1, ['sgemm']);
 * pool.dispatch(1, 0, args); exports.sgemm(...myArgs); pool.join();
 * pool.dispose();
 * ```
 */
export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly params: Float64Array;
  private readonly workers: WorkerLike[] = [];
  private readonly seq: number[];
  private readonly pending: number[] = [];
  private readonly nameIndex = new Map<string, number>();
  private disposed = false;

  /**
   * @param module the compiled threaded build
   * @param memory the shared memory every instance imports
   * @param size number of workers to start (threads - 1)
   * @param names exports that jobs may call
   */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    size: number,
    names: readonly string[],
  ) {
    const wt = nodeBuiltin<{ Worker: WorkerCtor }>('node:worker_threads');
    if (!wt)
      throw new Error('ThreadPool: worker_threads is unavailable here; load the kernels with threads: 1');
    names.forEach((n, i) => {
      this.nameIndex.set(n, i);
    });
    this.ctl = new Int32Array(new SharedArrayBuffer(8 * (size + 1)));
    const params = new SharedArrayBuffer(8 * SLOT * (size + 1));
    this.params = new Float64Array(params);
    this.seq = new Array<number>(size + 1).fill(0);
    for (let i = 1; i <= size; i++) {
      const worker = new wt.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, ctl: this.ctl, params, index: i, names, spin: SPIN },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Number of workers (threads besides the caller). */
  get size(): number {
    return this.workers.length;
  }

  /** Starts `name(...args)` on worker `w` (1-based). Pair every dispatch with a {@link join}. */
  dispatch(w: number, name: string, args: readonly number[]): void {
    if (this.disposed) throw new Error('ThreadPool: used after dispose()');
    const f = this.nameIndex.get(name);
    if (f === undefined) throw new Error(`ThreadPool: ${name} is not a dispatchable export`);
    const base = w * SLOT;
    this.params[base] = f;
    this.params[base + 1] = args.length;
    this.params.set(args, base + 2);
    const s = ++this.seq[w]!;
    Atomics.store(this.ctl, 2 * w, s);
    Atomics.notify(this.ctl, 2 * w);
    this.pending.push(w);
  }

  /** Waits until every dispatched job has finished; throws if one failed. */
  join(): void {
    let failed = false;
    for (const w of this.pending) {
      const want = this.seq[w]!;
      const at = 2 * w + 1;
      let v = Atomics.load(this.ctl, at);
      for (let i = 0; v !== want && v !== -1 && i < SPIN; i++) v = Atomics.load(this.ctl, at);
      while (v !== want && v !== -1) {
        Atomics.wait(this.ctl, at, v);
        v = Atomics.load(this.ctl, at);
      }
      if (v === -1) failed = true;
    }
    this.pending.length = 0;
    if (failed) throw new Error('ThreadPool: a worker failed (its error is on stderr)');
  }

  /** Stops the workers. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (let w = 1; w <= this.workers.length; w++) {
      this.params[w * SLOT] = -1;
      Atomics.store(this.ctl, 2 * w, ++this.seq[w]!);
      Atomics.notify(this.ctl, 2 * w);
    }
    for (const worker of this.workers) void worker.terminate();
  }
}
