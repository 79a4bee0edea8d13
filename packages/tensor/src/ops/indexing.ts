/**
 * Index-driven ops and their gradients: `gather` (what nll_loss picks the target log-probability
 * with), `index_select` (batching rows of a dataset), `one_hot`, and the scatter-add that is the
 * backward of gathers and of max/min along a dim.
 */
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { contiguousStrides, formatShape, normalizeDim, numel, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { allocTensor, attach, backendOf, contiguousData } from './core.js';
import { tensor } from './creation.js';
import { expand } from './views.js';

function checkIndex(index: Tensor, op: string): void {
  if (index.dtype !== 'int64' && index.dtype !== 'int32') {
    throw new TypeError(`${op}(): Expected dtype int64 for index, but got ${index.dtype}`);
  }
}

/**
 * Visits every element of a contiguous `shape`: `visit(flat, coordAlongDim, offsetWithoutDim)` where
 * `offsetWithoutDim` is the element offset in a tensor of `strides` with the `dim` coordinate zeroed.
 */
function forEachAlongDim(
  shape: Shape,
  dim: number,
  strides: Shape,
  visit: (flat: number, k: number, base: number) => void,
): void {
  const total = numel(shape);
  const cs = contiguousStrides(shape);
  for (let flat = 0; flat < total; flat++) {
    let rem = flat;
    let base = 0;
    let k = 0;
    for (let d = 0; d < shape.length; d++) {
      const c = Math.floor(rem / cs[d]!);
      rem -= c * cs[d]!;
      if (d === dim) k = c;
      else base += c * strides[d]!;
    }
    visit(flat, k, base);
  }
}

/**
 * out[i][j] = x[i][index[i][j]] for dim 1 (and likewise for other dims): picks elements along `dim`.
 *
 * @example
 * ```ts
 * const picked = logp.gather(1, target.unsqueeze(1)); // [N, 1]
 * ```
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex(index, 'gather');
  const d = normalizeDim(dim, x.ndim);
  if (index.ndim !== x.ndim) {
    throw new Error('Index tensor must have the same number of dimensions as input tensor');
  }
  index.shape.forEach((s, i) => {
    if (i !== d && s > x.shape[i]!) {
      throw new Error(
        `Size does not match at dimension ${i} expected index ${formatShape(index.shape)} to be no larger than self ${formatShape(x.shape)} apart from dimension ${d}`,
      );
    }
  });
  const backend = backendOf(x, index);
  const idx = contiguousData(index);
  const out = allocTensor(index.shape, x.dtype, backend);
  const src = x.storage.data;
  const iv = idx.storage.data;
  const ov = out.storage.data;
  const size = x.shape[d]!;
  forEachAlongDim(index.shape, d, x.strides, (flat, _k, base) => {
    const j = iv[idx.offset + flat]!;
    if (j < 0 || j >= size)
      throw new RangeError(`index ${j} is out of bounds for dimension ${d} with size ${size}`);
    ov[flat] = src[x.offset + base + j * x.strides[d]!]!;
  });
  const inShape = x.shape.slice();
  return attach(out, 'GatherBackward0', [x], [idx], (g, [i]) => [scatterGrad(g, i!, d, inShape)]);
}

/**
 * Zeros of `shape` with `g` added at `index` along `dim` (the backward of gather, max/min(dim), max
 * pooling and index_select). `g` and `index` have the same shape. Recorded: it is linear in `g`,
 * and its own gradient is the gather of the incoming gradient at `index`, so gradients of every
 * order follow.
 */
export function scatterGrad(g: Tensor, index: Tensor, dim: number, shape: Shape): Tensor {
  // allocate everything before taking typed-array views: an allocation may grow (and, for
  // non-shared wasm memory, detach) the buffer under earlier views
  const gc = contiguousData(g);
  const ic = contiguousData(index);
  const out = allocTensor(shape, g.dtype, g.storage.backend);
  const ov = out.storage.data;
  ov.fill(0);
  const gv = gc.storage.data;
  const iv = ic.storage.data;
  const strides = contiguousStrides(shape);
  forEachAlongDim(index.shape, dim, strides, (flat, _k, base) => {
    ov[base + iv[ic.offset + flat]! * strides[dim]!]! += gv[gc.offset + flat]!;
  });
  return attach(out, 'GatherBackwardBackward0', [g], [ic], (gg, [i]) => [gather(gg, dim, i!)]);
}

/**
 * Rows (slices along `dim`) of `x` picked by a 1-d integer `index`.
 *
 * @example
 * ```ts
 * const batch = images.index_select(0, torch.tensor([3, 1, 4], { dtype: 'int64' }));
 * ```
 */
export function index_select(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex(index, 'index_select');
  if (index.ndim > 1) throw new Error('index_select(): Index is supposed to be a vector');
  const d = normalizeDim(dim, x.ndim);
  const backend = backendOf(x, index);
  const ids = Array.from(
    contiguousData(index).storage.data.subarray(index.offset, index.offset + index.numel()),
  );
  const size = x.shape[d] ?? 1;
  const shape = [...x.shape];
  if (x.ndim > 0) shape[d] = ids.length;
  const out = allocTensor(shape, x.dtype, backend);
  ids.forEach((j, i) => {
    if (j < -size || j >= size)
      throw new RangeError(`index out of range in self: index ${j} for size ${size}`);
    backend.copy(sliceAt(x, d, j < 0 ? j + size : j), sliceAt(out, d, i));
  });
  const inShape = x.shape.slice();
  return attach(out, 'IndexSelectBackward0', [x], [], (g) => {
    if (is_grad_enabled()) {
      // recorded (create_graph): the same sums as a scatter of g at the picked rows
      const rows = tensor(
        ids.map((j) => (j < 0 ? j + size : j)),
        { dtype: 'int64', device: g.device },
      );
      const along = g.shape.map((s, k) => (k === d ? s : 1));
      return [scatterGrad(g, expand(rows.reshape(along), [...g.shape]), d, inShape)];
    }
    const gx = allocTensor(inShape, g.dtype, g.storage.backend);
    gx.storage.backend.fill(gx, 0);
    ids.forEach((j, i) => {
      const dst = sliceAt(gx, d, j < 0 ? j + size : j);
      gx.storage.backend.binary('add', dst, sliceAt(g, d, i), dst);
    });
    return [gx];
  });
}

/** The slice of `t` at position `i` of `dim`, keeping the dim (size 1); not recorded. */
function sliceAt(t: Tensor, dim: number, i: number): Tensor {
  if (t.ndim === 0) return t;
  const shape = [...t.shape];
  shape[dim] = 1;
  return new Tensor(t.storage, shape, t.strides, t.offset + i * t.strides[dim]!, t.dtype);
}

/**
 * One-hot encoding: int64 of shape `[...t.shape, num_classes]` (classes inferred as max + 1 if -1).
 *
 * @example
 * ```ts
 * torch.one_hot(labels, 10);
 * ```
 */
export function one_hot(t: Tensor, num_classes = -1): Tensor {
  checkIndex(t, 'one_hot');
  const src = contiguousData(t);
  // a copy: the allocation below may grow wasm memory under a view
  const vals = Array.from(src.storage.data.subarray(src.offset, src.offset + src.numel()));
  let classes = num_classes;
  if (classes === -1) classes = vals.length === 0 ? 0 : Math.max(...vals) + 1;
  const out = allocTensor([...t.shape, classes], 'int64', t.storage.backend);
  const ov = out.storage.data;
  ov.fill(0);
  vals.forEach((v, i) => {
    if (v < 0) throw new RangeError('Class values must be non-negative.');
    if (v >= classes) throw new RangeError('Class values must be smaller than num_classes.');
    ov[i * classes + v] = 1;
  });
  return out;
}
