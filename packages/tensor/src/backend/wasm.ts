/**
 * The default backend: tensors resident in wasm linear memory, computed by @minidl/kernels (SIMD,
 * multi-threaded GEMM and convolutions). Kernels are used wherever they exist for the operand
 * kinds and layout; everything else runs the inherited plain-TypeScript loops directly on views
 * of wasm memory (no copies out). The kernels are float32 only, so every float64 op takes the
 * plain-TypeScript path (float64 storage lives in wasm memory too: the heap's blocks are 64-byte
 * aligned, so a Float64Array view of a block is always 8-byte aligned). Storage is returned to the kernels' heap when the autograd engine
 * releases backward temporaries, or when a Storage object is garbage-collected.
 */
import { type Kernels, type LoadKernelsOptions, loadKernels } from '@minidl/kernels';
import { kindBytes, type StorageKind, type TypedArray } from '../dtype.js';
import { numel as count } from '../shape.js';
import { noteAllocation } from './allocations.js';
import {
  type AdamStepOptions,
  type BackendName,
  type BatchNormBackwardArgs,
  type BatchNormEvalArgs,
  type BatchNormTrainArgs,
  type BinaryOp,
  type Blocks,
  type Conv2dGeometry,
  type ConvEpilogue,
  isDense,
  type MatmulSpec,
  type MatrixOperand,
  type Pool2dGeometry,
  type ReduceOp,
  type SgdStepOptions,
  Storage,
  type UnaryOp,
  type View,
} from './backend.js';
import { HostBackend } from './host.js';
import { type Finalizer, GcPressure, gcFunction, makeFinalizer } from './memory.js';

/** Our unary ops that have a float32 kernel of the same meaning (and name). */
const KERNEL_UNARY = new Set<UnaryOp>([
  'neg',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'abs',
  'sign',
  'relu',
  'sigmoid',
  'tanh',
  'square',
  'reciprocal',
  'floor',
  'ceil',
  'round',
  'leaky_relu',
  'clamp',
  'pow_scalar',
  'affine',
]);

/** Our binary ops on float32 operands mapped to kernel names (add/sub with alpha become axpy). */
const KERNEL_BINARY: Partial<Record<BinaryOp, string>> = {
  mul: 'mul',
  div: 'div',
  pow: 'pow',
  maximum: 'maximum',
  minimum: 'minimum',
  eq: 'eq',
  ne: 'ne',
  lt: 'lt',
  le: 'le',
  gt: 'gt',
  ge: 'ge',
  relu_backward: 'threshold_backward',
  leaky_relu_backward: 'leaky_relu_backward',
  sigmoid_backward: 'sigmoid_backward',
  tanh_backward: 'tanh_backward',
};

const KERNEL_REDUCE = new Set<ReduceOp>(['sum', 'prod', 'max', 'min', 'argmax', 'argmin']);

/** Conversions the kernels do between contiguous storages, keyed `from>to`. */
const KERNEL_CONVERT: Record<
  string,
  'f32_to_i32' | 'i32_to_f32' | 'u8_to_f32' | 'f32_to_bool' | 'i32_to_bool' | 'u8_to_i32'
> = {
  'f32>i32': 'f32_to_i32',
  'i32>f32': 'i32_to_f32',
  'u8>f32': 'u8_to_f32',
  'f32>u8': 'f32_to_bool',
  'i32>u8': 'i32_to_bool',
  'u8>i32': 'u8_to_i32',
};

/** Whether every given storage (null ones are absent operands) is float32, the kernels' only float. */
function allF32(...storages: (Storage | null)[]): boolean {
  return storages.every((s) => s === null || s.kind === 'f32');
}

/** A wasm block owned by one Storage. */
interface Block {
  readonly ptr: number;
  freed: boolean;
}

/** Options of the wasm backend: how to load the kernels, or an already loaded instance. */
export interface WasmBackendOptions extends LoadKernelsOptions {
  /** Kernels loaded elsewhere (e.g. with `loadKernelsAsync` in a browser). */
  kernels?: Kernels;
}

/** Tensors in wasm memory, computed by @minidl/kernels. */
export class WasmBackend extends HostBackend {
  override readonly name: BackendName = 'wasm';
  readonly kernels: Kernels;
  /** Frees a block when its Storage is collected (the callback runs in a later task). */
  private readonly finalizer: Finalizer<Block>;
  private readonly blockOf = new WeakMap<Storage, Block>();
  private readonly pressure = new GcPressure();

  constructor(options: WasmBackendOptions = {}) {
    super();
    const { kernels, ...load } = options;
    this.kernels = kernels ?? loadKernels(load);
    this.finalizer = makeFinalizer((block: Block) => this.freeBlock(block));
  }

  private freeBlock(block: Block): void {
    if (block.freed) return;
    block.freed = true;
    this.kernels.free(block.ptr);
  }

  /** Bytes held by live tensors and the wasm memory size (see @minidl/kernels' HeapStats). */
  stats() {
    const s = this.kernels.stats();
    return {
      bytesInUse: s.bytesInUse,
      bytesReserved: s.bytesReserved,
      memoryBytes: s.memoryBytes,
      liveBlocks: s.liveBlocks,
      gcRequests: this.pressure.collections,
      syncFinalization: typeof this.finalizer.cleanupSome === 'function',
    };
  }

  override alloc(kind: StorageKind, length: number): Storage {
    const bytes = length * kindBytes(kind);
    // collect first, so blocks of dead tensors can serve this request
    if (this.pressure.allocated(bytes, this.kernels.stats().bytesInUse)) this.finalizer.cleanupSome?.();
    let ptr: number;
    try {
      ptr = this.kernels.alloc(bytes);
    } catch {
      // out of memory: dead tensors may still hold blocks; collect and retry once
      gcFunction()?.();
      this.finalizer.cleanupSome?.();
      ptr = this.allocOrExplain(bytes);
    }
    const storage = new Storage(this, kind, length, ptr);
    const block: Block = { ptr, freed: false };
    this.finalizer.register(storage, block, block);
    this.blockOf.set(storage, block);
    noteAllocation(storage);
    return storage;
  }

  private allocOrExplain(bytes: number): number {
    try {
      return this.kernels.alloc(bytes);
    } catch (e) {
      const s = this.kernels.stats();
      throw new RangeError(
        `wasm memory exhausted allocating ${bytes} bytes with ${(s.bytesInUse / 2 ** 20).toFixed(1)} MiB held by live tensors ` +
          `(${(e as Error).message}). Tensors are freed when garbage-collected; where finalizers cannot run ` +
          'synchronously (browsers) they only run between event-loop turns, so a long synchronous loop must yield ' +
          '(e.g. `await new Promise((r) => setImmediate(r))` per step, as the DataLoader does), and code must not ' +
          'keep references to old tensors.',
      );
    }
  }

  release(storage: Storage): void {
    const block = this.blockOf.get(storage);
    if (!block || block.freed) return;
    this.finalizer.unregister(block);
    this.freeBlock(block);
    this.pressure.released(storage.length * kindBytes(storage.kind));
  }

  override view(storage: Storage): TypedArray {
    const ptr = storage.handle as number;
    const k = this.kernels;
    if (storage.kind === 'f32') return k.f32(ptr, storage.length);
    if (storage.kind === 'f64') return new Float64Array(k.memory.buffer, ptr, storage.length);
    if (storage.kind === 'i32') return k.i32(ptr, storage.length);
    return k.u8(ptr, storage.length);
  }

  /** Byte address of element `offset` of a storage. */
  private addr(storage: Storage, offset = 0): number {
    return (storage.handle as number) + offset * kindBytes(storage.kind);
  }

  override fill(dst: View, value: number): void {
    if (dst.storage.kind !== 'f32') {
      super.fill(dst, value);
      return;
    }
    const p = this.addr(dst.storage, dst.offset);
    if (isDense(dst)) this.kernels.unary('fill', p, p, count(dst.shape), value);
    else this.kernels.unaryStrided('fill', dst.shape, p, dst.strides, p, dst.strides, value);
  }

  override copy(src: View, dst: View): void {
    const sk = src.storage.kind;
    const dk = dst.storage.kind;
    const from = this.addr(src.storage, src.offset);
    const to = this.addr(dst.storage, dst.offset);
    if (sk === dk && sk !== 'f64') {
      this.kernels.copyStrided(src.shape, from, src.strides, to, dst.strides, kindBytes(sk) as 1 | 4);
      return;
    }
    const conv = KERNEL_CONVERT[`${sk}>${dk}`];
    if (conv && isDense(src) && isDense(dst)) this.kernels.convert(conv, from, to, count(dst.shape));
    else super.copy(src, dst);
  }

  override unary(op: UnaryOp, x: View, out: View, p0 = 0, p1 = 0): void {
    if (!KERNEL_UNARY.has(op) || x.storage.kind !== 'f32' || out.storage.kind !== 'f32') {
      super.unary(op, x, out, p0, p1);
      return;
    }
    const xp = this.addr(x.storage, x.offset);
    const op2 = this.addr(out.storage, out.offset);
    if (isDense(x) && isDense(out)) this.kernels.unary(op as 'neg', xp, op2, count(out.shape), p0, p1);
    else this.kernels.unaryStrided(op as 'neg', out.shape, xp, x.strides, op2, out.strides, p0, p1);
  }

  override binary(op: BinaryOp, a: View, b: View, out: View, alpha = 1): void {
    let kop = KERNEL_BINARY[op];
    let scale = alpha;
    if (op === 'add') kop = alpha === 1 ? 'add' : 'axpy';
    else if (op === 'sub') {
      kop = alpha === 1 ? 'sub' : 'axpy';
      if (alpha !== 1) scale = -alpha;
    } else if (op === 'relu_backward') scale = 0;
    const outKind = out.storage.kind;
    const comparison = op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';
    if (
      kop === undefined ||
      a.storage.kind !== 'f32' ||
      b.storage.kind !== 'f32' ||
      outKind !== (comparison ? 'u8' : 'f32')
    ) {
      super.binary(op, a, b, out, alpha);
      return;
    }
    if (isDense(a) && isDense(b) && isDense(out)) {
      // one contiguous run: the flat kernel splits it across threads (the strided one splits rows)
      this.kernels.binary(
        kop as 'add',
        this.addr(a.storage, a.offset),
        this.addr(b.storage, b.offset),
        this.addr(out.storage, out.offset),
        count(out.shape),
        scale,
      );
      return;
    }
    this.kernels.binaryStrided(
      kop as 'add',
      out.shape,
      this.addr(a.storage, a.offset),
      a.strides,
      this.addr(b.storage, b.offset),
      b.strides,
      this.addr(out.storage, out.offset),
      out.strides,
      scale,
    );
  }

  override where(cond: View, a: View, b: View, out: View): void {
    if (
      a.storage.kind === 'f32' &&
      b.storage.kind === 'f32' &&
      out.storage.kind === 'f32' &&
      isDense(cond) &&
      isDense(a) &&
      isDense(b) &&
      isDense(out)
    ) {
      this.kernels.where(
        this.addr(cond.storage, cond.offset),
        this.addr(a.storage, a.offset),
        this.addr(b.storage, b.offset),
        this.addr(out.storage, out.offset),
        count(out.shape),
      );
      return;
    }
    super.where(cond, a, b, out);
  }

  override reduce(op: ReduceOp, x: Storage, xOffset: number, blocks: Blocks, out: Storage): void {
    const { outer, n, inner } = blocks;
    const wantKind = op === 'argmax' || op === 'argmin' ? 'i32' : 'f32';
    if (!KERNEL_REDUCE.has(op) || x.kind !== 'f32' || out.kind !== wantKind || n === 0) {
      super.reduce(op, x, xOffset, blocks, out);
      return;
    }
    this.kernels.reduce(op, this.addr(x, xOffset), this.addr(out), outer, n, inner);
  }

  override matmul(a: MatrixOperand, b: MatrixOperand, out: Storage, spec: MatmulSpec): void {
    const { batch, m, k, n, bias } = spec;
    if (!allF32(a.storage, b.storage, out, bias ?? null)) {
      super.matmul(a, b, out, spec);
      return;
    }
    const A = this.gemmOperand(a, m, k, batch);
    const epilogue = bias ? { bias: this.addr(bias), biasAxis: 'col' as const } : {};
    const B = this.gemmOperand(b, k, n, batch);
    try {
      for (let i = 0; i < batch; i++) {
        this.kernels.sgemm(
          A.trans,
          B.trans,
          m,
          n,
          k,
          1,
          A.ptr + 4 * i * A.batchStride,
          A.ld,
          B.ptr + 4 * i * B.batchStride,
          B.ld,
          0,
          this.addr(out) + 4 * i * m * n,
          Math.max(1, n),
          epilogue,
        );
      }
    } finally {
      A.free?.();
      B.free?.();
    }
  }

  /**
   * An sgemm operand for a rows x cols matrix: row-major (column stride 1), or transposed (row
   * stride 1); any other layout is packed densely first.
   */
  private gemmOperand(op: MatrixOperand, rows: number, cols: number, batchCount: number) {
    // strides of size-1 dims are irrelevant; normalise them so the leading dimension is valid
    const rs = rows === 1 ? cols : op.rowStride;
    const cs = cols === 1 ? 1 : op.colStride;
    const base = this.addr(op.storage, op.offset);
    if (cs === 1 && rs >= Math.max(1, cols)) {
      return { ptr: base, ld: rs, trans: false, batchStride: op.batchStride, free: undefined };
    }
    if (rs === 1 && cs >= Math.max(1, rows) && cols > 1) {
      return { ptr: base, ld: cs, trans: true, batchStride: op.batchStride, free: undefined };
    }
    // pack each batch's matrix densely (this path is rare: e.g. a broadcast or doubly strided view)
    const batch = op.batchStride === 0 ? 1 : batchCount;
    const bytes = 4 * rows * cols;
    const packed = this.kernels.alloc(bytes * batch);
    for (let i = 0; i < batch; i++) {
      this.kernels.copyStrided(
        [rows, cols],
        base + 4 * i * op.batchStride,
        [op.rowStride, op.colStride],
        packed + i * bytes,
      );
    }
    return {
      ptr: packed,
      ld: Math.max(1, cols),
      trans: false,
      batchStride: op.batchStride === 0 ? 0 : rows * cols,
      free: () => this.kernels.free(packed),
    };
  }

  override softmax(x: Storage, out: Storage, blocks: Blocks, log: boolean): void {
    if (!allF32(x, out)) {
      super.softmax(x, out, blocks, log);
      return;
    }
    const { outer, n, inner } = blocks;
    this.kernels.softmax(this.addr(x), this.addr(out), outer, n, inner, log);
  }

  override softmaxBackward(grad: Storage, y: Storage, gradIn: Storage, b: Blocks, log: boolean): void {
    if (!allF32(grad, y, gradIn)) {
      super.softmaxBackward(grad, y, gradIn, b, log);
      return;
    }
    const { outer, n, inner } = b;
    this.kernels.softmaxBackward(this.addr(grad), this.addr(y), this.addr(gradIn), outer, n, inner, log);
  }

  /**
   * The kernels' pooling arguments: input shape and options (one options object serves both kinds:
   * average pools always have dilation 1, and max pools ignore count_include_pad).
   */
  private poolArgs(g: Pool2dGeometry) {
    const options = {
      stride: g.stride,
      padding: g.padding,
      dilation: g.dilation,
      ceil_mode: g.ceilMode,
      count_include_pad: g.countIncludePad,
    };
    return [[g.n, g.c, g.h, g.w], options] as const;
  }

  override maxPool2d(x: Storage, out: Storage, indices: Storage, g: Pool2dGeometry): void {
    if (!allF32(x, out)) {
      super.maxPool2d(x, out, indices, g);
      return;
    }
    const [xs, o] = this.poolArgs(g);
    this.kernels.maxPool2dForward(this.addr(x), xs, this.addr(out), this.addr(indices), g.kernel, o);
  }

  override maxPool2dBackward(gradOut: Storage, indices: Storage, gradIn: Storage, g: Pool2dGeometry): void {
    if (!allF32(gradOut, gradIn)) {
      super.maxPool2dBackward(gradOut, indices, gradIn, g);
      return;
    }
    const [xs] = this.poolArgs(g);
    this.kernels.maxPool2dBackward(this.addr(gradOut), this.addr(indices), this.addr(gradIn), xs, [
      g.oh,
      g.ow,
    ]);
  }

  override avgPool2d(x: Storage, out: Storage, g: Pool2dGeometry): void {
    if (!allF32(x, out)) {
      super.avgPool2d(x, out, g);
      return;
    }
    const [xs, o] = this.poolArgs(g);
    this.kernels.avgPool2dForward(this.addr(x), xs, this.addr(out), g.kernel, o);
  }

  override avgPool2dBackward(gradOut: Storage, gradIn: Storage, g: Pool2dGeometry): void {
    if (!allF32(gradOut, gradIn)) {
      super.avgPool2dBackward(gradOut, gradIn, g);
      return;
    }
    const [xs, o] = this.poolArgs(g);
    this.kernels.avgPool2dBackward(this.addr(gradOut), this.addr(gradIn), xs, g.kernel, o);
  }

  /** The fused SGD update as one SIMD pass in wasm memory (the op checked every operand is dense float32). */
  sgdStep(param: View, grad: View, buffer: View | null, n: number, options: SgdStepOptions): void {
    const at = (v: View) => this.addr(v.storage, v.offset);
    this.kernels.sgdStep(at(param), at(grad), buffer ? at(buffer) : 0, n, options);
  }

  /** The fused Adam/AdamW update as one SIMD pass in wasm memory (operands checked by the op). */
  adamStep(
    param: View,
    grad: View,
    expAvg: View,
    expAvgSq: View,
    maxExpAvgSq: View | null,
    n: number,
    o: AdamStepOptions,
  ): void {
    const at = (v: View) => this.addr(v.storage, v.offset);
    this.kernels.adamStep(
      at(param),
      at(grad),
      at(expAvg),
      at(expAvgSq),
      maxExpAvgSq ? at(maxExpAvgSq) : 0,
      n,
      {
        ...o,
        weight_decay: o.weight_decay ?? 0,
        decoupled: o.decoupled_weight_decay ?? false,
      },
    );
  }

  /** Address of an optional storage (0 = absent, as the kernels take it). */
  private maybe(s: Storage | null): number {
    return s ? this.addr(s) : 0;
  }

  override batchNormTrain(args: BatchNormTrainArgs): void {
    const { x, y, dims, weight, bias, saveMean, saveInvstd, running, eps } = args;
    if (!allF32(x, y, weight, bias, saveMean, saveInvstd, running?.mean ?? null, running?.var ?? null)) {
      super.batchNormTrain(args);
      return;
    }
    this.kernels.batchNormTrain(
      this.addr(x),
      this.addr(y),
      [dims.n, dims.c, dims.s],
      this.maybe(weight),
      this.maybe(bias),
      this.addr(saveMean),
      this.addr(saveInvstd),
      running
        ? {
            runningMean: this.addr(running.mean),
            runningVar: this.addr(running.var),
            momentum: running.momentum,
            eps,
          }
        : { eps },
    );
  }

  override batchNormEval(args: BatchNormEvalArgs): void {
    const { x, y, dims, weight, bias, mean, variance, eps } = args;
    if (!allF32(x, y, weight, bias, mean, variance)) {
      super.batchNormEval(args);
      return;
    }
    this.kernels.batchNormEval(
      this.addr(x),
      this.addr(y),
      [dims.n, dims.c, dims.s],
      this.maybe(weight),
      this.maybe(bias),
      this.addr(mean),
      this.addr(variance),
      eps,
    );
  }

  override batchNormBackward(a: BatchNormBackwardArgs): void {
    if (!allF32(a.dy, a.x, a.weight, a.mean, a.invstd, a.dx, a.dweight, a.dbias)) {
      super.batchNormBackward(a);
      return;
    }
    this.kernels.batchNormBackward(
      this.addr(a.dy),
      this.addr(a.x),
      [a.dims.n, a.dims.c, a.dims.s],
      this.maybe(a.weight),
      this.addr(a.mean),
      this.addr(a.invstd),
      this.maybe(a.dx),
      this.maybe(a.dweight),
      this.maybe(a.dbias),
      a.training,
    );
  }

  /** The kernels' description of a convolution: input shape, weight shape and options. */
  private convArgs(g: Conv2dGeometry) {
    const options = { stride: g.stride, padding: g.padding, dilation: g.dilation, groups: g.groups };
    return [[g.n, g.c, g.h, g.w], [g.o, g.c / g.groups, g.kh, g.kw], options] as const;
  }

  override conv2d(x: Storage, weight: Storage, out: Storage, g: Conv2dGeometry, e: ConvEpilogue): void {
    if (!allF32(x, weight, out, e.bias)) {
      super.conv2d(x, weight, out, g, e);
      return;
    }
    const { bias, relu } = e;
    const [xs, ws, o] = this.convArgs(g);
    const options = { ...o, relu }; // the kernel applies max(., 0) as it stores each output tile
    this.kernels.conv2dForward(
      this.addr(x),
      xs,
      this.addr(weight),
      ws,
      this.maybe(bias),
      this.addr(out),
      options,
    );
  }

  override conv2dBackwardInput(gradOut: Storage, weight: Storage, gradIn: Storage, g: Conv2dGeometry): void {
    if (!allF32(gradOut, weight, gradIn)) {
      super.conv2dBackwardInput(gradOut, weight, gradIn, g);
      return;
    }
    const [xs, ws, o] = this.convArgs(g);
    this.kernels.conv2dInputGrad(this.addr(weight), this.addr(gradOut), this.addr(gradIn), xs, ws, o);
  }

  override conv2dBackwardWeight(x: Storage, gradOut: Storage, gradWeight: Storage, g: Conv2dGeometry): void {
    if (!allF32(x, gradOut, gradWeight)) {
      super.conv2dBackwardWeight(x, gradOut, gradWeight, g);
      return;
    }
    const [xs, ws, o] = this.convArgs(g);
    this.kernels.conv2dWeightGrad(this.addr(x), this.addr(gradOut), this.addr(gradWeight), xs, ws, o);
  }
}
