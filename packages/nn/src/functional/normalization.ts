/**
 * `F.batch_norm`, composed from differentiable tensor ops so autograd gives its gradients:
 *
 *   training: mean_c and the biased variance var_c over every dim but the channel dim 1;
 *             y = (x - mean_c) / sqrt(var_c + eps); running stats (when given) move towards the batch's:
 *             running = (1 - momentum) * running + momentum * stat, with the unbiased variance
 *             var_c * n / (n - 1) for running_var (n values per channel), as PyTorch.
 *   eval:     y = (x - running_mean_c) / sqrt(running_var_c + eps).
 *   then      y * weight_c + bias_c when given.
 */

import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';

/** Options of `F.batch_norm`, with PyTorch's names and defaults. */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with the batch's statistics (and update the running ones) rather than the running ones. */
  training?: boolean;
  /** Weight of the batch statistic in the running average (default 0.1). */
  momentum?: number;
  /** Added to the variance for numerical stability (default 1e-5). */
  eps?: number;
}

function checkChannels(name: string, t: Tensor | null | undefined, channels: number): void {
  if (t && t.numel() !== channels)
    throw new Error(`${name} should contain ${channels} elements not ${t.numel()}`);
}

/**
 * Batch normalisation over dim 1 of `(N, C, ...)` inputs (Ioffe & Szegedy 2015).
 *
 * @example
 * ```ts
 * F.batch_norm(x, bn.running_mean, bn.running_var, { weight: bn.weight, bias: bn.bias, training: true });
 * ```
 */
export function batch_norm(
  input: Tensor,
  running_mean: Tensor | null,
  running_var: Tensor | null,
  options: BatchNormOptions = {},
): Tensor {
  const training = options.training ?? false;
  const momentum = options.momentum ?? 0.1;
  const eps = options.eps ?? 1e-5;
  if (input.ndim < 2)
    throw new Error(`batch_norm expects an input of shape (N, C, ...), got [${input.shape.join(', ')}]`);
  const channels = input.shape[1]!;
  checkChannels('running_mean', running_mean, channels);
  checkChannels('running_var', running_var, channels);
  checkChannels('weight', options.weight, channels);
  checkChannels('bias', options.bias, channels);
  const perChannel = input.numel() / channels;
  if (training && perChannel <= 1) {
    throw new Error(
      `Expected more than 1 value per channel when training, got input size [${input.shape.join(', ')}]`,
    );
  }
  // Per-channel vectors broadcast as (1, C, 1, ...); statistics reduce over every dim but 1.
  const bshape = input.shape.map((s, d) => (d === 1 ? s : 1));
  const dims = input.shape.map((_, d) => d).filter((d) => d !== 1);
  if (!training && (running_mean === null || running_var === null)) {
    throw new Error('running_mean and running_var must be defined in evaluation mode');
  }
  let y: Tensor;
  if (training) {
    const mean = input.mean(dims, true);
    const centered = input.sub(mean);
    const variance = centered.mul(centered).mean(dims, true);
    y = centered.mul(variance.add(eps).rsqrt());
    if (running_mean !== null && running_var !== null) {
      torch.no_grad(() => {
        running_mean.copy_(running_mean.mul(1 - momentum).add(mean.view(channels).mul(momentum)));
        const unbiased = variance.view(channels).mul(perChannel / (perChannel - 1));
        running_var.copy_(running_var.mul(1 - momentum).add(unbiased.mul(momentum)));
      });
    }
  } else {
    y = input.sub(running_mean!.view(bshape)).mul(running_var!.view(bshape).add(eps).rsqrt());
  }
  if (options.weight) y = y.mul(options.weight.view(bshape));
  if (options.bias) y = y.add(options.bias.view(bshape));
  return y;
}
