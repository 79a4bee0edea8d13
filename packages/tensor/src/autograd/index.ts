/**
 * The `torch.autograd` namespace: custom differentiable ops and graph nodes.
 *
 * @example
 * ```ts
 * import * as torch from '@minidl/tensor';
 * class Double extends torch.autograd.Function { ... }
 * ```
 */
export { CustomFunction as Function, FunctionCtx, type Grads } from './function.js';
export { type GradOptions, grad } from './grad.js';
export { enable_grad, is_grad_enabled, no_grad, set_grad_enabled } from './grad_mode.js';
export { Node } from './node.js';
