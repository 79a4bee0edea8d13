/**
 * `DataLoader`, as `torch.utils.data.DataLoader` with `num_workers=0`: batches of a dataset, in order
 * or shuffled by a generator, collated into tensors.
 *
 * Iteration is asynchronous (`for await (const [x, y] of loader)`) and yields to the event loop
 * (one macrotask) before every batch. That is what keeps memory flat: tensor storage is released
 * by a FinalizationRegistry whose callbacks run only when the event loop turns, so a synchronous
 * loop over thousands of batches would keep every intermediate alive until it ended.
 *
 * Random draws follow PyTorch exactly, so the same seed gives the same batches as PyTorch: each
 * new iteration first draws a 64-bit "base seed" from the loader's generator (PyTorch's
 * `_BaseDataLoaderIter` does, for worker seeding, even with shuffle off), then a shuffling
 * loader draws `randperm(len(dataset))` from the same generator (and, at the end of the epoch, a
 * second one that RandomSampler draws and discards). With shuffle on and no generator,
 * PyTorch's RandomSampler seeds a fresh generator from a draw of the default one; so does this.
 */
import { default_generator, Generator, randperm } from '@minidl/tensor';
import { type Collated, default_collate } from './collate.js';
import type { Dataset } from './dataset.js';

/** Options of {@link DataLoader}, with PyTorch's names and defaults. */
export interface DataLoaderOptions<T, B> {
  /** samples per batch (default 1) */
  batch_size?: number;
  /** reshuffle the order every epoch (default false) */
  shuffle?: boolean;
  /** the generator for the shuffle (and the per-iteration base seed); default: the global one */
  generator?: Generator;
  /** drop the last batch when it is smaller than batch_size (default false) */
  drop_last?: boolean;
  /** merges a list of samples into a batch (default: the dataset's `__getitems__`, else default_collate) */
  collate_fn?: (samples: T[]) => B;
}

/**
 * Where a loader is in its epoch, for checkpoints: the generator state from which the current
 * epoch's order is drawn, and how many of its batches were already handed out.
 */
export interface DataLoaderState {
  generator_state: Uint8Array;
  batches_done: number;
}

/** What `fit` and checkpoints need of a loader: batches, their count per epoch, a resumable position. */
export interface BatchSource<B> extends AsyncIterable<B> {
  readonly length: number;
  /**
   * The loader's position, for a checkpoint (PyTorch's `StatefulDataLoader.state_dict()` in
   * torchdata; plain `DataLoader` has none). `fit` reads it at the start of every epoch to find
   * the batches already done, and {@link save_checkpoint} stores it.
   */
  state_dict(): DataLoaderState;
  /**
   * Restores a position from {@link BatchSource.state_dict}, so the next iteration continues the
   * interrupted epoch with the same batches; {@link load_checkpoint} calls it when `fit` resumes.
   */
  load_state_dict(state: DataLoaderState): void;
}

const nextMacrotask: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Batches of a dataset, as `torch.utils.data.DataLoader`.
 *
 * @example
 * ```ts
 * const loader = new data.DataLoader(train, { batch_size: 64, shuffle: true, generator: new Generator().manual_seed(0) });
 * for await (const [x, y] of loader) {
 *   const loss = F.cross_entropy(model.forward(x), y);
 *   // ...
 * }
 * ```
 */
export class DataLoader<T = unknown, B = Collated> implements BatchSource<B> {
  readonly dataset: Dataset<T, unknown>;
  readonly batch_size: number;
  readonly shuffle: boolean;
  readonly drop_last: boolean;
  readonly generator: Generator | undefined;
  /**
   * Merges the samples of one batch into the batch, as PyTorch's `collate_fn`; `undefined` when none
   * was given, in which case batches come from the dataset's `__getitems__` or `default_collate`.
   */
  readonly collate_fn: ((samples: T[]) => B) | undefined;
  /** Generator state at the start of the epoch in progress, and batches handed out from it. */
  private epoch: { start: Uint8Array; done: number; total: number } | undefined;
  /** Set by `load_state_dict`: the next iteration skips this many batches. */
  private skip = 0;

  /** With a `collate_fn`, batches are what it returns. */
  constructor(
    dataset: Dataset<T, unknown>,
    options: DataLoaderOptions<T, B> & { collate_fn: (samples: T[]) => B },
  );
  /** Without one, batches are the dataset's `__getitems__` batches, or `default_collate` of its samples. */
  constructor(dataset: Dataset<T, B>, options?: Omit<DataLoaderOptions<T, B>, 'collate_fn'>);
  constructor(dataset: Dataset<T, unknown>, options: DataLoaderOptions<T, B> = {}) {
    const { batch_size = 1, shuffle = false, generator, drop_last = false, collate_fn } = options;
    if (!Number.isInteger(batch_size) || batch_size <= 0) {
      throw new Error(`batch_size should be a positive integer value, but got batch_size=${batch_size}`);
    }
    this.dataset = dataset;
    this.batch_size = batch_size;
    this.shuffle = shuffle;
    this.drop_last = drop_last;
    this.generator = generator;
    this.collate_fn = collate_fn;
  }

  /** Number of batches per epoch (PyTorch's `len(loader)`). */
  get length(): number {
    const n = this.dataset.__len__();
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }

  /** Number of batches per epoch, as `len(loader)` (same as `length`). */
  __len__(): number {
    return this.length;
  }

  private get rng(): Generator {
    return this.generator ?? default_generator;
  }

  /** The sample order of a new epoch, drawn as PyTorch does (see the module comment). */
  private drawOrder(): number[] {
    const rng = this.rng;
    rng.random64(); // _BaseDataLoaderIter's base seed
    const n = this.dataset.__len__();
    if (!this.shuffle) return Array.from({ length: n }, (_, i) => i);
    // RandomSampler without a generator: a fresh one seeded from the default generator, whose
    // int64 random_() keeps the low 63 bits of a 64-bit draw.
    const sampler =
      this.generator ?? new Generator().manual_seed(default_generator.random64() & 0x7fffffffffffffffn);
    return randperm(n, { generator: sampler }).tolist() as number[];
  }

  /** Fetches and collates one batch. */
  private fetch(indices: number[]): B {
    if (this.collate_fn === undefined) {
      const batch = this.dataset.__getitems__?.(indices);
      if (batch !== undefined) return batch as B;
      return default_collate(indices.map((i) => this.dataset.__getitem__(i))) as B;
    }
    return this.collate_fn(indices.map((i) => this.dataset.__getitem__(i)));
  }

  /**
   * A new pass over the dataset. The order is drawn when this is called (not at the first batch), so
   * code that restores other generators right after creating the iterator sees the draws done.
   */
  [Symbol.asyncIterator](): AsyncIterator<B> {
    const start = this.rng.get_state();
    const order = this.drawOrder();
    const total = this.length;
    const skip = this.skip;
    this.skip = 0;
    const epoch = { start, done: skip, total };
    this.epoch = epoch;
    // PyTorch's RandomSampler with a generator draws a second, unused randperm(n) when asked for
    // element n + 1 (`randperm(n)[: num_samples % n]`). BatchSampler asks for it while filling a last
    // partial batch, or on the call after the last full batch; the draw is replayed at that point.
    const n = this.dataset.__len__();
    const partialLast = !this.drop_last && n % this.batch_size !== 0;
    let tailDrawn = !(this.shuffle && this.generator !== undefined);
    const drawTail = () => {
      if (tailDrawn) return;
      tailDrawn = true;
      randperm(n, { generator: this.generator });
    };
    let b = skip;
    return {
      next: async (): Promise<IteratorResult<B>> => {
        if (b >= total) {
          drawTail();
          return { done: true, value: undefined };
        }
        await nextMacrotask();
        if (partialLast && b === total - 1) drawTail();
        const indices = order.slice(b * this.batch_size, (b + 1) * this.batch_size);
        const batch = this.fetch(indices);
        b += 1;
        epoch.done = b;
        return { done: false, value: batch };
      },
    };
  }

  /**
   * Where the loader is, for checkpoints: mid-epoch, the generator state at the epoch's start and
   * the batches already handed out (resuming redraws the same order and skips them); between
   * epochs, the generator's current state.
   *
   * @example
   * ```ts
   * const saved = loader.state_dict(); // later: loader.load_state_dict(saved)
   * ```
   */
  state_dict(): DataLoaderState {
    const e = this.epoch;
    if (e !== undefined && e.done < e.total)
      return { generator_state: e.start.slice(), batches_done: e.done };
    return { generator_state: this.rng.get_state(), batches_done: 0 };
  }

  /**
   * Restores {@link DataLoader.state_dict}: sets the generator and makes the next iteration skip
   * the batches already done, so it continues with the same batches an uninterrupted run gets.
   *
   * @example
   * ```ts
   * loader.load_state_dict(checkpoint.loader);
   * for await (const batch of loader) { ... } // the rest of the interrupted epoch
   * ```
   */
  load_state_dict(state: DataLoaderState): void {
    this.rng.set_state(state.generator_state);
    this.skip = state.batches_done;
    this.epoch = undefined;
  }
}
