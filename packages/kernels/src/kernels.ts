/**
 * The kernels instance: wasm memory, its heap, typed views, and typed wrappers around every kernel.
 * Pointers are byte addresses into `memory`; counts, shapes, strides and leading dimensions are in
 * elements. Outputs may alias inputs for the elementwise kernels (same pointer, same layout).
 */
import type { KernelExports } from './exports.js';
import { type HeapStats, WasmHeap } from './heap.js';
import type { WasmVariant } from './loader.js';
import {
  BINARY_OPS,
  type BinaryOp,
  CONVERT_OPS,
  type ConvertOp,
  REDUCE_OPS,
  type ReduceOp,
  UNARY_OPS,
  type UnaryOp,
} from './ops.js';
import { coalesce, contiguousStrides, MAX_RANK } from './strides.js';

/** Epilogue fused into {@link Kernels.sgemm}. */
export interface GemmEpilogue {
  /** Pointer to a float32 bias vector added after alpha/beta (0 or absent: none). */
  bias?: number;
  /** `'row'`: bias[i] is added to row i (length M); `'col'`: bias[j] to column j (length N). Default `'col'`. */
  biasAxis?: 'row' | 'col';
  /** Apply max(x, 0) last. */
  relu?: boolean;
}

const FLAG_BIAS_ROW = 1;
const FLAG_BIAS_COL = 2;
const FLAG_RELU = 4;

/** Words of the per-call metadata block: shape + 3 stride rows of MAX_RANK. */
const META_WORDS = 4 * MAX_RANK;

function checkCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`${name}: expected a non-negative integer, got ${n}`);
}

/**
 * Loaded kernels over one wasm memory. Create with `loadKernels()` / `loadKernelsAsync()`.
 *
 * @example
 * ```ts
 * const k = loadKernels();
 * const x = k.alloc(4 * 3);
 * k.f32(x, 3).set([1, 2, 3]);
 * k.unary('exp', x, x, 3);
 * k.readF32(x, 3); // Float32Array [2.718..., 7.389..., 20.085...]
 * k.free(x);
 * ```
 */
export class Kernels {
  /** The wasm memory holding every tensor (shared between threads when `threads > 1`). */
  readonly memory: WebAssembly.Memory;
  /** Raw wasm exports, for callers that need a kernel without a wrapper. */
  readonly exports: KernelExports;
  /** The allocator behind {@link alloc} and {@link free}. */
  readonly heap: WasmHeap;
  /** Which build was loaded. */
  readonly variant: WasmVariant;
  /** Number of threads kernels may use (1 = main thread only). */
  readonly threads: number;
  private readonly meta: number;
  private readonly gemmWs: number;

  /** @internal use loadKernels()/loadKernelsAsync() */
  constructor(
    instance: WebAssembly.Instance,
    memory: WebAssembly.Memory,
    variant: WasmVariant,
    threads: number,
  ) {
    this.exports = instance.exports as unknown as KernelExports;
    this.memory = memory;
    this.variant = variant;
    this.threads = threads;
    this.heap = new WasmHeap(memory, this.exports.heapBase());
    this.meta = this.heap.alloc(META_WORDS * 4);
    this.gemmWs = this.heap.alloc(this.exports.gemmWorkspaceBytes());
  }

  /** True when the relaxed-SIMD build is in use (fused multiply-add in the GEMM microkernel). */
  get relaxedSimd(): boolean {
    return this.variant.startsWith('relaxed');
  }

  // ---- memory ----

  /** Allocates `bytes` bytes (64-byte aligned, contents unspecified); see {@link WasmHeap}. */
  alloc(bytes: number): number {
    return this.heap.alloc(bytes);
  }

  /** Frees a block from {@link alloc} for reuse. */
  free(ptr: number): void {
    this.heap.free(ptr);
  }

  /** Bytes in use / reserved / free, and the memory size. */
  stats(): HeapStats {
    return this.heap.stats();
  }

  /** Float32 view of `len` elements at `ptr`. Build a fresh one after any allocation (memory may grow). */
  f32(ptr: number, len: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, len);
  }

  /** Int32 view of `len` elements at `ptr` (same caveat as {@link f32}). */
  i32(ptr: number, len: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, len);
  }

  /** Uint8 view of `len` bytes at `ptr` (same caveat as {@link f32}). */
  u8(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, len);
  }

  /** Copies a host array into wasm memory at `ptr` (byte for byte). */
  copyIn(ptr: number, src: Float32Array | Int32Array | Uint8Array): void {
    new Uint8Array(this.memory.buffer, ptr, src.byteLength).set(
      new Uint8Array(src.buffer, src.byteOffset, src.byteLength),
    );
  }

  /** Copy of `len` float32 elements at `ptr` as a host array. */
  readF32(ptr: number, len: number): Float32Array {
    return this.f32(ptr, len).slice();
  }

  /** Copy of `len` int32 elements at `ptr` as a host array. */
  readI32(ptr: number, len: number): Int32Array {
    return this.i32(ptr, len).slice();
  }

  /** Copy of `len` bytes at `ptr` as a host array. */
  readU8(ptr: number, len: number): Uint8Array {
    return this.u8(ptr, len).slice();
  }

  // ---- elementwise ----

  /** `out[i] = op(x[i]; a, b)` for `i < n`, contiguous. See {@link UNARY_OPS} for the ops and scalars. */
  unary(op: UnaryOp, x: number, out: number, n: number, a = 0, b = 0): void {
    checkCount('unary', n);
    this.exports.unary(UNARY_OPS[op], x, out, n, a, b);
  }

  /** `out[i] = op(x[i], y[i]; alpha)` for `i < n`, contiguous; comparisons write u8. See {@link BINARY_OPS}. */
  binary(op: BinaryOp, x: number, y: number, out: number, n: number, alpha = 1): void {
    checkCount('binary', n);
    this.exports.binary(BINARY_OPS[op], x, y, out, n, alpha);
  }

  /**
   * Unary op over a strided view: element at index tuple t is read from `x + sum(t*xStrides)` and
   * written to `out + sum(t*outStrides)` (strides in elements; default contiguous output).
   */
  unaryStrided(
    op: UnaryOp,
    shape: readonly number[],
    x: number,
    xStrides: readonly number[],
    out: number,
    outStrides: readonly number[] = contiguousStrides(shape),
    a = 0,
    b = 0,
  ): void {
    const rank = this.writeMeta('unaryStrided', shape, [outStrides, xStrides]);
    if (rank === 0) return;
    this.exports.unaryStrided(UNARY_OPS[op], rank, this.meta, x, out, a, b, 0, this.rows(rank));
  }

  /**
   * Binary op with broadcasting: `shape` is the output shape, and each operand gives its element
   * strides over it (0 along broadcast dims, as torch.expand does). Rank <= 8 after dropping size-1
   * dims and merging contiguous ones; the innermost dim runs as SIMD when contiguous or broadcast.
   */
  binaryStrided(
    op: BinaryOp,
    shape: readonly number[],
    x: number,
    xStrides: readonly number[],
    y: number,
    yStrides: readonly number[],
    out: number,
    outStrides: readonly number[] = contiguousStrides(shape),
    alpha = 1,
  ): void {
    const rank = this.writeMeta('binaryStrided', shape, [outStrides, xStrides, yStrides]);
    if (rank === 0) return;
    this.exports.binaryStrided(BINARY_OPS[op], rank, this.meta, x, y, out, alpha, 0, this.rows(rank));
  }

  /**
   * Strided copy (e.g. make a permuted or expanded view contiguous) of elements of `elemBytes`
   * (1, 2 or 4) bytes; default destination layout is contiguous.
   */
  copyStrided(
    shape: readonly number[],
    src: number,
    srcStrides: readonly number[],
    dst: number,
    dstStrides: readonly number[] = contiguousStrides(shape),
    elemBytes: 1 | 2 | 4 = 4,
  ): void {
    const rank = this.writeMeta('copyStrided', shape, [dstStrides, srcStrides]);
    if (rank === 0) return;
    this.exports.copyStrided(elemBytes, rank, this.meta, src, dst, 0, this.rows(rank));
  }

  /** Contiguous dtype conversion of `n` elements (see {@link CONVERT_OPS}). */
  convert(op: ConvertOp, src: number, dst: number, n: number): void {
    checkCount('convert', n);
    this.exports.convert(CONVERT_OPS[op], src, dst, n);
  }

  /** `out[i] = cond[i] ? x[i] : y[i]` (cond is u8), contiguous. */
  where(cond: number, x: number, y: number, out: number, n: number): void {
    checkCount('where', n);
    this.exports.where(cond, x, y, out, n);
  }

  // ---- reductions ----

  /**
   * Reduces the middle axis of a contiguous (outer, r, inner) array into `out` (outer*inner elements;
   * int32 for argmax/argmin). Reducing dim d of shape s: outer = prod(s[:d]), r = s[d], inner = prod(s[d+1:]).
   * Over an empty axis (r = 0) sum is 0, prod 1, mean NaN, and max/min/argmax/argmin throw like PyTorch.
   */
  reduce(op: ReduceOp, x: number, out: number, outer: number, r: number, inner: number): void {
    checkCount('reduce', outer);
    checkCount('reduce', r);
    checkCount('reduce', inner);
    if (outer * inner === 0) return;
    if (r === 0) {
      if (op === 'sum' || op === 'prod' || op === 'mean') {
        this.f32(out, outer * inner).fill(op === 'sum' ? 0 : op === 'prod' ? 1 : Number.NaN);
        return;
      }
      throw new RangeError(`${op}(): Expected reduction dim to have non-zero size`);
    }
    this.exports.reduce(REDUCE_OPS[op], x, out, r, inner, 0, outer);
  }

  // ---- matrix multiply ----

  /**
   * Row-major sgemm: `C = alpha * op(A) @ op(B) + beta * C`, op(X) = X^T when its trans flag is set,
   * A is M x K after op, B is K x N after op; lda/ldb/ldc are the row strides of A, B, C as stored.
   * beta = 0 ignores C's old contents (NaN-safe). Optional fused epilogue: + bias, then ReLU.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    epilogue: GemmEpilogue = {},
  ): void {
    checkCount('sgemm M', M);
    checkCount('sgemm N', N);
    checkCount('sgemm K', K);
    if (lda < Math.max(1, transA ? M : K) || ldb < Math.max(1, transB ? K : N) || ldc < Math.max(1, N)) {
      throw new RangeError(
        `sgemm: leading dimensions too small (lda=${lda}, ldb=${ldb}, ldc=${ldc}) for M=${M} N=${N} K=${K}`,
      );
    }
    let flags = epilogue.relu ? FLAG_RELU : 0;
    const bias = epilogue.bias ?? 0;
    if (bias) flags |= epilogue.biasAxis === 'row' ? FLAG_BIAS_ROW : FLAG_BIAS_COL;
    this.exports.sgemm(
      +transA,
      +transB,
      M,
      N,
      K,
      alpha,
      a,
      lda,
      b,
      ldb,
      beta,
      c,
      ldc,
      bias,
      flags,
      this.gemmWs,
    );
  }

  /** Releases worker threads (if any). The memory stays valid until garbage-collected. */
  dispose(): void {}

  // ---- helpers ----

  /** Writes coalesced shape + stride rows into the meta block; returns the rank (0 = empty tensor). */
  private writeMeta(name: string, shape: readonly number[], strides: readonly (readonly number[])[]): number {
    for (const s of strides) {
      if (s.length !== shape.length) {
        throw new RangeError(`${name}: shape has ${shape.length} dims but a stride list has ${s.length}`);
      }
    }
    for (const n of shape) {
      checkCount(`${name} shape`, n);
      if (n === 0) return 0;
    }
    const c = coalesce(shape, strides);
    const rank = c.shape.length;
    if (rank > MAX_RANK) {
      throw new RangeError(`${name}: at most ${MAX_RANK} non-mergeable dims are supported, got ${rank}`);
    }
    const m = this.i32(this.meta, META_WORDS);
    m.set(c.shape, 0);
    c.strides.forEach((s, k) => {
      m.set(s, (k + 1) * rank);
    });
    return rank;
  }

  /** Number of rows (index tuples of all but the last dim) described by the meta block. */
  private rows(rank: number): number {
    const m = this.i32(this.meta, rank);
    let rows = 1;
    for (let d = 0; d < rank - 1; d++) rows *= m[d]!;
    return rows;
  }
}
