// Statistical checks (fixed seeds, so deterministic) for the inits whose values are not compared
// bit for bit, and for the distributions the formulas promise.
import { empty, manual_seed } from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import {
  erf,
  init_stats,
  kaiming_normal_,
  lecun_normal_,
  lecun_uniform_,
  normCdf,
  sparse_,
  TRUNCATED_NORMAL_STD,
  trunc_normal_,
  variance_scaling_,
  xavier_uniform_,
} from './index.js';

function moments(v: Float32Array): { mean: number; std: number } {
  let s = 0;
  for (const x of v) s += x;
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, std: Math.sqrt(q / (v.length - 1)) };
}

/** Kolmogorov-Smirnov statistic of a sample against a continuous CDF. */
function ksStatistic(sample: Float32Array, cdf: (x: number) => number): number {
  const xs = Array.from(sample).sort((a, b) => a - b);
  let d = 0;
  xs.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / xs.length - f, f - i / xs.length);
  });
  return d;
}

/** CDF of N(mean, std^2) truncated to [a, b]. */
const truncCdf = (mean: number, std: number, a: number, b: number) => (x: number) => {
  const lo = normCdf((a - mean) / std);
  const z = normCdf((b - mean) / std) - lo;
  return Math.min(1, Math.max(0, (normCdf((x - mean) / std) - lo) / z));
};

// KS critical value at alpha = 0.001 is 1.95 / sqrt(n).
const ksCritical = (n: number) => 1.95 / Math.sqrt(n);

describe('erf', () => {
  it('matches Python math.erf to 1e-15', () => {
    // Values of math.erf (CPython, glibc).
    const want: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [-2.5, -0.999593047982555],
      [3.5, 0.9999992569016276],
      [6, 1],
    ];
    for (const [x, y] of want) expect(Math.abs(erf(x) - y)).toBeLessThan(1e-15);
  });
});

describe('trunc_normal_', () => {
  for (const [mean, std, a, b] of [
    [0, 1, -2, 2], // normal-proposal branch
    [0, 0.02, -0.04, 0.04],
    [0, 1, 1, 3], // uniform-proposal branch (mass 0.157)
    [0.5, 0.1, -0.1, 0.45],
  ] as const) {
    it(`follows N(${mean}, ${std}^2) truncated to [${a}, ${b}] (KS test)`, () => {
      manual_seed(17);
      const n = 4000;
      const v = trunc_normal_(empty([n]), mean, std, a, b).toFloat32Array();
      expect(Math.min(...v)).toBeGreaterThanOrEqual(Math.fround(a));
      expect(Math.max(...v)).toBeLessThanOrEqual(Math.fround(b));
      expect(ksStatistic(v, truncCdf(mean, std, a, b))).toBeLessThan(ksCritical(n));
      const s = init_stats([1, n], { name: 'trunc_normal', mean, std, a, b });
      const m = moments(v);
      expect(Math.abs(m.mean - s.mean)).toBeLessThan((4 * s.std) / Math.sqrt(n));
      expect(m.std / s.std).toBeCloseTo(1, 1);
    });
  }
});

describe('sparse_', () => {
  it('zeros ceil(sparsity * rows) entries per column and draws the rest from N(0, std^2)', () => {
    manual_seed(3);
    const [rows, cols] = [50, 40];
    const w = sparse_(empty([rows, cols]), 0.3, { std: 0.5 }).toFloat32Array();
    const nonzero: number[] = [];
    for (let c = 0; c < cols; c++) {
      let zeros = 0;
      for (let r = 0; r < rows; r++) {
        const x = w[r * cols + c]!;
        if (x === 0) zeros++;
        else nonzero.push(x);
      }
      expect(zeros, `column ${c}`).toBe(15);
    }
    const sample = Float32Array.from(nonzero);
    expect(ksStatistic(sample, (x) => normCdf(x / 0.5))).toBeLessThan(ksCritical(sample.length));
  });
});

describe('variance_scaling_ and LeCun', () => {
  const shape = [64, 32, 3, 3]; // fan_in 288, fan_out 576
  const fanIn = 288;
  const fanOut = 576;
  for (const distribution of ['truncated_normal', 'untruncated_normal', 'uniform'] as const) {
    for (const [mode, fan] of [
      ['fan_in', fanIn],
      ['fan_out', fanOut],
      ['fan_avg', (fanIn + fanOut) / 2],
    ] as const) {
      it(`${distribution}, ${mode}: std sqrt(scale / fan) and the right shape`, () => {
        manual_seed(5);
        const w = variance_scaling_(empty(shape), { scale: 2, mode, distribution }).toFloat32Array();
        const target = Math.sqrt(2 / fan);
        const m = moments(w);
        expect(Math.abs(m.mean)).toBeLessThan((4 * target) / Math.sqrt(w.length));
        expect(m.std / target).toBeCloseTo(1, 1.5);
        const unit = Float32Array.from(w, (x) => x / target);
        const cdf =
          distribution === 'uniform'
            ? (x: number) => Math.min(1, Math.max(0, (x / Math.sqrt(3) + 1) / 2))
            : distribution === 'untruncated_normal'
              ? normCdf
              : truncCdf(0, 1 / TRUNCATED_NORMAL_STD, -2 / TRUNCATED_NORMAL_STD, 2 / TRUNCATED_NORMAL_STD);
        expect(ksStatistic(unit, cdf)).toBeLessThan(ksCritical(unit.length));
      });
    }
  }

  it('lecun_normal_ is truncated normal with variance 1/fan_in; lecun_uniform_ is U(+-sqrt(3/fan_in))', () => {
    manual_seed(8);
    const n = lecun_normal_(empty(shape)).toFloat32Array();
    expect(moments(n).std * Math.sqrt(fanIn)).toBeCloseTo(1, 1.5);
    expect(Math.max(...n.map(Math.abs))).toBeLessThanOrEqual(
      (2 / TRUNCATED_NORMAL_STD) * Math.sqrt(1 / fanIn),
    );
    const u = lecun_uniform_(empty(shape)).toFloat32Array();
    const bound = Math.sqrt(3 / fanIn);
    expect(Math.max(...u.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...u.map(Math.abs))).toBeGreaterThan(0.99 * bound);
  });

  it('scale 2 fan_in normal equals kaiming_normal_ in distribution; uniform fan_avg equals xavier_uniform_ bounds', () => {
    manual_seed(1);
    const vs = variance_scaling_(empty(shape), {
      scale: 2,
      distribution: 'untruncated_normal',
    }).toFloat32Array();
    manual_seed(1);
    const he = kaiming_normal_(empty(shape)).toFloat32Array();
    // Same draws, std 2/288 computed as sqrt(2/288) vs sqrt(2)/sqrt(288): equal up to float32 rounding.
    for (let i = 0; i < 100; i++) expect(vs[i]).toBeCloseTo(he[i]!, 6);
    manual_seed(2);
    const vu = variance_scaling_(empty(shape), {
      scale: 1,
      mode: 'fan_avg',
      distribution: 'uniform',
    }).toFloat32Array();
    manual_seed(2);
    const xu = xavier_uniform_(empty(shape)).toFloat32Array();
    for (let i = 0; i < 100; i++) expect(vu[i]).toBeCloseTo(xu[i]!, 6);
  });
});
