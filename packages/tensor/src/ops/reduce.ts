/**
 * Reductions over dims with `keepdim`, and their gradients: sum, mean, max/min (with indices),
 * argmax/argmin, var/std, all/any; plus `sumTo`, which sums a broadcast gradient back to an
 * operand's shape.
 */
import type { ReduceOp } from '../backend/backend.js';
import { type DType, isFloating, TYPE_NAMES } from '../dtype.js';
import { normalizeDim, numel, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocTensor, attach, contiguousData } from './core.js';
import { div, eq, maximum, minimum, mul, sqrt, sub } from './elementwise.js';
import { scatterGrad } from './indexing.js';
import { expand, makeView, reshape } from './views.js';

/** `(values, indices)` of `max(dim)`/`min(dim)`: destructure it or read the fields, as in PyTorch. */
export type ValuesIndices = [Tensor, Tensor] & { values: Tensor; indices: Tensor };

/** Sorted, wrapped, de-duplicated reduction dims (all dims when `dim` is omitted). */
function reductionDims(x: Tensor, dim: number | readonly number[] | null | undefined): number[] {
  if (dim === undefined || dim === null) return x.shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const dims = [...new Set(list.map((d) => normalizeDim(d, x.ndim)))].sort((a, b) => a - b);
  if (dims.length !== list.length) throw new Error('dim appears multiple times in the list of dims');
  return x.ndim === 0 ? [] : dims;
}

/** The shape after reducing `dims` (kept as size 1 with keepdim). */
function reducedShape(shape: Shape, dims: number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Splits sorted dims into runs of consecutive dims: [0, 2, 3] -> [[0], [2, 3]]. */
function runs(dims: number[]): number[][] {
  const out: number[][] = [];
  for (const d of dims) {
    const last = out[out.length - 1];
    if (last && last[last.length - 1] === d - 1) last.push(d);
    else out.push([d]);
  }
  return out;
}

/** Runs a reduce kernel over `dims` (not recorded by autograd). */
function reduceRaw(op: ReduceOp, x: Tensor, dims: number[], keepdim: boolean, dtype: DType): Tensor {
  const groups = runs(dims);
  if (groups.length > 1 && op !== 'argmax' && op !== 'argmin') {
    // Reduce one run of consecutive dims at a time, innermost first (sum over [0, 2, 3] of NCHW:
    // over H*W, then over N), instead of permuting and copying the whole input.
    let t = x;
    for (let i = groups.length - 1; i >= 0; i--) t = reduceRaw(op, t, groups[i]!, true, dtype);
    return keepdim ? t : reshape(t, reducedShape(x.shape, dims, false));
  }
  const outShape = reducedShape(x.shape, dims, keepdim);
  const backend = x.storage.backend;
  let src: Tensor;
  let outer: number;
  let n: number;
  let inner: number;
  if (groups.length <= 1) {
    src = contiguousData(x);
    const lo = dims[0] ?? x.ndim;
    const hi = dims[dims.length - 1] ?? x.ndim - 1;
    outer = numel(x.shape.slice(0, lo));
    n = numel(x.shape.slice(lo, hi + 1));
    inner = numel(x.shape.slice(hi + 1));
  } else {
    // arg-reductions over several separate dims: move them last and reduce one block
    const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
    const order = [...kept, ...dims];
    src = contiguousData(
      makeView(
        x,
        order.map((d) => x.shape[d]!),
        order.map((d) => x.strides[d]!),
        x.offset,
      ),
    );
    outer = numel(kept.map((d) => x.shape[d]!));
    n = numel(dims.map((d) => x.shape[d]!));
    inner = 1;
  }
  if (n === 0 && op !== 'sum' && op !== 'prod') {
    const empty = dims.find((d) => x.shape[d] === 0);
    throw new Error(`${op}(): Expected reduction dim ${empty} to have non-zero size.`);
  }
  const out = allocTensor(outShape, dtype, backend);
  backend.reduce(op, src.storage, src.offset, { outer, n, inner }, out.storage);
  return out;
}

/** Result dtype of sum/prod: a float dtype is kept, integers and bools accumulate in int64. */
function sumType(dtype: DType): DType {
  return isFloating(dtype) ? dtype : 'int64';
}

/** The gradient `g` of a reduction broadcast back to the input's shape (a view, no copy). */
function expandBack(g: Tensor, inShape: Shape, dims: number[], keepdim: boolean): Tensor {
  return expand(keepdim ? g : reshape(g, reducedShape(inShape, dims, true)), inShape);
}

/**
 * Sum over `dim` (all dims if omitted); integer and bool inputs sum to int64.
 *
 * @example
 * ```ts
 * x.sum(); x.sum(1, true); torch.sum(x, [0, 2]);
 * ```
 */
export function sum(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  const dims = reductionDims(x, dim);
  const out = reduceRaw('sum', x, dims, keepdim, sumType(x.dtype));
  const inShape = x.shape.slice();
  return attach(out, 'SumBackward1', [x], [], (g) => [expandBack(g, inShape, dims, keepdim)]);
}

/**
 * Mean over `dim` (all dims if omitted); float input only, as in PyTorch.
 *
 * @example
 * ```ts
 * loss.mean(); x.mean([0, 2, 3], true);
 * ```
 */
export function mean(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  if (!isFloating(x.dtype)) {
    throw new Error(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${TYPE_NAMES[x.dtype]}`,
    );
  }
  const dims = reductionDims(x, dim);
  const count = numel(dims.map((d) => x.shape[d]!));
  return mul(sum(x, dims, keepdim), 1 / count);
}

/**
 * Product over `dim` (all elements if omitted). Not differentiable in minidl.
 *
 * @example
 * ```ts
 * torch.tensor([2, 3]).prod().item(); // 6
 * ```
 */
export function prod(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (x.requires_grad) throw new Error('prod() does not support gradients in minidl');
  return reduceRaw('prod', x, reductionDims(x, dim), keepdim, sumType(x.dtype));
}

function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}

function extremumDim(x: Tensor, dim: number, keepdim: boolean, max: boolean): ValuesIndices {
  const d = normalizeDim(dim, x.ndim);
  const dims = x.ndim === 0 ? [] : [d];
  const values = reduceRaw(max ? 'max' : 'min', x, dims, keepdim, x.dtype);
  const indices = reduceRaw(max ? 'argmax' : 'argmin', x, dims, keepdim, 'int64');
  const inShape = x.shape.slice();
  attach(values, max ? 'MaxBackward0' : 'MinBackward0', [x], [indices], (g, [i]) => [
    scatterGrad(
      keepdim ? g : reshape(g, reducedShape(inShape, dims, true)),
      keepdim ? i! : reshape(i!, reducedShape(inShape, dims, true)),
      d,
      inShape,
    ),
  ]);
  return valuesIndices(values, indices);
}

/**
 * Maximum along `dim` with its index (`[values, indices]`, also as `.values`/`.indices`).
 *
 * @example
 * ```ts
 * const [values, indices] = torch.maxDim(x, 1);
 * ```
 */
export function maxDim(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return extremumDim(x, dim, keepdim, true);
}

/**
 * Minimum along `dim` with its index.
 *
 * @example
 * ```ts
 * const { values, indices } = torch.minDim(x, 0);
 * ```
 */
export function minDim(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return extremumDim(x, dim, keepdim, false);
}

function extremumAll(x: Tensor, max: boolean): Tensor {
  if (x.numel() === 0) {
    throw new Error(
      `${max ? 'max' : 'min'}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
    );
  }
  const dims = reductionDims(x, null);
  const out = reduceRaw(max ? 'max' : 'min', x, dims, false, x.dtype);
  const inShape = x.shape.slice();
  // PyTorch spreads the gradient evenly over all elements equal to the extremum
  return attach(out, max ? 'MaxBackward1' : 'MinBackward1', [x], [x, out], (g, [s, o]) => {
    const ties = eq(s!, o!);
    return [div(mul(expandBack(g, inShape, dims, false), ties), sum(ties))];
  });
}

/**
 * The largest element (a 0-dim tensor), like PyTorch's `x.max()`.
 *
 * @example
 * ```ts
 * x.max().item();
 * ```
 */
export function amax(x: Tensor): Tensor {
  return extremumAll(x, true);
}

/**
 * The smallest element (a 0-dim tensor), like PyTorch's `x.min()`.
 *
 * @example
 * ```ts
 * x.min().item();
 * ```
 */
export function amin(x: Tensor): Tensor {
  return extremumAll(x, false);
}

function argExtremum(x: Tensor, dim: number | null | undefined, keepdim: boolean, max: boolean): Tensor {
  const op = max ? 'argmax' : 'argmin';
  if (dim === undefined || dim === null) {
    if (x.numel() === 0)
      throw new Error(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
    const flat = reshape(x, [-1]);
    const r = reduceRaw(op, flat, [0], false, 'int64');
    return keepdim
      ? reshape(
          r,
          x.shape.map(() => 1),
        )
      : r;
  }
  const d = normalizeDim(dim, x.ndim);
  return reduceRaw(op, x, x.ndim === 0 ? [] : [d], keepdim, 'int64');
}

/**
 * Index of the maximum along `dim` (of the flattened tensor if omitted), as int64.
 *
 * @example
 * ```ts
 * const correct = logits.argmax(1).eq(y).sum().item();
 * ```
 */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtremum(x, dim, keepdim, true);
}

/**
 * Index of the minimum along `dim` (of the flattened tensor if omitted), as int64.
 *
 * @example
 * ```ts
 * x.argmin(0);
 * ```
 */
export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtremum(x, dim, keepdim, false);
}

/** Options of `var`/`std`: `correction` (default 1, Bessel's) or the older `unbiased` flag. */
export interface VarOptions {
  correction?: number;
  unbiased?: boolean;
  keepdim?: boolean;
}

/**
 * Variance over `dim`: sum((x - mean)^2) / (N - correction), differentiable.
 *
 * @example
 * ```ts
 * x.var(0, { correction: 0 }); // biased, as batch norm normalises with
 * ```
 */
export function variance(
  x: Tensor,
  dim?: number | readonly number[] | null,
  options: VarOptions = {},
): Tensor {
  const correction = options.correction ?? (options.unbiased === false ? 0 : 1);
  const keepdim = options.keepdim ?? false;
  const dims = reductionDims(x, dim);
  const count = numel(dims.map((d) => x.shape[d]!));
  const centered = sub(x, mean(x, dims, true));
  return div(sum(mul(centered, centered), dims, keepdim), Math.max(0, count - correction));
}

/**
 * Standard deviation over `dim`: sqrt(var).
 *
 * @example
 * ```ts
 * x.std();
 * ```
 */
export function std(x: Tensor, dim?: number | readonly number[] | null, options: VarOptions = {}): Tensor {
  return sqrt(variance(x, dim, options));
}

/**
 * Whether all elements are non-zero (a 0-dim bool tensor).
 *
 * @example
 * ```ts
 * x.ge(0).all().item(); // true
 * ```
 */
export function all(x: Tensor): Tensor {
  return boolReduce(x, 'min');
}

/**
 * Whether any element is non-zero (a 0-dim bool tensor).
 *
 * @example
 * ```ts
 * x.gt(0).any().item(); // true if any positive
 * ```
 */
export function any(x: Tensor): Tensor {
  return boolReduce(x, 'max');
}

function boolReduce(x: Tensor, op: 'min' | 'max'): Tensor {
  const b = x.dtype === 'bool' ? x : x.ne(0);
  if (b.numel() === 0) {
    const out = allocTensor([], 'bool', x.storage.backend);
    out.storage.backend.fill(out, op === 'min' ? 1 : 0);
    return out;
  }
  return reduceRaw(op, b, reductionDims(b, null), false, 'bool');
}

/**
 * Sums a gradient of a broadcast result back to an operand's `shape`: over leading dims the operand
 * lacked and over dims where it had size 1. Returns `g` itself when no reduction is needed.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (g.ndim === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let d = 0; d < g.ndim; d++) {
    if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) dims.push(d);
  }
  const s = dims.length > 0 ? sum(g, dims, true) : g;
  return reshape(s, shape);
}

/**
 * PyTorch's overloaded `torch.max`: the largest element, `[values, indices]` along a dim, or the
 * elementwise maximum of two tensors.
 *
 * @example
 * ```ts
 * torch.max(x); const [v, i] = torch.max(x, 1); torch.max(a, b);
 * ```
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return amax(x);
  if (typeof dim === 'number') return maxDim(x, dim, keepdim);
  return maximum(x, dim);
}

/**
 * PyTorch's overloaded `torch.min` (see {@link max}).
 *
 * @example
 * ```ts
 * torch.min(x); const { values, indices } = torch.min(x, 0); torch.min(a, b);
 * ```
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return amin(x);
  if (typeof dim === 'number') return minDim(x, dim, keepdim);
  return minimum(x, dim);
}
