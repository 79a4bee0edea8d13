import { add, addcdiv, addcmul, f32, lerp } from './float32.js';
import {
  type LrOrOptions,
  Optimizer,
  optionsOf,
  type ParamGroup,
  type ParamState,
  type Params,
  requireNonNegative,
} from './optimizer.js';

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

  protected initState(g: ParamGroup<AdamOptions>, n: number): ParamState {
    const state: ParamState = { step: 0, exp_avg: new Float32Array(n), exp_avg_sq: new Float32Array(n) };
    if (g.amsgrad) state.max_exp_avg_sq = new Float32Array(n);
    return state;
  }

  protected updateParam(
    g: ParamGroup<AdamOptions>,
    state: ParamState,
    p: Float32Array,
    grad: Float32Array,
  ): void {
    const { amsgrad, maximize, decoupled_weight_decay } = g;
    const [beta1, beta2] = g.betas;
    const step = (state.step as number) + 1;
    state.step = step;
    const m = state.exp_avg as Float32Array;
    const v = state.exp_avg_sq as Float32Array;
    const vmax = state.max_exp_avg_sq as Float32Array | undefined;
    if (amsgrad && vmax === undefined) throw new Error('amsgrad was switched on after the first step');
    // Python-side scalars (double), then cast to float32 as they enter the kernels
    const stepSize = g.lr / (1 - beta1 ** step);
    const bc2Sqrt = f32(Math.sqrt(1 - beta2 ** step));
    const decay = f32(1 - g.lr * g.weight_decay);
    const wd = f32(g.weight_decay);
    const [w1, b2, w2, eps, negStep] = [
      f32(1 - beta1),
      f32(beta2),
      f32(1 - beta2),
      f32(g.eps),
      f32(-stepSize),
    ];
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -grad[i]! : grad[i]!;
      if (wd !== 0) {
        if (decoupled_weight_decay) p[i] = f32(p[i]! * decay);
        else d = add(d, p[i]!, wd);
      }
      m[i] = lerp(m[i]!, d, w1);
      v[i] = addcmul(f32(v[i]! * b2), d, d, w2);
      let second = v[i]!;
      if (vmax !== undefined && amsgrad) {
        vmax[i] = Math.max(vmax[i]!, second);
        second = vmax[i]!;
      }
      // denom = (v.sqrt() / sqrt(bias_correction2)).add_(eps); p.addcdiv_(m, denom, value=-step_size)
      const denom = f32(f32(f32(Math.sqrt(second)) / bc2Sqrt) + eps);
      p[i] = addcdiv(p[i]!, m[i]!, denom, negStep);
    }
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
