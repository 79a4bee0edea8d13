/**
 * Joining tensors: `cat` along an existing dim and `stack` along a new one (what a DataLoader's
 * collate uses), with gradients that slice the output gradient back into per-input pieces.
 */
import { type DType, promoteTypes } from '../dtype.js';
import { formatShape, normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { allocTensor, attach, backendOf } from './core.js';
import { narrow, unsqueeze } from './views.js';

/**
 * Concatenates tensors along `dim` (all other sizes must match).
 *
 * @example
 * ```ts
 * torch.cat([a, b], 0); // [2, 3] + [4, 3] -> [6, 3]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error('torch.cat(): expected a non-empty list of Tensors');
  const first = tensors[0]!;
  const d = normalizeDim(dim, first.ndim);
  let dtype: DType = first.dtype;
  let total = 0;
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim) {
      throw new Error(`Tensors must have same number of dimensions: got ${first.ndim} and ${t.ndim}`);
    }
    t.shape.forEach((s, k) => {
      if (k !== d && s !== first.shape[k]) {
        throw new Error(
          `Sizes of tensors must match except in dimension ${d}. Expected size ${first.shape[k]} but got size ${s} for tensor number ${i} in the list.`,
        );
      }
    });
    dtype = promoteTypes(dtype, t.dtype);
    total += t.shape[d]!;
  });
  const backend = backendOf(...tensors);
  const shape = [...first.shape];
  shape[d] = total;
  const out = allocTensor(shape, dtype, backend);
  const sizes = tensors.map((t) => t.shape[d]!);
  let start = 0;
  for (const t of tensors) {
    const len = t.shape[d]!;
    const slice = new Tensor(out.storage, t.shape, out.strides, out.offset + start * out.strides[d]!, dtype);
    backend.copy(t, slice);
    start += len;
  }
  return attach(out, 'CatBackward0', tensors, [], (g) => {
    let at = 0;
    return sizes.map((len) => {
      const piece = narrow(g, d, at, len);
      at += len;
      return piece;
    });
  });
}

/**
 * Stacks same-shaped tensors along a new dim `dim`.
 *
 * @example
 * ```ts
 * torch.stack([x0, x1, x2]); // 3 x [28, 28] -> [3, 28, 28]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error('stack expects a non-empty TensorList');
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => s !== first.shape[k])) {
      throw new Error(
        `stack expects each tensor to be equal size, but got ${formatShape(first.shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`,
      );
    }
  });
  const d = normalizeDim(dim, first.ndim + 1);
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}
