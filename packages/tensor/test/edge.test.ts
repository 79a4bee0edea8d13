import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

describe('edge shapes on every backend', () => {
  for (const backend of ['wasm', 'tfjs', 'js'] as const) {
    it(`empty and 0-dim tensors (${backend})`, () => {
      torch.set_backend(backend);
      try {
        const e = torch.zeros([0, 3]);
        expect(e.add(1).shape).toEqual([0, 3]);
        expect(e.sum().item()).toBe(0);
        expect(e.sum(0).tolist()).toEqual([0, 0, 0]);
        expect(e.matmul(torch.ones([3, 2])).shape).toEqual([0, 2]);
        expect(e.reshape(-1, 3).shape).toEqual([0, 3]);
        // PyTorch 2.13's messages for extrema of nothing
        expect(() => e.max()).toThrow(
          "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
        );
        expect(() => e.argmax()).toThrow(
          'argmax(): Expected reduction dim to be specified for input.numel() == 0.',
        );
        expect(() => e.max(0)).toThrow('max(): Expected reduction dim 0 to have non-zero size.');
        expect(e.max(1)[0].shape).toEqual([0]);
        expect(() => e.reshape(-1, 0)).toThrow(
          'cannot reshape tensor of 0 elements into shape [-1, 0] because the unspecified dimension size -1 can be any value and is ambiguous',
        );
        expect(
          torch
            .zeros([2, 0])
            .matmul(torch.zeros([0, 3]))
            .tolist(),
        ).toEqual([
          [0, 0, 0],
          [0, 0, 0],
        ]);
        const s = torch.tensor(3.5, { requires_grad: true });
        expect(s.shape).toEqual([]);
        const y = s.mul(s);
        y.backward();
        expect(s.grad!.item()).toBe(7);
        expect(
          torch
            .tensor(2.5)
            .add(torch.ones([2]))
            .tolist(),
        ).toEqual([3.5, 3.5]);
      } finally {
        torch.set_backend('wasm');
      }
    });
  }
});

describe('integer and bool arithmetic as PyTorch types it', () => {
  it('adds bools to a bool, refuses negative integer powers of integers and negated bools, promotes clamp bounds', () => {
    // PyTorch 2.13: [T, F, F] + [T, T, F] -> bool [T, T, F]; + 1 -> int64 [2, 1, 1]
    const t = torch.tensor([true, false, false]);
    const u = torch.tensor([true, true, false]);
    expect(t.add(u).dtype).toBe('bool');
    expect(t.add(u).tolist()).toEqual([true, true, false]);
    expect(t.add(1).dtype).toBe('int64');
    expect(t.add(1).tolist()).toEqual([2, 1, 1]);
    const i = torch.tensor([1, 2, 3]);
    expect(() => i.pow(-1)).toThrow('Integers to negative integer powers are not allowed.');
    expect(() => t.pow(-2)).toThrow('Integers to negative integer powers are not allowed.');
    // a tensor exponent truncates instead, as in PyTorch: 2 ** -1 -> 0
    expect(
      torch
        .tensor([2])
        .pow(torch.tensor([-1]))
        .tolist(),
    ).toEqual([0]);
    expect(i.pow(-0.5).dtype).toBe('float32');
    expect(() => t.neg()).toThrow('Negation, the `-` operator, on a bool tensor is not supported.');
    // clamp's bounds promote: PyTorch 2.13 gives [1.0, 1.5, 1.5] and bool clamp(0, 1) int64 [1, 0, 0]
    expect(i.clamp(0.5, 1.5).dtype).toBe('float32');
    expect(i.clamp(0.5, 1.5).tolist()).toEqual([1, 1.5, 1.5]);
    expect(i.clamp(1, 2).dtype).toBe('int64');
    expect(t.clamp(0, 1).dtype).toBe('int64');
    expect(t.clamp(0, 1).tolist()).toEqual([1, 0, 0]);
  });
});
