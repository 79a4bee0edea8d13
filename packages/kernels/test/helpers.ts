// Test helpers: a seeded RNG, float32 tensors in wasm memory, and tolerance checks.
import { expect } from 'vitest';
import { type Conv2dOptions, conv2dGeometry, type Kernels } from '../src/index.js';

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

/**
 * Asserts that conv2dWeightGrad with `beta: 1` adds to the buffer instead of overwriting it: a
 * second call with beta 1 after a plain one gives twice the plain result.
 */
export function expectWeightGradAccumulates(
  k: Kernels,
  c: { x: number[]; w: number[]; o: Conv2dOptions },
  seed: number,
): void {
  const r = rng(seed);
  const g = conv2dGeometry(c.x, c.w, c.o);
  const wLen = c.w.reduce((a, b) => a * b);
  const px = put(
    k,
    randArray(
      r,
      c.x.reduce((a, b) => a * b),
    ),
  );
  const pdy = put(k, randArray(r, g.N * g.Co * g.OH * g.OW));
  const once = k.alloc(4 * wLen);
  const twice = k.alloc(4 * wLen);
  k.conv2dWeightGrad(px, pdy, once, c.x, c.w, c.o);
  k.conv2dWeightGrad(px, pdy, twice, c.x, c.w, c.o);
  k.conv2dWeightGrad(px, pdy, twice, c.x, c.w, { ...c.o, beta: 1 });
  const doubled = Array.from(k.readF32(once, wLen), (v) => 2 * v);
  expectClose(k.readF32(twice, wLen), doubled, 1e-6, 1e-6, 'beta = 1');
  for (const p of [px, pdy, once, twice]) k.free(p);
}
