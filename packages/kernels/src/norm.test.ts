import { beforeAll, describe, it } from 'vitest';
import { expectClose, put, randArray, rng } from '../test/helpers.js';
import { type Kernels, loadKernels } from './index.js';

let k: Kernels;
beforeAll(() => {
  k = loadKernels({ threads: 1 });
});

/** Values of channel c of x viewed as (N, C, S), with their flat indices. */
function channel(N: number, C: number, S: number, c: number): number[] {
  const idx: number[] = [];
  for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) idx.push((n * C + c) * S + s);
  return idx;
}

describe('batch norm', () => {
  for (const shape of [
    [4, 3, 5, 7],
    [7, 5],
    [2, 6, 9],
    [1, 2, 1, 1],
  ]) {
    it(`training forward/backward and eval on ${JSON.stringify(shape)} match float64 formulas`, () => {
      const r = rng(shape.length * 10 + shape[0]!);
      const [N, C] = [shape[0]!, shape[1]!];
      const S = shape.slice(2).reduce((a, b) => a * b, 1);
      const n = N * C * S;
      const x = randArray(r, n, -2, 3);
      const dy = randArray(r, n);
      const w = randArray(r, C, 0.5, 1.5);
      const b = randArray(r, C);
      const rm = randArray(r, C);
      const rv = randArray(r, C, 0.5, 2);
      const [px, pdy, pw, pb, prm, prv] = [x, dy, w, b, rm, rv].map((a) => put(k, a)) as number[];
      const py = k.alloc(4 * n);
      const pmean = k.alloc(4 * C);
      const pinv = k.alloc(4 * C);
      const eps = 1e-5;
      k.batchNormTrain(px!, py, shape, pw!, pb!, pmean, pinv, {
        runningMean: prm,
        runningVar: prv,
        momentum: 0.1,
        eps,
      });
      const y = new Float64Array(n);
      const dx = new Float64Array(n);
      const [mean, invstd, newRm, newRv, dw, db] = Array.from({ length: 6 }, () => new Float64Array(C));
      const cnt = N * S;
      for (let c = 0; c < C; c++) {
        const idx = channel(N, C, S, c);
        const m = idx.reduce((s, i) => s + x[i]!, 0) / cnt;
        const v = idx.reduce((s, i) => s + (x[i]! - m) ** 2, 0) / cnt;
        mean[c] = m;
        invstd[c] = 1 / Math.sqrt(v + eps);
        newRm[c] = 0.9 * rm[c]! + 0.1 * m;
        newRv[c] = 0.9 * rv[c]! + (0.1 * v * cnt) / (cnt - 1);
        const xhat = idx.map((i) => (x[i]! - m) * invstd[c]!);
        idx.forEach((i, j) => {
          y[i] = xhat[j]! * w[c]! + b[c]!;
        });
        db[c] = idx.reduce((s, i) => s + dy[i]!, 0);
        dw[c] = idx.reduce((s, i, j) => s + dy[i]! * xhat[j]!, 0);
        idx.forEach((i, j) => {
          dx[i] = ((w[c]! * invstd[c]!) / cnt) * (cnt * dy[i]! - db[c]! - xhat[j]! * dw[c]!);
        });
      }
      expectClose(k.readF32(py, n), y, 1e-5, 1e-5, 'y');
      expectClose(k.readF32(pmean, C), mean, 1e-5, 1e-6, 'mean');
      expectClose(k.readF32(pinv, C), invstd, 1e-5, 1e-6, 'invstd');
      expectClose(k.readF32(prm!, C), newRm, 1e-5, 1e-6, 'running_mean');
      expectClose(
        k.readF32(prv!, C),
        cnt > 1 ? newRv : newRv.map(() => Number.NaN),
        1e-5,
        1e-6,
        'running_var',
      );
      const pdx = k.alloc(4 * n);
      const pdw = k.alloc(4 * C);
      const pdb = k.alloc(4 * C);
      k.batchNormBackward(pdy!, px!, shape, pw!, pmean, pinv, pdx, pdw, pdb);
      expectClose(k.readF32(pdw, C), dw, 1e-4, 1e-5, 'dweight');
      expectClose(k.readF32(pdb, C), db, 1e-5, 1e-5, 'dbias');
      expectClose(k.readF32(pdx, n), dx, 1e-4, 1e-5, 'dx');
      // eval: running statistics
      k.batchNormEval(px!, py, shape, pw!, 0, prm!, prv!, eps);
      const rmNow = k.readF32(prm!, C);
      const rvNow = k.readF32(prv!, C);
      const yEval = Array.from(x, (v, i) => {
        const c = Math.floor(i / S) % C;
        return ((v - rmNow[c]!) / Math.sqrt(rvNow[c]! + eps)) * w[c]!;
      });
      expectClose(k.readF32(py, n), yEval, 1e-5, 1e-5, 'eval y');
      k.batchNormBackward(pdy!, px!, shape, 0, prm!, pinv, pdx, 0, 0, false);
      const dxEval = Array.from(dy, (v, i) => v * k.readF32(pinv, C)[Math.floor(i / S) % C]!);
      expectClose(k.readF32(pdx, n), dxEval, 1e-6, 1e-7, 'eval dx');
    });
  }
});
