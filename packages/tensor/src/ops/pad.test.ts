// F.pad against outputs printed by PyTorch 2.13 for the same calls (the modes' gradients are checked
// in test/gradcheck.test.ts, the padding layers against fixtures in @minidl/nn).
import { describe, expect, it } from 'vitest';
import * as torch from '../index.js';

const x = () => torch.arange(9).float().reshape([1, 1, 3, 3]);

describe('pad', () => {
  it('reflects without repeating the edge, pads width then height', () => {
    // F.pad(torch.arange(9.).reshape(1, 1, 3, 3), (1, 2, 0, 1), mode='reflect')[0, 0]
    expect(torch.pad(x(), [1, 2, 0, 1], { mode: 'reflect' }).tolist()).toEqual([
      [
        [
          [1, 0, 1, 2, 1, 0],
          [4, 3, 4, 5, 4, 3],
          [7, 6, 7, 8, 7, 6],
          [4, 3, 4, 5, 4, 3],
        ],
      ],
    ]);
  });

  it('crops for negative constant amounts and fills with value', () => {
    // F.pad(x, (1, -1, 2, 0), value=7)[0, 0]
    expect(torch.pad(x(), [1, -1, 2, 0], { value: 7 }).tolist()).toEqual([
      [
        [
          [7, 7, 7],
          [7, 7, 7],
          [7, 0, 1],
          [7, 3, 4],
          [7, 6, 7],
        ],
      ],
    ]);
  });

  it('wraps around (circular) and repeats the edge (replicate)', () => {
    // F.pad(x.reshape(1, 3, 3), (2, 1), mode='circular')
    expect(torch.pad(x().reshape([1, 3, 3]), [2, 1], { mode: 'circular' }).tolist()).toEqual([
      [
        [1, 2, 0, 1, 2, 0],
        [4, 5, 3, 4, 5, 3],
        [7, 8, 6, 7, 8, 6],
      ],
    ]);
    expect(torch.pad(torch.tensor([[1, 2, 3]]).float(), [2, 1], { mode: 'replicate' }).tolist()).toEqual([
      [1, 1, 1, 2, 3, 3],
    ]);
  });

  it('refuses what PyTorch refuses, with its messages and the fix', () => {
    expect(() => torch.pad(x(), [1, 2, 3])).toThrow('Padding length must be divisible by 2');
    expect(() => torch.pad(x(), [3, 3, 0, 0], { mode: 'reflect' })).toThrow(
      'Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 3 of input [1, 1, 3, 3]',
    );
    expect(() => torch.pad(x(), [1, 1], { mode: 'replicate' })).toThrow(
      'Padding size 2 is not supported for 4D input tensor: replicate padding of 1 dims needs a 2D or 3D input',
    );
    expect(() => torch.pad(x(), [1, 1], { mode: 'edge' as 'reflect' })).toThrow(
      'Unrecognised padding mode edge',
    );
  });
});
