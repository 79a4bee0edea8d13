/**
 * The current backend: where new tensors are allocated and computed. Like a PyTorch device, each
 * tensor stays on the backend that created it; mixing backends in one op is an error.
 */
import { type LoadKernelsOptions, loadKernelsAsync } from '@minidl/kernels';
import type { Backend, BackendName } from './backend.js';
import { HostBackend } from './host.js';
import { TfjsBackend } from './tfjs.js';
import { WasmBackend } from './wasm.js';

type Factory = (options: LoadKernelsOptions) => Backend;

const factories = new Map<BackendName, Factory>([
  ['wasm', (options) => new WasmBackend(options)],
  ['tfjs', () => new TfjsBackend()],
  ['js', () => new HostBackend()],
]);
const instances = new Map<BackendName, Backend>();
let current: Backend | null = null;
const DEFAULT_BACKEND: BackendName = 'wasm';

function instance(name: BackendName, options: LoadKernelsOptions = {}): Backend {
  let b = instances.get(name);
  if (b === undefined) {
    const factory = factories.get(name);
    if (factory === undefined) {
      throw new Error(`Unknown backend '${name}': expected one of ${[...factories.keys()].join(', ')}`);
    }
    b = factory(options);
    if (threadCap !== null && b instanceof WasmBackend) b.kernels.set_num_threads(threadCap);
    instances.set(name, b);
  }
  return b;
}

/**
 * Selects where new tensors live and compute: `'wasm'` (the default: our SIMD kernels), `'tfjs'`
 * (TensorFlow.js ops, the portable reference) or `'js'` (plain TypeScript loops). Existing tensors
 * stay on their backend. `options` (wasm: `threads`, `relaxedSimd`) apply when the backend is
 * first created, i.e. before any tensor was made on it.
 *
 * @example
 * ```ts
 * set_backend('wasm', { threads: 1 });
 * set_backend('tfjs');
 * const x = ones([2, 2]); // computed by tfjs
 * ```
 */
export function set_backend(name: BackendName, options: LoadKernelsOptions = {}): void {
  current = instance(name, options);
}

/**
 * Loads the wasm kernels asynchronously (fetch + compile off the main thread, as browsers need)
 * and makes the wasm backend current. In Node, `set_backend('wasm')` (or nothing: it is the
 * default) loads synchronously.
 *
 * @example
 * ```ts
 * await load_wasm_backend({ threads: 1, wasmUrl: (v) => new URL(`/wasm/kernels-${v}.wasm`, location.href) });
 * ```
 */
export async function load_wasm_backend(options: LoadKernelsOptions = {}): Promise<void> {
  if (!instances.has('wasm')) {
    instances.set('wasm', new WasmBackend({ kernels: await loadKernelsAsync(options) }));
  }
  current = instance('wasm');
}

/**
 * The name of the current backend.
 *
 * @example
 * ```ts
 * get_backend(); // 'wasm'
 * ```
 */
export function get_backend(): BackendName {
  return currentBackend().name;
}

/** The current backend object (created on first use). */
export function currentBackend(): Backend {
  if (current === null) current = instance(DEFAULT_BACKEND);
  return current;
}

/** A backend by name, created on first use (for moving tensors between backends). */
export function backendByName(name: BackendName): Backend {
  return instance(name);
}

/** Memory use of the wasm heap (what live tensors hold), as reported by @minidl/kernels. */
export interface MemoryStats {
  /** Bytes in live blocks (tensor storages not yet freed). */
  bytesInUse: number;
  /** Bytes ever carved from wasm memory: live blocks plus free lists awaiting reuse. */
  bytesReserved: number;
  /** Size of the whole wasm memory. */
  memoryBytes: number;
  /** Number of live blocks. */
  liveBlocks: number;
  /** How many times the allocator asked V8 for a garbage collection. */
  gcRequests: number;
  /**
   * Whether dead tensors' memory is returned right after a forced GC, even inside a synchronous
   * loop (Node: V8's `cleanupSome`); otherwise only between event-loop turns.
   */
  syncFinalization: boolean;
}

/**
 * Memory statistics of the wasm backend (null for host backends, whose memory is the JS heap's).
 *
 * @example
 * ```ts
 * memory_stats()?.bytesInUse; // bytes held by live tensors
 * ```
 */
export function memory_stats(name: BackendName = 'wasm'): MemoryStats | null {
  const b = instance(name);
  return b instanceof WasmBackend ? b.stats() : null;
}

/** The cap `set_num_threads` asked for, applied to the wasm kernels now and when they load later. */
let threadCap: number | null = null;

function wasmKernels(): WasmBackend['kernels'] | null {
  const wasm = instances.get('wasm');
  return wasm instanceof WasmBackend ? wasm.kernels : null;
}

/**
 * Sets how many threads the wasm kernels use from now on, as `torch.set_num_threads` sets PyTorch's
 * intra-op threads. The worker pool is sized when the kernels load (`threads`, default: every core);
 * a number above that uses the whole pool. The tfjs and js backends compute on the calling thread.
 *
 * @throws RangeError unless `n` is a positive integer.
 *
 * @example
 * ```ts
 * set_num_threads(1); // reproducible single-core timings
 * get_num_threads();  // 1
 * ```
 */
export function set_num_threads(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`set_num_threads expects a positive integer, got ${n}`);
  }
  threadCap = n;
  wasmKernels()?.set_num_threads(n);
}

/**
 * The number of threads the wasm kernels use (`torch.get_num_threads`); loads the default backend
 * if nothing has been computed yet.
 *
 * @example
 * ```ts
 * get_num_threads(); // 2 on a two-core machine
 * ```
 */
export function get_num_threads(): number {
  if (wasmKernels() === null) instance('wasm');
  return wasmKernels()!.threads;
}
