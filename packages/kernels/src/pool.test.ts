import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, put, randArray, randInt, rng } from '../test/helpers.js';
import {
  type AvgPool2dOptions,
  type Kernels,
  loadKernels,
  type Pool2dOptions,
  pool2dGeometry,
} from './index.js';

let k: Kernels;
beforeAll(() => {
  k = loadKernels({ threads: 1 });
});

interface Win {
  out: number; // flat output index
  taps: number[]; // flat input indices inside the image
  size: number; // window size for count_include_pad
}

/** Enumerates pooling windows straight from the definition. */
function windows(xShape: number[], kernel: number, o: Pool2dOptions): Win[] {
  const g = pool2dGeometry(xShape, kernel, o);
  const res: Win[] = [];
  for (let p = 0; p < g.N * g.Ci; p++)
    for (let oh = 0; oh < g.OH; oh++)
      for (let ow = 0; ow < g.OW; ow++) {
        const taps: number[] = [];
        const h0 = oh * g.sh - g.ph;
        const w0 = ow * g.sw - g.pw;
        for (let kh = 0; kh < g.KH; kh++)
          for (let kw = 0; kw < g.KW; kw++) {
            const ih = h0 + kh * g.dh;
            const iw = w0 + kw * g.dw;
            if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) taps.push(p * g.H * g.W + ih * g.W + iw);
          }
        const size = (Math.min(h0 + g.KH, g.H + g.ph) - h0) * (Math.min(w0 + g.KW, g.W + g.pw) - w0);
        res.push({ out: (p * g.OH + oh) * g.OW + ow, taps, size });
      }
  return res;
}

describe('max_pool2d', () => {
  const cases: [number[], number, Pool2dOptions][] = [
    [[2, 3, 28, 28], 2, {}],
    [[1, 2, 7, 9], 3, { stride: 2, padding: 1 }],
    [[1, 1, 8, 8], 2, { stride: 3, dilation: 2, ceil_mode: true }],
    [[2, 2, 5, 6], 3, { stride: 2, ceil_mode: true }],
    // 2x2 stride 2 with ceil_mode on odd sizes: the last windows overhang (not the fast 2x2 path)
    [[1, 2, 5, 7], 2, { stride: 2, ceil_mode: true }],
  ];
  it('forward picks the first max and its plane index; backward routes gradients there', () => {
    const r = rng(1);
    for (const [xs, kern, o] of cases) {
      const n = xs.reduce((a, b) => a * b);
      const x = randArray(r, n);
      for (let i = 0; i < n; i += 7) x[i] = x[i + 1] ?? 0; // ties
      const wins = windows(xs, kern, o);
      const px = put(k, x);
      const po = k.alloc(4 * wins.length);
      const pi = k.alloc(4 * wins.length);
      const g = k.maxPool2dForward(px, xs, po, pi, kern, o);
      const HW = g.H * g.W;
      const out = k.readF32(po, wins.length);
      const idx = k.readI32(pi, wins.length);
      const dy = randArray(r, wins.length);
      const dxWant = new Float64Array(n);
      for (const w of wins) {
        let best = w.taps[0]!;
        for (const t of w.taps) if (x[t]! > x[best]!) best = t;
        expect(out[w.out]).toBe(x[best]);
        expect(idx[w.out]).toBe(best % HW);
        dxWant[best]! += dy[w.out]!;
      }
      const pdy = put(k, dy);
      const pdx = k.alloc(4 * n);
      k.maxPool2dBackward(pdy, pi, pdx, xs, [g.OH, g.OW]);
      expectClose(k.readF32(pdx, n), dxWant, 1e-6, 1e-6, `max_pool2d backward ${xs}`);
      for (const p of [px, po, pi, pdy, pdx]) k.free(p);
    }
  });

  it('propagates NaN like PyTorch', () => {
    const px = put(k, Float32Array.from([1, Number.NaN, 3, 2]));
    const po = k.alloc(4);
    const pi = k.alloc(4);
    k.maxPool2dForward(px, [1, 1, 2, 2], po, pi, 2);
    expect(k.readF32(po, 1)[0]).toBeNaN();
    expect(k.readI32(pi, 1)[0]).toBe(1);
  });

  it('keeps the NaN and tie rules of PyTorch in the four-window SIMD body of 2x2 pooling', () => {
    // windows in tap order (top-left, top-right, bottom-left, bottom-right): a tie keeps the first,
    // a NaN is taken (the last NaN wins)
    const N = Number.NaN;
    const px = put(k, Float32Array.from([1, N, 3, 3, 5, 2, -1, -1, 0, 2, N, 4, 5, 6, -1, N]));
    const po = k.alloc(16);
    const pi = k.alloc(16);
    k.maxPool2dForward(px, [1, 1, 2, 8], po, pi, 2);
    expect(Array.from(k.readF32(po, 4))).toEqual([N, N, 6, N]);
    expect(Array.from(k.readI32(pi, 4))).toEqual([1, 10, 13, 15]);
  });

  it('checks the padding limit like PyTorch', () => {
    expect(() => pool2dGeometry([1, 1, 4, 4], 2, { padding: 2 })).toThrow(
      'pad should be at most half of effective kernel size',
    );
  });
});

describe('avg_pool2d', () => {
  const cases: [number[], number, AvgPool2dOptions][] = [
    [[2, 3, 8, 8], 2, {}],
    [[1, 2, 7, 9], 3, { stride: 2, padding: 1 }],
    [[1, 2, 7, 9], 3, { stride: 2, padding: 1, count_include_pad: false }],
    [[1, 1, 6, 5], 3, { stride: 2, padding: 1, ceil_mode: true }],
    [[1, 1, 6, 5], 2, { divisor_override: 3 }],
  ];
  it('forward and backward follow the definition, including count_include_pad and ceil_mode', () => {
    const r = rng(2);
    for (const [xs, kern, o] of cases) {
      const n = xs.reduce((a, b) => a * b);
      const x = randArray(r, n);
      const wins = windows(xs, kern, o);
      const dy = randArray(r, wins.length);
      const want = new Float64Array(wins.length);
      const dxWant = new Float64Array(n);
      for (const w of wins) {
        const div = o.divisor_override ?? ((o.count_include_pad ?? true) ? w.size : w.taps.length);
        want[w.out] = w.taps.reduce((s, t) => s + x[t]!, 0) / div;
        for (const t of w.taps) dxWant[t]! += dy[w.out]! / div;
      }
      const px = put(k, x);
      const po = k.alloc(4 * wins.length);
      k.avgPool2dForward(px, xs, po, kern, o);
      expectClose(k.readF32(po, wins.length), want, 1e-6, 1e-6, `avg_pool2d ${xs} ${JSON.stringify(o)}`);
      const pdy = put(k, dy);
      const pdx = k.alloc(4 * n);
      k.avgPool2dBackward(pdy, pdx, xs, kern, o);
      expectClose(k.readF32(pdx, n), dxWant, 1e-6, 1e-6, `avg_pool2d backward ${xs}`);
      for (const p of [px, po, pdy, pdx]) k.free(p);
    }
  });

  it('matches on random geometries', () => {
    const r = rng(3);
    for (let t = 0; t < 10; t++) {
      const kern = randInt(r, 1, 3);
      const xs = [1, 2, randInt(r, kern, 9), randInt(r, kern, 9)];
      const o: AvgPool2dOptions = {
        stride: randInt(r, 1, 3),
        padding: randInt(r, 0, kern >> 1),
        ceil_mode: r() < 0.5,
      };
      const n = xs.reduce((a, b) => a * b);
      const x = randArray(r, n);
      const wins = windows(xs, kern, o);
      const px = put(k, x);
      const po = k.alloc(4 * wins.length);
      k.avgPool2dForward(px, xs, po, kern, o);
      const want = wins.map((w) => w.taps.reduce((s, i) => s + x[i]!, 0) / w.size);
      expectClose(k.readF32(po, wins.length), want, 1e-6, 1e-6, `avg_pool2d ${xs} ${JSON.stringify(o)}`);
      k.free(px);
      k.free(po);
    }
  });
});

interface PoolFixture {
  shape: number[];
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
  ceil_mode: boolean;
  x: number[];
  out_shape: number[];
  max: number[];
  indices: number[];
  avg?: number[];
  avg_exclude_pad?: number[];
}

describe('pooling against PyTorch (scripts/pool_fixtures.py)', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('../test/fixtures/pool.json', import.meta.url), 'utf8'),
  ) as {
    cases: PoolFixture[];
  };
  it('max_pool2d values, indices and output sizes match exactly, ceil_mode overhangs included', () => {
    for (const c of fixture.cases) {
      const px = put(k, Float32Array.from(c.x));
      const n = c.max.length;
      const po = k.alloc(4 * n);
      const pi = k.alloc(4 * n);
      const o = { stride: c.stride, padding: c.padding, dilation: c.dilation, ceil_mode: c.ceil_mode };
      const g = k.maxPool2dForward(px, c.shape, po, pi, c.kernel, o);
      expect([g.N, g.Co, g.OH, g.OW]).toEqual(c.out_shape);
      expect(Array.from(k.readF32(po, n))).toEqual(c.max.map(Math.fround));
      expect(Array.from(k.readI32(pi, n))).toEqual(c.indices);
      for (const [want, cip] of [
        [c.avg, true],
        [c.avg_exclude_pad, false],
      ] as const) {
        if (!want) continue;
        const avg = { stride: c.stride, padding: c.padding, ceil_mode: c.ceil_mode, count_include_pad: cip };
        k.avgPool2dForward(px, c.shape, po, c.kernel, avg);
        expectClose(k.readF32(po, n), want, 1e-6, 1e-6, `avg_pool2d ${JSON.stringify(c.shape)} ${c.kernel}`);
      }
      for (const p of [px, po, pi]) k.free(p);
    }
  });
});
