import { readFileSync } from 'node:fs';
import { arange, Generator, manual_seed, rand, type Tensor, tensor } from '@minidl/tensor';
import { describe, expect, it, vi } from 'vitest';
import { default_collate } from './collate.js';
import { type BatchSource, DataLoader } from './dataloader.js';
import { Dataset, random_split, TensorDataset } from './dataset.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/data.json', import.meta.url), 'utf8'),
) as {
  loader: Record<'n10_b3_seed42_2epochs' | 'n10_b4_seed7_droplast', number[][][]> & {
    global_seed5: { epochs: number[][][]; next_rand: number };
  };
  random_split: Record<string, number[][]>;
};

/** The index batches a loader over arange(n) yields, one array per epoch. */
async function epochsOf(loader: BatchSource<Tensor[]>, epochs: number): Promise<number[][][]> {
  const out: number[][][] = [];
  for (let e = 0; e < epochs; e++) {
    const batches: number[][] = [];
    for await (const [x] of loader) batches.push(x!.tolist() as number[]);
    out.push(batches);
  }
  return out;
}

describe('DataLoader', () => {
  it('shuffles exactly as PyTorch for the same generator seed, epoch after epoch', async () => {
    const ds = new TensorDataset(arange(10));
    const loader = new DataLoader(ds, {
      batch_size: 3,
      shuffle: true,
      generator: new Generator().manual_seed(42),
    });
    expect(loader.length).toBe(4);
    expect(await epochsOf(loader, 2)).toEqual(fixture.loader.n10_b3_seed42_2epochs);
    const dropLast = new DataLoader(ds, {
      batch_size: 4,
      shuffle: true,
      drop_last: true,
      generator: new Generator().manual_seed(7),
    });
    expect(dropLast.length).toBe(2);
    expect(dropLast.__len__()).toBe(2);
    expect(await epochsOf(dropLast, 1)).toEqual(fixture.loader.n10_b4_seed7_droplast);
  });

  it('without a generator, draws from the global one exactly as PyTorch (order, then what rand() gives next)', async () => {
    manual_seed(5);
    const shuffled = await epochsOf(
      new DataLoader(new TensorDataset(arange(7)), { batch_size: 4, shuffle: true }),
      2,
    );
    const plain = await epochsOf(new DataLoader(new TensorDataset(arange(3)), { batch_size: 2 }), 1);
    const expected = fixture.loader.global_seed5;
    expect([...shuffled, ...plain]).toEqual(expected.epochs);
    expect(rand([1]).item()).toBe(Math.fround(expected.next_rand));
  });

  it('is deterministic: the same seed gives the same batches, another seed others', async () => {
    const ds = new TensorDataset(arange(50), arange(50).mul(2));
    const run = (seed: number) =>
      epochsOf(
        new DataLoader(ds, { batch_size: 8, shuffle: true, generator: new Generator().manual_seed(seed) }),
        2,
      );
    const a = await run(3);
    expect(await run(3)).toEqual(a);
    expect(await run(4)).not.toEqual(a);
    expect(a[0]).not.toEqual(a[1]); // reshuffled every epoch
  });

  it('yields tensors ready for a model: features and labels gathered per batch, in order without shuffle', async () => {
    const x = tensor([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
    ]);
    const y = tensor([0, 1, 0, 1, 1], { dtype: 'int64' });
    const batches: Tensor[][] = [];
    for await (const batch of new DataLoader(new TensorDataset(x, y), { batch_size: 2 })) batches.push(batch);
    expect(batches.map(([bx]) => bx!.shape)).toEqual([
      [2, 2],
      [2, 2],
      [1, 2],
    ]);
    expect(batches[1]![0]!.tolist()).toEqual([
      [4, 5],
      [6, 7],
    ]);
    expect(batches[2]![1]!.dtype).toBe('int64');
    expect(batches[2]![1]!.tolist()).toEqual([1]);
  });

  it('yields to the event loop before every batch (so finalizers can free memory)', async () => {
    let immediateRan = true;
    let batches = 0;
    for await (const _ of new DataLoader(new TensorDataset(arange(40)), { batch_size: 4 })) {
      expect(immediateRan).toBe(true); // a macrotask queued before this batch ran before it arrived
      immediateRan = false;
      setImmediate(() => {
        immediateRan = true;
      });
      batches += 1;
    }
    expect(batches).toBe(10);
  });

  it('collates custom datasets with default_collate or a collate_fn', async () => {
    class Squares extends Dataset<{ x: number; sq: Tensor }> {
      __getitem__(i: number) {
        return { x: i, sq: tensor([i * i, i + 10]) };
      }
      __len__() {
        return 5;
      }
    }
    const batches: unknown[] = [];
    for await (const b of new DataLoader(new Squares(), { batch_size: 2 })) batches.push(b);
    const first = batches[0] as { x: Tensor; sq: Tensor };
    expect(first.x.dtype).toBe('int64');
    expect(first.x.tolist()).toEqual([0, 1]);
    expect(first.sq.tolist()).toEqual([
      [0, 10],
      [1, 11],
    ]);
    const sums: number[] = [];
    const custom = new DataLoader(new Squares(), {
      batch_size: 5,
      collate_fn: (items) => items.reduce((s, it) => s + it.x, 0),
    });
    for await (const s of custom) sums.push(s);
    expect(sums).toEqual([10]);
  });

  it('resumes mid-epoch with the same remaining batches', async () => {
    const ds = new TensorDataset(arange(20));
    const gen = new Generator().manual_seed(5);
    const loader = new DataLoader(ds, { batch_size: 3, shuffle: true, generator: gen });
    const full = await epochsOf(
      new DataLoader(ds, { batch_size: 3, shuffle: true, generator: new Generator().manual_seed(5) }),
      2,
    );
    const it = loader[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    const saved = loader.state_dict();
    expect(saved.batches_done).toBe(2);
    gen.manual_seed(999); // the generator moves on (or the process dies)
    const resumed = new DataLoader(ds, { batch_size: 3, shuffle: true, generator: new Generator() });
    resumed.load_state_dict(saved);
    const rest = await epochsOf(resumed, 2);
    expect(rest[0]).toEqual(full[0]!.slice(2));
    expect(rest[1]).toEqual(full[1]);
  });

  it('keeps int64 values exact beyond float32 precision', async () => {
    const ids = tensor([16777217, -16777219], { dtype: 'int64' });
    for await (const [b] of new DataLoader(new TensorDataset(ids), { batch_size: 2 })) {
      expect(b!.tolist()).toEqual([16777217, -16777219]);
    }
  });

  it('rejects a bad batch_size with PyTorch message', () => {
    expect(() => new DataLoader(new TensorDataset(arange(3)), { batch_size: 0 })).toThrow(
      'batch_size should be a positive integer value, but got batch_size=0',
    );
  });
});

describe('random_split', () => {
  const cases: [string, number, number[], number][] = [
    ['n10_fractions_0.3_0.3_0.4_seed1', 10, [0.3, 0.3, 0.4], 1],
    ['n11_fractions_0.5_0.5_seed1', 11, [0.5, 0.5], 1],
    ['n10_lengths_3_7_seed2', 10, [3, 7], 2],
  ];
  for (const [key, n, lengths, seed] of cases) {
    it(`matches PyTorch: ${key}`, () => {
      const subsets = random_split(new TensorDataset(arange(n)), lengths, {
        generator: new Generator().manual_seed(seed),
      });
      expect(subsets.map((s) => [...s.indices])).toEqual(fixture.random_split[key]);
      expect(subsets[0]!.__getitem__(0)[0]!.item()).toBe(fixture.random_split[key]![0]![0]);
    });
  }

  it('warns as PyTorch when fractions leave a split empty', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    // PyTorch 2.13: random_split(range(3), [0.9, 0.1]) -> lengths [3, 0] and this warning
    const subsets = random_split(new TensorDataset(arange(3)), [0.9, 0.1]);
    expect(subsets.map((s) => s.indices.length)).toEqual([3, 0]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      'Length of split at index 1 is 0. This might result in an empty dataset.',
      'UserWarning',
    );
    warn.mockRestore();
  });

  it('rejects lengths that do not add up', () => {
    expect(() => random_split(new TensorDataset(arange(10)), [3, 3])).toThrow(
      'Sum of input lengths does not equal the length of the input dataset!',
    );
  });
});

describe('default_collate', () => {
  it('stacks tensors and turns numbers into int64 or float32 tensors, tuple by tuple', () => {
    const batch = default_collate([
      [tensor([1, 2]), 3, 0.5],
      [tensor([4, 5]), 6, 1.5],
    ]) as Tensor[];
    expect(batch[0]!.tolist()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(batch[1]!.dtype).toBe('int64');
    expect(batch[2]!.dtype).toBe('float32');
    expect(() => default_collate([tensor([1]), tensor([1, 2])])).toThrow(
      'stack expects each tensor to be equal size',
    );
  });
});
