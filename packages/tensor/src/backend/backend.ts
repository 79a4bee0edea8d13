/**
 * The compute interface between tensors and an engine. A backend owns storage (where the numbers
 * live) and runs the handful of primitive kernels every op is built from; autograd, views, dtype
 * rules and error messages live above it, once, for all backends.
 *
 * Operands are described as strided views (storage, shape, element strides, element offset), so a
 * transposed or broadcast operand (stride 0) reaches the kernel without a copy.
 */
import type { StorageKind, TypedArray } from '../dtype.js';

/**
 * A flat buffer of one storage kind, owned by a backend. Tensors are strided views of storages.
 *
 * @example
 * ```ts
 * const x = torch.ones([2, 3]);
 * x.t().storage === x.storage; // true: views share it
 * x.storage.data; // Float32Array of the 6 elements (for wasm, a view of wasm memory)
 * ```
 */
export class Storage {
  /**
   * Bumped by every in-place write through a tensor, so autograd can detect that a tensor saved for
   * backward was modified afterwards (PyTorch's version counter).
   */
  version = 0;

  constructor(
    /** The backend that allocated this storage and computes on it. */
    readonly backend: Backend,
    /** Element layout. */
    readonly kind: StorageKind,
    /** Number of elements. */
    readonly length: number,
    /** Backend-specific handle: a byte offset into wasm memory, or a host typed array. */
    readonly handle: number | TypedArray,
  ) {}

  /**
   * A typed array over the elements (for wasm, a fresh view of the current memory). Take it after
   * allocating any tensor you need: an allocation may grow wasm memory, which detaches earlier
   * views of a single-threaded memory.
   */
  get data(): TypedArray {
    return this.backend.view(this);
  }
}

/** A strided view of a storage; `Tensor` satisfies it. */
export interface View {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Elementwise functions of one operand; `p0`/`p1` are their scalar parameters. */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'rsqrt'
  | 'abs'
  | 'sign'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'square'
  | 'reciprocal'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'logical_not'
  /** max(x, 0) + p0 * min(x, 0) */
  | 'leaky_relu'
  /** min(max(x, p0), p1); either bound may be +-Infinity */
  | 'clamp'
  /** x ** p0 */
  | 'pow_scalar'
  /** x * p0 + p1 */
  | 'affine';

/** Elementwise functions of two operands; `alpha` scales `b` in add/sub, is the slope in leaky_relu_backward. */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'logical_and'
  | 'logical_or'
  /** grad a, output-or-input b: a * (b > 0) */
  | 'relu_backward'
  /** a * (b > 0 ? 1 : alpha), b the input */
  | 'leaky_relu_backward'
  /** a * b * (1 - b), b the sigmoid output */
  | 'sigmoid_backward'
  /** a * (1 - b * b), b the tanh output */
  | 'tanh_backward';

/** Reductions over the middle axis of an (outer, n, inner) contiguous block. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';

/** What 2-d convolution and pooling windows share: NCHW input and output sizes and window steps. */
export interface Window2dGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** Geometry of a 2-d convolution, NCHW input, OIHW weight. */
export interface Conv2dGeometry extends Window2dGeometry {
  /** output channels */
  o: number;
  kh: number;
  kw: number;
  groups: number;
}

/** Geometry of a 2-d pooling window over NCHW. */
export interface Pool2dGeometry extends Window2dGeometry {
  kernel: [number, number];
  /** avg pool: whether zero padding counts in the divisor (PyTorch's count_include_pad) */
  countIncludePad: boolean;
  /** Whether the output size was rounded up (PyTorch's ceil_mode). */
  ceilMode: boolean;
}

/** What a convolution applies to each output as it stores it: + bias[channel], then max(., 0) (NaN stays NaN). */
export interface ConvEpilogue {
  bias: Storage | null;
  relu: boolean;
}

/** A contiguous block viewed as (outer, n, inner): reductions and softmax work over the middle axis. */
export interface Blocks {
  outer: number;
  n: number;
  inner: number;
}

/** Strided batched matrix operand: element (b, i, j) at offset + b*batchStride + i*rowStride + j*colStride. */
export interface MatrixOperand {
  storage: Storage;
  offset: number;
  batchStride: number;
  rowStride: number;
  colStride: number;
}

/** A batched matrix product: `batch` products of m x k by k x n, plus an optional bias row. */
export interface MatmulSpec {
  batch: number;
  m: number;
  k: number;
  n: number;
  /** n contiguous elements added to every row of the product, as `addmm` does */
  bias?: Storage | null;
}

/** A batch-norm input viewed as [n, c, s]: batch, channels, and everything after (spatial). */
export interface BatchNormDims {
  n: number;
  c: number;
  s: number;
}

/** What every batch-norm kernel reads: the input x [n, c, s] and the per-channel affine weight (or null). */
export interface BatchNormInput {
  x: Storage;
  dims: BatchNormDims;
  weight: Storage | null;
}

/** A batch-norm forward: y = (x - mean) * invstd * weight + bias. */
export interface BatchNormForward extends BatchNormInput {
  y: Storage;
  bias: Storage | null;
  eps: number;
}

/** Training batch norm: statistics of the batch, saved for backward, and the running stats to update. */
export interface BatchNormTrainArgs extends BatchNormForward {
  saveMean: Storage;
  saveInvstd: Storage;
  running: { mean: Storage; var: Storage; momentum: number } | null;
}

/** Eval batch norm with given statistics. */
export interface BatchNormEvalArgs extends BatchNormForward {
  mean: Storage;
  variance: Storage;
}

/** Batch-norm gradients from dy and the statistics the forward used; null outputs are skipped. */
export interface BatchNormBackwardArgs extends BatchNormInput {
  dy: Storage;
  mean: Storage;
  invstd: Storage;
  dx: Storage | null;
  dweight: Storage | null;
  dbias: Storage | null;
  /** whether dx includes the gradient through the batch statistics */
  training: boolean;
}

/** Hyperparameters of one fused SGD update, with torch.optim.SGD's names (see `torch.sgd_step_`). */
export interface SgdStepOptions {
  /** learning rate */
  lr: number;
  /** momentum factor (default 0: no buffer) */
  momentum?: number;
  /** dampening of the gradient added to the buffer (default 0) */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0) */
  weight_decay?: number;
  /** Nesterov momentum (default false) */
  nesterov?: boolean;
  /** ascend instead of descend (default false) */
  maximize?: boolean;
  /** the parameter's first step: the buffer is set to the gradient instead of updated (default false) */
  first?: boolean;
}

/** Hyperparameters of one fused Adam/AdamW update, with torch.optim.Adam's names (see `torch.adam_step_`). */
export interface AdamStepOptions {
  /** learning rate */
  lr: number;
  /** running-average coefficients of the gradient and its square (default [0.9, 0.999]) */
  betas?: readonly [number, number];
  /** added to the denominator (default 1e-8) */
  eps?: number;
  /** L2 term in the gradient (Adam), or decoupled decay (AdamW) (default 0) */
  weight_decay?: number;
  /** normalise by the running maximum of v (needs a max_exp_avg_sq buffer; default false) */
  amsgrad?: boolean;
  /** ascend instead of descend (default false) */
  maximize?: boolean;
  /** AdamW: decay the weights directly instead of through the gradient (default false) */
  decoupled_weight_decay?: boolean;
  /** the 1-based step count of this update (PyTorch increments it before updating) */
  step: number;
}

/**
 * What a backend provides. All outputs are written into storages the caller allocated with
 * `alloc`; inputs are never modified unless they are also the output.
 */
export interface Backend {
  readonly name: BackendName;
  /** A new storage of `length` elements; its contents are unspecified. */
  alloc(kind: StorageKind, length: number): Storage;
  /**
   * Returns a storage's memory now, for backends that manage memory explicitly; afterwards the
   * storage must not be used. Optional: host backends leave it to the garbage collector.
   */
  release?(storage: Storage): void;
  /** A typed array over a storage's elements. */
  view(storage: Storage): TypedArray;
  /** Sets every element of the view to `value`. */
  fill(dst: View, value: number): void;
  /** Copies `src` into `dst` (same shape), converting between storage kinds. */
  copy(src: View, dst: View): void;
  /** out = op(x); `out` has x's shape. */
  unary(op: UnaryOp, x: View, out: View, p0?: number, p1?: number): void;
  /** out = op(a, b); `a` and `b` are already expanded to out's shape (stride 0 where broadcast). */
  binary(op: BinaryOp, a: View, b: View, out: View, alpha?: number): void;
  /** out = cond ? a : b, all expanded to out's shape. */
  where(cond: View, a: View, b: View, out: View): void;
  /** Reduces x[(o, r, i)] at `xOffset + (o*n + r)*inner + i` over r into out[o*inner + i]. */
  reduce(op: ReduceOp, x: Storage, xOffset: number, blocks: Blocks, out: Storage): void;
  /** out[b] = a[b] @ bm[b] (+ bias) for b < batch; a is m x k, bm is k x n, out contiguous batch x m x n. */
  matmul(a: MatrixOperand, b: MatrixOperand, out: Storage, spec: MatmulSpec): void;
  /** Softmax (or log-softmax) over the middle axis of contiguous blocks. */
  softmax(x: Storage, out: Storage, blocks: Blocks, log: boolean): void;
  /**
   * Gradient of softmax from its output y: gx = y * (g - sum(g * y)), or for log-softmax
   * gx = g - exp(y) * sum(g), sums over the middle axis of contiguous blocks.
   */
  softmaxBackward(grad: Storage, y: Storage, gradIn: Storage, blocks: Blocks, log: boolean): void;
  /**
   * Training batch norm over x [n, c, s] (statistics per channel over n and s): writes y, the batch
   * mean and 1/sqrt(biased var + eps) (length c), and updates the running stats (if given) with
   * r = (1 - momentum) r + momentum * stat, using the unbiased variance.
   */
  batchNormTrain(args: BatchNormTrainArgs): void;
  /** Batch norm with given statistics: y = (x - mean) / sqrt(var + eps) * weight + bias. */
  batchNormEval(args: BatchNormEvalArgs): void;
  /**
   * Batch norm gradients from dy, x, the statistics (mean and invstd) and weight. With `training`,
   * dx includes the gradient through the batch statistics:
   *   dx = invstd * w * (dy - mean(dy) - xhat * mean(dy * xhat)),  xhat = (x - mean) * invstd,
   * else dx = dy * w * invstd. dweight = sum(dy * xhat), dbias = sum(dy).
   */
  batchNormBackward(args: BatchNormBackwardArgs): void;
  /** out = conv2d(x, weight), all dense NCHW / OIHW, with the epilogue applied as outputs are stored. */
  conv2d(x: Storage, weight: Storage, out: Storage, g: Conv2dGeometry, epilogue: ConvEpilogue): void;
  /** gradIn = gradient of conv2d w.r.t. its input (overwritten). */
  conv2dBackwardInput(gradOut: Storage, weight: Storage, gradIn: Storage, g: Conv2dGeometry): void;
  /** gradWeight = gradient of conv2d w.r.t. its weight (overwritten). */
  conv2dBackwardWeight(x: Storage, gradOut: Storage, gradWeight: Storage, g: Conv2dGeometry): void;
  /** Max pooling; `indices` receives the flat h*w index of each maximum, as PyTorch returns. */
  maxPool2d(x: Storage, out: Storage, indices: Storage, g: Pool2dGeometry): void;
  /** gradIn (overwritten) = each output gradient added at its maximum's index. */
  maxPool2dBackward(gradOut: Storage, indices: Storage, gradIn: Storage, g: Pool2dGeometry): void;
  /**
   * One SGD step of `n` dense float32 elements in place (param, and buffer if given), with PyTorch's
   * rounding (see `torch.sgd_step_`). Optional: without it the op runs a loop over the storages.
   */
  sgdStep?(param: View, grad: View, buffer: View | null, n: number, options: SgdStepOptions): void;
  /**
   * One Adam/AdamW step of `n` dense float32 elements in place (param, exp_avg, exp_avg_sq and, with
   * amsgrad, max_exp_avg_sq), with PyTorch's rounding (see `torch.adam_step_`). Optional, as sgdStep.
   */
  adamStep?(
    param: View,
    grad: View,
    expAvg: View,
    expAvgSq: View,
    maxExpAvgSq: View | null,
    n: number,
    options: AdamStepOptions,
  ): void;
  /** Average pooling. */
  avgPool2d(x: Storage, out: Storage, g: Pool2dGeometry): void;
  /** gradIn (overwritten) = each output gradient spread over its window / divisor. */
  avgPool2dBackward(gradOut: Storage, gradIn: Storage, g: Pool2dGeometry): void;
}

/** Backend names accepted by `set_backend`. `'js'` is the plain TypeScript reference. */
export type BackendName = 'wasm' | 'tfjs' | 'js';

/** Whether a view is dense row-major (size-1 dims may have any stride), so it is one contiguous run. */
export function isDense(v: View): boolean {
  let expected = 1;
  for (let d = v.shape.length - 1; d >= 0; d--) {
    const size = v.shape[d]!;
    if (size !== 1 && v.strides[d] !== expected) return false;
    expected *= size;
  }
  return true;
}
