/**
 * Functional batch normalisation (PyTorch's `F.batch_norm`) and its gradient, per channel (dim 1)
 * over the batch and spatial dims:
 *   y = (x - mean) * invstd * weight + bias,   invstd = 1 / sqrt(var + eps)
 * In training the batch mean and biased variance are used and the running statistics are updated
 * in place with the unbiased variance (running = (1 - momentum) * running + momentum * batch);
 * in evaluation the running statistics are used. The backward (Ioffe & Szegedy 2015) is
 *   training: dx = invstd * w * (dy - mean(dy) - xhat * mean(dy * xhat))
 *   eval:     dx = invstd * w * dy
 *   dweight = sum(dy * xhat), dbias = sum(dy).
 */

import { is_grad_enabled } from '../autograd/grad_mode.js';
import type { BatchNormDims } from '../backend/backend.js';
import { isFloating } from '../dtype.js';
import { formatShape, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocTensor, attach, backendOf, denseStorage } from './core.js';
import { add, mul, rsqrt, square, sub } from './elementwise.js';
import { bumpVersion } from './inplace.js';
import { mean, sum } from './reduce.js';

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

/** Whether kernels can update `t` in place through its storage (dense, offset 0). */
function ownsStorage(t: Tensor): boolean {
  return t.offset === 0 && t.storage.length === t.numel() && t.is_contiguous();
}

/**
 * Batch normalisation over dim 1 of an [N, C] or [N, C, ...] input.
 *
 * @example
 * ```ts
 * const y = torch.batch_norm(x, runningMean, runningVar, { weight: gamma, bias: beta, training: true });
 * ```
 * @throws `Expected more than 1 value per channel when training, got input size torch.Size([1, 10])`.
 */
export function batch_norm(
  input: Tensor,
  running_mean: Tensor | null,
  running_var: Tensor | null,
  options: BatchNormOptions = {},
): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (input.ndim < 2) throw new Error(`batch_norm: expected at least 2D input (got ${input.ndim}D input)`);
  if (!isFloating(input.dtype)) throw new TypeError(`batch_norm: expected a float input, got ${input.dtype}`);
  const dtype = input.dtype;
  const c = input.shape[1]!;
  const dims: BatchNormDims = { n: input.shape[0]!, c, s: numel(input.shape.slice(2)) };
  for (const [name, t] of [
    ['running_mean', running_mean],
    ['running_var', running_var],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && t.numel() !== c) {
      throw new Error(`batch_norm: ${name} should contain ${c} elements not ${t.numel()}`);
    }
    // the kernels read and write every statistic in the input's dtype (PyTorch's CPU check)
    if (t && t.dtype !== dtype)
      throw new TypeError('mixed dtype (CPU): all inputs must share same datatype.');
  }
  const backend = backendOf(input, running_mean, running_var, weight, bias);
  const x = denseStorage(input);
  const out = allocTensor(input.shape, dtype, backend);
  const w = weight ? denseStorage(weight) : null;
  const b = bias ? denseStorage(bias) : null;
  let mean: Tensor;
  let invstd: Tensor;
  if (training) {
    if (dims.n * dims.s <= 1) {
      throw new Error(
        `Expected more than 1 value per channel when training, got input size torch.Size(${formatShape(input.shape)})`,
      );
    }
    mean = allocTensor([c], dtype, backend);
    invstd = allocTensor([c], dtype, backend);
    const running = running_mean && running_var ? runningStorages(running_mean, running_var) : null;
    backend.batchNormTrain({
      x,
      y: out.storage,
      dims,
      weight: w,
      bias: b,
      saveMean: mean.storage,
      saveInvstd: invstd.storage,
      running: running && { ...running.storages, momentum },
      eps,
    });
    running?.finish();
  } else {
    if (!running_mean || !running_var) {
      throw new Error('running_mean and running_var must be defined in evaluation mode');
    }
    backend.batchNormEval({
      x,
      y: out.storage,
      dims,
      weight: w,
      bias: b,
      mean: denseStorage(running_mean),
      variance: denseStorage(running_var),
      eps,
    });
    mean = running_mean;
    invstd = rsqrt(add(running_var.detach(), eps));
  }
  const needX = input.requires_grad;
  const needW = weight?.requires_grad ?? false;
  const needB = bias?.requires_grad ?? false;
  const saved = [input, mean, invstd, ...(weight ? [weight] : [])];
  return attach(out, 'NativeBatchNormBackward0', [input, weight, bias], saved, (dy, [sx, sm, si, sw]) => {
    if (is_grad_enabled()) return batchNormGradRecorded(dy, sx!, sw ?? null, sm!, si!, training, eps);
    const gx = needX ? allocTensor(sx!.shape, dtype, backend) : null;
    const gw = needW ? allocTensor([c], dtype, backend) : null;
    const gb = needB ? allocTensor([c], dtype, backend) : null;
    backend.batchNormBackward({
      dy: denseStorage(dy),
      x: denseStorage(sx!),
      dims,
      weight: sw ? denseStorage(sw) : null,
      mean: denseStorage(sm!),
      invstd: denseStorage(si!),
      dx: gx?.storage ?? null,
      dweight: gw?.storage ?? null,
      dbias: gb?.storage ?? null,
      training,
    });
    return [gx, gw && weight ? gw.view(weight.shape) : gw, gb && bias ? gb.view(bias.shape) : gb];
  });
}

/**
 * Batch norm's gradients as differentiable ops, for a recorded backward (create_graph); the kernel
 * computes the same formulas otherwise. With r the dims other than 1 and xhat = (x - mean) invstd:
 *   dx = invstd w (dy - mean_r(dy) - xhat mean_r(dy xhat))   in training, where the batch's mean and
 *        invstd = 1 / sqrt(var_r(x) + eps) are recomputed from x so they are differentiated too;
 *   dx = dy w invstd                                           in evaluation (running statistics);
 *   dw = sum_r(dy xhat),  db = sum_r(dy).
 */
function batchNormGradRecorded(
  dy: Tensor,
  x: Tensor,
  weight: Tensor | null,
  savedMean: Tensor,
  savedInvstd: Tensor,
  training: boolean,
  eps: number,
): Tensor[] {
  const r = x.shape.map((_, d) => d).filter((d) => d !== 1);
  const perChannel = x.shape.map((size, d) => (d === 1 ? size : 1));
  let mu = savedMean.view(perChannel);
  let invstd = savedInvstd.view(perChannel);
  if (training) {
    mu = mean(x, r, true);
    invstd = rsqrt(add(mean(square(sub(x, mu)), r, true), eps));
  }
  const xhat = mul(sub(x, mu), invstd);
  const scale = weight ? mul(invstd, weight.view(perChannel)) : invstd;
  const dx = training
    ? mul(scale, sub(sub(dy, mean(dy, r, true)), mul(xhat, mean(mul(dy, xhat), r, true))))
    : mul(dy, scale);
  return [dx, sum(mul(dy, xhat), r), sum(dy, r)];
}

/**
 * Storages the kernels can update in place for the running statistics, and a `finish` that
 * copies results back when a statistic was not dense, and bumps versions (in-place updates).
 */
function runningStorages(rm: Tensor, rv: Tensor) {
  const mean = ownsStorage(rm) ? rm : rm.detach().contiguous().clone();
  const variance = ownsStorage(rv) ? rv : rv.detach().contiguous().clone();
  return {
    storages: { mean: mean.storage, var: variance.storage },
    finish() {
      if (mean !== rm) rm.storage.backend.copy(mean, rm);
      if (variance !== rv) rv.storage.backend.copy(variance, rv);
      bumpVersion(rm);
      bumpVersion(rv);
    },
  };
}
