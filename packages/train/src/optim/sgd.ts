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

/** The gradient as the fused step needs it: dense float32 (a converted copy only when it is not). */
function denseFloat32(grad: Tensor): Tensor {
  return grad.dtype === 'float32' && grad.is_contiguous() ? grad : grad.float().contiguous();
}

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
    let buf: Tensor | null = null;
    let first = false;
    if (g.momentum !== 0) {
      const saved = state.momentum_buffer;
      first = saved === undefined;
      buf =
        saved === undefined
          ? torch.empty_like(p) // filled with the gradient by the first step
          : saved instanceof Float32Array
            ? torch.tensor(saved).view([...p.shape]) // from load_state_dict
            : (saved as Tensor);
      state.momentum_buffer = buf;
    }
    const { lr, momentum, dampening, weight_decay, nesterov, maximize } = g;
    torch.no_grad(() =>
      torch.sgd_step_(p, denseFloat32(grad), buf, {
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
