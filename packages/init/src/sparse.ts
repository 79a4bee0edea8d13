/**
 * `sparse_`: a 2-D weight with a fixed fraction of zeros in every column (Martens 2010).
 */
import type { Tensor } from '@minidl/tensor';
import { default_generator, type Generator, type Layout, normalSamples, randpermList } from './rng.js';
import { type GeneratorOptions, keywordArgs, writeValues } from './tensor-io.js';

/** Keyword form of {@link sparse_}'s optional arguments. */
export interface SparseOptions extends GeneratorOptions {
  /** Standard deviation of the non-zero values. Default 0.01. */
  std?: number;
}

/**
 * Values of `sparse_` for a `rows x cols` weight (its memory order given by `layout`, the weight or
 * its shape), row-major, drawn exactly as PyTorch: N(0, std^2) for all entries from `gen`, then for each column a `randperm(rows)` whose first
 * `ceil(sparsity * rows)` entries pick the rows set to zero. Note that PyTorch draws these
 * permutations from the global generator even when a generator is passed; so does this.
 *
 * @example
 * ```ts
 * sparseValues(default_generator, [10, 4], 0.3, 0.01); // 3 zeros per column
 * ```
 */
export function sparseValues(gen: Generator, layout: Layout, sparsity: number, std: number): Float32Array {
  const [rows, cols] = ('shape' in layout ? layout.shape : layout) as [number, number];
  const zerosExact = sparsity * rows;
  // Python's math.ceil refuses NaN and infinities (before anything is drawn).
  if (Number.isNaN(zerosExact)) throw new RangeError('cannot convert float NaN to integer');
  if (!Number.isFinite(zerosExact)) throw new RangeError('cannot convert float infinity to integer');
  const numZeros = Math.ceil(zerosExact);
  const values = normalSamples(gen, layout, 0, std);
  for (let c = 0; c < cols; c++) {
    // Python's row_indices[:num_zeros]: slice semantics, including a negative count.
    for (const r of randpermList(rows).slice(0, numZeros)) values[r * cols + c] = 0;
  }
  return values;
}

/**
 * Fills a 2-D `tensor` as a sparse matrix, as `torch.nn.init.sparse_` (Martens 2010, "Deep
 * learning via Hessian-free optimization"): in each column a fraction `sparsity` of the entries
 * is zero, the rest are N(0, std^2). Sparse init keeps units' input weights diverse while keeping
 * the total input variance independent of the layer width.
 *
 * @param sparsity - fraction of each column set to zero.
 * @param std - standard deviation of the non-zero values (default 0.01), or `{ std, generator }`.
 * @throws unless the tensor has exactly 2 dimensions (PyTorch's message).
 *
 * @example
 * ```ts
 * sparse_(linear.weight, 0.1);
 * sparse_(linear.weight, 0.1, { std: 0.02 });
 * ```
 */
export function sparse_<T extends Tensor>(
  tensor: T,
  sparsity: number,
  std: number | SparseOptions = 0.01,
  options: GeneratorOptions = {},
): T {
  const o = keywordArgs<SparseOptions>(std, { std }, options);
  if (tensor.dim() !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  return writeValues(tensor, sparseValues(o.generator ?? default_generator, tensor, sparsity, o.std ?? 0.01));
}
