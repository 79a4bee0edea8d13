import { describe, expect, it } from 'vitest';
import { expectClose, put, randArray, rng } from '../test/helpers.js';
import { type Kernels, loadKernels } from './index.js';

/** sgemm and a stride-1 conv (the two microkernel families) on one build. */
function compute(k: Kernels): Float32Array[] {
  const r = rng(12);
  const [M, N, K] = [37, 45, 300];
  const a = put(k, randArray(r, M * K));
  const b = put(k, randArray(r, K * N));
  const c = k.alloc(4 * M * N);
  k.sgemm(false, true, M, N, K, 1, a, K, b, K, 0, c, N);
  const xs = [2, 5, 9, 11];
  const ws = [6, 5, 3, 3];
  const x = put(k, randArray(r, 2 * 5 * 9 * 11));
  const w = put(k, randArray(r, 6 * 5 * 9));
  const y = k.alloc(4 * 2 * 6 * 9 * 11);
  k.conv2dForward(x, xs, w, ws, 0, y, { padding: 1 });
  return [k.readF32(c, M * N), k.readF32(y, 2 * 6 * 9 * 11)];
}

describe('builds', () => {
  it('the plain-SIMD and relaxed-SIMD builds agree (fused multiply-add only changes rounding)', () => {
    const plain = loadKernels({ threads: 1, relaxedSimd: false });
    const relaxed = loadKernels({ threads: 1, relaxedSimd: true });
    expect(plain.variant).toBe('simd');
    expect(relaxed.variant).toBe('relaxed');
    const a = compute(plain);
    const b = compute(relaxed);
    a.forEach((v, i) => {
      expectClose(b[i]!, v, 1e-5, 1e-5, `output ${i}`);
    });
  });

  it('the threaded plain-SIMD build loads too', () => {
    const k = loadKernels({ threads: 2, relaxedSimd: false });
    expect(k.variant).toBe('simd-mt');
    const a = compute(k);
    expectClose(a[0]!, compute(loadKernels({ threads: 1, relaxedSimd: false }))[0]!, 0, 0, 'sgemm');
    k.dispose();
  });

  it('rejects a bad thread count', () => {
    expect(() => loadKernels({ threads: 0 })).toThrow(/threads must be a positive integer/);
  });
});
