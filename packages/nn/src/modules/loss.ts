/** Loss modules: `nn.CrossEntropyLoss`, `nn.NLLLoss`, `nn.MSELoss`. */
import type { Tensor } from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';
import {
  type CrossEntropyOptions,
  cross_entropy,
  mse_loss,
  type NLLLossOptions,
  nll_loss,
} from '../functional/loss.js';
import { checkReduction, type Reduction } from '../functional/reduction.js';
import { Module } from '../module.js';

/**
 * A loss with class weights: PyTorch's `_WeightedLoss` keeps `weight` as a buffer, so it appears in
 * `state_dict()` and moves with the module.
 */
abstract class WeightedLoss extends Module {
  readonly reduction: Reduction;
  readonly ignore_index: number;
  declare weight: Tensor | null;

  constructor(...args: PyArgs<[weight: Tensor | null], NLLLossOptions>) {
    super();
    const options = namedArgs<NLLLossOptions>(args, ['weight']);
    this.reduction = checkReduction(options.reduction ?? 'mean');
    this.ignore_index = options.ignore_index ?? -100;
    this.register_buffer('weight', options.weight ?? null);
  }
}

/**
 * Cross entropy between logits `(N, C)` (or `(C)`, `(N, C, d1, ...)`) and class indices (or class
 * probabilities), as `torch.nn.CrossEntropyLoss`; see `F.cross_entropy`.
 *
 * @example
 * ```ts
 * const criterion = new nn.CrossEntropyLoss();
 * const loss = criterion.forward(model.forward(x), y);
 * ```
 */
export class CrossEntropyLoss extends WeightedLoss {
  readonly label_smoothing: number;

  constructor(...args: PyArgs<[weight: Tensor | null], CrossEntropyOptions>) {
    super(...args);
    this.label_smoothing = namedArgs<CrossEntropyOptions>(args, ['weight']).label_smoothing ?? 0;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return cross_entropy(input, target, {
      weight: this.weight,
      ignore_index: this.ignore_index,
      reduction: this.reduction,
      label_smoothing: this.label_smoothing,
    });
  }
}

/**
 * Negative log likelihood of log-probabilities and class indices, as `torch.nn.NLLLoss`.
 *
 * @example
 * ```ts
 * new nn.NLLLoss().forward(F.log_softmax(logits, 1), y);
 * ```
 */
export class NLLLoss extends WeightedLoss {
  forward(input: Tensor, target: Tensor): Tensor {
    return nll_loss(input, target, {
      weight: this.weight,
      ignore_index: this.ignore_index,
      reduction: this.reduction,
    });
  }
}

/**
 * Mean squared error, as `torch.nn.MSELoss`.
 *
 * @example
 * ```ts
 * new nn.MSELoss({ reduction: 'sum' }).forward(pred, target);
 * ```
 */
export class MSELoss extends Module {
  readonly reduction: Reduction;

  constructor(options: { reduction?: Reduction } = {}) {
    super();
    this.reduction = checkReduction(options.reduction ?? 'mean');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mse_loss(input, target, { reduction: this.reduction });
  }
}
