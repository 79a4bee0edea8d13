import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, put, randArray, rng } from '../test/helpers.js';
import { type Kernels, loadKernels } from './index.js';

let k: Kernels;
beforeAll(() => {
  k = loadKernels({ threads: 1 });
});

describe('softmax and log_softmax', () => {
  for (const [outer, r, inner] of [
    [3, 10, 1],
    [2, 5, 3],
    [1, 1, 4],
    [4, 33, 2],
  ] as [number, number, number][]) {
    it(`forward and backward over (${outer}, ${r}, ${inner})`, () => {
      const g = rng(outer * 100 + r * 10 + inner);
      const n = outer * r * inner;
      const x = randArray(g, n, -20, 20);
      const dy = randArray(g, n);
      const px = put(k, x);
      const pdy = put(k, dy);
      const py = k.alloc(4 * n);
      const pdx = k.alloc(4 * n);
      for (const log of [false, true]) {
        const y = new Float64Array(n);
        const dx = new Float64Array(n);
        for (let o = 0; o < outer; o++)
          for (let j = 0; j < inner; j++) {
            const idx = Array.from({ length: r }, (_, i) => (o * r + i) * inner + j);
            const m = Math.max(...idx.map((i) => x[i]!));
            const lse = m + Math.log(idx.reduce((s, i) => s + Math.exp(x[i]! - m), 0));
            for (const i of idx) y[i] = log ? x[i]! - lse : Math.exp(x[i]! - lse);
            const s = idx.reduce((a, i) => a + (log ? dy[i]! : dy[i]! * y[i]!), 0);
            for (const i of idx) dx[i] = log ? dy[i]! - Math.exp(y[i]!) * s : y[i]! * (dy[i]! - s);
          }
        k.softmax(px, py, outer, r, inner, log);
        expectClose(k.readF32(py, n), y, 1e-5, 1e-6, `${log ? 'log_' : ''}softmax`);
        k.softmaxBackward(pdy, py, pdx, outer, r, inner, log);
        expectClose(k.readF32(pdx, n), dx, 1e-4, 1e-5, `${log ? 'log_' : ''}softmax backward`);
      }
    });
  }
});

describe('nll_loss', () => {
  it('gathers -w[t] logp[i, t] per sample, skips ignore_index, and scatters the gradient', () => {
    const N = 5;
    const C = 4;
    const logp = randArray(rng(1), N * C, -3, 0);
    const target = Int32Array.from([0, 3, -100, 2, 3]);
    const w = Float32Array.from([1, 2, 0.5, 3]);
    const [pl, pt, pw] = [put(k, logp), put(k, target), put(k, w)];
    const ploss = k.alloc(4 * N);
    const pwo = k.alloc(4 * N);
    k.nllLoss(pl, pt, pw, ploss, pwo, N, C);
    const want = Array.from(target, (t, i) => (t < 0 ? 0 : -w[t]! * logp[i * C + t]!));
    expectClose(k.readF32(ploss, N), want, 1e-6, 0, 'loss');
    expect(Array.from(k.readF32(pwo, N))).toEqual([1, 3, 0, 0.5, 3]);
    const grad = Float32Array.from([1, 2, 3, 4, 5]);
    const pg = put(k, grad);
    const pd = k.alloc(4 * N * C);
    k.nllLossBackward(pt, pw, pg, pd, N, C);
    const d = new Float32Array(N * C);
    target.forEach((t, i) => {
      if (t >= 0) d[i * C + t] = -w[t]! * grad[i]!;
    });
    expect(Array.from(k.readF32(pd, N * C))).toEqual(Array.from(d));
  });

  it("throws PyTorch's error for an out-of-range target", () => {
    const pl = k.alloc(4 * 6);
    const pt = put(k, Int32Array.from([1, 7]));
    const po = k.alloc(8);
    expect(() => k.nllLoss(pl, pt, 0, po, po, 2, 3)).toThrow('Target 7 is out of bounds.');
  });
});
