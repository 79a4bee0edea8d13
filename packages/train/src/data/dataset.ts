/**
 * Datasets, as `torch.utils.data`: a dataset is anything with `__getitem__(index)` and `__len__()`.
 * A dataset may also offer `__getitems__(indices)` returning a whole collated batch at once (PyTorch
 * has the same hook for batched fetching); the DataLoader then makes each batch with one gather
 * instead of one small tensor per sample.
 */
import { type DType, empty, type Generator, randperm, type Tensor, warnings } from '@minidl/tensor';
import { type Collated, default_collate } from './collate.js';

/**
 * Base class of datasets: subclasses implement `__getitem__` and `__len__`, as in PyTorch.
 *
 * @example
 * ```ts
 * class Squares extends data.Dataset<[number, number]> {
 *   __getitem__(i: number): [number, number] { return [i, i * i]; }
 *   __len__() { return 100; }
 * }
 * ```
 */
export abstract class Dataset<T = unknown, B = Collated> {
  /** The sample at `index` (0 <= index < length). */
  abstract __getitem__(index: number): T;
  /** The number of samples. */
  abstract __len__(): number;

  /** The number of samples (same as `__len__()`). */
  get length(): number {
    return this.__len__();
  }

  /**
   * A whole batch for `indices`, already collated (what `default_collate` would make of the
   * samples); optional, for datasets that can gather a batch faster than sample by sample.
   */
  __getitems__?(indices: readonly number[]): B;
}

/** Rows of a tensor, kept as a host copy for fast gathers. */
export interface HostRows {
  values: Float32Array | Float64Array | Int32Array | Uint8Array;
  rowShape: number[];
  rowSize: number;
  dtype: DType;
}

/** A row-major copy of a tensor's elements in its own storage type (int64 labels stay exact). */
function hostRows(t: Tensor): HostRows {
  const rowShape = t.shape.slice(1);
  const c = t.contiguous();
  const values = c.storage.data.slice(c.offset, c.offset + c.numel());
  return { values, rowShape, rowSize: rowShape.reduce((a, b) => a * b, 1), dtype: t.dtype };
}

/**
 * Gathers rows `indices` of a host copy into one new tensor of shape [indices.length, ...row],
 * copying each row once, straight into the new tensor's storage (nothing is allocated between
 * taking the storage's array and filling it, so the view stays valid).
 */
export function gatherRows(rows: HostRows, indices: readonly number[]): Tensor {
  const { values, rowSize, rowShape, dtype } = rows;
  const out = empty([indices.length, ...rowShape], { dtype });
  const dst = out.storage.data;
  for (const [k, i] of indices.entries()) {
    dst.set(values.subarray(i * rowSize, (i + 1) * rowSize), out.offset + k * rowSize);
  }
  return out;
}

/**
 * A dataset of tensors that share their first dimension, as `torch.utils.data.TensorDataset`:
 * sample i is the tuple of row i of each tensor. Batches are gathered from a host copy of the
 * tensors (made once), one copy per batch and tensor.
 *
 * @example
 * ```ts
 * const ds = new data.TensorDataset(x, y); // x: [N, 4], y: [N]; batches are typed [Tensor, Tensor]
 * const [xi, yi] = ds.__getitem__(0);        // shapes [4] and []
 * ```
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<T, T> {
  readonly tensors: T;
  private rows: HostRows[] | undefined;

  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new Error('TensorDataset needs at least one tensor');
    const n = tensors[0]!.shape[0];
    if (tensors.some((t) => t.shape.length === 0 || t.shape[0] !== n)) {
      throw new Error('Size mismatch between tensors');
    }
    this.tensors = tensors;
  }

  private host(): HostRows[] {
    this.rows ??= this.tensors.map(hostRows);
    return this.rows;
  }

  __getitem__(index: number): T {
    const n = this.__len__();
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new RangeError(`index ${index} is out of bounds for dimension 0 with size ${n}`);
    }
    const i = index < 0 ? index + n : index;
    return this.host().map((r) => gatherRows(r, [i]).view(r.rowShape)) as T;
  }

  __len__(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** The batch of rows `indices` of every tensor: `[x[indices], y[indices], ...]`. */
  override __getitems__(indices: readonly number[]): T {
    return this.host().map((r) => gatherRows(r, indices)) as T;
  }
}

/**
 * The samples of a dataset at the given indices, as `torch.utils.data.Subset`.
 *
 * @example
 * ```ts
 * const firstHundred = new data.Subset(ds, Array.from({ length: 100 }, (_, i) => i));
 * ```
 */
export class Subset<T, B = Collated> extends Dataset<T, B> {
  constructor(
    readonly dataset: Dataset<T, B>,
    readonly indices: readonly number[],
  ) {
    super();
  }

  __getitem__(index: number): T {
    const i = this.indices[index];
    if (i === undefined)
      throw new RangeError(`index ${index} is out of range for a Subset of ${this.indices.length}`);
    return this.dataset.__getitem__(i);
  }

  __len__(): number {
    return this.indices.length;
  }

  override __getitems__(indices: readonly number[]): B {
    const source = indices.map((i) => this.indices[i]!);
    const dataset = this.dataset;
    return dataset.__getitems__
      ? dataset.__getitems__(source)
      : (default_collate(source.map((i) => dataset.__getitem__(i))) as B);
  }
}

/**
 * Splits a dataset into non-overlapping random subsets, as `torch.utils.data.random_split`:
 * `lengths` are sizes summing to the dataset's length, or fractions summing to 1 (each floored,
 * the remainder then handed out one by one from the first subset). The permutation is PyTorch's
 * `randperm(n, generator)`, so the same seed gives the same subsets as PyTorch.
 *
 * @example
 * ```ts
 * const [train, val] = data.random_split(ds, [0.8, 0.2], { generator: new Generator().manual_seed(42) });
 * ```
 */
export function random_split<T, B>(
  dataset: Dataset<T, B>,
  lengths: readonly number[],
  { generator }: { generator?: Generator } = {},
): Subset<T, B>[] {
  const n = dataset.__len__();
  let sizes = [...lengths];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    sizes = sizes.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new Error(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
    // PyTorch warns (fractions only) when rounding leaves a split empty, e.g. [0.95, 0.05] of 10
    for (const [i, size] of sizes.entries()) {
      if (size === 0)
        warnings.warn(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    }
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new Error('Sum of input lengths does not equal the length of the input dataset!');
  }
  const perm = randperm(n, { generator }).tolist() as number[];
  let offset = 0;
  return sizes.map((size) => {
    const subset = new Subset(dataset, perm.slice(offset, offset + size));
    offset += size;
    return subset;
  });
}
