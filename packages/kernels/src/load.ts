/** Entry points that build a {@link Kernels} instance. */
import { Kernels, type ParallelExport } from './kernels.js';
import {
  chooseVariant,
  createMemory,
  defaultWasmUrl,
  enableRelaxedSimd,
  instantiate,
  nodeBuiltin,
  readWasm,
  readWasmSync,
  type WasmVariant,
} from './loader.js';
import { ThreadPool, threadsAvailable } from './pool.js';

/**
 * Options of {@link loadKernels} and {@link loadKernelsAsync}.
 *
 * @example
 * ```ts
 * loadKernels({ threads: 1, relaxedSimd: false }); // plain SIMD on the calling thread
 * ```
 */
export interface LoadKernelsOptions {
  /**
   * Threads for the big kernels (GEMM, conv). Default: `os.availableParallelism()` in Node, 1 where
   * shared memory is unavailable (e.g. a browser page that is not cross-origin isolated). 1 runs
   * everything on the calling thread.
   */
  threads?: number;
  /** Use the relaxed-SIMD build (fused multiply-add). Default: wherever the engine supports it. */
  relaxedSimd?: boolean;
  /** Where to find a build, for bundlers that move files (default: `../build/` beside this module). */
  wasmUrl?: (variant: WasmVariant) => URL;
}

/** Exports the workers may run (the kernels that split work across threads). */
const PARALLEL_EXPORTS: readonly ParallelExport[] = [
  'unary',
  'binary',
  'unaryStrided',
  'binaryStrided',
  'copyStrided',
  'reduce',
  'maxPool2dForward',
  'maxPool2dBackward',
  'avgPool2dForward',
  'avgPool2dBackward',
  'batchNormForwardTrain',
  'batchNormForwardEval',
  'batchNormBackward',
  'softmaxForward',
  'softmaxBackward',
  'sgemm',
  'conv2dForward',
  'conv2dInputGrad',
  'conv2dWeightGrad',
  'conv2dForwardS1',
  'conv2dWeightGradS1',
  'conv2dForwardWinograd',
  'conv2dWeightGradWinograd',
  'sgdStep',
  'adamStep',
];

function build(module: WebAssembly.Module, variant: WasmVariant, threads: number): Kernels {
  const memory = createMemory(threads > 1);
  const pool = threads > 1 ? new ThreadPool(module, memory, threads - 1, PARALLEL_EXPORTS) : null;
  return new Kernels(instantiate(module, memory), memory, variant, pool);
}

/**
 * Default thread count: every core in Node (`os.availableParallelism()`) or in a cross-origin-isolated
 * page (`navigator.hardwareConcurrency`), 1 where workers over shared memory are unavailable.
 */
function defaultThreads(): number {
  if (!threadsAvailable()) return 1;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (!nodeBuiltin('node:os')) return nav?.hardwareConcurrency ?? 1;
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>('node:os');
  return os?.availableParallelism?.() ?? os?.cpus().length ?? 1;
}

function resolve(options: LoadKernelsOptions): { variant: WasmVariant; threads: number; url: URL } {
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`loadKernels: threads must be a positive integer, got ${options.threads}`);
  }
  const relaxed = options.relaxedSimd ?? enableRelaxedSimd();
  if (relaxed && !enableRelaxedSimd()) {
    throw new Error(
      'loadKernels: relaxedSimd was requested but this engine lacks relaxed SIMD (Node 20: --experimental-wasm-relaxed-simd)',
    );
  }
  if (threads > 1 && !threadsAvailable()) {
    throw new Error(
      'loadKernels: threads > 1 needs worker threads and SharedArrayBuffer: Node, or a cross-origin-isolated page (COOP/COEP headers); otherwise load with threads: 1',
    );
  }
  const variant = chooseVariant(relaxed, threads > 1);
  return { variant, threads, url: (options.wasmUrl ?? defaultWasmUrl)(variant) };
}

/**
 * Loads the kernels synchronously (Node): reads the .wasm with fs and compiles it on this thread.
 *
 * @example
 * ```ts
 * import { loadKernels } from '@minidl/kernels';
 * const k = loadKernels({ threads: 2 });
 * console.log(k.variant, k.threads); // 'relaxed-mt' 2
 * ```
 */
export function loadKernels(options: LoadKernelsOptions = {}): Kernels {
  const { variant, threads, url } = resolve(options);
  return build(new WebAssembly.Module(readWasmSync(url) as Uint8Array<ArrayBuffer>), variant, threads);
}

/**
 * Loads the kernels asynchronously: fetch + compile off the main thread (browsers), fs in Node.
 *
 * @example
 * ```ts
 * const k = await loadKernelsAsync({ wasmUrl: (v) => new URL(`/wasm/kernels-${v}.wasm`, location.href) });
 * ```
 */
export async function loadKernelsAsync(options: LoadKernelsOptions = {}): Promise<Kernels> {
  const { variant, threads, url } = resolve(options);
  const k = build(
    await WebAssembly.compile((await readWasm(url)) as Uint8Array<ArrayBuffer>),
    variant,
    threads,
  );
  await k.ready;
  return k;
}
