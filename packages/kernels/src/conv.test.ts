import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refForward, refInputGrad, refWeightGrad } from '../test/conv-reference.js';
import { expectClose, expectWeightGradAccumulates, put, randArray, randInt, rng } from '../test/helpers.js';
import { type Conv2dOptions, conv2dGeometry, type Kernels, loadKernels } from './index.js';

let k1: Kernels;
let k2: Kernels;
beforeAll(() => {
  k1 = loadKernels({ threads: 1 });
  k2 = loadKernels({ threads: 2 });
});
afterAll(() => {
  k2.dispose();
});

interface ConvCase {
  x: [number, number, number, number];
  w: [number, number, number, number];
  o: Conv2dOptions;
}

/** Runs forward and both gradients on `k` and returns the results as host arrays. */
function runAll(k: Kernels, c: ConvCase, seed: number, withBias: boolean, relu: boolean) {
  const r = rng(seed);
  const g = conv2dGeometry(c.x, c.w, c.o);
  const xLen = c.x.reduce((a, b) => a * b);
  const wLen = c.w.reduce((a, b) => a * b);
  const yLen = g.N * g.Co * g.OH * g.OW;
  const x = randArray(r, xLen);
  const w = randArray(r, wLen);
  const bias = randArray(r, g.Co);
  const dy = randArray(r, yLen);
  const px = put(k, x);
  const pw = put(k, w);
  const pb = put(k, bias);
  const pdy = put(k, dy);
  const py = k.alloc(4 * yLen);
  const pdx = put(k, new Float32Array(xLen).fill(Number.NaN)); // overwritten, never read
  const pdw = put(k, new Float32Array(wLen).fill(Number.NaN));
  const pdb = k.alloc(4 * g.Co);
  k.conv2dForward(px, c.x, pw, c.w, withBias ? pb : 0, py, { ...c.o, relu });
  k.conv2dInputGrad(pw, pdy, pdx, c.x, c.w, c.o);
  k.conv2dWeightGrad(px, pdy, pdw, c.x, c.w, c.o);
  k.conv2dBiasGrad(pdy, pdb, [g.N, g.Co, g.OH, g.OW]);
  const res = {
    g,
    x,
    w,
    bias,
    dy,
    y: k.readF32(py, yLen),
    dx: k.readF32(pdx, xLen),
    dw: k.readF32(pdw, wLen),
    db: k.readF32(pdb, g.Co),
  };
  for (const p of [px, pw, pb, pdy, py, pdx, pdw, pdb]) k.free(p);
  return res;
}

function check(k: Kernels, c: ConvCase, seed: number): void {
  const withBias = seed % 2 === 0;
  const relu = seed % 3 === 0;
  const r = runAll(k, c, seed, withBias, relu);
  const tol = 2e-5 * Math.sqrt(c.w[1] * c.w[2] * c.w[3] + c.x[0] * r.g.OH * r.g.OW);
  let want = refForward(r.g, r.x, r.w, withBias ? r.bias : null);
  if (relu) want = want.map((v) => Math.max(v, 0));
  const what = JSON.stringify(c);
  expectClose(r.y, want, 1e-5, tol, `forward ${what}`);
  expectClose(r.dx, refInputGrad(r.g, r.w, r.dy), 1e-5, tol, `input grad ${what}`);
  expectClose(r.dw, refWeightGrad(r.g, r.x, r.dy, r.w.length), 1e-5, tol, `weight grad ${what}`);
  const db = new Float64Array(r.g.Co);
  const Q = r.g.OH * r.g.OW;
  r.dy.forEach((v, i) => {
    db[Math.floor(i / Q) % r.g.Co]! += v;
  });
  expectClose(r.db, db, 1e-5, tol, `bias grad ${what}`);
}

const CASES: ConvCase[] = [
  { x: [2, 1, 28, 28], w: [16, 1, 3, 3], o: { padding: 1 } }, // tutorial conv1 shape, small batch
  { x: [2, 3, 9, 11], w: [5, 3, 3, 3], o: {} },
  { x: [1, 2, 8, 7], w: [3, 2, 2, 3], o: { stride: 2, padding: [1, 2] } },
  { x: [3, 4, 10, 10], w: [6, 2, 3, 3], o: { groups: 2, dilation: 2, padding: 2 } },
  { x: [1, 3, 5, 33], w: [4, 3, 1, 1], o: {} }, // 1x1: a plain GEMM, 165 columns
  { x: [2, 30, 6, 6], w: [3, 30, 3, 3], o: { padding: 1 } }, // depth 270 > KC
  { x: [1, 1, 4, 4], w: [1, 1, 5, 5], o: { padding: 'same' } },
  { x: [2, 6, 7, 5], w: [6, 1, 3, 2], o: { groups: 6, stride: [1, 2], padding: 'valid' } }, // depthwise
  { x: [2, 2, 5, 5], w: [3, 2, 1, 1], o: { padding: 1 } }, // padding > d(K-1): general input-grad path
  { x: [1, 4, 6, 6], w: [4, 2, 3, 3], o: { groups: 2, dilation: [2, 1], padding: [2, 1] } }, // stride 1, dilated
];

describe('conv2d', () => {
  it('forward and both gradients match the definition on odd shapes and every option', () => {
    CASES.forEach((c, i) => {
      check(k1, c, i);
    });
  });

  it('matches on random geometries', () => {
    const r = rng(3);
    for (let t = 0; t < 12; t++) {
      const groups = randInt(r, 1, 2);
      const KH = randInt(r, 1, 3);
      const KW = randInt(r, 1, 3);
      const c: ConvCase = {
        x: [randInt(r, 1, 3), groups * randInt(r, 1, 3), randInt(r, 3, 12), randInt(r, 3, 12)],
        w: [groups * randInt(r, 1, 4), 0, KH, KW],
        o: {
          stride: [randInt(r, 1, 2), randInt(r, 1, 2)],
          padding: [randInt(r, 0, 1), randInt(r, 0, 1)],
          groups,
        },
      };
      c.w[1] = c.x[1] / groups;
      check(k1, c, 200 + t);
    }
  });

  it('gives identical results on 1 and 2 threads', () => {
    expect(k2.threads).toBe(2);
    for (const c of [
      CASES[0]!,
      CASES[3]!,
      { x: [5, 3, 9, 9], w: [4, 3, 3, 3], o: { padding: 1 } } as ConvCase,
    ]) {
      const a = runAll(k1, c, 11, true, false);
      const b = runAll(k2, c, 11, true, false);
      expect(b.y).toEqual(a.y);
      expect(b.dx).toEqual(a.dx);
      expect(b.db).toEqual(a.db);
      // The weight gradient sums per-thread partials, so only the summation order differs.
      expectClose(b.dw, a.dw, 1e-5, 1e-5, 'weight grad 2 threads');
    }
  });

  it('accumulates the weight gradient with beta = 1 on both paths', () => {
    for (const c of [CASES[1]!, CASES[2]!]) expectWeightGradAccumulates(k1, c, 5);
  });

  it('reports PyTorch-style shape errors', () => {
    expect(() => conv2dGeometry([1, 2, 5, 5], [4, 1, 3, 3])).toThrow(
      'Given groups=1, weight of size [4, 1, 3, 3], expected input[1, 2, 5, 5] to have 1 channels, but got 2 channels instead',
    );
    expect(() => conv2dGeometry([1, 1, 2, 2], [1, 1, 3, 3])).toThrow(/Output size is too small/);
  });
});
