/**
 * Thread pool: every worker instantiates the same compiled module over the same shared
 * `WebAssembly.Memory`, then waits for jobs on an Int32Array control block. In Node the workers are
 * `worker_threads`; in a cross-origin-isolated browser page they are Web Workers.
 *
 * Dispatch is a write of the job (export index + numeric arguments) into the worker's Float64Array
 * slot, then a bump of its sequence word and `Atomics.notify`. A worker spins briefly on the sequence
 * word before `Atomics.wait` (a wait/notify round trip costs 50-70 us here, a spin well under 1 us),
 * runs the export, and publishes the sequence number it finished. The worker's "last seen" sequence
 * starts at 0 rather than being read from the control block: the main thread may already have
 * dispatched job 1 before the worker runs, and reading it would lose that wakeup (the probe deadlocked
 * on exactly this). Node workers are unref'd, so an idle pool never keeps Node alive. A browser's main
 * thread may not block in `Atomics.wait`, so there the caller only spins while it waits.
 */
import { nodeBuiltin } from './loader.js';

/** Float64 slots per worker: export index, argument count, up to 30 arguments. */
const SLOT = 32;
/** Spin iterations before blocking (a few tens of microseconds). */
const SPIN = 20000;

/** The worker's whole program; `start(data, ready)` never returns while the pool lives. */
const WORKER_MAIN = `
function start({ module, memory, ctl, params, index, names, spin }, ready) {
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
  ready();
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
}
`;
const NODE_WORKER = `${WORKER_MAIN}\nstart(require('node:worker_threads').workerData, () => {});`;
const BROWSER_WORKER = `${WORKER_MAIN}\nself.onmessage = (e) => start(e.data, () => self.postMessage('ready'));`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
}
type NodeWorkerCtor = new (source: string, options: { eval: boolean; workerData: unknown }) => NodeWorker;

interface WebWorker {
  postMessage(data: unknown): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error', fn: (e: { data?: unknown; message?: string }) => void): void;
}
type WebWorkerCtor = new (url: string) => WebWorker;

function webWorkerCtor(): WebWorkerCtor | undefined {
  const g = globalThis as { Worker?: WebWorkerCtor; crossOriginIsolated?: boolean };
  return g.crossOriginIsolated === true ? g.Worker : undefined;
}

/**
 * Whether worker threads over a shared memory can run here: Node, or a browser page that is
 * cross-origin isolated (COOP/COEP headers), which is what enables SharedArrayBuffer.
 *
 * @example
 * ```ts
 * loadKernels({ threads: threadsAvailable() ? 2 : 1 });
 * ```
 */
export function threadsAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  return nodeBuiltin('node:worker_threads') !== undefined || webWorkerCtor() !== undefined;
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
  private readonly workers: { terminate(): unknown }[] = [];
  /** Whether the calling thread may block in Atomics.wait (not a browser's main thread). */
  private readonly canBlock: boolean;
  /** Settles when every worker has instantiated the module (browsers start workers asynchronously). */
  readonly ready: Promise<void>;
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
    names.forEach((n, i) => {
      this.nameIndex.set(n, i);
    });
    this.ctl = new Int32Array(new SharedArrayBuffer(8 * (size + 1)));
    const params = new SharedArrayBuffer(8 * SLOT * (size + 1));
    this.params = new Float64Array(params);
    this.seq = new Array<number>(size + 1).fill(0);
    const data = (index: number) => ({ module, memory, ctl: this.ctl, params, index, names, spin: SPIN });
    const node = nodeBuiltin<{ Worker: NodeWorkerCtor }>('node:worker_threads');
    if (node) {
      this.canBlock = true;
      for (let i = 1; i <= size; i++) {
        const worker = new node.Worker(NODE_WORKER, { eval: true, workerData: data(i) });
        worker.unref();
        this.workers.push(worker);
      }
      this.ready = Promise.resolve();
      return;
    }
    const Web = webWorkerCtor();
    if (!Web) {
      throw new Error(
        'ThreadPool: no worker threads here (in a browser the page must be cross-origin isolated)',
      );
    }
    this.canBlock = false;
    const url = URL.createObjectURL(new Blob([BROWSER_WORKER], { type: 'text/javascript' }));
    const started: Promise<void>[] = [];
    for (let i = 1; i <= size; i++) {
      const worker = new Web(url);
      started.push(
        new Promise((resolve, reject) => {
          worker.addEventListener('message', () => resolve());
          worker.addEventListener('error', (e) =>
            reject(new Error(`ThreadPool: worker failed to start: ${e.message}`)),
          );
        }),
      );
      worker.postMessage(data(i));
      this.workers.push(worker);
    }
    this.ready = Promise.all(started).then(() => URL.revokeObjectURL(url));
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
      // A browser's main thread may not block: it spins until the worker is done.
      for (let i = 0; v !== want && v !== -1 && (i < SPIN || !this.canBlock); i++)
        v = Atomics.load(this.ctl, at);
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
