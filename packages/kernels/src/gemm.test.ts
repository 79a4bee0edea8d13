import { beforeAll, describe, expect, it } from 'vitest';
import { put, randArray, randInt, rng } from '../test/helpers.js';
import { type Kernels, loadKernels } from './index.js';

let k: Kernels;
beforeAll(() => {
  k = loadKernels({ threads: 1 });
});

interface Case {
  tA: boolean;
  tB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
  pad: number;
  bias?: 'row' | 'col';
  relu?: boolean;
}

/** Runs one sgemm against a float64 reference; returns the max error relative to sum |a||b|. */
function check(c: Case, seed: number): void {
  const r = rng(seed);
  const { tA, tB, M, N, K, alpha, beta, pad } = c;
  const lda = Math.max(1, tA ? M : K) + pad;
  const ldb = Math.max(1, tB ? K : N) + pad;
  const ldc = N + pad;
  const a = randArray(r, (tA ? K : M) * lda);
  const b = randArray(r, (tB ? N : K) * ldb);
  const c0 = randArray(r, M * ldc);
  if (beta === 0) c0.fill(Number.NaN); // beta = 0 must ignore C entirely
  const bias = randArray(r, c.bias === 'row' ? M : N);
  const pa = put(k, a);
  const pb = put(k, b);
  const pc = put(k, c0);
  const pbias = put(k, bias);
  k.sgemm(tA, tB, M, N, K, alpha, pa, lda, pb, ldb, beta, pc, ldc, {
    bias: c.bias ? pbias : 0,
    biasAxis: c.bias,
    relu: c.relu,
  });
  const got = k.readF32(pc, M * ldc);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < K; p++) {
        const av = tA ? a[p * lda + i]! : a[i * lda + p]!;
        const bv = tB ? b[j * ldb + p]! : b[p * ldb + j]!;
        s += av * bv;
        mag += Math.abs(av * bv);
      }
      let want = alpha * s + (beta === 0 ? 0 : beta * c0[i * ldc + j]!);
      if (c.bias) want += bias[c.bias === 'row' ? i : j]!;
      if (c.relu) want = Math.max(want, 0);
      const err = Math.abs(got[i * ldc + j]! - want);
      if (!(err <= 1e-5 * (Math.abs(alpha) * mag + Math.abs(beta) + 1))) {
        expect.fail(`${JSON.stringify(c)} C[${i},${j}] = ${got[i * ldc + j]}, want ${want}`);
      }
    }
    for (let j = N; j < ldc; j++) expect(got[i * ldc + j]).toBe(c0[i * ldc + j]); // padding untouched
  }
  for (const p of [pa, pb, pc, pbias]) k.free(p);
}

describe('sgemm', () => {
  it('is right for every transpose combination on shapes that hit every tile tail', () => {
    let seed = 1;
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        for (const [M, N, K] of [
          [1, 1, 1],
          [2, 16, 3],
          [3, 17, 5],
          [5, 33, 300], // two depth blocks (KC = 256)
          [131, 20, 7], // two row blocks (MC = 128)
          [4, 530, 2], // two column blocks (NC = 512)
          [7, 15, 0], // K = 0: C = beta*C
        ] as [number, number, number][]) {
          check({ tA, tB, M, N, K, alpha: 1, beta: 0, pad: 0 }, seed++);
          check({ tA, tB, M, N, K, alpha: -0.5, beta: 0.75, pad: 3 }, seed++);
        }
      }
    }
  });

  it('fuses bias (per row or column) and ReLU', () => {
    let seed = 100;
    for (const bias of ['row', 'col'] as const) {
      for (const relu of [false, true]) {
        check({ tA: false, tB: true, M: 9, N: 21, K: 270, alpha: 1, beta: 0, pad: 1, bias, relu }, seed++);
        check({ tA: true, tB: false, M: 4, N: 16, K: 3, alpha: 2, beta: 1, pad: 0, bias, relu }, seed++);
      }
    }
  });

  it('matches on random shapes', () => {
    const r = rng(77);
    for (let t = 0; t < 25; t++) {
      const c: Case = {
        tA: r() < 0.5,
        tB: r() < 0.5,
        M: randInt(r, 1, 40),
        N: randInt(r, 1, 70),
        K: randInt(r, 1, 60),
        alpha: r() < 0.5 ? 1 : r() * 2 - 1,
        beta: r() < 0.5 ? 0 : r() * 2 - 1,
        pad: randInt(r, 0, 2),
      };
      check(c, 1000 + t);
    }
  });

  it('rejects leading dimensions smaller than the matrix', () => {
    expect(() => k.sgemm(false, false, 4, 4, 4, 1, 0, 3, 0, 4, 0, 0, 4)).toThrow(/leading dimensions/);
  });
});
