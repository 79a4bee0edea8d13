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

/** Options of {@link RMSprop}, with PyTorch's names and defaults. */
export interface RMSpropOptions {
  /** learning rate (default 1e-2) */
  lr: number;
  /** smoothing constant of the squared-gradient average (default 0.99) */
  alpha: number;
  /** added to the denominator for numerical stability (default 1e-8) */
  eps: number;
  /** L2 penalty added to the gradient (default 0) */
  weight_decay: number;
  /** momentum factor (default 0) */
  momentum: number;
  /** normalise by the estimated variance (Graves 2013) instead of the raw second moment (default false) */
  centered: boolean;
  /** maximize the objective instead of minimizing (default false) */
  maximize: boolean;
}

/**
 * RMSprop (Hinton's lecture 6e), as `torch.optim.RMSprop`. Per parameter, with g the gradient
 * (negated when maximizing):
 *
 *   g <- g + weight_decay * p;      v <- alpha * v + (1 - alpha) * g * g
 *   avg <- sqrt(v - gbar^2) + eps with gbar <- lerp(gbar, g, 1 - alpha) (centered), else sqrt(v) + eps
 *   b <- momentum * b + g / avg;  p <- p - lr * b   (momentum > 0), else p <- p - lr * g / avg
 *
 * @example
 * ```ts
 * const opt = new optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9 });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(
    params: Params<RMSpropOptions>,
    lr_or_options?: LrOrOptions<RMSpropOptions>,
    options?: Partial<RMSpropOptions>,
  ) {
    super(params, {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weight_decay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      ...optionsOf(lr_or_options, options),
    });
  }

  protected validate(g: ParamGroup<RMSpropOptions>): void {
    requireNonNegative(g, 'lr', 'eps', 'momentum', 'weight_decay', 'alpha');
  }

  protected initState(g: ParamGroup<RMSpropOptions>, n: number): ParamState {
    const state: ParamState = { step: 0, square_avg: new Float32Array(n) };
    if (g.momentum > 0) state.momentum_buffer = new Float32Array(n);
    if (g.centered) state.grad_avg = new Float32Array(n);
    return state;
  }

  protected override updateParam(
    g: ParamGroup<RMSpropOptions>,
    state: ParamState,
    p: Float32Array,
    grad: Float32Array,
  ): void {
    const { centered, maximize } = g;
    state.step = (state.step as number) + 1;
    const v = state.square_avg as Float32Array;
    const gbar = state.grad_avg as Float32Array | undefined;
    const buf = state.momentum_buffer as Float32Array | undefined;
    if ((centered && gbar === undefined) || (g.momentum > 0 && buf === undefined)) {
      throw new Error('RMSprop: centered or momentum was switched on after the first step');
    }
    const [alpha, w, eps, wd, momentum, lr] = [
      f32(g.alpha),
      f32(1 - g.alpha),
      f32(g.eps),
      f32(g.weight_decay),
      f32(g.momentum),
      f32(-g.lr),
    ];
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -grad[i]! : grad[i]!;
      if (wd !== 0) d = add(d, p[i]!, wd);
      v[i] = addcmul(f32(v[i]! * alpha), d, d, w);
      let avg: number;
      if (gbar !== undefined && centered) {
        gbar[i] = lerp(gbar[i]!, d, w);
        avg = f32(Math.sqrt(addcmul(v[i]!, gbar[i]!, gbar[i]!, -1)));
      } else {
        avg = f32(Math.sqrt(v[i]!));
      }
      avg = f32(avg + eps);
      if (buf !== undefined && g.momentum > 0) {
        buf[i] = addcdiv(f32(buf[i]! * momentum), d, avg, 1);
        p[i] = add(p[i]!, buf[i]!, lr);
      } else {
        p[i] = addcdiv(p[i]!, d, avg, lr);
      }
    }
  }
}
