/**
 * View ops: new shapes and strides over the same storage (no copy), each with its backward, plus
 * the copying ops `contiguous` and `clone`. Views remember their base for PyTorch's in-place rules.
 */

import { is_grad_enabled } from '../autograd/grad_mode.js';
import type { Backend } from '../backend/backend.js';
import { contiguousStrides, formatShape, normalizeDim, numel, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { allocTensor, attach, contiguousData } from './core.js';
import { pad } from './pad.js';
import { sumTo } from './reduce.js';

/** A view of `t` with new geometry, sharing its storage. */
export function makeView(t: Tensor, shape: Shape, strides: Shape, offset: number): Tensor {
  const v = new Tensor(t.storage, shape, strides, offset, t.dtype);
  v._base = t._base ?? t;
  return v;
}

/** Replaces one `-1` in a requested shape by the size that makes the element count match. */
export function inferShape(shape: Shape, total: number): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.indexOf(-1, unknown + 1) !== -1 && unknown !== -1)
    throw new Error('only one dimension can be inferred');
  for (const s of out) {
    if (s < -1 || !Number.isInteger(s)) throw new Error(`invalid shape dimension ${s}`);
  }
  const known = out.reduce((p, s) => (s === -1 ? p : p * s), 1);
  if (unknown !== -1) {
    // ATen's infer_size: with no elements and a zero among the given sizes, any -1 would fit
    if (known === 0 && total === 0) {
      throw new Error(
        `cannot reshape tensor of 0 elements into shape ${formatShape(shape)} because the unspecified dimension size -1 can be any value and is ambiguous`,
      );
    }
    if (known === 0 || total % known !== 0) {
      throw new Error(`shape '${formatShape(shape)}' is invalid for input of size ${total}`);
    }
    out[unknown] = total / known;
  } else if (known !== total) {
    throw new Error(`shape '${formatShape(shape)}' is invalid for input of size ${total}`);
  }
  return out;
}

/**
 * Strides that let `newShape` view memory laid out as (oldShape, oldStrides), or null if the
 * elements are not evenly spaced within each group of merged/split dims (ATen's computeStride).
 */
function viewStrides(oldShape: Shape, oldStrides: Shape, newShape: Shape): number[] | null {
  if (oldShape.length === 0 || numel(oldShape) === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    // a chunk ends where the next-outer dim is not laid out right after this one
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
}

/**
 * A view with a new shape (one dim may be -1), sharing storage.
 *
 * @example
 * ```ts
 * x.view(-1, 320);
 * ```
 * @throws `shape '[3, 7]' is invalid for input of size 20`, or if the strides make a view impossible.
 */
export function view(t: Tensor, shape: Shape): Tensor {
  const target = inferShape(shape, t.numel());
  const strides = viewStrides(t.shape, t.strides, target);
  if (strides === null) {
    throw new Error(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across " +
        'two contiguous subspaces). Use .reshape(...) instead.',
    );
  }
  const inShape = t.shape.slice();
  return attach(makeView(t, target, strides, t.offset), 'ViewBackward0', [t], [], (g) => [
    reshape(g, inShape),
  ]);
}

/**
 * Like `view`, but copies when the strides do not allow a view.
 *
 * @example
 * ```ts
 * x.t().reshape(-1);
 * ```
 */
export function reshape(t: Tensor, shape: Shape): Tensor {
  const target = inferShape(shape, t.numel());
  if (viewStrides(t.shape, t.strides, target) !== null) return view(t, target);
  return view(contiguous(t), target);
}

/**
 * Merges dims `start_dim..end_dim` into one.
 *
 * @example
 * ```ts
 * x.flatten(1); // [N, C, H, W] -> [N, C*H*W]
 * ```
 */
export function flatten(t: Tensor, start_dim = 0, end_dim = -1): Tensor {
  if (t.ndim === 0) return reshape(t, [1]);
  const s = normalizeDim(start_dim, t.ndim);
  const e = normalizeDim(end_dim, t.ndim);
  if (s > e) throw new Error('flatten() has invalid args: start_dim cannot come after end_dim');
  const shape = [...t.shape.slice(0, s), numel(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)];
  return reshape(t, shape);
}

/**
 * Reorders dims: result dim i is input dim `dims[i]`.
 *
 * @example
 * ```ts
 * x.permute(0, 2, 3, 1); // NCHW -> NHWC view
 * ```
 */
export function permute(t: Tensor, dims: Shape): Tensor {
  if (dims.length !== t.ndim) {
    throw new Error(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${t.ndim} is not equal to len(dims) = ${dims.length}`,
    );
  }
  const perm = dims.map((d) => normalizeDim(d, t.ndim));
  if (new Set(perm).size !== perm.length) throw new Error('permute(): duplicate dims are not allowed.');
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  const out = makeView(
    t,
    perm.map((p) => t.shape[p]!),
    perm.map((p) => t.strides[p]!),
    t.offset,
  );
  return attach(out, 'PermuteBackward0', [t], [], (g) => [permute(g, inverse)]);
}

/**
 * Swaps two dims (a view).
 *
 * @example
 * ```ts
 * x.transpose(0, 1);
 * ```
 */
export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  if (t.ndim === 0) return t;
  const a = normalizeDim(dim0, t.ndim);
  const b = normalizeDim(dim1, t.ndim);
  const perm = t.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  const out = makeView(
    t,
    perm.map((p) => t.shape[p]!),
    perm.map((p) => t.strides[p]!),
    t.offset,
  );
  return attach(out, 'TransposeBackward0', [t], [], (g) => [transpose(g, a, b)]);
}

/**
 * Transposes a matrix (tensors of 0 or 1 dims are returned as is).
 *
 * @example
 * ```ts
 * x.matmul(w.t());
 * ```
 */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/**
 * Inserts a dim of size 1 at `dim`.
 *
 * @example
 * ```ts
 * target.unsqueeze(1); // [N] -> [N, 1]
 * ```
 */
export function unsqueeze(t: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, t.ndim + 1);
  const shape = [...t.shape];
  const strides = [...t.strides];
  const stride = d < t.ndim ? t.shape[d]! * t.strides[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return attach(makeView(t, shape, strides, t.offset), 'UnsqueezeBackward0', [t], [], (g) => [squeeze(g, d)]);
}

/**
 * Removes dims of size 1 (all of them, or only `dim` if it has size 1).
 *
 * @example
 * ```ts
 * x.squeeze(1); // [N, 1] -> [N]
 * ```
 */
export function squeeze(t: Tensor, dim?: number): Tensor {
  const d = dim === undefined ? -1 : normalizeDim(dim, t.ndim);
  const keep = t.shape.map((s, i) => !(s === 1 && (dim === undefined || i === d)));
  const inShape = t.shape.slice();
  const out = makeView(
    t,
    t.shape.filter((_, i) => keep[i]),
    t.strides.filter((_, i) => keep[i]),
    t.offset,
  );
  return attach(out, 'SqueezeBackward0', [t], [], (g) => [reshape(g, inShape)]);
}

/** Gradient of a slice-like view: zeros of the input's shape with `g` written into the slice. */
function scatterIntoZeros(g: Tensor, inShape: Shape, slice: (z: Tensor) => Tensor): Tensor {
  const z = allocTensor(inShape, g.dtype, g.storage.backend);
  z.storage.backend.fill(z, 0);
  z.storage.backend.copy(g, slice(z));
  return z;
}

/**
 * The elements `start..start+length-1` along `dim` (a view).
 *
 * @example
 * ```ts
 * x.narrow(0, 1, 2); // rows 1 and 2
 * ```
 */
export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  if (t.ndim === 0) throw new Error('narrow() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, t.ndim);
  const size = t.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (s < 0 || length < 0 || s + length > size) {
    throw new RangeError(`start (${start}) + length (${length}) exceeds dimension size (${size}).`);
  }
  const shape = [...t.shape];
  shape[d] = length;
  const out = makeView(t, shape, t.strides, t.offset + s * t.strides[d]!);
  const inShape = t.shape.slice();
  return attach(out, 'SliceBackward0', [t], [], (g) => [
    is_grad_enabled()
      ? zeroPadAlong(g, d, s, size - s - length)
      : scatterIntoZeros(g, inShape, (z) => narrowRaw(z, d, s, length)),
  ]);
}

/**
 * `g` with `before` and `after` zeros added along dim `d`: the gradient of a slice, as a recorded op
 * (constant `pad`, whose own gradient is the slice again) for a backward being recorded
 * (create_graph); the plain backward writes into a zero tensor directly.
 */
function zeroPadAlong(g: Tensor, d: number, before: number, after: number): Tensor {
  const amounts = new Array<number>(2 * (g.ndim - d)).fill(0);
  amounts[2 * (g.ndim - 1 - d)] = before;
  amounts[2 * (g.ndim - 1 - d) + 1] = after;
  return pad(g, amounts);
}

function narrowRaw(z: Tensor, d: number, s: number, length: number): Tensor {
  const shape = [...z.shape];
  shape[d] = length;
  return new Tensor(z.storage, shape, z.strides, z.offset + s * z.strides[d]!, z.dtype);
}

/**
 * The slice at `index` along `dim`, with that dim removed (PyTorch's `x.select(dim, i)`, `x[i]`).
 *
 * @example
 * ```ts
 * x.select(0, 0); // first row
 * ```
 */
export function select(t: Tensor, dim: number, index: number): Tensor {
  if (t.ndim === 0) throw new Error('select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, t.ndim);
  const size = t.shape[d]!;
  if (index < -size || index >= size || !Number.isInteger(index)) {
    throw new RangeError(
      `select(): index ${index} out of range for tensor of size ${formatShape(t.shape)} at dimension ${d}`,
    );
  }
  const i = index < 0 ? index + size : index;
  const out = makeView(
    t,
    t.shape.filter((_, k) => k !== d),
    t.strides.filter((_, k) => k !== d),
    t.offset + i * t.strides[d]!,
  );
  const inShape = t.shape.slice();
  return attach(out, 'SelectBackward0', [t], [], (g) => [
    is_grad_enabled()
      ? zeroPadAlong(unsqueeze(g, d), d, i, size - i - 1)
      : scatterIntoZeros(
          g,
          inShape,
          (z) =>
            new Tensor(
              z.storage,
              g.shape,
              z.strides.filter((_, k) => k !== d),
              z.offset + i * z.strides[d]!,
              z.dtype,
            ),
        ),
  ]);
}

/**
 * Broadcasts size-1 dims (and new leading dims) to `sizes` without copying; -1 keeps a size.
 *
 * @example
 * ```ts
 * torch.ones([3, 1]).expand(3, 4);
 * ```
 */
export function expand(t: Tensor, sizes: Shape): Tensor {
  if (sizes.length < t.ndim) {
    throw new Error(
      `expand(torch.FloatTensor{${formatShape(t.shape)}}, size=${formatShape(sizes)}): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${t.ndim})`,
    );
  }
  const lead = sizes.length - t.ndim;
  const shape = new Array<number>(sizes.length);
  const strides = new Array<number>(sizes.length);
  for (let d = 0; d < sizes.length; d++) {
    const src = d - lead;
    const want = sizes[d]!;
    if (src < 0) {
      if (want < 0)
        throw new Error(
          `The expanded size of the tensor (${want}) isn't allowed in a leading, non-existing dimension ${d}`,
        );
      shape[d] = want;
      strides[d] = 0;
      continue;
    }
    const have = t.shape[src]!;
    if (want === -1 || want === have) {
      shape[d] = have;
      strides[d] = t.strides[src]!;
    } else if (have === 1) {
      shape[d] = want;
      strides[d] = 0;
    } else {
      throw new Error(
        `The expanded size of the tensor (${want}) must match the existing size (${have}) at non-singleton dimension ${d}.  Target sizes: ${formatShape(sizes)}.  Tensor sizes: ${formatShape(t.shape)}`,
      );
    }
  }
  const inShape = t.shape.slice();
  return attach(makeView(t, shape, strides, t.offset), 'ExpandBackward0', [t], [], (g) => [
    sumTo(g, inShape),
  ]);
}

/**
 * A copy with its own storage (PyTorch's `clone()`); gradients flow through unchanged.
 *
 * @example
 * ```ts
 * const snapshot = w.clone();
 * ```
 */
export function clone(t: Tensor): Tensor {
  const out = allocTensor(t.shape, t.dtype, t.storage.backend);
  t.storage.backend.copy(t, out);
  return attach(out, 'CloneBackward0', [t], [], (g) => [g]);
}

/**
 * `t` if it is dense row-major, else a dense copy (differentiable).
 *
 * @example
 * ```ts
 * x.t().contiguous().is_contiguous(); // true
 * ```
 */
export function contiguous(t: Tensor): Tensor {
  return t.is_contiguous() ? t : clone(t);
}

/** A copy of `t` on another backend (differentiable: gradients move back). */
export function toBackend(t: Tensor, backend: Backend): Tensor {
  if (t.storage.backend === backend) return t;
  const src = contiguousData(t);
  const out = allocTensor(t.shape, t.dtype, backend);
  out.storage.data.set(src.storage.data.subarray(src.offset, src.offset + src.numel()));
  const home = t.storage.backend;
  return attach(out, 'ToCopyBackward0', [t], [], (g) => [toBackend(g, home)]);
}
