/**
 * Finds, compiles and instantiates the kernels' wasm: the relaxed-SIMD build where the engine has it,
 * else the plain-SIMD one; the threaded (shared-memory) build when more than one thread is asked for.
 */
import { detectWasmFeatures } from './features.js';

/**
 * The four builds made by scripts/build-wasm.mjs into build/.
 *
 * @example
 * ```ts
 * loadKernels({ threads: 2 }).variant; // 'relaxed-mt' where relaxed SIMD is available
 * ```
 */
export type WasmVariant = 'simd' | 'relaxed' | 'simd-mt' | 'relaxed-mt';

/** Initial memory: 16 MiB; the heap grows it on demand. */
export const INITIAL_PAGES = 256;
/** Shared memories need a declared maximum; this is the wasm32 limit (4 GiB), matching the build. */
export const MAX_PAGES = 65536;

/** Node's builtin modules when running in Node (synchronously, without a static import that would break browsers). */
export function nodeBuiltin<T>(name: string): T | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return p?.getBuiltinModule?.(name) as T | undefined;
}

/**
 * Whether relaxed SIMD can be used. In Node 20 it is behind `--experimental-wasm-relaxed-simd`; V8
 * accepts that flag at runtime through `v8.setFlagsFromString` as long as no module using it has been
 * compiled yet, so we try that first (verified on Node 20.20: validation flips from false to true).
 */
export function enableRelaxedSimd(): boolean {
  if (detectWasmFeatures().relaxedSimd) return true;
  const v8 = nodeBuiltin<{ setFlagsFromString(flags: string): void }>('node:v8');
  v8?.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return detectWasmFeatures().relaxedSimd;
}

/** File name of a variant. */
export function variantFile(variant: WasmVariant): string {
  return `kernels-${variant}.wasm`;
}

/** Picks the build for the requested features and threading. */
export function chooseVariant(relaxed: boolean, threaded: boolean): WasmVariant {
  return `${relaxed ? 'relaxed' : 'simd'}${threaded ? '-mt' : ''}` as WasmVariant;
}

/** Default location of the builds: `build/` beside `src/` and `dist/`. */
export function defaultWasmUrl(variant: WasmVariant): URL {
  return new URL(`../build/${variantFile(variant)}`, import.meta.url);
}

const MISSING_HINT =
  'build it with `npm run build -w @minidl/kernels` (or `node scripts/build-wasm.mjs` in packages/kernels)';

/** Reads a variant's bytes synchronously (Node only). */
export function readWasmSync(url: URL): Uint8Array {
  const fs = nodeBuiltin<{ readFileSync(p: URL): Uint8Array }>('node:fs');
  if (!fs) throw new Error('loadKernels: synchronous loading needs Node; use loadKernelsAsync in a browser');
  try {
    return fs.readFileSync(url);
  } catch (e) {
    throw new Error(`loadKernels: cannot read ${url.href}: ${(e as Error).message}; ${MISSING_HINT}`);
  }
}

/** Reads a variant's bytes: fs in Node, fetch elsewhere. */
export async function readWasm(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:' && nodeBuiltin('node:fs')) return readWasmSync(url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`loadKernels: fetching ${url.href} failed (${res.status}); ${MISSING_HINT}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** A memory matching the variant: shared for threaded builds. */
export function createMemory(threaded: boolean): WebAssembly.Memory {
  return threaded
    ? new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: INITIAL_PAGES });
}

/** Instantiates a compiled module over `memory` (each thread does this with the same module and memory). */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): WebAssembly.Instance {
  return new WebAssembly.Instance(module, { env: { memory } });
}
