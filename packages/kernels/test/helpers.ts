// Test helpers: a seeded RNG, float32 tensors in wasm memory, and tolerance checks.
import { expect } from 'vitest';
import type { Kernels } from '../src/index.js';

/** mulberry32: small, seeded, good enough to draw test shapes and values. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [lo, hi]. */
export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** n floats uniform in [lo, hi). */
export function randArray(r: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** Allocates and fills a float32 tensor; returns its pointer. */
export function put(k: Kernels, data: Float32Array | Int32Array | Uint8Array): number {
  const p = k.alloc(Math.max(data.byteLength, 4));
  k.copyIn(p, data);
  return p;
}

/** Asserts |got - want| <= atol + rtol*|want| elementwise, NaN matching NaN, with a useful message. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol = 1e-6,
  atol = 1e-6,
  what = '',
): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w)) {
      if (!Number.isNaN(g)) expect.fail(`${what}[${i}]: got ${g}, want NaN`);
      continue;
    }
    if (g === w) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) expect.fail(`${what}[${i}]: got ${g}, want ${w}`);
  }
}
