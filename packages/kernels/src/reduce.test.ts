import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, put, randArray, randInt, rng } from '../test/helpers.js';
import { type Kernels, loadKernels, REDUCE_OPS, type ReduceOp } from './index.js';

let k: Kernels;
beforeAll(() => {
  k = loadKernels({ threads: 1 });
});

/** Reference reduction of (outer, r, inner) in float64. */
function ref(op: ReduceOp, x: Float32Array, outer: number, r: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const v = Array.from({ length: r }, (_, i) => x[(o * r + i) * inner + j]!);
      const nanAt = v.findIndex(Number.isNaN);
      switch (op) {
        case 'sum':
          out.push(v.reduce((a, b) => a + b, 0));
          break;
        case 'mean':
          out.push(v.reduce((a, b) => a + b, 0) / r);
          break;
        case 'prod':
          out.push(v.reduce((a, b) => a * b, 1));
          break;
        case 'max':
          out.push(nanAt >= 0 ? Number.NaN : Math.max(...v));
          break;
        case 'min':
          out.push(nanAt >= 0 ? Number.NaN : Math.min(...v));
          break;
        case 'argmax':
          out.push(nanAt >= 0 ? nanAt : v.indexOf(Math.max(...v)));
          break;
        case 'argmin':
          out.push(nanAt >= 0 ? nanAt : v.indexOf(Math.min(...v)));
          break;
      }
    }
  }
  return out;
}

describe('reduce', () => {
  for (const op of Object.keys(REDUCE_OPS) as ReduceOp[]) {
    it(`${op} over (outer, r, inner) matches float64, including every SIMD tail`, () => {
      const g = rng(REDUCE_OPS[op] + 50);
      const shapes = [
        [1, 1, 1],
        [3, 5, 1],
        [2, 37, 1],
        [1, 300, 1],
        [2, 3, 7],
        [4, 9, 13],
        [1, 2, 4],
      ];
      for (let t = 0; t < 10; t++) shapes.push([randInt(g, 1, 4), randInt(g, 1, 40), randInt(g, 1, 9)]);
      for (const [outer, r, inner] of shapes as [number, number, number][]) {
        const x = randArray(g, outer * r * inner, op === 'prod' ? 0.5 : -2, op === 'prod' ? 1.5 : 2);
        for (let i = 0; i < x.length; i += 5) x[i] = x[Math.max(0, i - 1)]!; // ties: the first index wins
        const px = put(k, x);
        const po = k.alloc(4 * outer * inner);
        k.reduce(op, px, po, outer, r, inner);
        const arg = op === 'argmax' || op === 'argmin';
        const got = arg ? k.readI32(po, outer * inner) : k.readF32(po, outer * inner);
        expectClose(
          got,
          ref(op, x, outer, r, inner),
          2e-6,
          2e-6 * Math.sqrt(r),
          `${op} ${[outer, r, inner]}`,
        );
        k.free(px);
        k.free(po);
      }
    });
  }

  it('propagates NaN in max/min and points argmax at it', () => {
    const x = Float32Array.from([1, 5, Number.NaN, 2, 9, 3, 4, 0]);
    const px = put(k, x);
    const po = k.alloc(8);
    k.reduce('max', px, po, 1, 8, 1);
    expect(k.readF32(po, 1)[0]).toBeNaN();
    k.reduce('argmax', px, po, 1, 8, 1);
    expect(k.readI32(po, 1)[0]).toBe(2);
  });

  it('sums a long row accurately (blocked accumulation)', () => {
    const n = 1_000_003;
    const x = new Float32Array(n).fill(0.1);
    const px = put(k, x);
    const po = k.alloc(4);
    k.reduce('sum', px, po, 1, n, 1);
    expect(Math.abs(k.readF32(po, 1)[0]! - n * Math.fround(0.1)) / (n * 0.1)).toBeLessThan(1e-6);
    k.free(px);
    k.free(po);
  });

  it('handles empty reductions like PyTorch', () => {
    const po = k.alloc(8);
    k.reduce('sum', 0, po, 2, 0, 1);
    expect(Array.from(k.readF32(po, 2))).toEqual([0, 0]);
    k.reduce('mean', 0, po, 1, 0, 1);
    expect(k.readF32(po, 1)[0]).toBeNaN();
    expect(() => k.reduce('max', 0, po, 1, 0, 1)).toThrow(/non-zero size/);
  });
});
