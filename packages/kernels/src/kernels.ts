/**
 * The kernels instance: wasm memory, its heap, typed views, and typed wrappers around every kernel.
 * Pointers are byte addresses into `memory`; counts, shapes, strides and leading dimensions are in
 * elements. Outputs may alias inputs for the elementwise kernels (same pointer, same layout).
 */
import {
  type Conv2dGeometry,
  type Conv2dOptions,
  conv2dDescriptor,
  conv2dGeometry,
  type Pair,
  type Pool2dOptions,
  pool2dGeometry,
} from './conv.js';
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
import type { ThreadPool } from './pool.js';
import { coalesce, contiguousStrides, MAX_RANK } from './strides.js';

/**
 * Epilogue fused into {@link Kernels.sgemm}.
 *
 * @example
 * ```ts
 * k.sgemm(false, true, M, N, K, 1, x, K, w, K, 0, y, N, { bias: b, relu: true }); // relu(x W^T + b)
 * ```
 */
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

/**
 * Options of {@link Kernels.avgPool2dForward} (torch.nn.functional.avg_pool2d).
 *
 * @example
 * ```ts
 * k.avgPool2dForward(x, [1, 3, 8, 8], out, 3, { stride: 2, padding: 1, count_include_pad: false });
 * ```
 */
export interface AvgPool2dOptions extends Omit<Pool2dOptions, 'dilation'> {
  /** Count padding cells in the divisor. Default true. */
  count_include_pad?: boolean;
  /** Divide by this instead of the window size. */
  divisor_override?: number;
}

/**
 * Options of {@link Kernels.batchNormTrain}.
 *
 * @example
 * ```ts
 * k.batchNormTrain(x, y, [64, 16, 28, 28], w, b, mean, invstd, { runningMean: rm, runningVar: rv });
 * ```
 */
export interface BatchNormTrainOptions {
  /** Running mean to update in place (with runningVar), or 0. */
  runningMean?: number;
  /** Running (unbiased) variance to update in place, or 0. */
  runningVar?: number;
  /** Update factor: r = (1 - momentum) r + momentum * batch stat. Default 0.1 (pass 1/num_batches for momentum=None). */
  momentum?: number;
  /** Default 1e-5. */
  eps?: number;
}

/**
 * Options of {@link Kernels.sgdStep} (torch.optim.SGD).
 *
 * @example
 * ```ts
 * k.sgdStep(p, g, buf, n, { lr: 0.01, momentum: 0.9, first: step === 1 });
 * ```
 */
export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  /** True on the parameter's first step with momentum: the buffer starts as the gradient. */
  first?: boolean;
}

/**
 * Options of {@link Kernels.adamStep} (torch.optim.Adam / AdamW).
 *
 * @example
 * ```ts
 * k.adamStep(p, g, m, v, 0, n, { lr: 1e-3, step: 1, decoupled: true }); // AdamW
 * ```
 */
export interface AdamOptions {
  lr: number;
  /** Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Default 0 (Adam) / 1e-2 (AdamW). */
  weight_decay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  /** 1-based step count after this update (torch increments before updating). */
  step: number;
  /** AdamW's decoupled weight decay. */
  decoupled?: boolean;
}

/**
 * How a convolution pass runs: Winograd F(2x2, 3x3) (stride-1, 3x3, ungrouped, enough channels), the
 * implicit GEMM over a padded image (other stride-1 convs), or the general im2col-block GEMM.
 *
 * @example
 * ```ts
 * k.convAlgorithm('forward', [64, 16, 28, 28], [32, 16, 3, 3], { padding: 1 }); // 'winograd'
 * ```
 */
export type ConvAlgorithm = 'winograd' | 'implicit-gemm' | 'im2col';

/**
 * Whether Winograd F(2x2, 3x3) beats the implicit GEMM on a supported geometry (measured on 2 cores,
 * batch 32-64). Its GEMMs do 16 products per 2x2 tile over ceil(OH/2) x (ceil(OW/2) + 1) tiles (one
 * junk tile per tile row, see assembly/winograd.ts) where the implicit GEMM does 9 per output; that
 * ratio is 0.48 at 28x28, 0.51 at 14x14 and 0.73 at 7x7, where Winograd loses. Its transforms cost
 * O(Ci + Co) per tile against the GEMMs' O(Ci*Co): at 8x8 channels the two paths tie, from 8x16 on
 * Winograd wins (by ~20% at 16x16 and beyond).
 */
function winogradPays(g: Conv2dGeometry): boolean {
  const tiles = Math.ceil(g.OH / 2) * (Math.ceil(g.OW / 2) + 1);
  return Math.min(g.Ci, g.Co) >= 8 && g.Ci * g.Co >= 128 && 16 * tiles <= 0.7 * 9 * g.OH * g.OW;
}

/** Kernels that may run on worker threads (the pool is created with this list). */
export type ParallelExport =
  | 'unary'
  | 'binary'
  | 'unaryStrided'
  | 'binaryStrided'
  | 'copyStrided'
  | 'reduce'
  | 'maxPool2dForward'
  | 'maxPool2dBackward'
  | 'avgPool2dForward'
  | 'avgPool2dBackward'
  | 'batchNormForwardTrain'
  | 'batchNormForwardEval'
  | 'batchNormBackward'
  | 'softmaxForward'
  | 'softmaxBackward'
  | 'sgemm'
  | 'conv2dForward'
  | 'conv2dInputGrad'
  | 'conv2dWeightGrad'
  | 'conv2dForwardS1'
  | 'conv2dWeightGradS1'
  | 'sgdStep'
  | 'adamStep'
  | 'conv2dForwardWinograd'
  | 'conv2dWeightGradWinograd';

/** Words of the per-call metadata block: shape + 3 stride rows of MAX_RANK. */
const META_WORDS = 4 * MAX_RANK;
/** Words of the convolution descriptor. */
const DESC_WORDS = 16;
/**
 * Below this many elements a memory-bound kernel stays on the calling thread: a dispatch and join
 * costs a few microseconds, about what one thread needs for this many elements.
 */
const PARALLEL_MIN_ELEMENTS = 1 << 15;
/** Below this many flops a GEMM stays on the calling thread (a dispatch costs microseconds). */
const PARALLEL_MIN_FLOPS = 1 << 19;

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
  /** @internal Raw wasm exports (assembly/index.ts), for tests and benchmarks that call a kernel directly. */
  readonly exports: KernelExports;
  /** The allocator behind {@link alloc} and {@link free}. */
  readonly heap: WasmHeap;
  /** Which build was loaded. */
  readonly variant: WasmVariant;
  private readonly meta: number;
  private readonly desc: number;
  /** Rows and elements of the shape last written by writeMeta. */
  private metaRows = 0;
  private metaCount = 0;
  /** 64 bytes of scratch per thread. */
  private readonly scratch: number[];
  /** One GEMM workspace per thread. */
  private readonly gemmWs: number[];
  private pool: ThreadPool | null;
  /** Upper bound set by {@link Kernels.set_num_threads}; the pool's workers beyond it stay idle. */
  private threadLimit = Number.POSITIVE_INFINITY;
  /**
   * @internal When stride-1 3x3 convolutions (dilation 1, one group) use Winograd F(2x2, 3x3):
   * `'auto'` (default) where it is measured to be faster, `'always'` on every such geometry, `'never'`
   * (the implicit GEMM). For tests and benchmarks that cross-check or compare the two paths.
   */
  winograd: 'auto' | 'always' | 'never' = 'auto';

  /** @internal use loadKernels()/loadKernelsAsync() */
  constructor(
    instance: WebAssembly.Instance,
    memory: WebAssembly.Memory,
    variant: WasmVariant,
    pool: ThreadPool | null = null,
  ) {
    this.exports = instance.exports as unknown as KernelExports;
    this.memory = memory;
    this.variant = variant;
    this.pool = pool;
    this.heap = new WasmHeap(memory, this.exports.heapBase());
    this.meta = this.heap.alloc(META_WORDS * 4);
    this.desc = this.heap.alloc(DESC_WORDS * 4);
    const threads = 1 + (pool?.size ?? 0);
    this.gemmWs = Array.from({ length: threads }, () => this.heap.alloc(this.exports.gemmWorkspaceBytes()));
    this.scratch = Array.from({ length: threads }, () => this.heap.alloc(64));
  }

  /** Settles when all worker threads are running (immediately in Node; {@link loadKernelsAsync} awaits it). */
  get ready(): Promise<void> {
    return this.pool?.ready ?? Promise.resolve();
  }

  /** Number of threads kernels may use (1 = calling thread only). */
  get threads(): number {
    return Math.min(1 + (this.pool?.size ?? 0), this.threadLimit);
  }

  /**
   * Caps the threads later kernel calls use, as `torch.set_num_threads` does for PyTorch's intra-op
   * pool. The pool is created once by {@link loadKernels}; a cap above its size uses all of it, and
   * lowering the cap leaves the spare workers idle rather than stopping them, so it can be raised again.
   *
   * @throws RangeError unless `n` is a positive integer.
   *
   * @example
   * ```ts
   * const k = loadKernels({ threads: 2 });
   * k.set_num_threads(1); // every kernel now runs on the calling thread
   * ```
   */
  set_num_threads(n: number): void {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`set_num_threads expects a positive integer, got ${n}`);
    }
    this.threadLimit = n;
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
    const code = UNARY_OPS[op];
    this.split(n, n, 16, (_, i0, i1) => [code, x + 4 * i0, out + 4 * i0, i1 - i0, a, b], 'unary');
  }

  /** `out[i] = op(x[i], y[i]; alpha)` for `i < n`, contiguous; comparisons write u8. See {@link BINARY_OPS}. */
  binary(op: BinaryOp, x: number, y: number, out: number, n: number, alpha = 1): void {
    checkCount('binary', n);
    const code = BINARY_OPS[op];
    const ob = code >= BINARY_OPS.eq ? 1 : 4;
    this.split(
      n,
      n,
      16,
      (_, i0, i1) => [code, x + 4 * i0, y + 4 * i0, out + ob * i0, i1 - i0, alpha],
      'binary',
    );
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
    const code = UNARY_OPS[op];
    const rows = this.metaRows;
    this.split(
      rows,
      this.metaCount,
      1,
      (_, r0, r1) => [code, rank, this.meta, x, out, a, b, r0, r1],
      'unaryStrided',
    );
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
    const code = BINARY_OPS[op];
    const rows = this.metaRows;
    this.split(
      rows,
      this.metaCount,
      1,
      (_, r0, r1) => [code, rank, this.meta, x, y, out, alpha, r0, r1],
      'binaryStrided',
    );
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
    const rows = this.metaRows;
    this.split(
      rows,
      this.metaCount,
      1,
      (_, r0, r1) => [elemBytes, rank, this.meta, src, dst, r0, r1],
      'copyStrided',
    );
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
    const code = REDUCE_OPS[op];
    this.split(outer, outer * r * inner, 1, (_, o0, o1) => [code, x, out, r, inner, o0, o1], 'reduce');
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
    const ta = +transA;
    const tb = +transB;
    const T = 2 * M * N * K < PARALLEL_MIN_FLOPS ? 1 : this.threads;
    // Split the larger of M and N into per-thread stripes aligned to the microkernel (2 x 16); each
    // thread packs its own operands into its own workspace, so stripes share nothing but inputs.
    if (M >= N) {
      this.parallel(
        T,
        M,
        2,
        (t, m0, m1) => [
          ta,
          tb,
          m1 - m0,
          N,
          K,
          alpha,
          a + 4 * (transA ? m0 : m0 * lda),
          lda,
          b,
          ldb,
          beta,
          c + 4 * m0 * ldc,
          ldc,
          flags & FLAG_BIAS_ROW ? bias + 4 * m0 : bias,
          flags,
          this.gemmWs[t]!,
        ],
        'sgemm',
      );
    } else {
      this.parallel(
        T,
        N,
        16,
        (t, n0, n1) => [
          ta,
          tb,
          M,
          n1 - n0,
          K,
          alpha,
          a,
          lda,
          b + 4 * (transB ? n0 * ldb : n0),
          ldb,
          beta,
          c + 4 * n0,
          ldc,
          flags & FLAG_BIAS_COL ? bias + 4 * n0 : bias,
          flags,
          this.gemmWs[t]!,
        ],
        'sgemm',
      );
    }
  }

  // ---- convolution ----

  /**
   * conv2d forward (torch.nn.functional.conv2d): x [N, Ci, H, W] and weight [Co, Ci/groups, KH, KW]
   * to out [N, Co, OH, OW], all contiguous NCHW float32; `bias` (length Co) or 0; `relu` fuses a ReLU.
   * Threads split the batch. Returns the geometry (output size).
   */
  conv2dForward(
    x: number,
    xShape: readonly number[],
    w: number,
    wShape: readonly number[],
    bias: number,
    out: number,
    options: Conv2dOptions & { relu?: boolean } = {},
  ): Conv2dGeometry {
    const g = this.setConv(xShape, wShape, options);
    this.convForwardRun(g, x, w, bias, out, options.relu ? FLAG_RELU : 0);
    return g;
  }

  /** {@link parallel} for memory-bound kernels: all threads only when `elements` is large enough. */
  private split(
    total: number,
    elements: number,
    align: number,
    args: (t: number, start: number, end: number) => number[],
    fn: ParallelExport,
  ): void {
    this.parallel(elements < PARALLEL_MIN_ELEMENTS ? 1 : this.threads, total, align, args, fn);
  }

  /**
   * The algorithm a convolution pass would run on (see {@link ConvAlgorithm}); the dispatch below uses
   * the same decision. The input gradient of a stride-1 conv is the forward conv of dy with the flipped
   * weight, so it gets that conv's algorithm.
   *
   * @example
   * ```ts
   * k.convAlgorithm('weight_grad', [64, 1, 28, 28], [16, 1, 3, 3], { padding: 1 }); // 'implicit-gemm'
   * ```
   */
  convAlgorithm(
    pass: 'forward' | 'input_grad' | 'weight_grad',
    xShape: readonly number[],
    wShape: readonly number[],
    options: Conv2dOptions = {},
  ): ConvAlgorithm {
    const g = conv2dGeometry(xShape, wShape, options);
    if (pass !== 'input_grad') return this.forwardAlgorithm(g);
    const t = inputGradAsForward(g);
    return t ? this.forwardAlgorithm(t) : 'im2col';
  }

  private forwardAlgorithm(g: Conv2dGeometry): ConvAlgorithm {
    if (g.sh !== 1 || g.sw !== 1) return 'im2col';
    const supported = g.KH === 3 && g.KW === 3 && g.dh === 1 && g.dw === 1 && g.groups === 1;
    const winograd =
      supported && (this.winograd === 'always' || (this.winograd === 'auto' && winogradPays(g)));
    return winograd ? 'winograd' : 'implicit-gemm';
  }

  /** Runs a forward conv whose descriptor is already written (algorithm per {@link convAlgorithm}). */
  private convForwardRun(
    g: Conv2dGeometry,
    x: number,
    w: number,
    bias: number,
    out: number,
    flags: number,
  ): void {
    const algo = this.forwardAlgorithm(g);
    if (algo !== 'im2col') {
      const s1 = this.stride1Kernels(algo);
      this.withConvWorkspace(g.N, s1.workspaceBytes, (ws) =>
        this.parallel(
          Math.min(this.threads, g.N),
          g.N,
          1,
          (t, n0, n1) => [x, w, bias, out, this.desc, flags, n0, n1, ws(t)],
          s1.forward,
        ),
      );
      return;
    }
    this.parallel(
      this.threads,
      g.N,
      1,
      (t, n0, n1) => [x, w, bias, out, this.desc, flags, n0, n1, this.gemmWs[t]!],
      'conv2dForward',
    );
  }

  /**
   * The kernels of a stride-1 algorithm, which all take one workspace per thread: its size, the
   * forward and weight-gradient kernels, where a thread leaves its weight-gradient partial and the
   * fold that sums the partials into dw (`ws0`, thread 0's workspace, is free scratch by then).
   */
  private stride1Kernels(algo: 'winograd' | 'implicit-gemm') {
    const e = this.exports;
    const desc = this.desc;
    return algo === 'winograd'
      ? {
          workspaceBytes: e.winogradWorkspaceBytes,
          forward: 'conv2dForwardWinograd' as const,
          weightGrad: 'conv2dWeightGradWinograd' as const,
          partial: e.winogradWeightGradPartial,
          fold: (dw: number, beta: number, first: number, stride: number, count: number, ws0: number) =>
            e.conv2dWeightGradWinogradFold(dw, desc, beta, first, stride, count, ws0),
        }
      : {
          workspaceBytes: e.convS1WorkspaceBytes,
          forward: 'conv2dForwardS1' as const,
          weightGrad: 'conv2dWeightGradS1' as const,
          partial: e.conv2dWeightGradS1Partial,
          fold: (dw: number, beta: number, first: number, stride: number, count: number) =>
            e.conv2dWeightGradS1Fold(dw, desc, beta, first, stride, count),
        };
  }

  /** Calls fn with per-thread conv workspaces (one block, `bytes(desc)` rounded to 64 apart). */
  private withConvWorkspace<T>(
    N: number,
    bytes: (desc: number) => number,
    fn: (ws: (t: number) => number, stride: number, count: number) => T,
  ): T {
    const stride = Math.ceil(bytes(this.desc) / 64) * 64;
    const count = Math.min(this.threads, N);
    const block = this.heap.alloc(stride * count);
    try {
      return fn((t) => block + t * stride, stride, count);
    } finally {
      this.heap.free(block);
    }
  }

  /**
   * Gradient of conv2d with respect to its input: dx [N, Ci, H, W] (overwritten) from dy [N, Co, OH, OW]
   * and the weight. Threads split the batch.
   */
  conv2dInputGrad(
    w: number,
    dy: number,
    dx: number,
    xShape: readonly number[],
    wShape: readonly number[],
    options: Conv2dOptions = {},
  ): Conv2dGeometry {
    const g = this.setConv(xShape, wShape, options);
    const t = inputGradAsForward(g);
    if (t) {
      const Cig = g.Ci / g.groups;
      const flipped = this.heap.alloc(4 * g.Co * Cig * g.KH * g.KW);
      try {
        this.exports.convFlipWeights(w, flipped, g.Co, Cig, g.groups, g.KH, g.KW);
        this.setDesc(t);
        this.convForwardRun(t, dy, flipped, 0, dx, 0);
      } finally {
        this.heap.free(flipped);
      }
      return g;
    }
    const gemmBytes = this.exports.gemmWorkspaceBytes();
    const extra = this.exports.conv2dInputGradWorkspaceBytes(this.desc);
    const T = Math.min(this.threads, g.N);
    const ws = Array.from({ length: T }, () => this.heap.alloc(gemmBytes + extra));
    try {
      this.parallel(T, g.N, 1, (t, n0, n1) => [w, dy, dx, this.desc, n0, n1, ws[t]!], 'conv2dInputGrad');
    } finally {
      for (const p of ws) this.heap.free(p);
    }
    return g;
  }

  /**
   * Gradient of conv2d with respect to its weight: `dw = beta*dw + sum_n dy_n (x) col(x_n)^T`,
   * dw [Co, Ci/groups, KH, KW]. beta = 0 (default) overwrites, 1 accumulates. Threads split the batch,
   * each into a private buffer, summed at the end.
   */
  conv2dWeightGrad(
    x: number,
    dy: number,
    dw: number,
    xShape: readonly number[],
    wShape: readonly number[],
    options: Conv2dOptions & { beta?: number } = {},
  ): Conv2dGeometry {
    const g = this.setConv(xShape, wShape, options);
    const beta = options.beta ?? 0;
    const algo = this.forwardAlgorithm(g);
    if (algo !== 'im2col') {
      const s1 = this.stride1Kernels(algo);
      this.withConvWorkspace(g.N, s1.workspaceBytes, (ws, stride, count) => {
        const used = this.parallel(
          count,
          g.N,
          1,
          (t, n0, n1) => [x, dy, this.desc, n0, n1, ws(t)],
          s1.weightGrad,
        );
        s1.fold(dw, beta, s1.partial(this.desc, ws(0)), stride, used, ws(0));
      });
      return g;
    }
    const len = wShape[0]! * wShape[1]! * wShape[2]! * wShape[3]!;
    const T = Math.min(this.threads, g.N);
    const partial = Array.from({ length: T - 1 }, () => this.heap.alloc(4 * len));
    try {
      this.parallel(
        T,
        g.N,
        1,
        (t, n0, n1) =>
          t === 0
            ? [x, dy, dw, this.desc, beta, n0, n1, this.gemmWs[0]!]
            : [x, dy, partial[t - 1]!, this.desc, 0, n0, n1, this.gemmWs[t]!],
        'conv2dWeightGrad',
      );
      for (const p of partial) this.exports.binary(BINARY_OPS.add, dw, p, dw, len, 1);
    } finally {
      for (const p of partial) this.heap.free(p);
    }
    return g;
  }

  /** Gradient of conv2d's bias: db[co] = sum of dy[n, co, :, :] over n and positions. dy: [N, Co, OH, OW]. */
  conv2dBiasGrad(dy: number, db: number, dyShape: readonly number[]): void {
    if (dyShape.length !== 4)
      throw new RangeError(`conv2dBiasGrad: expected a 4-D gradient, got [${dyShape.join(', ')}]`);
    const [N, Co, OH, OW] = dyShape as [number, number, number, number];
    this.exports.conv2dBiasGrad(dy, db, N, Co, OH * OW);
  }

  // ---- pooling ----

  /**
   * max_pool2d: out [N, C, OH, OW] and indices (int32, flat h*W + w within each plane, like PyTorch's
   * return_indices) from x [N, C, H, W]. Returns the geometry.
   */
  maxPool2dForward(
    x: number,
    xShape: readonly number[],
    out: number,
    indices: number,
    kernelSize: Pair,
    options: Pool2dOptions = {},
  ): Conv2dGeometry {
    const g = this.setDesc(pool2dGeometry(xShape, kernelSize, options));
    const planes = g.N * g.Ci;
    this.split(
      planes,
      planes * g.H * g.W,
      1,
      (_, p0, p1) => [x, out, indices, this.desc, p0, p1],
      'maxPool2dForward',
    );
    return g;
  }

  /** max_pool2d gradient: dx [N, C, H, W] (overwritten) from dy [N, C, OH, OW] and the forward's indices. */
  maxPool2dBackward(
    dy: number,
    indices: number,
    dx: number,
    xShape: readonly number[],
    outHW: readonly [number, number],
  ): void {
    const [N, C, H, W] = (xShape.length === 4 ? xShape : [1, ...xShape]) as [number, number, number, number];
    const OHW = outHW[0] * outHW[1];
    this.split(
      N * C,
      N * C * H * W,
      1,
      (_, p0, p1) => [dy, indices, dx, H * W, OHW, p0, p1],
      'maxPool2dBackward',
    );
  }

  /** avg_pool2d: out [N, C, OH, OW] from x [N, C, H, W]. Returns the geometry. */
  avgPool2dForward(
    x: number,
    xShape: readonly number[],
    out: number,
    kernelSize: Pair,
    options: AvgPool2dOptions = {},
  ): Conv2dGeometry {
    return this.avgPool2d('avgPool2dForward', x, out, xShape, kernelSize, options);
  }

  /** avg_pool2d gradient: dx [N, C, H, W] (overwritten) from dy [N, C, OH, OW], same arguments as the forward. */
  avgPool2dBackward(
    dy: number,
    dx: number,
    xShape: readonly number[],
    kernelSize: Pair,
    options: AvgPool2dOptions = {},
  ): void {
    this.avgPool2d('avgPool2dBackward', dy, dx, xShape, kernelSize, options);
  }

  /**
   * Runs an average-pooling kernel (forward: x -> out; backward: dy -> dx) over the N*C planes,
   * split across threads by plane; both directions take the same descriptor and flags.
   */
  private avgPool2d(
    kernel: 'avgPool2dForward' | 'avgPool2dBackward',
    src: number,
    dst: number,
    xShape: readonly number[],
    kernelSize: Pair,
    options: AvgPool2dOptions,
  ): Conv2dGeometry {
    const g = this.setDesc(pool2dGeometry(xShape, kernelSize, options));
    const [cip, div] = avgFlags(options);
    const planes = g.N * g.Ci;
    this.split(
      planes,
      planes * g.H * g.W,
      1,
      (t, p0, p1) => [src, dst, this.desc, cip, div, this.scratch[t]!, p0, p1],
      kernel,
    );
    return g;
  }

  // ---- batch norm ----

  /**
   * Training-mode batch norm over x of shape [N, C, ...] (statistics per channel over N and the rest):
   * y = (x - mean) / sqrt(var + eps) * weight + bias with the batch mean and biased variance, which are
   * saved as saveMean and saveInvstd = 1/sqrt(var + eps) (length C) for the backward; running stats
   * are updated in place with the unbiased variance. weight/bias 0 = affine=False.
   */
  batchNormTrain(
    x: number,
    y: number,
    shape: readonly number[],
    weight: number,
    bias: number,
    saveMean: number,
    saveInvstd: number,
    options: BatchNormTrainOptions = {},
  ): void {
    const [N, C, S] = bnDims(shape);
    const rm = options.runningMean ?? 0;
    const rv = options.runningVar ?? 0;
    const eps = options.eps ?? 1e-5;
    const momentum = options.momentum ?? 0.1;
    this.split(
      C,
      N * C * S,
      1,
      (_, c0, c1) => [x, y, weight, bias, saveMean, saveInvstd, rm, rv, N, C, S, eps, momentum, c0, c1],
      'batchNormForwardTrain',
    );
  }

  /** Eval-mode batch norm with given statistics: y = (x - mean) / sqrt(var + eps) * weight + bias. */
  batchNormEval(
    x: number,
    y: number,
    shape: readonly number[],
    weight: number,
    bias: number,
    mean: number,
    variance: number,
    eps = 1e-5,
  ): void {
    const [N, C, S] = bnDims(shape);
    this.split(
      C,
      N * C * S,
      1,
      (_, c0, c1) => [x, y, weight, bias, mean, variance, N, C, S, eps, c0, c1],
      'batchNormForwardEval',
    );
  }

  /**
   * Batch norm backward. training: mean/invstd are the forward's saveMean/saveInvstd and dx includes
   * the statistics' gradient; eval (training = false): pass the running mean and 1/sqrt(running_var + eps),
   * dx = dy * weight * invstd. dweight/dbias (length C) and dx may each be 0 to skip them.
   */
  batchNormBackward(
    dy: number,
    x: number,
    shape: readonly number[],
    weight: number,
    mean: number,
    invstd: number,
    dx: number,
    dweight: number,
    dbias: number,
    training = true,
  ): void {
    const [N, C, S] = bnDims(shape);
    this.split(
      C,
      N * C * S,
      1,
      (_, c0, c1) => [dy, x, weight, mean, invstd, dx, dweight, dbias, N, C, S, +training, c0, c1],
      'batchNormBackward',
    );
  }

  // ---- softmax and NLL ----

  /** softmax (or log_softmax with `log`) over the middle axis of contiguous (outer, r, inner); y may equal x. */
  softmax(x: number, y: number, outer: number, r: number, inner: number, log = false): void {
    this.split(outer, outer * r * inner, 1, (_, o0, o1) => [x, y, r, inner, +log, o0, o1], 'softmaxForward');
  }

  /** Gradient of {@link softmax} from its output y: dx = y (dy - sum(dy y)), or dy - exp(y) sum(dy) for log. */
  softmaxBackward(
    dy: number,
    y: number,
    dx: number,
    outer: number,
    r: number,
    inner: number,
    log = false,
  ): void {
    this.split(
      outer,
      outer * r * inner,
      1,
      (_, o0, o1) => [dy, y, dx, r, inner, +log, o0, o1],
      'softmaxBackward',
    );
  }

  /**
   * Per-sample NLL over logp [N, C] and int32 targets [N]: loss[i] = -w[t_i] logp[i, t_i] and
   * weightOut[i] = w[t_i] (both 0 for ignoreIndex), so reduction='mean' is sum(loss)/sum(weightOut).
   * `weight` 0 = all ones. Throws PyTorch's error on an out-of-range target.
   */
  nllLoss(
    logp: number,
    target: number,
    weight: number,
    loss: number,
    weightOut: number,
    N: number,
    C: number,
    ignoreIndex = -100,
  ): void {
    const bad = this.exports.nllLossForward(logp, target, weight, loss, weightOut, N, C, ignoreIndex);
    if (bad) throw new RangeError(`Target ${this.i32(target + 4 * (bad - 1), 1)[0]} is out of bounds.`);
  }

  /** NLL gradient: dlogp [N, C] = 0 except dlogp[i, t_i] = -w[t_i] grad[i] (grad per sample, reduction scale included). */
  nllLossBackward(
    target: number,
    weight: number,
    grad: number,
    dlogp: number,
    N: number,
    C: number,
    ignoreIndex = -100,
  ): void {
    this.exports.nllLossBackward(target, weight, grad, dlogp, N, C, ignoreIndex);
  }

  // ---- optimizers ----

  /** One torch.optim.SGD update of n parameters in place; `buf` (momentum buffer) may be 0 without momentum. */
  sgdStep(p: number, grad: number, buf: number, n: number, o: SgdOptions): void {
    const momentum = o.momentum ?? 0;
    if (momentum !== 0 && !buf) throw new Error('sgdStep: momentum needs a momentum buffer');
    const scalars = [
      o.lr,
      momentum,
      1 - (o.dampening ?? 0),
      o.weight_decay ?? 0,
      +(o.nesterov ?? false),
      +(o.maximize ?? false),
      +(o.first ?? false),
    ];
    // memory-bound over the whole model: large parameters are split across the threads
    this.split(
      n,
      n,
      4,
      (_, i0, i1) => [p + 4 * i0, grad + 4 * i0, buf && buf + 4 * i0, i1 - i0, ...scalars],
      'sgdStep',
    );
  }

  /**
   * One torch.optim.Adam (or AdamW with `decoupled`) update of n parameters in place, with first and
   * second moment buffers m, v (zero-initialised before step 1) and vmax for amsgrad (else 0).
   */
  adamStep(p: number, grad: number, m: number, v: number, vmax: number, n: number, o: AdamOptions): void {
    const [beta1, beta2] = o.betas ?? [0.9, 0.999];
    const wd = o.weight_decay ?? (o.decoupled ? 1e-2 : 0);
    if (o.amsgrad && !vmax) throw new Error('adamStep: amsgrad needs a max_exp_avg_sq buffer');
    const scalars = [
      1 - beta1,
      beta2,
      1 - beta2,
      o.eps ?? 1e-8,
      wd,
      1 - o.lr * wd,
      -o.lr / (1 - beta1 ** o.step),
      Math.sqrt(1 - beta2 ** o.step),
      +(o.amsgrad ?? false),
      +(o.decoupled ?? false),
      +(o.maximize ?? false),
    ];
    const at = (base: number, i: number) => base && base + 4 * i;
    this.split(
      n,
      n,
      4,
      (_, i0, i1) => [at(p, i0), at(grad, i0), at(m, i0), at(v, i0), at(vmax, i0), i1 - i0, ...scalars],
      'adamStep',
    );
  }

  /** Stops the worker threads (if any); later kernel calls run on the calling thread only. */
  dispose(): void {
    this.pool?.dispose();
    this.pool = null;
  }

  // ---- helpers ----

  /**
   * Runs `fn` on up to T threads over [0, total) split into contiguous chunks aligned to `align`:
   * chunk t goes to worker t (t >= 1) and chunk 0 to the calling thread, which then waits for the rest.
   * Returns the number of chunks (threads used).
   */
  private parallel(
    T: number,
    total: number,
    align: number,
    args: (t: number, start: number, end: number) => number[],
    fn: ParallelExport,
  ): number {
    const call = this.exports[fn] as (...a: number[]) => void;
    const chunk = Math.ceil(Math.ceil(total / Math.max(1, T)) / align) * align;
    const n = this.pool ? Math.min(T, Math.ceil(total / chunk)) : 1;
    if (n <= 1) {
      call(...args(0, 0, total));
      return 1;
    }
    for (let t = 1; t < n; t++)
      this.pool!.dispatch(t, fn, args(t, t * chunk, Math.min(total, (t + 1) * chunk)));
    try {
      call(...args(0, 0, chunk));
    } finally {
      this.pool!.join();
    }
    return n;
  }

  /** Validates a convolution and writes its descriptor. */
  private setConv(
    xShape: readonly number[],
    wShape: readonly number[],
    options: Conv2dOptions,
  ): Conv2dGeometry {
    return this.setDesc(conv2dGeometry(xShape, wShape, options));
  }

  /** Writes a geometry as the descriptor the conv and pool kernels read. */
  private setDesc(g: Conv2dGeometry): Conv2dGeometry {
    this.i32(this.desc, DESC_WORDS).set(conv2dDescriptor(g));
    return g;
  }

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
    let rows = 1;
    for (let d = 0; d < rank - 1; d++) rows *= c.shape[d]!;
    this.metaRows = rows;
    this.metaCount = rows * c.shape[rank - 1]!;
    return rank;
  }
}

/**
 * The input gradient of a stride-1 conv as a forward conv: dx = conv(dy, w') with w' the
 * channel-transposed, tap-flipped weight (convFlipWeights) and padding d(K-1) - p; null when that
 * padding would be negative or the stride is not 1 (the im2col path scatters instead).
 */
function inputGradAsForward(g: Conv2dGeometry): Conv2dGeometry | null {
  const padH = g.dh * (g.KH - 1) - g.ph;
  const padW = g.dw * (g.KW - 1) - g.pw;
  if (g.sh !== 1 || g.sw !== 1 || padH < 0 || padW < 0) return null;
  return conv2dGeometry([g.N, g.Co, g.OH, g.OW], [g.Ci, g.Co / g.groups, g.KH, g.KW], {
    padding: [padH, padW],
    dilation: [g.dh, g.dw],
    groups: g.groups,
  });
}

function avgFlags(o: AvgPool2dOptions): [number, number] {
  const div = o.divisor_override ?? 0;
  if (o.divisor_override !== undefined && (!Number.isInteger(div) || div <= 0)) {
    throw new RangeError('divisor must be not zero');
  }
  return [+(o.count_include_pad ?? true), div];
}

/** (N, C, S) of a batch-norm input [N, C, ...]. */
function bnDims(shape: readonly number[]): [number, number, number] {
  if (shape.length < 2)
    throw new RangeError(`batch_norm: expected at least 2-D input [N, C, ...], got [${shape.join(', ')}]`);
  const S = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[0]!, shape[1]!, S];
}
