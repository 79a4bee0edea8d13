/** `F.linear` and `F.flatten`: the affine map of `nn.Linear` and the reshaping of `nn.Flatten`. */

import type { Tensor } from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';

/** The dims `flatten` merges: `start_dim..end_dim`, inclusive. */
export interface FlattenOptions {
  start_dim?: number;
  end_dim?: number;
}

import * as torch from '@minidl/tensor';

/**
 * y = x W^T + b over the last dimension of `input` (any leading dims). A last dimension that does not
 * match `weight`'s in_features gives PyTorch's message, with the fix.
 *
 * @example
 * ```ts
 * F.linear(x, fc.weight, fc.bias); // x [N, 320] -> [N, 50]
 * ```
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const inFeatures = weight.shape[1];
  const last = input.shape[input.ndim - 1];
  if (weight.ndim === 2 && input.ndim > 0 && last !== inFeatures) {
    const rows = input.ndim === 1 ? 1 : input.numel() / (last || 1);
    throw new Error(
      `mat1 and mat2 shapes cannot be multiplied (${rows}x${last} and ${inFeatures}x${weight.shape[0]}): ` +
        `the layer expects inputs whose last dimension is ${inFeatures} features, got ${last} ` +
        `(input shape [${input.shape.join(', ')}]); flatten or reshape the input, or change in_features.`,
    );
  }
  return torch.linear(input, weight, bias);
}

/**
 * Merges dims `start_dim..end_dim` into one (a view when possible), as `torch.flatten`.
 *
 * @example
 * ```ts
 * F.flatten(x, 1); // [N, 64, 7, 7] -> [N, 3136]
 * ```
 */
export function flatten(
  input: Tensor,
  ...args: PyArgs<[start_dim: number, end_dim: number], FlattenOptions>
): Tensor {
  const { start_dim = 0, end_dim = -1 } = namedArgs<FlattenOptions>(args, ['start_dim', 'end_dim']);
  return torch.flatten(input, start_dim, end_dim);
}
