import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { idxFile } from '../../test/idx-file.js';
import { embeddedDigits, idxDigits } from './mnist-files.js';

/** A folder with a 3-image test split: images whose pixels are (image index * 10 + row) % 256. */
function makeFolder(files: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'minidl-mnist-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

const pixels = Uint8Array.from(
  { length: 3 * 784 },
  (_, i) => (Math.floor(i / 784) * 10 + Math.floor((i % 784) / 28)) % 256,
);
const images = idxFile([3, 28, 28], pixels);
const labels = idxFile([3], [7, 0, 9]);

describe('embedded MNIST digits', () => {
  it('reads the 10,000 digits of the mnist package in digit order, pixels in [0, 1]', () => {
    const d = embeddedDigits();
    expect(d.count).toBe(10000);
    expect(d.images.length).toBe(10000 * 784);
    const perDigit = Array.from({ length: 10 }, (_, k) => d.labels.filter((l) => l === k).length);
    // file sizes of mnist 1.1.0's src/digits/<d>.json
    expect(perDigit).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(d.labels[0]).toBe(0);
    expect(d.labels[9999]).toBe(9);
    let min = Infinity;
    let max = -Infinity;
    for (const v of d.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(embeddedDigits()).toBe(d); // decoded once, cached
  });
});

describe('MNIST IDX files', () => {
  it('loads raw and gzipped files, in the folder or in MNIST/raw', () => {
    const layouts: Record<string, Uint8Array>[] = [
      { 't10k-images-idx3-ubyte': images, 't10k-labels-idx1-ubyte': labels },
      { 't10k-images-idx3-ubyte.gz': gzipSync(images), 't10k-labels-idx1-ubyte.gz': gzipSync(labels) },
      { 'MNIST/raw/t10k-images-idx3-ubyte': images, 'MNIST/raw/t10k-labels-idx1-ubyte.gz': gzipSync(labels) },
    ];
    for (const files of layouts) {
      const d = idxDigits(makeFolder(files), false);
      expect(d.count).toBe(3);
      expect(Array.from(d.labels)).toEqual([7, 0, 9]);
      expect(d.images[784 + 28 * 5]).toBeCloseTo((10 + 5) / 255, 7); // image 1, row 5
      expect(d.images[2 * 784 + 28 * 27 + 3]).toBeCloseTo((20 + 27) / 255, 7);
    }
  });

  it('names the file and the problem when files are missing, truncated or corrupt', () => {
    const cases: [Record<string, Uint8Array>, RegExp][] = [
      [
        { 't10k-labels-idx1-ubyte': labels },
        /MNIST: t10k-images-idx3-ubyte not found in .*looked for t10k-images-idx3-ubyte, t10k-images-idx3-ubyte\.gz/,
      ],
      [
        { 't10k-images-idx3-ubyte': images.subarray(0, 1000), 't10k-labels-idx1-ubyte': labels },
        /t10k-images-idx3-ubyte: truncated: header says \[3, 28, 28\] = 2352 bytes of data, file has 984/,
      ],
      [
        { 't10k-images-idx3-ubyte.gz': gzipSync(images).subarray(0, 40), 't10k-labels-idx1-ubyte': labels },
        /t10k-images-idx3-ubyte\.gz: corrupt gzip data/,
      ],
      [
        {
          't10k-images-idx3-ubyte': new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
          't10k-labels-idx1-ubyte': labels,
        },
        /t10k-images-idx3-ubyte: not an IDX file/,
      ],
      [
        {
          't10k-images-idx3-ubyte': idxFile([2, 28, 28], pixels.subarray(0, 1568)),
          't10k-labels-idx1-ubyte': labels,
        },
        /t10k-labels-idx1-ubyte: holds 3 labels but .* holds 2 images/,
      ],
      [
        { 't10k-images-idx3-ubyte': idxFile([3, 784], pixels), 't10k-labels-idx1-ubyte': labels },
        /expected images of shape \[N, 28, 28\], the file holds \[3, 784\]/,
      ],
      [
        { 't10k-images-idx3-ubyte': images, 't10k-labels-idx1-ubyte': idxFile([3], [1, 12, 3]) },
        /t10k-labels-idx1-ubyte: label 1 is 12, not a digit 0-9/,
      ],
    ];
    for (const [files, message] of cases) {
      expect(() => idxDigits(makeFolder(files), false)).toThrow(message);
    }
  });
});
