import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { put, randArray, rng } from '../test/helpers.js';
import { type Kernels, loadKernels } from './index.js';

let k1: Kernels;
let k2: Kernels;
beforeAll(() => {
  k1 = loadKernels({ threads: 1 });
  k2 = loadKernels({ threads: 2 });
});
afterAll(() => {
  k2.dispose();
});

describe('thread pool', () => {
  it('loads the threaded build over a shared memory', () => {
    expect(k2.threads).toBe(2);
    expect(k2.variant.endsWith('-mt')).toBe(true);
    expect(k2.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(k1.variant.endsWith('-mt')).toBe(false);
  });

  it('set_num_threads caps the threads in use and can raise them again', () => {
    const k = loadKernels({ threads: 2 });
    const n = 257;
    const a = k.alloc(4 * n * n);
    const c1 = k.alloc(4 * n * n);
    const c2 = k.alloc(4 * n * n);
    k.f32(a, n * n).set(Float32Array.from({ length: n * n }, (_, i) => Math.sin(i)));
    k.set_num_threads(1);
    expect(k.threads).toBe(1);
    k.sgemm(false, false, n, n, n, 1, a, n, a, n, 0, c1, n);
    k.set_num_threads(8);
    expect(k.threads).toBe(2); // capped by the pool's size
    k.sgemm(false, false, n, n, n, 1, a, n, a, n, 0, c2, n);
    expect(k.readF32(c2, n * n)).toEqual(k.readF32(c1, n * n));
    expect(() => k.set_num_threads(0)).toThrow('set_num_threads expects a positive integer, got 0');
    k.dispose();
  });

  it('sgemm splits rows or columns across threads with bit-identical results', () => {
    const r = rng(4);
    for (const [tA, tB, M, N, K] of [
      [false, false, 67, 45, 70],
      [true, true, 9, 301, 33],
      [false, true, 130, 2, 900],
    ] as [boolean, boolean, number, number, number][]) {
      const a = randArray(r, M * K);
      const b = randArray(r, K * N);
      const bias = randArray(r, Math.max(M, N));
      const results = [k1, k2].map((k) => {
        const pa = put(k, a);
        const pb = put(k, b);
        const pbias = put(k, bias);
        const pc = k.alloc(4 * M * N);
        const axis = M >= N ? 'row' : 'col';
        k.sgemm(tA, tB, M, N, K, 0.5, pa, tA ? M : K, pb, tB ? K : N, 0, pc, N, {
          bias: pbias,
          biasAxis: axis,
          relu: true,
        });
        return k.readF32(pc, M * N);
      });
      expect(results[1]).toEqual(results[0]);
    }
  });

  it('memory-bound kernels split across threads give bit-identical results', () => {
    const r = rng(8);
    const shape = [4, 16, 30, 34]; // 65280 elements: above the threshold for splitting
    const n = shape.reduce((a, b) => a * b);
    const x = randArray(r, n, -2, 2);
    const y = randArray(r, n, 0.5, 2);
    const run = (k: Kernels) => {
      const [px, py] = [put(k, x), put(k, y)];
      const out: Float32Array[] = [];
      const o = k.alloc(4 * n);
      const o2 = k.alloc(4 * n);
      const idx = k.alloc(4 * n);
      const small = k.alloc(4 * 64);
      const small2 = k.alloc(4 * 64);
      const grab = (p: number, len = n) => out.push(k.readF32(p, len));
      k.unary('exp', px, o, n);
      grab(o);
      k.binary('div', px, py, o, n);
      grab(o);
      k.binary('lt', px, py, o, n);
      out.push(Float32Array.from(k.readU8(o, n)));
      k.binaryStrided('mul', shape, px, [16 * 30 * 34, 30 * 34, 34, 1], py, [0, 1, 0, 0], o);
      grab(o);
      k.copyStrided([4, 16, 34, 30], px, [16 * 30 * 34, 30 * 34, 1, 34], o);
      grab(o);
      k.reduce('sum', px, small, 64, 30 * 34, 1);
      grab(small, 64);
      k.maxPool2dForward(px, shape, o, idx, 2);
      grab(o, n / 4);
      k.maxPool2dBackward(py, idx, o2, shape, [15, 17]);
      grab(o2);
      k.avgPool2dForward(px, shape, o, 3, { stride: 2, padding: 1 });
      grab(o, 4 * 16 * 15 * 17);
      k.batchNormTrain(px, o, shape, 0, 0, small, small2);
      grab(o);
      k.batchNormBackward(py, px, shape, 0, small, small2, o2, 0, 0);
      grab(o2);
      k.softmax(px, o, 64, 30, 34);
      grab(o);
      // optimizer steps over one large parameter (o as the parameter, o2 as its moment buffer)
      k.copyIn(o, x);
      k.copyIn(o2, y);
      k.sgdStep(o, py, o2, n, { lr: 0.1, momentum: 0.9, weight_decay: 0.01, nesterov: true });
      grab(o);
      grab(o2);
      k.copyIn(idx, y); // a positive second moment
      k.adamStep(o, py, o2, idx, 0, n, { lr: 0.01, step: 3, weight_decay: 0.1 });
      grab(o);
      grab(idx);
      for (const p of [px, py, o, o2, idx, small, small2]) k.free(p);
      return out;
    };
    const a = run(k1);
    const b = run(k2);
    a.forEach((v, i) => {
      expect(b[i], `op ${i}`).toEqual(v);
    });
  });

  it('does not keep Node alive once work is done, even without dispose()', () => {
    const index = fileURLToPath(new URL('./index.ts', import.meta.url));
    const code = `import('${index}').then(({ loadKernels }) => {
      const k = loadKernels({ threads: 2 });
      const a = k.alloc(4 * 300 * 300);
      const c = k.alloc(4 * 300 * 300);
      k.sgemm(false, false, 300, 300, 300, 1, a, 300, a, 300, 0, c, 300);
      console.log('done ' + k.threads);
    })`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(res.status).toBe(0);
    expect(res.stdout.trim()).toBe('done 2');
  });

  it('keeps working on the calling thread after dispose()', () => {
    const k = loadKernels({ threads: 2 });
    k.dispose();
    expect(k.threads).toBe(1);
    const p = put(k, Float32Array.from([1, 2, 3, 4]));
    const c = k.alloc(16);
    k.sgemm(false, false, 2, 2, 2, 1, p, 2, p, 2, 0, c, 2);
    expect(Array.from(k.readF32(c, 4))).toEqual([7, 10, 15, 22]);
  });
});
