/**
 * Allocator for tensors resident in wasm linear memory.
 *
 * Blocks come in size classes (4 per power of two, multiples of 64 bytes, so every block is 64-byte
 * aligned, one cache line, and wastes at most 25%); a freed block goes to its class's free list and
 * serves the next request of that class. A training loop allocates the same shapes every step, so after
 * the first step every request is served from a free list and memory stops growing. New blocks come
 * from a bump pointer that grows the memory in whole pages when it runs out. The allocator lives on the
 * main thread only; workers receive pointers.
 */

const ALIGN = 64;
const PAGE = 65536;

/**
 * Memory use of a {@link WasmHeap}.
 *
 * @example
 * ```ts
 * k.stats().bytesInUse; // bytes held by live blocks
 * ```
 */
export interface HeapStats {
  /** Bytes in live blocks (rounded up to their size class). */
  bytesInUse: number;
  /** Bytes ever carved out by the bump pointer: live blocks plus free-listed ones. */
  bytesReserved: number;
  /** Bytes sitting in free lists, ready for reuse. */
  bytesFree: number;
  /** Size of the whole wasm memory. */
  memoryBytes: number;
  /** Number of live blocks. */
  liveBlocks: number;
}

/** Rounds a request up to its size class: 64-byte multiples, then 4 classes per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= 4 * ALIGN) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const e = Math.floor(Math.log2(bytes - 1)); // 2^e < bytes <= 2^(e+1)
  const step = 2 ** (e - 2);
  return Math.ceil(bytes / step) * step;
}

/**
 * Size-class allocator over a `WebAssembly.Memory`, from `base` up.
 *
 * @example
 * ```ts
 * const heap = new WasmHeap(memory, 1024);
 * const p = heap.alloc(4 * 1000); // room for 1000 floats, 64-byte aligned
 * heap.free(p);
 * heap.alloc(4 * 1000) === p; // true: reused
 * ```
 */
export class WasmHeap {
  private top: number;
  private readonly live = new Map<number, number>();
  private readonly freeLists = new Map<number, number[]>();
  private inUse = 0;
  private freeBytes = 0;
  private readonly base: number;

  /**
   * @param memory the wasm memory to carve
   * @param base first usable byte (above the module's static data)
   */
  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.base = Math.ceil(base / ALIGN) * ALIGN;
    this.top = this.base;
  }

  /** Allocates at least `bytes` (>= 0) bytes, 64-byte aligned; contents are unspecified. */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`alloc: invalid byte count ${bytes}`);
    const size = sizeClass(Math.max(bytes, 1));
    const list = this.freeLists.get(size);
    let ptr = list?.pop();
    if (ptr === undefined) {
      ptr = this.top;
      this.ensure(ptr + size);
      this.top = ptr + size;
    } else {
      this.freeBytes -= size;
    }
    this.live.set(ptr, size);
    this.inUse += size;
    return ptr;
  }

  /** Returns a block from {@link alloc} for reuse. Freeing anything else throws. */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined)
      throw new Error(`free: ${ptr} is not a live block (double free or foreign pointer)`);
    this.live.delete(ptr);
    this.inUse -= size;
    this.freeBytes += size;
    let list = this.freeLists.get(size);
    if (!list) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(ptr);
  }

  /** Size class of a live block (its usable bytes). */
  sizeOf(ptr: number): number {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`sizeOf: ${ptr} is not a live block`);
    return size;
  }

  /** Current memory use. */
  stats(): HeapStats {
    return {
      bytesInUse: this.inUse,
      bytesReserved: this.top - this.base,
      bytesFree: this.freeBytes,
      memoryBytes: this.memory.buffer.byteLength,
      liveBlocks: this.live.size,
    };
  }

  /** Grows the memory so that byte `end` is addressable. */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by at least 1/8 of the current size to keep the number of grow calls logarithmic.
    const need = Math.ceil((end - have) / PAGE);
    const pages = Math.max(need, Math.ceil(have / PAGE / 8));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(need);
      } catch {
        throw new RangeError(
          `wasm memory exhausted: cannot grow to ${end} bytes (4 GiB is the wasm32 limit); free unused tensors`,
        );
      }
    }
  }
}
