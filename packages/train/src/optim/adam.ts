import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import {
  type LrOrOptions,
  Optimizer,
  optionsOf,
  type ParamGroup,
  type ParamState,
  type Params,
  requireNonNegative,
} from './optimizer.js';
import { denseLike, stateBuffer } from './param-io.js';

/** Options of {@link Adam} and {@link AdamW}, with PyTorch's names. */
export interface AdamOptions {
  /** learning rate (default 1e-3) */
  lr: number;
  /** running-average coefficients of the gradient and its square (default [0.9, 0.999]) */
  betas: [number, number];
  /** added to the denominator for numerical stability (default 1e-8) */
  eps: number;
  /** weight decay: an L2 term in Adam (default 0), decoupled in AdamW (default 1e-2) */
  weight_decay: number;
  /** the AMSGrad variant (Reddi et al. 2018): normalise by the running maximum of v (default false) */
  amsgrad: boolean;
  /** maximize the objective instead of minimizing (default false) */
  maximize: boolean;
  /** decay weights directly (AdamW, Loshchilov & Hutter 2019) instead of through the gradient */
  decoupled_weight_decay: boolean;
}

/**
 * Adam (Kingma & Ba 2015), as `torch.optim.Adam`. Per parameter at step t, with g the gradient
 * (negated when maximizing), PyTorch's exact order of operations:
 *
 *   p <- p * (1 - lr * weight_decay)              (decoupled) or g <- g + weight_decay * p
 *   m <- lerp(m, g, 1 - beta1)                    v <- beta2 * v + (1 - beta2) * g * g
 *   denom <- sqrt(v_or_max(v)) / sqrt(1 - beta2^t) + eps
 *   p <- p - lr / (1 - beta1^t) * m / denom
 *
 * Note eps is added after dividing by the bias correction of v, not before.
 *
 * @example
 * ```ts
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(
    params: Params<AdamOptions>,
    lr_or_options?: LrOrOptions<AdamOptions>,
    options?: Partial<AdamOptions>,
  ) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0,
      amsgrad: false,
      maximize: false,
      decoupled_weight_decay: false,
      ...optionsOf(lr_or_options, options),
    });
  }

  protected validate(g: ParamGroup<AdamOptions>): void {
    requireNonNegative(g, 'lr', 'eps');
    if (!(g.betas[0] >= 0 && g.betas[0] < 1))
      throw new Error(`Invalid beta parameter at index 0: ${g.betas[0]}`);
    if (!(g.betas[1] >= 0 && g.betas[1] < 1))
      throw new Error(`Invalid beta parameter at index 1: ${g.betas[1]}`);
    requireNonNegative(g, 'weight_decay');
  }

  protected initState(): ParamState {
    return { step: 0 };
  }

  protected override updateTensor(
    g: ParamGroup<AdamOptions>,
    state: ParamState,
    p: Tensor,
    grad: Tensor,
  ): void {
    const first = state.step === 0;
    if (g.amsgrad && !first && state.max_exp_avg_sq === undefined) {
      throw new Error('amsgrad was switched on after the first step');
    }
    const step = (state.step as number) + 1;
    state.step = step;
    const m = stateBuffer(state, 'exp_avg', p);
    const v = stateBuffer(state, 'exp_avg_sq', p);
    const vmax = g.amsgrad ? stateBuffer(state, 'max_exp_avg_sq', p) : null;
    const { lr, betas, eps, weight_decay, amsgrad, maximize, decoupled_weight_decay } = g;
    torch.no_grad(() =>
      torch.adam_step_(p, denseLike(grad, p), m, v, vmax, {
        lr,
        betas,
        eps,
        weight_decay,
        amsgrad,
        maximize,
        decoupled_weight_decay,
        step,
      }),
    );
  }
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019), as `torch.optim.AdamW`: the
 * weights shrink by `lr * weight_decay` each step instead of the decay entering the gradient,
 * and the default weight_decay is 1e-2.
 *
 * @example
 * ```ts
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weight_decay: 0.05 });
 * ```
 */
export class AdamW extends Adam {
  constructor(
    params: Params<AdamOptions>,
    lr_or_options?: LrOrOptions<Omit<AdamOptions, 'decoupled_weight_decay'>>,
    options?: Partial<Omit<AdamOptions, 'decoupled_weight_decay'>>,
  ) {
    super(params, { weight_decay: 1e-2, ...optionsOf(lr_or_options, options), decoupled_weight_decay: true });
  }
}
