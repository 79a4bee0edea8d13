import { empty, manual_seed } from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import { expectBits, fixture, peekGlobalDraws } from './fixtures.test-helpers.js';
import {
  calculate_correct_fan,
  calculate_fan_in_and_fan_out,
  constant_,
  dirac_,
  eye_,
  eyeValues,
  ones_,
  orthogonal_,
  zeros_,
} from './index.js';

describe('calculate_fan_in_and_fan_out', () => {
  it('matches PyTorch for linear, conv1d/2d/3d and zero-sized shapes', () => {
    for (const c of fixture.fans) {
      expect(calculate_fan_in_and_fan_out(empty(c.shape)), `[${c.shape}]`).toEqual([c.fan_in, c.fan_out]);
      expect(calculate_fan_in_and_fan_out(c.shape)).toEqual([c.fan_in, c.fan_out]);
    }
  });

  it('picks the fan by case-insensitive mode', () => {
    expect(calculate_correct_fan([64, 32, 3, 3], 'fan_in')).toBe(288);
    expect(calculate_correct_fan([64, 32, 3, 3], 'FAN_OUT')).toBe(576);
  });
});

describe('eye_, dirac_, constant_, ones_, zeros_ (PyTorch values)', () => {
  it('fill every element exactly as torch.nn.init', () => {
    for (const c of fixture.deterministic) {
      const t = empty(c.shape).fill_(7); // float32, every element overwritten
      if (c.fn === 'eye_') eye_(t);
      else if (c.fn === 'dirac_') dirac_(t, c.kwargs.groups ?? 1);
      else if (c.fn === 'constant_') constant_(t, c.kwargs.val!);
      else if (c.fn === 'ones_') ones_(t);
      else zeros_(t);
      expectBits(t.toFloat32Array(), c.out, `${c.fn}(${JSON.stringify(c.kwargs)}) [${c.shape}]`);
    }
  });

  it('dirac_ accepts groups positionally or as an option', () => {
    const a = dirac_(empty([4, 2, 3, 3]), 2).toFloat32Array();
    const b = dirac_(empty([4, 2, 3, 3]), { groups: 2 }).toFloat32Array();
    expect(b).toEqual(a);
    expect(a.reduce((s, v) => s + v, 0)).toBe(4);
  });

  it('eyeValues handles wide and tall matrices', () => {
    expect(Array.from(eyeValues(2, 3))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(eyeValues(3, 1))).toEqual([1, 0, 0]);
  });
});

describe('orthogonal_', () => {
  it("matches PyTorch's values to float32 rounding and consumes the same draws", () => {
    for (const c of fixture.close) {
      manual_seed(c.seed);
      const t = orthogonal_(empty(c.shape), c.kwargs.gain);
      const got = t.toFloat32Array();
      const want = c.values.map(Number);
      for (let i = 0; i < want.length; i++)
        expect(got[i], `[${c.shape}] element ${i}`).toBeCloseTo(want[i]!, 5);
      expect(peekGlobalDraws()).toEqual(c.raw_after);
    }
  });

  it('gives orthonormal rows (wide) or columns (tall), scaled by gain', () => {
    for (const [rows, cols, gain] of [
      [5, 12, 1],
      [12, 5, 2],
      [7, 7, 0.5],
    ] as const) {
      manual_seed(rows * cols);
      const q = orthogonal_(empty([rows, cols]), { gain }).toFloat32Array();
      const [m, n, at] =
        rows <= cols
          ? [rows, cols, (i: number, k: number) => q[i * cols + k]!]
          : [cols, rows, (i: number, k: number) => q[k * cols + i]!];
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
          let dot = 0;
          for (let k = 0; k < n; k++) dot += at(i, k) * at(j, k);
          expect(dot / (gain * gain), `${rows}x${cols} (${i}, ${j})`).toBeCloseTo(i === j ? 1 : 0, 5);
        }
      }
    }
  });

  it('flattens trailing dimensions and leaves zero-element tensors alone', () => {
    manual_seed(1);
    const w = orthogonal_(empty([4, 2, 3])).toFloat32Array();
    for (let i = 0; i < 4; i++) {
      let norm = 0;
      for (let k = 0; k < 6; k++) norm += w[i * 6 + k]! ** 2;
      expect(norm).toBeCloseTo(1, 5);
    }
    manual_seed(1);
    const before = peekGlobalDraws();
    orthogonal_(empty([0, 3]));
    expect(peekGlobalDraws()).toEqual(before);
  });
});
