/**
 * Reading the PyTorch fixtures (tools/fixtures/nn_*.py) and comparing tensors with them.
 * Float tensors are stored as base64 little-endian float32 (exact), integer tensors as lists.
 */
import { readFileSync } from 'node:fs';
import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { afterAll, beforeAll, describe, expect } from 'vitest';

/** The backend tests start on, restored after a suite switches backends. */
export const DEFAULT_BACKEND = torch.get_backend();

/**
 * One describe block per backend ('wasm', 'tfjs', 'js'), titled `<backend> backend: <title>`, each
 * run with that backend set and the default restored after: every backend computes the same
 * layers, so one table of PyTorch cases checks them all.
 */
export function describeEachBackend(title: string, body: () => void): void {
  describe.each(['wasm', 'tfjs', 'js'] as const)(`%s backend: ${title}`, (backend) => {
    beforeAll(() => torch.set_backend(backend));
    afterAll(() => torch.set_backend(DEFAULT_BACKEND));
    body();
  });
}

/** A tensor as the fixture scripts store it. */
export type Encoded = { shape: number[]; b64: string } | { shape: number[]; int: number[] };

/** Parses a fixture file under test/fixtures. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** The float32 values of an encoded float tensor. */
export function floats(e: Encoded): Float32Array {
  if (!('b64' in e)) throw new Error('expected a float tensor');
  const bytes = Buffer.from(e.b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** An encoded tensor as a minidl tensor (int64 for integer tensors). */
export function decode(e: Encoded): Tensor {
  const t = 'int' in e ? torch.tensor(e.int, { dtype: 'int64' }) : torch.tensor(floats(e));
  return t.reshape(e.shape);
}

/**
 * Asserts `actual` has the expected shape and every element satisfies
 * |a - e| <= atol + rtol * |e| (NaN only where expected), naming the first element that does not.
 */
export function expectClose(actual: Tensor, expected: Encoded, what: string, rtol = 1e-4, atol = 1e-5): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.toFloat32Array();
  const e = 'int' in expected ? Float32Array.from(expected.int) : floats(expected);
  for (let i = 0; i < e.length; i++) {
    const ok = Number.isNaN(e[i]!)
      ? Number.isNaN(a[i]!)
      : Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!);
    if (!ok) expect.fail(`${what}: element ${i} is ${a[i]}, PyTorch has ${e[i]} (shape [${expected.shape}])`);
  }
}
