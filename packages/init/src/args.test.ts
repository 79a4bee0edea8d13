// Argument forms (PyTorch's positionals and keywords), generators, and zero-element no-ops.
import { empty, Generator, manual_seed, warnings } from '@minidl/tensor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { peekGlobalDraws } from './fixtures.test-helpers.js';
import {
  dirac_,
  eye_,
  kaiming_normal_,
  kaiming_uniform_,
  normal_,
  orthogonal_,
  sparse_,
  trunc_normal_,
  uniform_,
  xavier_normal_,
  xavier_uniform_,
} from './index.js';

const seeded = (f: () => { toFloat32Array(): Float32Array }) => {
  manual_seed(11);
  return f().toFloat32Array();
};

describe('positional and keyword forms agree', () => {
  it.each([
    ['normal_', () => normal_(empty([5, 5]), 0, 0.02), () => normal_(empty([5, 5]), { std: 0.02 })],
    ['uniform_', () => uniform_(empty([5, 5]), -1, 2), () => uniform_(empty([5, 5]), { a: -1, b: 2 })],
    [
      'xavier_uniform_',
      () => xavier_uniform_(empty([5, 5]), 3),
      () => xavier_uniform_(empty([5, 5]), { gain: 3 }),
    ],
    [
      'xavier_normal_',
      () => xavier_normal_(empty([5, 5]), 3),
      () => xavier_normal_(empty([5, 5]), { gain: 3 }),
    ],
    [
      'kaiming_uniform_',
      () => kaiming_uniform_(empty([5, 5]), 0.3),
      () => kaiming_uniform_(empty([5, 5]), { a: 0.3 }),
    ],
    [
      'kaiming_uniform_ with a omitted positionally',
      () => kaiming_uniform_(empty([5, 5]), undefined, { a: 0.3 }),
      () => kaiming_uniform_(empty([5, 5]), { a: 0.3 }),
    ],
    [
      // PyTorch's a=None: calculate_gain('leaky_relu', None) takes slope 0.01 (same draws, checked on 2.13)
      'kaiming_uniform_ with a null from plain JS',
      () => kaiming_uniform_(empty([5, 5]), null as unknown as number),
      () => kaiming_uniform_(empty([5, 5]), { a: 0.01 }),
    ],
    [
      'kaiming_normal_',
      () => kaiming_normal_(empty([5, 5]), 0.3, { mode: 'fan_out' }),
      () => kaiming_normal_(empty([5, 5]), { a: 0.3, mode: 'fan_out' }),
    ],
    [
      'trunc_normal_',
      () => trunc_normal_(empty([5, 5]), 0, 0.5, -1, 1),
      () => trunc_normal_(empty([5, 5]), { std: 0.5, a: -1, b: 1 }),
    ],
    ['orthogonal_', () => orthogonal_(empty([5, 5]), 2), () => orthogonal_(empty([5, 5]), { gain: 2 })],
    ['sparse_', () => sparse_(empty([5, 5]), 0.2, 0.1), () => sparse_(empty([5, 5]), 0.2, { std: 0.1 })],
  ])('%s', (_, positional, keyword) => {
    const a = seeded(positional);
    expect(seeded(keyword)).toEqual(a);
    expect(a.some((x) => x !== 0)).toBe(true);
  });
});

describe('generator option', () => {
  it('draws from the given generator and leaves the global one alone', () => {
    manual_seed(0);
    const before = peekGlobalDraws();
    const g = new Generator().manual_seed(21);
    const a = kaiming_uniform_(empty([8, 8]), { generator: g }).toFloat32Array();
    expect(peekGlobalDraws()).toEqual(before);
    manual_seed(21);
    expect(kaiming_uniform_(empty([8, 8])).toFloat32Array()).toEqual(a);
  });
});

describe('zero-element tensors', () => {
  // both Kaiming calls warn, as in PyTorch (two call sites); minidl's default filter keys on the text
  beforeAll(() => warnings.simplefilter('always'));
  afterAll(() => warnings.simplefilter('default'));

  it('are a no-op that draws nothing; kaiming warns as PyTorch', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    manual_seed(0);
    const before = peekGlobalDraws();
    kaiming_uniform_(empty([0, 3]));
    kaiming_normal_(empty([3, 0, 2]));
    xavier_uniform_(empty([0, 3]));
    normal_(empty([0]));
    trunc_normal_(empty([2, 0]));
    sparse_(empty([0, 4]), 0.5);
    orthogonal_(empty([3, 0]));
    expect(eye_(empty([0, 3])).numel()).toBe(0);
    expect(dirac_(empty([0, 1, 3])).numel()).toBe(0);
    expect(peekGlobalDraws()).toEqual(before);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });
});

describe('parameters that require grad', () => {
  it('are filled in place without recording autograd, and stay leaves', () => {
    const w = empty([4, 3], { requires_grad: true });
    for (const f of [
      () => kaiming_normal_(w),
      () => xavier_uniform_(w),
      () => trunc_normal_(w),
      () => orthogonal_(w),
      () => sparse_(w, 0.5),
    ]) {
      expect(f()).toBe(w);
      expect(w.requires_grad).toBe(true);
      expect(w.is_leaf).toBe(true);
      expect(w.grad_fn ?? null).toBeNull();
    }
  });
});
