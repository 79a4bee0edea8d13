/**
 * Bad inputs fail as in PyTorch: each message contains PyTorch 2.13's own text (recorded by
 * tools/fixtures/nn_layers.py), and layer errors add what to change.
 */
import * as torch from '@minidl/tensor';
import { describe, expect, it, vi } from 'vitest';
import { F, nn } from '../src/index.js';
import { loadFixture } from './helpers.js';

const { errors } = loadFixture<{ errors: Record<string, { type: string; message: string }> }>('layers.json');

/** PyTorch's message for `key`. */
function pytorch(key: string): string {
  return errors[key]!.message;
}

/** The message `fn` throws. */
function captured(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const zeros = (...shape: number[]) => torch.zeros(shape);
const labels = (values: number[]) => torch.tensor(values, { dtype: 'int64' });

describe('layer input errors', () => {
  it('Conv2d: wrong rank, wrong channel count, kernel larger than the input', () => {
    const conv = new nn.Conv2d(1, 16, 3);
    expect(() => conv.forward(zeros(28, 28))).toThrow(pytorch('conv_rank'));
    expect(() => conv.forward(zeros(28, 28))).toThrow('x.unsqueeze(1)');
    expect(() => conv.forward(zeros(2, 3, 28, 28))).toThrow(pytorch('conv_channels'));
    expect(() => conv.forward(zeros(2, 3, 28, 28))).toThrow('pass in_channels=3');
    expect(() => new nn.Conv2d(1, 1, 5).forward(zeros(1, 1, 3, 3))).toThrow(pytorch('conv_kernel_too_big'));
  });

  it('Conv2d: bad constructor arguments', () => {
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(pytorch('conv_groups'));
    // Python prints a set, in an order that changes from run to run: compare the members sorted.
    const sortSet = (m: string) =>
      m.replace(/\{([^}]*)\}/, (_, items: string) => items.split(', ').sort().join(', '));
    const bogus = () => new nn.Conv2d(1, 1, 3, { padding_mode: 'bogus' as 'zeros' });
    expect(sortSet(captured(bogus))).toBe(sortSet(pytorch('conv_padding_mode')));
    expect(() => new nn.Conv2d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow(pytorch('conv_same_stride'));
    // reflect padding must be smaller than the padded dim, as in PyTorch
    expect(() =>
      new nn.Conv2d(1, 1, 3, { padding: 3, padding_mode: 'reflect' }).forward(zeros(1, 1, 3, 3)),
    ).toThrow(
      'Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 3 of input [1, 1, 3, 3]',
    );
  });

  it('Linear: feature mismatch', () => {
    expect(() => new nn.Linear(4, 3).forward(zeros(2, 5))).toThrow(pytorch('linear_features'));
    expect(() => new nn.Linear(4, 3).forward(zeros(2, 5))).toThrow('change in_features');
  });

  it('BatchNorm: wrong rank, wrong channel count, one value per channel in training', () => {
    expect(() => new nn.BatchNorm2d(3).forward(zeros(2, 3, 4))).toThrow(pytorch('bn2d_rank'));
    expect(() => new nn.BatchNorm1d(3).forward(zeros(2, 3, 4, 4))).toThrow(pytorch('bn1d_rank'));
    expect(() => new nn.BatchNorm2d(3).forward(zeros(2, 4, 2, 2))).toThrow(pytorch('bn_channels'));
    expect(() => new nn.BatchNorm1d(3).forward(zeros(1, 3))).toThrow(pytorch('bn_one_value'));
    // One sample is fine in eval mode, where the running statistics are used.
    expect(new nn.BatchNorm1d(3).eval().forward(zeros(1, 3)).shape).toEqual([1, 3]);
  });

  it('pooling: window larger than the input, padding larger than half the window', () => {
    expect(() => new nn.MaxPool2d(3).forward(zeros(1, 1, 2, 2))).toThrow(pytorch('maxpool_too_small'));
    expect(() => new nn.MaxPool2d(2, { padding: 2 }).forward(zeros(1, 1, 4, 4))).toThrow(
      pytorch('maxpool_pad'),
    );
    expect(() => new nn.AvgPool2d(3).forward(zeros(1, 1, 2, 2))).toThrow(pytorch('avgpool_too_small'));
  });

  it('Dropout: probability outside [0, 1]', () => {
    expect(() => new nn.Dropout(1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
  });
});

describe('loss errors', () => {
  it('class index out of range, negative index, batch mismatch', () => {
    expect(() => new nn.CrossEntropyLoss().forward(zeros(2, 3), labels([0, 3]))).toThrow(
      pytorch('ce_target_range'),
    );
    expect(() => new nn.NLLLoss().forward(zeros(2, 3), labels([-1, 0]))).toThrow(
      pytorch('nll_target_negative'),
    );
    expect(() => F.cross_entropy(zeros(2, 3), labels([0, 1, 2]))).toThrow(pytorch('ce_batch_mismatch'));
    // The ignore_index is not a class, so it may lie outside [0, C).
    expect(F.cross_entropy(zeros(2, 3), labels([0, -100])).item()).toBeCloseTo(Math.log(3), 5);
  });

  it('bad reduction names and float targets for class indices', () => {
    expect(() => F.mse_loss(zeros(2), zeros(2), { reduction: 'avg' as 'mean' })).toThrow(
      'avg is not a valid value for reduction',
    );
    expect(() => F.nll_loss(zeros(2, 3), torch.zeros([2]))).toThrow(
      'expected scalar type Long but found Float',
    );
  });

  it("MSELoss with mismatched shapes broadcasts with PyTorch's warning", () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    expect(() => new nn.MSELoss().forward(zeros(2, 3), zeros(2, 2))).toThrow(pytorch('mse_shape'));
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Using a target size (torch.Size([2, 2])) that is different to the input size (torch.Size([2, 3]))',
      ),
      'UserWarning',
    );
    warn.mockRestore();
  });
});
