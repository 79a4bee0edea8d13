import { describe, expect, it } from 'vitest';
import { calculate_gain } from './gain.js';

describe('calculate_gain', () => {
  it('matches torch.nn.init.calculate_gain for every nonlinearity', () => {
    for (const name of ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose2d', 'sigmoid']) {
      expect(calculate_gain(name)).toBe(1);
    }
    expect(calculate_gain('tanh')).toBe(5 / 3);
    expect(calculate_gain('relu')).toBe(Math.SQRT2);
    expect(calculate_gain('selu')).toBe(0.75);
  });

  it('uses slope 0.01 for leaky_relu unless given', () => {
    expect(calculate_gain('leaky_relu')).toBe(Math.sqrt(2 / (1 + 0.01 * 0.01)));
    expect(calculate_gain('leaky_relu', 0)).toBe(Math.SQRT2);
    expect(calculate_gain('leaky_relu', 0.2)).toBe(Math.sqrt(2 / 1.04));
    // kaiming_uniform_(a=sqrt(5)) in Linear/Conv reset_parameters relies on this value: sqrt(1/3)
    expect(calculate_gain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
  });

  it("gives PyTorch's errors for unknown names and non-numeric slopes", () => {
    expect(() => calculate_gain('gelu')).toThrow('Unsupported nonlinearity gelu');
    expect(() => calculate_gain('leaky_relu', true as unknown as number)).toThrow(
      'negative_slope True not a valid number',
    );
    expect(() => calculate_gain('leaky_relu', '0.2' as unknown as number)).toThrow(
      'negative_slope 0.2 not a valid number',
    );
    // Like PyTorch, a NaN slope is a float and gives a NaN gain rather than an error.
    expect(calculate_gain('leaky_relu', Number.NaN)).toBeNaN();
  });
});
