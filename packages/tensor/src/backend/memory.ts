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

/** A FinalizationRegistry, possibly with V8's `cleanupSome` (runs due callbacks synchronously). */
export type Finalizer<T> = FinalizationRegistry<T> & { cleanupSome?: () => void };

/**
 * A FinalizationRegistry whose callbacks can also be run synchronously right after a forced GC,
 * so memory is returned even inside a long synchronous loop. V8 implements
 * `FinalizationRegistry.prototype.cleanupSome` behind `--harmony-weak-refs-with-cleanup-some`;
 * set at runtime, the flag applies to contexts created afterwards, so the registry's constructor
 * is taken from a fresh `vm` context. Elsewhere (browsers, future V8 without the flag) this is a
 * plain registry and callbacks run between event-loop turns.
 */
export function makeFinalizer<T>(callback: (held: T) => void): Finalizer<T> {
  const v8 = nodeBuiltin<NodeBuiltins['v8']>('node:v8');
  const vm = nodeBuiltin<NodeBuiltins['vm']>('node:vm');
  if (v8 && vm) {
    try {
      v8.setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
      const Registry = vm.runInNewContext('FinalizationRegistry') as typeof FinalizationRegistry;
      const registry = new Registry<T>(callback) as Finalizer<T>;
      if (typeof registry.cleanupSome === 'function') return registry;
    } catch {
      // fall through to the standard registry
    }
  }
  return new FinalizationRegistry<T>(callback);
}

function nodeBuiltin<T>(name: string): T | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return p?.getBuiltinModule?.(name) as T | undefined;
}

/**
 * Forces a full collection. (Call it without arguments: in Node 20, `gc({ type: 'major' })` was
 * measured not to clear FinalizationRegistry targets, while `gc()` does.)
 */
export type GcFunction = () => void;

let cachedGc: GcFunction | null | undefined;

/** A function forcing a garbage collection, or null where none is available (browsers). */
export function gcFunction(): GcFunction | null {
  if (cachedGc !== undefined) return cachedGc;
  const existing = (globalThis as { gc?: GcFunction }).gc;
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
      if (typeof gc === 'function') cachedGc = gc as GcFunction;
    } catch {
      cachedGc = null;
    }
  }
  return cachedGc;
}

/**
 * Decides when to request a full collection (V8 clears FinalizationRegistry targets only in full
 * GCs, not in scavenges). Like a heap that doubles, it waits until the wasm bytes allocated since
 * the last collection reach the live size (at least `minBytes`); the live size is estimated by the
 * lowest use seen since the previous collection, since use right after finalizers ran is what
 * survives. It keeps collections to a small share of run time (at most one per `costFactor`
 * times the last one's duration) unless `hardBytes` have been allocated, bounding memory.
 */
export class GcPressure {
  private since = 0;
  private lastEnd = 0;
  private lastDuration = 0;
  private lowWater = Number.POSITIVE_INFINITY;
  private liveEstimate = 0;
  /** Collections requested so far. */
  collections = 0;

  constructor(
    // 128 MiB: a full GC costs milliseconds however little JS heap there is, and a small-batch
    // training step leaves ~8 MiB awaiting it, so a lower floor made collections a tenth of the step
    private readonly minBytes = 128 * 2 ** 20,
    private readonly hardBytes = 192 * 2 ** 20,
    private readonly costFactor = 20,
  ) {}

  /**
   * Records `bytes` returned without the collector (freed explicitly, like backward temporaries):
   * only memory that waits for a collection should make one due, or a training step whose backward
   * pass frees as much as its forward pass allocates would collect twice as often as it needs to.
   */
  released(bytes: number): void {
    this.since = Math.max(0, this.since - bytes);
  }

  /**
   * Records `bytes` allocated; collects when due and returns true if it did. `inUse` is the wasm
   * memory currently held.
   */
  allocated(bytes: number, inUse: number): boolean {
    this.since += bytes;
    this.lowWater = Math.min(this.lowWater, inUse);
    if (this.since < Math.max(this.minBytes, this.liveEstimate)) return false;
    const now = performance.now();
    if (this.since < this.hardBytes && now - this.lastEnd < this.costFactor * this.lastDuration) return false;
    const gc = gcFunction();
    if (!gc) return false;
    gc();
    this.lastEnd = performance.now();
    this.lastDuration = this.lastEnd - now;
    this.since = 0;
    this.liveEstimate = this.lowWater;
    this.lowWater = Number.POSITIVE_INFINITY;
    this.collections++;
    return true;
  }
}
