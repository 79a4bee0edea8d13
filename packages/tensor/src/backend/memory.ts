/**
 * Garbage-collection pressure for memory the JS heap cannot see. Tensors in wasm memory are freed by
 * a FinalizationRegistry when their Storage object is collected, but V8 only collects when its own
 * (small) heap fills up, and a Storage wrapper is tiny while its wasm block may be megabytes. So the
 * allocator counts wasm bytes allocated since the last collection and, past a threshold, asks V8 for
 * a full GC (Node: `--expose-gc` set at runtime through `v8.setFlagsFromString`, then `gc` fetched
 * from a fresh context). Finalizers still run only when the event loop turns, which is why training
 * loops should `await` once per step (the DataLoader does).
 */

type NodeBuiltins = {
  v8?: { setFlagsFromString(flags: string): void };
  vm?: { runInNewContext(code: string): unknown };
};

function nodeBuiltin<T>(name: string): T | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return p?.getBuiltinModule?.(name) as T | undefined;
}

let cachedGc: (() => void) | null | undefined;

/** A function forcing a full garbage collection, or null where none is available (browsers). */
export function gcFunction(): (() => void) | null {
  if (cachedGc !== undefined) return cachedGc;
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') {
    cachedGc = existing;
    return existing;
  }
  const v8 = nodeBuiltin<NodeBuiltins['v8']>('node:v8');
  const vm = nodeBuiltin<NodeBuiltins['vm']>('node:vm');
  cachedGc = null;
  if (v8 && vm) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc');
      if (typeof gc === 'function') cachedGc = gc as () => void;
    } catch {
      cachedGc = null;
    }
  }
  return cachedGc;
}

/**
 * Decides when to request a collection: after `max(minBytes, live bytes)` of new allocations, so
 * the cost of a GC is amortised over at least as much allocation as is live.
 */
export class GcPressure {
  private sinceGc = 0;
  collections = 0;

  constructor(private readonly minBytes = 16 * 1024 * 1024) {}

  /** Records `bytes` allocated; collects when due. `liveBytes` is the memory currently in use. */
  allocated(bytes: number, liveBytes: number): void {
    this.sinceGc += bytes;
    if (this.sinceGc >= Math.max(this.minBytes, liveBytes)) {
      this.sinceGc = 0;
      const gc = gcFunction();
      if (gc) {
        gc();
        this.collections++;
      }
    }
  }
}
