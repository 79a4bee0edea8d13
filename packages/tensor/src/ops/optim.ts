/**
 * Fused optimizer updates: one optimizer step of one parameter as a single in-place op over the
 * parameter, its gradient and its state buffer (the idea of PyTorch's `torch._fused_sgd_`), so a step
 * is one pass over memory rather than a chain of tensor ops, and on the wasm backend one SIMD kernel
 * call on the tensors' own storage. `@minidl/train`'s `optim.SGD` runs on it.
 */
import type { SgdStepOptions } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { backendOf } from './core.js';
import { bumpVersion, checkInplace } from './inplace.js';

export type { SgdStepOptions };

/**
 * One SGD step on flat float32 arrays, in torch/optim/sgd.py's operation order and rounding: every
 * tensor op rounds to float32, and each `add_(x, alpha=a)` is a single fused multiply-add as in
 * PyTorch's vectorized CPU kernel, `fround(x * a + self)` (the product of two floats is exact in a
 * double, so one rounding of the double sum to float32 gives the same value).
 *
 *   g = maximize ? -grad : grad;  g += weight_decay p;
 *   buf = first ? g : (momentum buf) + (1 - dampening) g;  g = nesterov ? g + momentum buf : buf;
 *   p += -lr g
 */
function sgdStepHost(p: Float32Array, grad: Float32Array, buf: Float32Array | null, o: SgdStepOptions): void {
  const f32 = Math.fround;
  const negLr = f32(-o.lr);
  const momentum = f32(o.momentum ?? 0);
  const damp = f32(1 - (o.dampening ?? 0));
  const wd = f32(o.weight_decay ?? 0);
  const { nesterov = false, maximize = false, first = false } = o;
  for (let i = 0; i < p.length; i++) {
    let d = maximize ? -grad[i]! : grad[i]!;
    if (wd !== 0) d = f32(p[i]! * wd + d);
    if (buf !== null && momentum !== 0) {
      const b = first ? d : f32(d * damp + f32(buf[i]! * momentum));
      buf[i] = b;
      d = nesterov ? f32(b * momentum + d) : b;
    }
    p[i] = f32(d * negLr + p[i]!);
  }
}

function requireDenseFloat(t: Tensor, role: string, n: number): void {
  if (t.dtype !== 'float32') throw new TypeError(`sgd_step_: ${role} must be float32, got ${t.dtype}`);
  if (!t.is_contiguous())
    throw new TypeError(`sgd_step_: ${role} must be contiguous; call .contiguous() first`);
  if (t.numel() !== n) {
    throw new RangeError(`sgd_step_: ${role} has ${t.numel()} elements, the parameter has ${n}`);
  }
}

/** The float32 elements of a dense tensor, as a view of its storage. */
function elements(t: Tensor): Float32Array {
  return (t.storage.data as Float32Array).subarray(t.offset, t.offset + t.numel());
}

/**
 * One `torch.optim.SGD` step of `param` in place, fused: the gradient, the optional momentum buffer
 * (updated in place) and the parameter are read and written once, with PyTorch's float32 results bit
 * for bit. Like an optimizer step it writes a leaf that requires grad, so call it under `no_grad`.
 *
 * @throws if an operand is not a contiguous float32 tensor of the parameter's size, or momentum is
 *   set without a buffer.
 *
 * @example
 * ```ts
 * const buf = torch.zeros_like(w);
 * torch.no_grad(() => torch.sgd_step_(w, w.grad!, buf, { lr: 0.01, momentum: 0.9, first: true }));
 * ```
 */
export function sgd_step_(
  param: Tensor,
  grad: Tensor,
  momentum_buffer: Tensor | null,
  options: SgdStepOptions,
): Tensor {
  checkInplace(param);
  const n = param.numel();
  requireDenseFloat(param, 'param', n);
  requireDenseFloat(grad, 'grad', n);
  if (momentum_buffer !== null) requireDenseFloat(momentum_buffer, 'momentum_buffer', n);
  else if ((options.momentum ?? 0) !== 0) throw new Error('sgd_step_: momentum needs a momentum_buffer');
  const backend = backendOf(param, grad, momentum_buffer);
  if (backend.sgdStep) {
    backend.sgdStep(param, grad, momentum_buffer, n, options);
  } else {
    sgdStepHost(elements(param), elements(grad), momentum_buffer && elements(momentum_buffer), options);
  }
  bumpVersion(param);
  if (momentum_buffer !== null) bumpVersion(momentum_buffer);
  return param;
}
