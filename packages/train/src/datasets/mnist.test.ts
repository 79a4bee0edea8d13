import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { idxFile } from '../../test/idx-file.js';
import { DataLoader } from '../data/dataloader.js';
import { MNIST } from './mnist.js';
import { embeddedDigits } from './mnist-files.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/data.json', import.meta.url), 'utf8'),
) as {
  randperm: Record<string, number[]>;
};

describe('datasets.MNIST on the embedded digits', () => {
  const train = new MNIST({ train: true });
  const test = new MNIST({ train: false });
  const all = embeddedDigits();

  it('splits 8,000 / 2,000 by torch.randperm(10000) under seed 0, as PyTorch would', () => {
    expect(train.length).toBe(8000);
    expect(test.length).toBe(2000);
    // train sample k is embedded digit perm[k]; test sample k is perm[8000 + k]
    for (const [k, source] of fixture.randperm['10000_seed0_head']!.entries()) {
      const [image, label] = train.__getitem__(k);
      expect(label).toBe(all.labels[source]);
      expect(Array.from(image.toFloat32Array())).toEqual(
        Array.from(all.images.subarray(source * 784, (source + 1) * 784)),
      );
    }
    for (const [k, source] of fixture.randperm['10000_seed0_at8000']!.entries()) {
      expect(test.__getitem__(k)[1]).toBe(all.labels[source]);
    }
  });

  it('exposes the split as data [N, 1, 28, 28] float32 and targets int64, every class present', () => {
    expect(test.data.shape).toEqual([2000, 1, 28, 28]);
    expect(test.data.dtype).toBe('float32');
    expect(test.targets.dtype).toBe('int64');
    const counts = new Array(10).fill(0);
    for (const l of test.targets.tolist() as number[]) counts[l] += 1;
    expect(counts.every((c) => c > 150)).toBe(true);
  });

  it('normalises with MNIST mean and std on request', () => {
    const norm = new MNIST({ train: false, normalize: true });
    const raw = test.__getitem__(3)[0].toFloat32Array();
    const z = norm.__getitem__(3)[0].toFloat32Array();
    for (const i of [0, 200, 400, 600]) expect(z[i]).toBeCloseTo((raw[i]! - 0.1307) / 0.3081, 5);
  });

  it('batches through a DataLoader as [x [B, 1, 28, 28], y int64 [B]]', async () => {
    const loader = new DataLoader(test, { batch_size: 64 });
    expect(loader.length).toBe(32);
    let seen = 0;
    for await (const [x, y] of loader) {
      if (seen === 0) {
        expect(x.shape).toEqual([64, 1, 28, 28]);
        expect(y.shape).toEqual([64]);
        expect(y.dtype).toBe('int64');
        expect(y.tolist()).toEqual((test.targets.tolist() as number[]).slice(0, 64));
      }
      seen += x.shape[0]!;
    }
    expect(seen).toBe(2000);
  });

  it('another split seed gives another split; bad sizes are refused', () => {
    const other = new MNIST({ train: false, split_seed: 1 });
    expect(other.targets.tolist()).not.toEqual(test.targets.tolist());
    expect(() => new MNIST({ train_size: 10000 })).toThrow(
      'train_size must be an integer between 1 and 9999',
    );
  });
});

describe('datasets.MNIST on IDX files', () => {
  it('loads a folder of (gzipped) IDX files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'minidl-mnist-'));
    const pixels = Uint8Array.from({ length: 2 * 784 }, (_, i) => i % 256);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxFile([2, 28, 28], pixels)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxFile([2], [3, 8]));
    const ds = new MNIST(dir, { train: true });
    expect(ds.root).toBe(dir);
    expect(ds.length).toBe(2);
    const [image, label] = ds.__getitem__(1);
    expect(label).toBe(8);
    expect(image.shape).toEqual([1, 28, 28]);
    expect(image.toFloat32Array()[0]).toBeCloseTo((784 % 256) / 255, 6);
    expect(() => new MNIST(dir, { train: false })).toThrow(/MNIST: t10k-images-idx3-ubyte not found in/);
  });
});
