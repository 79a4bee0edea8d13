/**
 * Functional batch normalisation (PyTorch's `F.batch_norm`), composed from differentiable ops so
 * its gradient is autograd's: per channel (dim 1), over the batch and spatial dims,
 *   y = (x - mean) / sqrt(var + eps) * weight + bias
 * with the biased batch variance in training, and the running statistics (updated in training with
 * the unbiased variance: running = (1 - momentum) * running + momentum * batch) in evaluation.
 */
import { no_grad } from '../autograd/grad_mode.js';
import { formatShape, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul, rsqrt, sub } from './elementwise.js';
import { mean, variance } from './reduce.js';
import { reshape } from './views.js';

/** Options of `batch_norm`, with PyTorch's names and defaults. */
export interface BatchNormOptions {
  /** Per-channel scale (gamma). */
  weight?: Tensor | null;
  /** Per-channel shift (beta). */
  bias?: Tensor | null;
  /** Normalise with batch statistics and update the running ones (default false). */
  training?: boolean;
  /** Weight of the batch statistic in the running update (default 0.1). */
  momentum?: number;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalisation over dim 1 of an [N, C] or [N, C, ...] input.
 *
 * @example
 * ```ts
 * const y = torch.batch_norm(x, runningMean, runningVar, { weight: gamma, bias: beta, training: true });
 * ```
 * @throws `Expected more than 1 value per channel when training, got input size [1, 10]`.
 */
export function batch_norm(
  input: Tensor,
  running_mean: Tensor | null,
  running_var: Tensor | null,
  options: BatchNormOptions = {},
): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (input.ndim < 2) throw new Error(`batch_norm: expected at least 2D input (got ${input.ndim}D input)`);
  const c = input.shape[1]!;
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  const count = numel(input.shape) / c;
  const bshape = input.shape.map((s, i) => (i === 1 ? s : 1));
  for (const [name, t] of [
    ['running_mean', running_mean],
    ['running_var', running_var],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && t.numel() !== c) {
      throw new Error(`batch_norm: ${name} should contain ${c} elements not ${t.numel()}`);
    }
  }
  let m: Tensor;
  let v: Tensor;
  if (training) {
    if (count <= 1) {
      throw new Error(
        `Expected more than 1 value per channel when training, got input size torch.Size(${formatShape(input.shape)})`,
      );
    }
    m = mean(input, dims, true);
    v = variance(input, dims, { correction: 0, keepdim: true });
    no_grad(() => {
      if (running_mean) {
        running_mean.mul_(1 - momentum).add_(reshape(m, [c]), { alpha: momentum });
      }
      if (running_var) {
        running_var.mul_(1 - momentum).add_(reshape(v, [c]), { alpha: (momentum * count) / (count - 1) });
      }
    });
  } else {
    if (!running_mean || !running_var) {
      throw new Error('running_mean and running_var must be defined in evaluation mode');
    }
    m = reshape(running_mean, bshape);
    v = reshape(running_var, bshape);
  }
  let y = mul(sub(input, m), rsqrt(add(v, eps)));
  if (weight) y = mul(y, reshape(weight, bshape));
  if (bias) y = add(y, reshape(bias, bshape));
  return y;
}
