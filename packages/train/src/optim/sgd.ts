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

  protected override updateTensor(
    g: ParamGroup<SGDOptions>,
    state: ParamState,
    p: Tensor,
    grad: Tensor,
  ): void {
    const first = state.momentum_buffer === undefined;
    const buf = g.momentum !== 0 ? stateBuffer(state, 'momentum_buffer', p) : null;
    const { lr, momentum, dampening, weight_decay, nesterov, maximize } = g;
    torch.no_grad(() =>
      torch.sgd_step_(p, denseLike(grad, p), buf, {
        lr,
        momentum,
        dampening,
        weight_decay,
        nesterov,
        maximize,
        first,
      }),
    );
  }
}
