import { describe, expect, it } from 'vitest';
import { convOutputSize, poolOutputSize } from './conv-shape.js';

const geometry = (kernel: number, stride = 1, padding = 0, dilation = 1) => ({
  kernel,
  stride,
  padding,
  dilation,
});

describe('window output sizes', () => {
  it('keeps 28x28 with a padded 3x3 conv (the tutorial CNN)', () => {
    expect(convOutputSize(28, geometry(3, 1, 1))).toBe(28);
    expect(convOutputSize(28, geometry(5))).toBe(24);
    expect(convOutputSize(10, geometry(3, 2, 0, 2))).toBe(3);
  });

  it('halves with MaxPool2d(2, 2)', () => {
    expect(poolOutputSize(28, geometry(2, 2), false)).toBe(14);
    expect(poolOutputSize(7, geometry(2, 2), false)).toBe(3);
  });

  it('rounds up with ceil_mode, dropping a window that starts in the padding', () => {
    expect(poolOutputSize(7, geometry(2, 2), true)).toBe(4);
    expect(poolOutputSize(6, geometry(3, 2, 1), true)).toBe(4);
    // torch.nn.MaxPool2d(2, 5, padding=1, ceil_mode=True) on 6 -> 2: a third window would start past the input
    expect(poolOutputSize(6, geometry(2, 5, 1), true)).toBe(2);
  });
});
