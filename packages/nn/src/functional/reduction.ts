/** The `reduction` argument every loss takes: 'none', 'mean' (default) or 'sum'. */
import type { Tensor } from '@minidl/tensor';

/** How a loss combines per-element values, as PyTorch's `reduction`. */
export type Reduction = 'none' | 'mean' | 'sum';

/** Validates a reduction name with PyTorch's message. */
export function checkReduction(reduction: string): Reduction {
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') {
    throw new Error(`${reduction} is not a valid value for reduction`);
  }
  return reduction;
}

/** Applies an unweighted reduction: the elements themselves, their mean, or their sum. */
export function reduce(losses: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? losses.sum() : losses.mean();
}
