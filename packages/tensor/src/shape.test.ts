import { describe, expect, it } from 'vitest';
import { broadcastShapes, contiguousStrides, formatShape, normalizeDim, numel } from './shape.js';

describe('shape helpers', () => {
  it('counts elements, with 1 for a scalar and 0 for an empty dimension', () => {
    expect(numel([2, 3, 4])).toBe(24);
    expect(numel([])).toBe(1);
    expect(numel([5, 0, 2])).toBe(0);
  });

  it('gives row-major strides', () => {
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([])).toEqual([]);
  });

  it('broadcasts trailing dimensions like PyTorch', () => {
    expect(broadcastShapes([8, 1, 6, 1], [7, 1, 5])).toEqual([8, 7, 6, 5]);
    expect(broadcastShapes([], [3])).toEqual([3]);
    expect(() => broadcastShapes([2, 3], [4])).toThrow(
      'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1',
    );
    // torch.zeros(2, 3) + torch.zeros(3, 2) names the rightmost mismatch
    expect(() => broadcastShapes([2, 3], [3, 2])).toThrow(
      '(3) must match the size of tensor b (2) at non-singleton dimension 1',
    );
  });

  it('wraps negative dims and rejects out-of-range ones with PyTorch wording', () => {
    expect(normalizeDim(-1, 3)).toBe(2);
    expect(normalizeDim(0, 0)).toBe(0);
    expect(() => normalizeDim(3, 3)).toThrow(
      'Dimension out of range (expected to be in range of [-3, 2], but got 3)',
    );
  });

  it('formats shapes for messages', () => {
    expect(formatShape([28, 28])).toBe('[28, 28]');
  });
});
