/**
 * Fused optimizer updates: one optimizer step of one parameter as a single in-place op over the
 * parameter, its gradient and its state buffers (the idea of PyTorch's `torch._fused_sgd_` and
 * `_fused_adam_`), so a step is one pass over memory rather than a chain of tensor ops, and on the
 * wasm backend one SIMD kernel call on the tensors' own storage. `@minidl/train`'s `optim.SGD`,
 * `Adam` and `AdamW` run on them.
 *
 * Rounding: every tensor op of PyTorch's single-tensor update rounds to float32, and the
 * multiply-adds (`add_(x, alpha)`, `addcmul_`, `lerp_`) are fused in its x86 CPU kernels. The
 * product of two floats is exact in a double, so `Math.fround(b * c + a)` gives the fused value.
 */
import type { AdamStepOptions, SgdStepOptions } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { backendOf } from './core.js';
import { bumpVersion, checkInplace } from './inplace.js';

export type { AdamStepOptions, SgdStepOptions };

/**
 * One SGD step on flat float32 arrays, in torch/optim/sgd.py's operation order and rounding (each
 * `add_(x, alpha=a)` one fused multiply-add, `fround(x * a + self)`):
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

/** Checks that an operand of fused op `op` is a dense float32 tensor of the parameter's `n` elements. */
function requireDenseFloat(op: string, t: Tensor, role: string, n: number): void {
  if (t.dtype !== 'float32') throw new TypeError(`${op}: ${role} must be float32, got ${t.dtype}`);
  if (!t.is_contiguous()) throw new TypeError(`${op}: ${role} must be contiguous; call .contiguous() first`);
  if (t.numel() !== n) {
    throw new RangeError(`${op}: ${role} has ${t.numel()} elements, the parameter has ${n}`);
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
  requireDenseFloat('sgd_step_', param, 'param', n);
  requireDenseFloat('sgd_step_', grad, 'grad', n);
  if (momentum_buffer !== null) requireDenseFloat('sgd_step_', momentum_buffer, 'momentum_buffer', n);
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

/**
 * One Adam step on flat float32 arrays, in torch/optim/adam.py's operation order and rounding:
 *   g = maximize ? -grad : grad;  AdamW: p = p (1 - lr wd);  Adam: g = g + wd p;
 *   m.lerp_(g, 1 - beta1);  v = (v beta2).addcmul_(g, g, value=1 - beta2);
 *   denom = sqrt(amsgrad ? vmax = max(vmax, v) : v) / sqrt(1 - beta2^t) + eps;
 *   p.addcdiv_(m, denom, value=-lr / (1 - beta1^t))
 * with the scalars computed in double as Python does and entering the kernels as float32. ATen's
 * lerp is m + w (g - m) for w < 0.5, else g - (g - m)(1 - w), which is exact at w = 1.
 */
function adamStepHost(
  p: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vmax: Float32Array | null,
  o: AdamStepOptions,
): void {
  const f32 = Math.fround;
  const [beta1, beta2] = o.betas ?? [0.9, 0.999];
  const weightDecay = o.weight_decay ?? 0;
  const { amsgrad = false, maximize = false, decoupled_weight_decay: decoupled = false, step } = o;
  const decay = f32(1 - o.lr * weightDecay);
  const wd = f32(weightDecay);
  const w1 = f32(1 - beta1);
  const [b2, w2, eps] = [f32(beta2), f32(1 - beta2), f32(o.eps ?? 1e-8)];
  const negStep = f32(-o.lr / (1 - beta1 ** step));
  const bc2Sqrt = f32(Math.sqrt(1 - beta2 ** step));
  for (let i = 0; i < p.length; i++) {
    let d = maximize ? -grad[i]! : grad[i]!;
    if (wd !== 0) {
      if (decoupled) p[i] = f32(p[i]! * decay);
      else d = f32(p[i]! * wd + d);
    }
    const diff = f32(d - m[i]!);
    m[i] = w1 < 0.5 ? f32(w1 * diff + m[i]!) : f32(d - diff * f32(1 - w1));
    v[i] = f32(f32(w2 * d) * d + f32(v[i]! * b2));
    let second = v[i]!;
    if (vmax !== null && amsgrad) {
      vmax[i] = Math.max(vmax[i]!, second);
      second = vmax[i]!;
    }
    const denom = f32(f32(f32(Math.sqrt(second)) / bc2Sqrt) + eps);
    p[i] = f32(p[i]! + f32(f32(negStep * m[i]!) / denom));
  }
}

/**
 * One `torch.optim.Adam` (or AdamW, with `decoupled_weight_decay`) step of `param` in place, fused:
 * the moment buffers `exp_avg` and `exp_avg_sq` (and `max_exp_avg_sq` with amsgrad) are updated in
 * place, with PyTorch's float32 results (its vectorized sqrt may differ by an ulp; see
 * `@minidl/train`'s optimizer notes). Call it under `no_grad`, as an optimizer step.
 *
 * @throws if an operand is not a contiguous float32 tensor of the parameter's size, or amsgrad is
 *   set without a max_exp_avg_sq buffer.
 *
 * @example
 * ```ts
 * const [m, v] = [torch.zeros_like(w), torch.zeros_like(w)];
 * torch.no_grad(() => torch.adam_step_(w, w.grad!, m, v, null, { lr: 1e-3, step: 1 }));
 * ```
 */
export function adam_step_(
  param: Tensor,
  grad: Tensor,
  exp_avg: Tensor,
  exp_avg_sq: Tensor,
  max_exp_avg_sq: Tensor | null,
  options: AdamStepOptions,
): Tensor {
  checkInplace(param);
  const n = param.numel();
  const operands: [Tensor | null, string][] = [
    [param, 'param'],
    [grad, 'grad'],
    [exp_avg, 'exp_avg'],
    [exp_avg_sq, 'exp_avg_sq'],
    [max_exp_avg_sq, 'max_exp_avg_sq'],
  ];
  for (const [t, role] of operands) if (t !== null) requireDenseFloat('adam_step_', t, role, n);
  if (options.amsgrad && max_exp_avg_sq === null)
    throw new Error('adam_step_: amsgrad needs a max_exp_avg_sq buffer');
  const backend = backendOf(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq);
  if (backend.adamStep) {
    backend.adamStep(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, options);
  } else {
    const vmax = max_exp_avg_sq && elements(max_exp_avg_sq);
    adamStepHost(elements(param), elements(grad), elements(exp_avg), elements(exp_avg_sq), vmax, options);
  }
  for (const [t, role] of operands) if (t !== null && role !== 'grad') bumpVersion(t);
  return param;
}
