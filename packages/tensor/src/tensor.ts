/**
 * The Tensor: a strided view of a storage, with a dtype and autograd state. Methods are thin
 * wrappers over the functional ops in `./ops/`, where each op's forward and backward live together.
 *
 * Subclassing is supported (nn's `Parameter`): call `super(t.storage, t.shape, t.strides, t.offset,
 * t.dtype)` to wrap another tensor's storage; ops on a subclass return plain Tensors, as in PyTorch.
 */
import { AccumulateGrad, runBackward } from './autograd/engine.js';
import { rootGradient } from './autograd/grad.js';
import type { Node } from './autograd/node.js';
import type { Backend, BackendName, Storage } from './backend/backend.js';
import { backendByName } from './backend/registry.js';
import { type DType, isFloating, parseDType, type StorageKind } from './dtype.js';
import * as ew from './ops/elementwise.js';
import * as idx from './ops/indexing.js';
import * as inplace from './ops/inplace.js';
import * as linalg from './ops/linalg.js';
import * as rnd from './ops/random.js';
import * as red from './ops/reduce.js';
import * as sm from './ops/softmax.js';
import * as views from './ops/views.js';
import { contiguousStrides, normalizeDim, numel, type Shape } from './shape.js';

/** A nested array of numbers, as `tolist()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

/** A scalar or tensor operand of an arithmetic op. */
export type Operand = Tensor | number | boolean;

/** Sizes given either as one array or as separate numbers: `view([2, 3])` or `view(2, 3)`. */
export type SizeArgs = (number | readonly number[])[];

/** Options of reductions that can keep the reduced dims (size 1). */
export type KeepDim = boolean | { keepdim?: boolean };

/** Options of `backward`. */
export interface BackwardOptions {
  /** Keep the graph's saved tensors so backward can run through it again (default: `create_graph`). */
  retain_graph?: boolean;
  /**
   * Record the backward pass, so the accumulated gradients can be differentiated again (default
   * false), as PyTorch's `create_graph=True`.
   */
  create_graph?: boolean;
}

/** Flattens `view(2, 3)` / `view([2, 3])` argument styles into one shape. */
export function sizesOf(args: SizeArgs): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args.map((a) => {
    if (typeof a !== 'number') throw new TypeError('sizes must be numbers or a single array of numbers');
    return a;
  });
}

/** The dtype a bare storage is viewed as when none is given (32-bit integers are int64, as labels). */
const DEFAULT_DTYPE: Record<StorageKind, DType> = {
  f32: 'float32',
  f64: 'float64',
  i32: 'int64',
  u8: 'bool',
};

function keepdimOf(k: KeepDim | undefined): boolean {
  return typeof k === 'object' ? (k.keepdim ?? false) : (k ?? false);
}

/**
 * A multi-dimensional array with PyTorch's semantics: views share storage, ops broadcast, and
 * results of differentiable ops record how to compute gradients.
 *
 * @example
 * ```ts
 * import * as torch from '@minidl/tensor';
 * const w = torch.randn([3, 2], { requires_grad: true });
 * const loss = torch.ones([4, 3]).matmul(w).relu().sum();
 * loss.backward();
 * w.grad!.shape; // [3, 2]
 * ```
 */
export class Tensor {
  /** The flat buffer this tensor views (shared by views, `.data` and `detach()`). */
  storage: Storage;
  /** Size of each dimension, outermost first (PyTorch's `.shape`). Do not mutate. */
  shape: readonly number[];
  /** Element step of each dimension in the storage (PyTorch's `.stride()`). */
  strides: readonly number[];
  /** Element offset of the first element in the storage (PyTorch's `.storage_offset()`). */
  offset: number;
  /** Element type. */
  dtype: DType;
  /** Gradient accumulated by `backward()` (leaves only), like PyTorch's `.grad`. */
  grad: Tensor | null = null;
  /** The node that created this tensor in the autograd graph; null for leaves. */
  grad_fn: Node | null = null;
  /** @internal the tensor this one is a view of (for PyTorch's in-place checks on views of leaves). */
  _base: Tensor | null = null;
  private _requiresGrad = false;
  private _acc: AccumulateGrad | null = null;

  constructor(storage: Storage, shape: Shape, strides?: Shape, offset = 0, dtype?: DType) {
    this.storage = storage;
    this.shape = shape;
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
    this.dtype = dtype ?? DEFAULT_DTYPE[storage.kind];
  }

  // ---- metadata -------------------------------------------------------------------------------

  /** Whether gradients are computed for this tensor (true for results of ops on such tensors). */
  get requires_grad(): boolean {
    return this._requiresGrad || this.grad_fn !== null;
  }

  /** Sets `requires_grad` (leaves only), like `requires_grad_`. */
  set requires_grad(value: boolean) {
    this.requires_grad_(value);
  }

  /** True for tensors not produced by a recorded op (user-created tensors and parameters). */
  get is_leaf(): boolean {
    return this.grad_fn === null;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Name of the backend holding this tensor (the analogue of PyTorch's `.device`). */
  get device(): BackendName {
    return this.storage.backend.name;
  }

  /** The backend object holding this tensor. */
  get backend(): Backend {
    return this.storage.backend;
  }

  /**
   * A tensor sharing this one's storage but detached from autograd, like PyTorch's `.data`: in-place
   * writes through it (initialisers) are not recorded and are allowed on leaves that require grad.
   * Assigning replaces this tensor's contents with another tensor's (shape and storage).
   */
  get data(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset, this.dtype);
  }

  /** Replaces this tensor's storage, shape and dtype with another tensor's (PyTorch's `x.data = y`). */
  set data(value: Tensor) {
    this.storage = value.storage;
    this.shape = value.shape;
    this.strides = value.strides;
    this.offset = value.offset;
    this.dtype = value.dtype;
  }

  /**
   * Whether the dtype is a floating-point one (float32 or float64), as PyTorch's `is_floating_point()`.
   *
   * @example
   * ```ts
   * torch.zeros([2]).is_floating_point(); // true
   * torch.tensor([1, 2]).is_floating_point(); // false (int64)
   * ```
   */
  is_floating_point(): boolean {
    return isFloating(this.dtype);
  }

  /** Size of dimension `dim`, or the whole shape. */
  /** The whole shape, as a new array. */
  size(): number[];
  /** Size of dimension `dim` (negative counts from the end). */
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    return this.shape[normalizeDim(dim, this.ndim)] ?? 1;
  }

  /** Element strides (of dimension `dim`, or all). */
  /** All element strides. */
  stride(): number[];
  /** Element stride of dimension `dim`. */
  stride(dim: number): number;
  stride(dim?: number): number | number[] {
    if (dim === undefined) return [...this.strides];
    return this.strides[normalizeDim(dim, this.ndim)] ?? 1;
  }

  /** PyTorch's `storage_offset()`. */
  storage_offset(): number {
    return this.offset;
  }

  /** Number of dimensions. */
  dim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  numel(): number {
    return numel(this.shape);
  }

  /** Whether elements are laid out densely in row-major order. */
  is_contiguous(): boolean {
    let expected = 1;
    for (let d = this.ndim - 1; d >= 0; d--) {
      const size = this.shape[d]!;
      if (size !== 1 && this.strides[d] !== expected) return false;
      expected *= size;
    }
    return true;
  }

  /** @internal the leaf's gradient accumulator node (one per leaf, as in PyTorch). */
  _accumulator(): AccumulateGrad {
    if (this._acc === null) this._acc = new AccumulateGrad(this);
    return this._acc;
  }

  // ---- autograd -------------------------------------------------------------------------------

  /**
   * Sets whether autograd records ops on this leaf, in place; returns this tensor.
   * @throws for non-float tensors and non-leaf tensors, as PyTorch does.
   */
  requires_grad_(requires_grad = true): this {
    if (!this.is_leaf) {
      if (requires_grad) return this;
      throw new Error(
        'you can only change requires_grad flags of leaf variables. If you want to use a computed variable ' +
          "in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    }
    if (requires_grad && !isFloating(this.dtype)) {
      throw new Error('only Tensors of floating point dtype can require gradients');
    }
    this._requiresGrad = requires_grad;
    return this;
  }

  /**
   * Computes the gradient of this tensor w.r.t. graph leaves and accumulates it into their `.grad`.
   * @param gradient d(out)/d(this); may be omitted only for a single-element tensor.
   */
  backward(gradient?: Tensor | null, options: BackwardOptions = {}): void {
    if (!this.requires_grad) {
      throw new Error('element 0 of tensors does not require grad and does not have a grad_fn');
    }
    const createGraph = options.create_graph ?? false;
    runBackward([this], [rootGradient(this, gradient, 0)], {
      retainGraph: options.retain_graph ?? createGraph,
      createGraph,
    });
  }

  /** A tensor sharing storage, cut from the graph (PyTorch's `detach()`). */
  detach(): Tensor {
    return this.data;
  }

  /** Detaches this tensor from the graph in place, making it a leaf. */
  detach_(): this {
    this.grad_fn = null;
    this._requiresGrad = false;
    return this;
  }

  // ---- conversion -----------------------------------------------------------------------------

  /**
   * The single element as a number, like PyTorch's `item()`. A bool tensor gives 1 or 0: Python's
   * `True` is the integer 1 too, and one return type lets a training loop write
   * `total += loss.item()` without a cast (`Boolean(mask.any().item())`, or `tolist()`, gives
   * `true`/`false`).
   *
   * @example
   * ```ts
   * torch.tensor([2.5]).item(); // 2.5
   * torch.tensor([1, 2]).gt(0).all().item(); // 1
   * ```
   */
  item(): number {
    if (this.numel() !== 1) {
      throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    }
    return this.storage.data[this.offset]!;
  }

  /** Nested arrays of numbers (booleans for bool tensors), like PyTorch's `tolist()`. */
  tolist(): NestedArray {
    const flat = this.contiguous().storage.data;
    const base = this.is_contiguous() ? this.offset : 0;
    const isBool = this.dtype === 'bool';
    const build = (d: number, start: number): NestedArray => {
      if (d === this.ndim) {
        const v = flat[start]!;
        return isBool ? v !== 0 : v;
      }
      const step = numel(this.shape.slice(d + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[d]!; i++) out.push(build(d + 1, start + i * step));
      return out;
    };
    return build(0, base);
  }

  /** A flat row-major copy of the elements as float32 (float64 values are rounded to nearest). */
  toFloat32Array(): Float32Array {
    const c = this.contiguous();
    const src = c.storage.data.subarray(c.offset, c.offset + c.numel());
    return Float32Array.from(src);
  }

  /**
   * The tensor converted to `dtype` (same tensor if it already has it), or moved to a backend.
   * Float-to-float conversions are differentiable (the gradient is converted back), as in PyTorch.
   *
   * @example
   * ```ts
   * x.to('float64'); x.to('double'); x.to('js');
   * ```
   */
  to(target: DType | BackendName | 'float' | 'double' | 'long' | 'int'): Tensor {
    if (target === 'wasm' || target === 'tfjs' || target === 'js')
      return views.toBackend(this, backendByName(target));
    return ew.toDType(this, parseDType(target));
  }

  /** As float32 (PyTorch's `.float()`). */
  float(): Tensor {
    return ew.toDType(this, 'float32');
  }

  /**
   * As float64 (PyTorch's `.double()`): differentiable, so a float32 leaf's double copy passes
   * gradients back in float32.
   *
   * @example
   * ```ts
   * const x64 = torch.randn([3]).double(); // x64.dtype === 'float64'
   * ```
   */
  double(): Tensor {
    return ew.toDType(this, 'float64');
  }

  /** As int64 (PyTorch's `.long()`). */
  long(): Tensor {
    return ew.toDType(this, 'int64');
  }

  /** As int32 (PyTorch's `.int()`). */
  int(): Tensor {
    return ew.toDType(this, 'int32');
  }

  /** As bool (PyTorch's `.bool()`). */
  bool(): Tensor {
    return ew.toDType(this, 'bool');
  }

  /** A readable rendering: `tensor([...], dtype=...)`. */
  toString(): string {
    return `tensor(${JSON.stringify(this.tolist())}, dtype=${this.dtype}${this.grad_fn ? `, grad_fn=<${this.grad_fn.name}>` : this.requires_grad ? ', requires_grad=True' : ''})`;
  }

  // ---- views ----------------------------------------------------------------------------------

  /** A view with a new shape (one dim may be -1) sharing storage; see {@link views.view}. */
  view(...shape: SizeArgs): Tensor {
    return views.view(this, sizesOf(shape));
  }
  /** A view with `other`'s shape. */
  view_as(other: Tensor): Tensor {
    return views.view(this, other.shape);
  }
  /** Like `view`, copying only when the strides do not allow a view. */
  reshape(...shape: SizeArgs): Tensor {
    return views.reshape(this, sizesOf(shape));
  }
  /** Reshaped to `other`'s shape. */
  reshape_as(other: Tensor): Tensor {
    return views.reshape(this, other.shape);
  }
  /** Merges dims `start_dim..end_dim` into one (PyTorch defaults 0 and -1). */
  flatten(start_dim = 0, end_dim = -1): Tensor {
    return views.flatten(this, start_dim, end_dim);
  }
  /** Reorders dims (a view). */
  permute(...dims: SizeArgs): Tensor {
    return views.permute(this, sizesOf(dims));
  }
  /** Swaps two dims (a view). */
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  /** Transposes a matrix (a view); tensors of fewer than 2 dims are returned as is. */
  t(): Tensor {
    return views.t(this);
  }
  /** Inserts a size-1 dim at `dim` (a view). */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  /** Removes size-1 dims (all, or only `dim`) (a view). */
  squeeze(dim?: number): Tensor {
    return views.squeeze(this, dim);
  }
  /** Elements `start..start+length-1` along `dim` (a view). */
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  /** The slice at `index` along `dim`, removing that dim (a view; PyTorch's `x[i]`). */
  select(dim: number, index: number): Tensor {
    return views.select(this, dim, index);
  }
  /** Broadcasts size-1 dims to `sizes` without copying (-1 keeps a size). */
  expand(...sizes: SizeArgs): Tensor {
    return views.expand(this, sizesOf(sizes));
  }
  /** Broadcast to `other`'s shape without copying. */
  expand_as(other: Tensor): Tensor {
    return views.expand(this, other.shape);
  }
  /** A dense row-major tensor with the same values (this tensor if already dense). */
  contiguous(): Tensor {
    return views.contiguous(this);
  }
  /** A copy with its own storage, differentiable (PyTorch's `clone()`). */
  clone(): Tensor {
    return views.clone(this);
  }

  // ---- elementwise ----------------------------------------------------------------------------

  /** this + alpha * other, broadcasting. */
  add(other: Operand, options?: { alpha?: number }): Tensor {
    return ew.add(this, other, options);
  }
  /** this - alpha * other, broadcasting. */
  sub(other: Operand, options?: { alpha?: number }): Tensor {
    return ew.sub(this, other, options);
  }
  /** this * other, broadcasting. */
  mul(other: Operand): Tensor {
    return ew.mul(this, other);
  }
  /** this / other (true division), broadcasting. */
  div(other: Operand): Tensor {
    return ew.div(this, other);
  }
  /** this ** exponent, broadcasting. */
  pow(exponent: Operand): Tensor {
    return ew.pow(this, exponent);
  }
  /** Elementwise maximum. */
  maximum(other: Tensor): Tensor {
    return ew.maximum(this, other);
  }
  /** Elementwise minimum. */
  minimum(other: Tensor): Tensor {
    return ew.minimum(this, other);
  }
  /** -this. */
  neg(): Tensor {
    return ew.neg(this);
  }
  /** e^this. */
  exp(): Tensor {
    return ew.exp(this);
  }
  /** Natural logarithm. */
  log(): Tensor {
    return ew.log(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  /** 1 / sqrt(this). */
  rsqrt(): Tensor {
    return ew.rsqrt(this);
  }
  /** Absolute value. */
  abs(): Tensor {
    return ew.abs(this);
  }
  /** -1, 0 or 1 per element. */
  sign(): Tensor {
    return ew.sign(this);
  }
  /** this * this. */
  square(): Tensor {
    return ew.square(this);
  }
  /** 1 / this. */
  reciprocal(): Tensor {
    return ew.reciprocal(this);
  }
  /** Rounds down. */
  floor(): Tensor {
    return ew.floor(this);
  }
  /** Rounds up. */
  ceil(): Tensor {
    return ew.ceil(this);
  }
  /** Rounds half to even. */
  round(): Tensor {
    return ew.round(this);
  }
  /** Clamps into [min, max]; either bound may be omitted. */
  clamp(min?: number | null, max?: number | null): Tensor {
    return ew.clamp(this, min, max);
  }
  /** Alias of `clamp`. */
  clip(min?: number | null, max?: number | null): Tensor {
    return ew.clamp(this, min, max);
  }
  /** max(this, 0). */
  relu(): Tensor {
    return ew.relu(this);
  }
  /** 1 / (1 + e^-this). */
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return ew.tanh(this);
  }
  /** this == other (bool). */
  eq(other: Operand): Tensor {
    return ew.eq(this, other);
  }
  /** this != other (bool). */
  ne(other: Operand): Tensor {
    return ew.ne(this, other);
  }
  /** this < other (bool). */
  lt(other: Operand): Tensor {
    return ew.lt(this, other);
  }
  /** this <= other (bool). */
  le(other: Operand): Tensor {
    return ew.le(this, other);
  }
  /** this > other (bool). */
  gt(other: Operand): Tensor {
    return ew.gt(this, other);
  }
  /** this >= other (bool). */
  ge(other: Operand): Tensor {
    return ew.ge(this, other);
  }
  /** Logical not (bool). */
  logical_not(): Tensor {
    return ew.logical_not(this);
  }
  /** Logical and (bool). */
  logical_and(other: Tensor): Tensor {
    return ew.logical_and(this, other);
  }
  /** Logical or (bool). */
  logical_or(other: Tensor): Tensor {
    return ew.logical_or(this, other);
  }
  /** `condition ? this : other`, elementwise (PyTorch's `x.where(condition, y)`). */
  where(condition: Tensor, other: Operand): Tensor {
    return ew.where(condition, this, other);
  }
  /** `value` where `mask` is true, else this. */
  masked_fill(mask: Tensor, value: number): Tensor {
    return ew.masked_fill(this, mask, value);
  }

  // ---- reductions -----------------------------------------------------------------------------

  /** Sum over `dim` (all dims if omitted), optionally keeping reduced dims. */
  sum(dim?: number | readonly number[] | null, keepdim?: KeepDim): Tensor {
    return red.sum(this, dim, keepdimOf(keepdim));
  }
  /** Mean over `dim` (all dims if omitted). */
  mean(dim?: number | readonly number[] | null, keepdim?: KeepDim): Tensor {
    return red.mean(this, dim, keepdimOf(keepdim));
  }
  /** Product over `dim` (all elements if omitted); not differentiable. */
  prod(dim?: number | null, keepdim?: KeepDim): Tensor {
    return red.prod(this, dim, keepdimOf(keepdim));
  }
  /** The largest element (0-dim). */
  max(): Tensor;
  /** `[values, indices]` of the maxima along `dim`. */
  max(dim: number, keepdim?: KeepDim): red.ValuesIndices;
  max(dim?: number, keepdim?: KeepDim): Tensor | red.ValuesIndices {
    return dim === undefined ? red.amax(this) : red.maxDim(this, dim, keepdimOf(keepdim));
  }
  /** The smallest element (0-dim). */
  min(): Tensor;
  /** `[values, indices]` of the minima along `dim`. */
  min(dim: number, keepdim?: KeepDim): red.ValuesIndices;
  min(dim?: number, keepdim?: KeepDim): Tensor | red.ValuesIndices {
    return dim === undefined ? red.amin(this) : red.minDim(this, dim, keepdimOf(keepdim));
  }
  /** Index of the maximum along `dim` (of the flattened tensor if omitted), int64. */
  argmax(dim?: number | null, keepdim?: KeepDim): Tensor {
    return red.argmax(this, dim, keepdimOf(keepdim));
  }
  /** Index of the minimum along `dim` (of the flattened tensor if omitted), int64. */
  argmin(dim?: number | null, keepdim?: KeepDim): Tensor {
    return red.argmin(this, dim, keepdimOf(keepdim));
  }
  /** Variance (Bessel-corrected unless `correction: 0` / `unbiased: false`). */
  var(dim?: number | readonly number[] | null, options?: red.VarOptions): Tensor {
    return red.variance(this, dim, options);
  }
  /** Standard deviation (Bessel-corrected by default). */
  std(dim?: number | readonly number[] | null, options?: red.VarOptions): Tensor {
    return red.std(this, dim, options);
  }
  /** Whether every element is non-zero (0-dim bool). */
  all(): Tensor {
    return red.all(this);
  }
  /** Whether some element is non-zero (0-dim bool). */
  any(): Tensor {
    return red.any(this);
  }

  // ---- linear algebra, softmax, indexing ------------------------------------------------------

  /** Matrix product with PyTorch's `matmul` rules. */
  matmul(other: Tensor): Tensor {
    return linalg.matmul(this, other);
  }
  /** Product of two matrices. */
  mm(other: Tensor): Tensor {
    return linalg.mm(this, other);
  }
  /** Batched product of 3-d tensors. */
  bmm(other: Tensor): Tensor {
    return linalg.bmm(this, other);
  }
  /** Softmax along `dim`. */
  softmax(dim: number): Tensor {
    return sm.softmax(this, dim);
  }
  /** Log-softmax along `dim`. */
  log_softmax(dim: number): Tensor {
    return sm.log_softmax(this, dim);
  }
  /** Picks elements along `dim` at `index`. */
  gather(dim: number, index: Tensor): Tensor {
    return idx.gather(this, dim, index);
  }
  /** Slices along `dim` picked by a 1-d `index`. */
  index_select(dim: number, index: Tensor): Tensor {
    return idx.index_select(this, dim, index);
  }

  // ---- in-place -------------------------------------------------------------------------------

  /** Fills with a scalar, in place. */
  fill_(value: number | boolean): this {
    return inplace.fill_(this, value);
  }
  /** Fills with zeros, in place. */
  zero_(): this {
    return inplace.fill_(this, 0);
  }
  /** Copies `src` (broadcast, converted to this tensor's dtype) into this tensor, in place. */
  copy_(src: Tensor): this {
    return inplace.copy_(this, src);
  }
  /** this += alpha * other, in place. */
  add_(other: Operand, options?: { alpha?: number }): this {
    return inplace.binary_(
      this,
      'add',
      other,
      options?.alpha ?? 1,
      () => ew.add(this, other, options),
      'add_',
    );
  }
  /** this -= alpha * other, in place. */
  sub_(other: Operand, options?: { alpha?: number }): this {
    return inplace.binary_(
      this,
      'sub',
      other,
      options?.alpha ?? 1,
      () => ew.sub(this, other, options),
      'sub_',
    );
  }
  /** this *= other, in place. */
  mul_(other: Operand): this {
    return inplace.binary_(this, 'mul', other, 1, () => ew.mul(inplace.original(this, other), other), 'mul_');
  }
  /** this /= other, in place. */
  div_(other: Operand): this {
    return inplace.binary_(this, 'div', other, 1, () => ew.div(inplace.original(this, other), other), 'div_');
  }
  /** this **= exponent, in place. */
  pow_(exponent: Operand): this {
    return inplace.assign_(this, ew.pow(inplace.original(this, exponent), exponent), 'pow_');
  }
  /** Square root, in place. */
  sqrt_(): this {
    return inplace.assign_(this, ew.sqrt(this), 'sqrt_');
  }
  /** e^this, in place. */
  exp_(): this {
    return inplace.assign_(this, ew.exp(this), 'exp_');
  }
  /** Negates, in place. */
  neg_(): this {
    return inplace.assign_(this, ew.neg(this), 'neg_');
  }
  /** max(this, 0), in place. */
  relu_(): this {
    return inplace.assign_(this, ew.relu(this), 'relu_');
  }
  /** Clamps into [min, max], in place. */
  clamp_(min?: number | null, max?: number | null): this {
    return inplace.assign_(this, ew.clamp(inplace.original(this), min, max), 'clamp_');
  }
  /** this += value * t1 * t2 (PyTorch's `addcmul_`, used by optimizers). */
  addcmul_(tensor1: Tensor, tensor2: Tensor, options?: { value?: number }): this {
    return inplace.assign_(
      this,
      ew.add(this, ew.mul(tensor1, tensor2), { alpha: options?.value ?? 1 }),
      'addcmul_',
    );
  }
  /** this += value * t1 / t2 (PyTorch's `addcdiv_`, used by optimizers). */
  addcdiv_(tensor1: Tensor, tensor2: Tensor, options?: { value?: number }): this {
    return inplace.assign_(
      this,
      ew.add(this, ew.div(tensor1, tensor2), { alpha: options?.value ?? 1 }),
      'addcdiv_',
    );
  }
  /** this += weight * (end - this) (PyTorch's `lerp_`). */
  lerp_(end: Tensor, weight: number): this {
    return inplace.assign_(this, ew.add(this, ew.sub(end, this), { alpha: weight }), 'lerp_');
  }
  /** Fills with uniform samples from [from, to), bit-exact with PyTorch for the same generator state. */
  uniform_(from = 0, to = 1, options?: rnd.GeneratorOptions): this {
    return rnd.uniform_(this, from, to, options);
  }
  /** Fills with normal samples N(mean, std^2), bit-exact with PyTorch for the same generator state. */
  normal_(mean = 0, std = 1, options?: rnd.GeneratorOptions): this {
    return rnd.normal_(this, mean, std, options);
  }
  /** Fills with 0/1 draws, 1 with probability `p`, bit-exact with PyTorch's CPU `bernoulli_(p)`. */
  bernoulli_(p = 0.5, options?: rnd.GeneratorOptions): this {
    return rnd.bernoulli_(this, p, options);
  }
  /** 0/1 draws with this tensor's elements as probabilities (or `p` for all), as `torch.bernoulli`. */
  bernoulli(p?: number, options?: rnd.GeneratorOptions): Tensor {
    return rnd.bernoulli(this, p, options);
  }
  /** Writes `value` where `mask` is true, in place. */
  masked_fill_(mask: Tensor, value: number): this {
    return inplace.assign_(this, ew.masked_fill(this, mask, value), 'masked_fill_');
  }
}
