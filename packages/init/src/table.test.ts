import { empty, manual_seed } from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import {
  calculate_gain,
  format_init_table,
  init_stats,
  kaiming_uniform_,
  orthogonal_,
  tabulate_init,
  xavier_normal_,
} from './index.js';

// The tutorial CNN's weights (conv 1->16->32, 3x3; linear 32*7*7 -> 10).
const weights = [
  { name: 'conv1.weight', shape: [16, 1, 3, 3] },
  { name: 'conv1.bias', shape: [16] },
  { name: 'conv2.weight', shape: [32, 16, 3, 3] },
  { name: 'fc.weight', shape: [10, 1568] },
];

describe('init_stats', () => {
  it('gives the bound kaiming_uniform_ samples with, and the std of the result', () => {
    const s = init_stats([32, 16, 3, 3], { name: 'kaiming_uniform', nonlinearity: 'relu' });
    expect(s).toMatchObject({ fan_in: 144, fan_out: 288, gain: Math.SQRT2, distribution: 'uniform' });
    expect(s.bound).toBe(Math.sqrt(3) * (Math.SQRT2 / Math.sqrt(144)));
    expect(s.std).toBeCloseTo(Math.sqrt(2 / 144), 15);
    manual_seed(0);
    const w = kaiming_uniform_(empty([32, 16, 3, 3]), { nonlinearity: 'relu' }).toFloat32Array();
    const maxAbs = Math.max(...w.map(Math.abs));
    expect(maxAbs).toBeLessThanOrEqual(s.bound!);
    expect(maxAbs).toBeGreaterThan(0.99 * s.bound!);
  });

  it("PyTorch's layer default is bound 1/sqrt(fan_in)", () => {
    const s = init_stats([10, 1568], { name: 'pytorch_default' });
    expect(s.gain).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(s.bound).toBeCloseTo(1 / Math.sqrt(1568), 15);
  });

  it('xavier, orthogonal, variance scaling, lecun and plain fills', () => {
    expect(init_stats([10, 100], { name: 'xavier_normal', gain: 2 }).std).toBe(2 * Math.sqrt(2 / 110));
    expect(init_stats([10, 100], { name: 'normal', std: 0.02 })).toMatchObject({ std: 0.02, gain: null });
    expect(init_stats([10, 100], { name: 'uniform', a: -1, b: 3 })).toMatchObject({ mean: 1, bound: 2 });
    expect(init_stats([10, 100], { name: 'zeros' })).toMatchObject({
      std: 0,
      mean: 0,
      distribution: 'constant',
    });
    const ln = init_stats([10, 100], { name: 'lecun_normal' });
    expect(ln).toMatchObject({ distribution: 'truncated_normal', gain: 1 });
    expect(ln.std).toBeCloseTo(0.1, 15);
    expect(init_stats([10, 100], { name: 'lecun_uniform' }).bound).toBeCloseTo(Math.sqrt(3 / 100), 15);
    const vs = init_stats([10, 100], {
      name: 'variance_scaling',
      scale: 2,
      mode: 'fan_avg',
      distribution: 'uniform',
    });
    expect(vs.std).toBeCloseTo(Math.sqrt(2 / 55), 15);
    manual_seed(4);
    const q = orthogonal_(empty([20, 50])).toFloat32Array();
    const rms = Math.sqrt(q.reduce((s, x) => s + x * x, 0) / q.length);
    expect(rms).toBeCloseTo(init_stats([20, 50], { name: 'orthogonal' }).std, 6);
  });

  it("matches a sampled xavier_normal_ weight's std", () => {
    manual_seed(9);
    const w = xavier_normal_(empty([64, 32, 3, 3]), calculate_gain('tanh')).toFloat32Array();
    const std = Math.sqrt(w.reduce((s, x) => s + x * x, 0) / w.length);
    expect(std / init_stats([64, 32, 3, 3], { name: 'xavier_normal', gain: 5 / 3 }).std).toBeCloseTo(1, 1.5);
  });
});

describe('tabulate_init', () => {
  it('lists each >= 2-D weight of a list with its fans and scale', () => {
    const rows = tabulate_init(weights, { name: 'kaiming_normal', mode: 'fan_out', nonlinearity: 'relu' });
    expect(rows.map((r) => [r.name, r.fan_in, r.fan_out])).toEqual([
      ['conv1.weight', 9, 144],
      ['conv2.weight', 144, 288],
      ['fc.weight', 1568, 10],
    ]);
    expect(rows[0]!.std).toBe(Math.SQRT2 / Math.sqrt(144));
  });

  it('reads named_modules() (layer kind) or named_parameters(), and a per-weight scheme function', () => {
    class Conv2d {
      weight = { shape: [16, 1, 3, 3] };
    }
    class Linear {
      weight = { shape: [10, 1568] };
    }
    class Net {}
    const model = {
      named_modules: () =>
        [
          ['', new Net()],
          ['conv1', new Conv2d()],
          ['fc', new Linear()],
        ] as [string, unknown][],
    };
    const rows = tabulate_init(model, (w) =>
      w.kind === 'Linear' ? { name: 'xavier_uniform' } : { name: 'kaiming_uniform', nonlinearity: 'relu' },
    );
    expect(rows.map((r) => [r.name, r.kind, r.scheme])).toEqual([
      ['conv1.weight', 'Conv2d', 'kaiming_uniform'],
      ['fc.weight', 'Linear', 'xavier_uniform'],
    ]);
    const owner = {
      named_parameters: () =>
        weights.map((w) => [w.name, { shape: w.shape }] as [string, { shape: number[] }]),
    };
    expect(tabulate_init(owner, (w) => (w.name.startsWith('fc') ? null : { name: 'zeros' })).length).toBe(2);
  });

  it('formats a Markdown table', () => {
    const text = format_init_table(tabulate_init(weights.slice(0, 1), { name: 'xavier_uniform' }));
    expect(text.split('\n')).toEqual([
      '| weight | shape | scheme | fan_in | fan_out | gain | distribution | std | bound |',
      '|---|---|---|---|---|---|---|---|---|',
      '| conv1.weight | [16, 1, 3, 3] | xavier_uniform | 9 | 144 | 1 | uniform | 0.1143 | 0.198 |',
    ]);
  });
});
