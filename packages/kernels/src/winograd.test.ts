import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refForward, refInputGrad, refWeightGrad } from '../test/conv-reference.js';
import { expectClose, expectWeightGradAccumulates, put, randArray, rng } from '../test/helpers.js';
import { type Conv2dOptions, conv2dGeometry, type Kernels, loadKernels } from './index.js';

// Winograd F(2x2, 3x3) (assembly/winograd.ts) against the float64 definition, on shapes that exercise
// odd output sizes (clipped tiles), every padding the input gradient turns into (2 - p), channel counts
// that are not multiples of the microkernel's 2 x 16 tile, and the junk tile at the end of each row.

let k1: Kernels;
let k2: Kernels;
beforeAll(() => {
  k1 = loadKernels({ threads: 1 });
  k2 = loadKernels({ threads: 2 });
  // These shapes are too small for Winograd to pay; force it to test its edge cases.
  k1.winograd = 'always';
  k2.winograd = 'always';
});
afterAll(() => {
  k2.dispose();
});

interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  o: Conv2dOptions;
}

const CASES: Case[] = [
  { x: [1, 9, 7, 9], w: [11, 9, 3, 3], o: { padding: 1 } },
  { x: [3, 10, 5, 6], w: [8, 10, 3, 3], o: { padding: 0 } }, // input grad: padding 2
  { x: [2, 13, 9, 5], w: [17, 13, 3, 3], o: { padding: 2 } }, // input grad: padding 0
  { x: [3, 8, 11, 13], w: [35, 8, 3, 3], o: { padding: [1, 0] } },
  { x: [1, 16, 4, 4], w: [32, 16, 3, 3], o: { padding: 1 } },
  { x: [2, 8, 1, 3], w: [9, 8, 3, 3], o: { padding: 1 } }, // one output row
  { x: [1, 9, 3, 3], w: [8, 9, 3, 3], o: { padding: 0 } }, // one output
];

function run(k: Kernels, c: Case, seed: number, bias: boolean, relu: boolean) {
  const r = rng(seed);
  const g = conv2dGeometry(c.x, c.w, c.o);
  const xLen = c.x.reduce((a, b) => a * b);
  const wLen = c.w.reduce((a, b) => a * b);
  const yLen = g.N * g.Co * g.OH * g.OW;
  const [x, w, b, dy] = [randArray(r, xLen), randArray(r, wLen), randArray(r, g.Co), randArray(r, yLen)];
  const [px, pw, pb, pdy] = [put(k, x), put(k, w), put(k, b), put(k, dy)];
  const py = put(k, new Float32Array(yLen).fill(Number.NaN));
  const pdx = put(k, new Float32Array(xLen).fill(Number.NaN));
  const pdw = put(k, new Float32Array(wLen).fill(Number.NaN));
  k.conv2dForward(px, c.x, pw, c.w, bias ? pb : 0, py, { ...c.o, relu });
  k.conv2dInputGrad(pw, pdy, pdx, c.x, c.w, c.o);
  k.conv2dWeightGrad(px, pdy, pdw, c.x, c.w, c.o);
  const out = { g, x, w, b, dy, y: k.readF32(py, yLen), dx: k.readF32(pdx, xLen), dw: k.readF32(pdw, wLen) };
  for (const p of [px, pw, pb, pdy, py, pdx, pdw]) k.free(p);
  return out;
}

describe('Winograd F(2x2, 3x3) convolution', () => {
  it('is the algorithm of all three passes of the tutorial CNN conv2 and conv3', () => {
    const k = loadKernels({ threads: 1 });
    expect(k.winograd).toBe('auto');
    for (const N of [16, 64, 256]) {
      for (const [x, w] of [
        [
          [N, 16, 28, 28],
          [32, 16, 3, 3],
        ],
        [
          [N, 32, 14, 14],
          [64, 32, 3, 3],
        ],
      ]) {
        for (const pass of ['forward', 'input_grad', 'weight_grad'] as const) {
          expect(k.convAlgorithm(pass, x!, w!, { padding: 1 }), `${pass} ${x}`).toBe('winograd');
        }
      }
    }
    // conv1 (one input channel) and 7x7 images (too many partly used tiles) keep the implicit GEMM;
    // strided convs take the im2col path.
    expect(k.convAlgorithm('forward', [64, 1, 28, 28], [16, 1, 3, 3], { padding: 1 })).toBe('implicit-gemm');
    expect(k.convAlgorithm('forward', [64, 32, 7, 7], [32, 32, 3, 3], { padding: 1 })).toBe('implicit-gemm');
    expect(k.convAlgorithm('forward', [1, 16, 9, 9], [16, 16, 3, 3], { stride: 2 })).toBe('im2col');
    expect(k.convAlgorithm('forward', [1, 16, 9, 9], [16, 16, 3, 3], { dilation: 2 })).toBe('implicit-gemm');
  });

  it('forward (with bias and ReLU), input and weight gradients match the definition', () => {
    CASES.forEach((c, i) => {
      expect(k1.convAlgorithm('forward', c.x, c.w, c.o)).toBe('winograd');
      expect(k1.convAlgorithm('input_grad', c.x, c.w, c.o)).toBe('winograd');
      const bias = i % 2 === 0;
      const relu = i % 3 !== 1;
      const r = run(k1, c, 40 + i, bias, relu);
      let want = refForward(r.g, r.x, r.w, bias ? r.b : null);
      if (relu) want = want.map((v) => Math.max(v, 0));
      const what = JSON.stringify(c);
      // Sums of Ci*9 (forward), Co*9 (input grad) or N*OH*OW (weight grad) products of magnitude <= 1.
      const tol = (n: number) => 3e-6 * Math.sqrt(n) + 1e-6;
      expectClose(r.y, want, 1e-5, tol(c.w[1] * 9), `forward ${what}`);
      expectClose(r.dx, refInputGrad(r.g, r.w, r.dy), 1e-5, tol(c.w[0] * 9), `input grad ${what}`);
      expectClose(
        r.dw,
        refWeightGrad(r.g, r.x, r.dy, r.w.length),
        1e-5,
        tol(r.g.N * r.g.OH * r.g.OW),
        `weight grad ${what}`,
      );
    });
  });

  it('accumulates the weight gradient with beta = 1', () => {
    expectWeightGradAccumulates(k1, CASES[0]!, 9);
  });

  it('gives the same results on 1 and 2 threads', () => {
    for (const c of [CASES[1]!, CASES[3]!]) {
      const a = run(k1, c, 7, true, true);
      const b = run(k2, c, 7, true, true);
      expect(b.y).toEqual(a.y);
      expect(b.dx).toEqual(a.dx);
      // Per-thread partial sums of the weight gradient change only the summation order.
      expectClose(b.dw, a.dw, 1e-5, 1e-5, 'weight grad 2 threads');
    }
  });

  it('agrees with the implicit GEMM when Winograd is switched off', () => {
    const c = CASES[3]!;
    const k = loadKernels({ threads: 1 });
    k.winograd = 'always';
    const a = run(k, c, 3, true, false);
    k.winograd = 'never';
    expect(k.convAlgorithm('forward', c.x, c.w, c.o)).toBe('implicit-gemm');
    const b = run(k, c, 3, true, false);
    expectClose(a.y, b.y, 1e-5, 2e-5, 'forward');
    expectClose(a.dx, b.dx, 1e-5, 2e-5, 'input grad');
    expectClose(a.dw, b.dw, 1e-5, 2e-5, 'weight grad');
  });
});
