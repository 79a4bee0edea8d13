/**
 * Losses of `torch.nn.functional` with PyTorch's exact semantics, built from differentiable tensor
 * ops (log_softmax, gather, mul, sum), so their gradients come from autograd:
 *
 * - nll_loss: loss_i = -w[t_i] * x[i, t_i]; targets equal to `ignore_index` contribute 0; 'mean'
 *   divides the sum by the total weight of the counted targets, sum_i w[t_i] (not by N), as PyTorch.
 * - cross_entropy: nll_loss of log_softmax over the class dim. With label smoothing e and C classes,
 *   PyTorch computes (1 - e) * nll + (e / C) * smooth, where smooth_i = -sum_c w_c * logp[i, c]
 *   (ignored targets 0) and 'mean' divides smooth by the same total weight as nll. With class
 *   probabilities as targets (a float target of the input's shape) the loss is
 *   -sum_c w_c * p_c * logp_c, smoothed as p * (1 - e) + e / C, and 'mean' divides by the number of
 *   samples (numel / C).
 * - mse_loss: (x - y)^2 reduced.
 *
 * Class dim: 0 for a single sample `(C)`, else 1: `(N, C)` or `(N, C, d1, ..., dk)` with targets
 * `(N, d1, ..., dk)`.
 */

import type { BackendName, Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { warnings } from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';
import { checkReduction, type Reduction, reduce } from './reduction.js';

/** Options of `nll_loss` and `NLLLoss`, with PyTorch's names and defaults. */
export interface NLLLossOptions {
  /** A rescaling weight per class, shape (C). */
  weight?: Tensor | null;
  /** A target value that is ignored and does not count in the mean (default -100). */
  ignore_index?: number;
  /** 'none' | 'mean' | 'sum' (default 'mean'). */
  reduction?: Reduction;
}

/** Options of `cross_entropy` and `CrossEntropyLoss`. */
export interface CrossEntropyOptions extends NLLLossOptions {
  /** Amount of smoothing in [0, 1] mixing the target with a uniform distribution (default 0). */
  label_smoothing?: number;
}

/** The input viewed as rows of class scores (M, C), and the number of classes. */
function classRows(input: Tensor): { rows: Tensor; classes: number } {
  if (input.ndim === 0) throw new Error('input tensor should be 1D or more (got a 0-d tensor)');
  if (input.ndim === 1) return { rows: input.unsqueeze(0), classes: input.shape[0]! };
  const classes = input.shape[1]!;
  if (input.ndim === 2) return { rows: input, classes };
  // (N, C, d1..dk) -> (N, d1..dk, C) -> (N*d1*..*dk, C): one row per predicted position.
  const order = [0, ...Array.from({ length: input.ndim - 2 }, (_, i) => i + 2), 1];
  return { rows: input.permute(order).reshape(-1, classes), classes };
}

/** The target shape PyTorch expects for class indices: the input's without the class dim. */
function checkTargetShape(input: Tensor, target: Tensor): void {
  if (input.ndim === 1) {
    if (target.ndim !== 0) {
      throw new Error(
        `Expected a 0-d target for a single sample of class scores, got shape [${target.shape.join(', ')}]`,
      );
    }
    return;
  }
  if (target.shape[0] !== input.shape[0] || target.ndim === 0) {
    throw new Error(
      `Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0] ?? 0}).`,
    );
  }
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  if (target.ndim !== expected.length || target.shape.some((s, i) => s !== expected[i])) {
    throw new Error(`Expected target size [${expected.join(', ')}], got [${target.shape.join(', ')}]`);
  }
}

/**
 * Per target position: the class index to pick (0 where ignored, any valid index works there), the
 * weight of the target's class (0 where ignored), their sum, and a mask of the counted (not ignored)
 * positions, as tensors on the input's backend. Out-of-range targets are errors.
 */
function targetWeights(
  target: Tensor,
  classes: number,
  weight: Tensor | null | undefined,
  ignoreIndex: number,
  device: BackendName,
): { index: Tensor; weights: Tensor; total: number; counted: Tensor } {
  if (target.dtype === 'float32' || target.dtype === 'float64' || target.dtype === 'bool') {
    const found = { float32: 'Float', float64: 'Double', bool: 'Bool' }[target.dtype];
    throw new Error(`expected scalar type Long but found ${found}`);
  }
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== classes)) {
    throw new Error(
      `weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`,
    );
  }
  const t = target.toFloat32Array();
  const w = weight ? weight.toFloat32Array() : null;
  const index = new Int32Array(t.length);
  const weights = new Float32Array(t.length);
  const counted = new Float32Array(t.length);
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === ignoreIndex) continue;
    if (c < 0 || c >= classes) throw new RangeError(`Target ${c} is out of bounds.`);
    index[i] = c;
    counted[i] = 1;
    weights[i] = w ? w[c]! : 1;
    total += weights[i]!;
  }
  return {
    index: torch.tensor(index, { dtype: 'int64', device }),
    weights: torch.tensor(weights, { device }),
    total,
    counted: torch.tensor(counted, { device }),
  };
}

/**
 * The negative log likelihood loss over log-probabilities: -w[t] * input[t], reduced.
 *
 * @example
 * ```ts
 * F.nll_loss(F.log_softmax(logits, 1), target); // same as F.cross_entropy(logits, target)
 * ```
 */
export function nll_loss(
  input: Tensor,
  target: Tensor,
  ...args: PyArgs<[weight: Tensor | null], NLLLossOptions>
): Tensor {
  const options = namedArgs<NLLLossOptions>(args, ['weight']);
  const reduction = checkReduction(options.reduction ?? 'mean');
  checkTargetShape(input, target);
  const { rows, classes } = classRows(input);
  const { index, weights, total } = targetWeights(
    target,
    classes,
    options.weight,
    options.ignore_index ?? -100,
    input.device,
  );
  const losses = rows.gather(1, index.unsqueeze(1)).squeeze(1).mul(weights).neg();
  if (reduction === 'none') return losses.reshape(target.shape as number[]);
  return reduction === 'sum' ? losses.sum() : losses.sum().div(total);
}

/** The class-probability form of cross entropy (a float target shaped like the input). */
function probabilityCrossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions): Tensor {
  const reduction = checkReduction(options.reduction ?? 'mean');
  const classDim = input.ndim === 1 ? 0 : 1;
  const classes = input.shape[classDim]!;
  if ((options.ignore_index ?? -100) !== -100) {
    throw new Error('ignore_index is not supported for floating point target');
  }
  const smoothing = options.label_smoothing ?? 0;
  const p = smoothing > 0 ? target.mul(1 - smoothing).add(smoothing / classes) : target;
  let prod = torch.log_softmax(input, classDim).mul(p);
  if (options.weight) {
    const shape = input.shape.map((s, d) => (d === classDim ? s : 1));
    prod = prod.mul(options.weight.view(shape));
  }
  if (reduction === 'none') return prod.sum(classDim).neg();
  const total = prod.sum().neg();
  return reduction === 'sum' ? total : total.div(input.numel() / classes);
}

/**
 * Cross entropy between logits and class indices (or class probabilities), with PyTorch's class
 * weights, ignore_index, label smoothing and reductions.
 *
 * @example
 * ```ts
 * const loss = F.cross_entropy(model.forward(x), y); // y: int64 class indices
 * F.cross_entropy(logits, y, { label_smoothing: 0.1, weight: classWeights });
 * ```
 */
export function cross_entropy(
  input: Tensor,
  target: Tensor,
  ...args: PyArgs<[weight: Tensor | null], CrossEntropyOptions>
): Tensor {
  const options = namedArgs<CrossEntropyOptions>(args, ['weight']);
  const smoothing = options.label_smoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) {
    throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${smoothing}`);
  }
  const sameShape = input.ndim === target.ndim && input.shape.every((s, i) => s === target.shape[i]);
  if (sameShape && (target.dtype === 'float32' || target.dtype === 'float64')) {
    return probabilityCrossEntropy(input, target, options);
  }

  const classDim = input.ndim === 1 ? 0 : 1;
  const logp = torch.log_softmax(input, classDim);
  const nll = nll_loss(logp, target, options);
  if (smoothing === 0) return nll;

  // PyTorch's cross_entropy_loss_label_smoothing, on rows of log-probabilities.
  const reduction = checkReduction(options.reduction ?? 'mean');
  const { rows, classes } = classRows(logp);
  const { total, counted } = targetWeights(
    target,
    classes,
    options.weight,
    options.ignore_index ?? -100,
    input.device,
  );
  const perClass = options.weight ? rows.mul(options.weight) : rows;
  const smooth = perClass.sum(1).neg().mul(counted);
  let reduced: Tensor;
  if (reduction === 'none') reduced = smooth.reshape(target.shape as number[]);
  else if (reduction === 'sum') reduced = smooth.sum();
  else reduced = smooth.sum().div(total); // sum of target weights, or the count when unweighted
  return nll.mul(1 - smoothing).add(reduced.mul(smoothing / classes));
}

/**
 * Mean squared error (x - y)^2, reduced. Mismatched shapes broadcast with PyTorch's warning.
 *
 * @example
 * ```ts
 * F.mse_loss(pred, target); // scalar
 * ```
 */
export function mse_loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  const reduction = checkReduction(options.reduction ?? 'mean');
  if (input.ndim !== target.ndim || input.shape.some((s, i) => s !== target.shape[i])) {
    warnings.warn(
      `Using a target size (torch.Size([${target.shape.join(', ')}])) that is different to the input size (torch.Size([${input.shape.join(', ')}])). ` +
        'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
    );
  }
  const diff = input.sub(target);
  return reduce(diff.mul(diff), reduction);
}
