import { add, f32 } from './float32.js';
import {
  type LrOrOptions,
  Optimizer,
  optionsOf,
  type ParamGroup,
  type ParamState,
  type Params,
  requireNonNegative,
} from './optimizer.js';

/** Options of {@link SGD}, with PyTorch's names and defaults. */
export interface SGDOptions {
  /** learning rate (default 1e-3, as PyTorch 2.x) */
  lr: number;
  /** momentum factor (default 0) */
  momentum: number;
  /** dampening for momentum (default 0) */
  dampening: number;
  /** L2 penalty added to the gradient (default 0) */
  weight_decay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0) */
  nesterov: boolean;
  /** maximize the objective instead of minimizing (default false) */
  maximize: boolean;
}

/**
 * Stochastic gradient descent with optional momentum, as `torch.optim.SGD`. Per parameter, with
 * g the gradient (negated when maximizing):
 *
 *   g <- g + weight_decay * p
 *   b <- g on the first step, else momentum * b + (1 - dampening) * g
 *   g <- g + momentum * b (nesterov) or b
 *   p <- p - lr * g
 *
 * The buffer starts as a copy of the first gradient (not zero), as in PyTorch and Sutskever et
 * al. 2013's formulation that PyTorch documents.
 *
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(
    params: Params<SGDOptions>,
    lr_or_options?: LrOrOptions<SGDOptions>,
    options?: Partial<SGDOptions>,
  ) {
    super(params, {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weight_decay: 0,
      nesterov: false,
      maximize: false,
      ...optionsOf(lr_or_options, options),
    });
  }

  protected validate(g: ParamGroup<SGDOptions>): void {
    requireNonNegative(g, 'lr', 'momentum', 'weight_decay');
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new Error('Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected initState(): ParamState {
    return {};
  }

  protected updateParam(
    g: ParamGroup<SGDOptions>,
    state: ParamState,
    p: Float32Array,
    grad: Float32Array,
  ): void {
    const { nesterov, maximize } = g;
    const [lr, momentum, damp, wd] = [f32(-g.lr), f32(g.momentum), f32(1 - g.dampening), f32(g.weight_decay)];
    let buf = state.momentum_buffer as Float32Array | undefined;
    const first = g.momentum !== 0 && buf === undefined;
    if (first) {
      buf = new Float32Array(p.length);
      state.momentum_buffer = buf;
    }
    for (let i = 0; i < p.length; i++) {
      let d = maximize ? -grad[i]! : grad[i]!;
      if (wd !== 0) d = add(d, p[i]!, wd);
      if (buf !== undefined) {
        // buf.mul_(momentum).add_(d, alpha=1 - dampening); the first step clones d instead
        buf[i] = first ? d : add(f32(buf[i]! * momentum), d, damp);
        d = nesterov ? add(d, buf[i]!, momentum) : buf[i]!;
      }
      p[i] = add(p[i]!, d, lr);
    }
  }
}
