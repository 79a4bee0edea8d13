/**
 * Fused optimizer updates: one optimizer step of one parameter as a single in-place op over the
 * parameter, its gradient and its state buffers (the idea of PyTorch's `torch._fused_sgd_` and
 * `_fused_adam_`), so a step is one pass over memory rather than a chain of tensor ops, and on the
 * wasm backend one SIMD kernel call on the tensors' own storage. `@minidl/train`'s `optim.SGD`,
 * `Adam` and `AdamW` run on them.
 *
 * Rounding: every tensor op of PyTorch's single-tensor update rounds to the parameter's dtype, and
 * the multiply-adds (`add_(x, alpha)`, `addcmul_`, `lerp_`) are fused in its x86 CPU kernels. For
 * float32 the product of two floats is exact in a double, so `Math.fround(b * c + a)` is the fused
 * value; for float64 it is an emulated fma. The wasm kernels cover float32; float64 parameters run
 * the host loops below on every backend.
 */
import type { AdamStepOptions, SgdStepOptions } from '../backend/backend.js';
import { fma64 } from '../random/float64.js';
import type { Tensor } from '../tensor.js';
import { backendOf } from './core.js';
import { bumpVersion, checkInplace } from './inplace.js';

export type { AdamStepOptions, SgdStepOptions };

/** Arithmetic in a parameter's precision: rounding of one op, and a fused multiply-add `b * c + a`. */
interface Precision {
  round(x: number): number;
  fused(a: number, b: number, c: number): number;
}

const FLOAT32: Precision = {
  round: Math.fround,
  fused: (a, b, c) => Math.fround(b * c + a),
};

const FLOAT64: Precision = {
  round: (x) => x,
  fused: (a, b, c) => fma64(b, c, a),
};

type Elements = Float32Array | Float64Array;

/**
 * One SGD step on flat arrays, in torch/optim/sgd.py's operation order and rounding:
 *
 *   g = maximize ? -grad : grad;  g += weight_decay p;
 *   buf = first ? g : (momentum buf) + (1 - dampening) g;  g = nesterov ? g + momentum buf : buf;
 *   p += -lr g
 */
function sgdStepHost(
  p: Elements,
  grad: Elements,
  buf: Elements | null,
  o: SgdStepOptions,
  x: Precision,
): void {
  const negLr = x.round(-o.lr);
  const momentum = x.round(o.momentum ?? 0);
  const damp = x.round(1 - (o.dampening ?? 0));
  const wd = x.round(o.weight_decay ?? 0);
  const { nesterov = false, maximize = false, first = false } = o;
  for (let i = 0; i < p.length; i++) {
    let d = maximize ? -grad[i]! : grad[i]!;
    if (wd !== 0) d = x.fused(d, p[i]!, wd);
    if (buf !== null && momentum !== 0) {
      const b = first ? d : x.fused(x.round(buf[i]! * momentum), d, damp);
      buf[i] = b;
      d = nesterov ? x.fused(d, b, momentum) : b;
    }
    p[i] = x.fused(p[i]!, d, negLr);
  }
}

/**
 * One Adam step on flat arrays, in torch/optim/adam.py's operation order and rounding:
 *   g = maximize ? -grad : grad;  AdamW: p = p (1 - lr wd);  Adam: g = g + wd p;
 *   m.lerp_(g, 1 - beta1);  v = (v beta2).addcmul_(g, g, value=1 - beta2);
 *   denom = sqrt(amsgrad ? vmax = max(vmax, v) : v) / sqrt(1 - beta2^t) + eps;
 *   p.addcdiv_(m, denom, value=-lr / (1 - beta1^t))
 * with the scalars computed in double as Python does and entering the kernels in the parameter's
 * dtype. ATen's lerp is m + w (g - m) for w < 0.5, else g - (g - m)(1 - w), which is exact at w = 1.
 */
function adamStepHost(
  p: Elements,
  grad: Elements,
  m: Elements,
  v: Elements,
  vmax: Elements | null,
  o: AdamStepOptions,
  x: Precision,
): void {
  const r = x.round;
  const [beta1, beta2] = o.betas ?? [0.9, 0.999];
  const weightDecay = o.weight_decay ?? 0;
  const { amsgrad = false, maximize = false, decoupled_weight_decay: decoupled = false, step } = o;
  const decay = r(1 - o.lr * weightDecay);
  const wd = r(weightDecay);
  const w1 = r(1 - beta1);
  const [b2, w2, eps] = [r(beta2), r(1 - beta2), r(o.eps ?? 1e-8)];
  const negStep = r(-o.lr / (1 - beta1 ** step));
  const bc2Sqrt = r(Math.sqrt(1 - beta2 ** step));
  for (let i = 0; i < p.length; i++) {
    let d = maximize ? -grad[i]! : grad[i]!;
    if (wd !== 0) {
      if (decoupled) p[i] = r(p[i]! * decay);
      else d = x.fused(d, p[i]!, wd);
    }
    const diff = r(d - m[i]!);
    m[i] = w1 < 0.5 ? x.fused(m[i]!, w1, diff) : x.fused(d, -diff, r(1 - w1));
    v[i] = x.fused(r(v[i]! * b2), r(w2 * d), d);
    let second = v[i]!;
    if (vmax !== null && amsgrad) {
      vmax[i] = Math.max(vmax[i]!, second);
      second = vmax[i]!;
    }
    const denom = r(r(r(Math.sqrt(second)) / bc2Sqrt) + eps);
    p[i] = r(p[i]! + r(r(negStep * m[i]!) / denom));
  }
}

/** Checks that operand `t` of fused op `op` is a dense tensor of the parameter's dtype and size. */
function requireLikeParam(op: string, t: Tensor, role: string, param: Tensor): void {
  if (t.dtype !== param.dtype)
    throw new TypeError(`${op}: ${role} must be ${param.dtype} like the parameter, got ${t.dtype}`);
  if (!t.is_contiguous()) throw new TypeError(`${op}: ${role} must be contiguous; call .contiguous() first`);
  if (t.numel() !== param.numel()) {
    throw new RangeError(`${op}: ${role} has ${t.numel()} elements, the parameter has ${param.numel()}`);
  }
}

/** Checks the operands of fused op `op` (null ones are absent) and gives the parameter's precision. */
function checkOperands(op: string, param: Tensor, operands: [Tensor | null, string][]): Precision {
  checkInplace(param);
  if (param.dtype !== 'float32' && param.dtype !== 'float64') {
    throw new TypeError(`${op}: the parameter must be float32 or float64, got ${param.dtype}`);
  }
  if (!param.is_contiguous())
    throw new TypeError(`${op}: param must be contiguous; call .contiguous() first`);
  for (const [t, role] of operands) if (t !== null) requireLikeParam(op, t, role, param);
  return param.dtype === 'float32' ? FLOAT32 : FLOAT64;
}

/** The elements of a dense tensor, as a view of its storage. */
function elements(t: Tensor): Elements {
  return (t.storage.data as Elements).subarray(t.offset, t.offset + t.numel());
}

/**
 * One `torch.optim.SGD` step of `param` in place, fused: the gradient, the optional momentum buffer
 * (updated in place) and the parameter are read and written once, with PyTorch's results bit for bit
 * (float32 or float64). Like an optimizer step it writes a leaf that requires grad, so call it under
 * `no_grad`.
 *
 * @throws if an operand is not a contiguous tensor of the parameter's dtype and size, or momentum is
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
  const precision = checkOperands('sgd_step_', param, [
    [grad, 'grad'],
    [momentum_buffer, 'momentum_buffer'],
  ]);
  if (momentum_buffer === null && (options.momentum ?? 0) !== 0) {
    throw new Error('sgd_step_: momentum needs a momentum_buffer');
  }
  const backend = backendOf(param, grad, momentum_buffer);
  if (backend.sgdStep && precision === FLOAT32) {
    backend.sgdStep(param, grad, momentum_buffer, param.numel(), options);
  } else {
    const buf = momentum_buffer && elements(momentum_buffer);
    sgdStepHost(elements(param), elements(grad), buf, options, precision);
  }
  bumpVersion(param);
  if (momentum_buffer !== null) bumpVersion(momentum_buffer);
  return param;
}

/**
 * One `torch.optim.Adam` (or AdamW, with `decoupled_weight_decay`) step of `param` in place, fused:
 * the moment buffers `exp_avg` and `exp_avg_sq` (and `max_exp_avg_sq` with amsgrad) are updated in
 * place, with PyTorch's results (its vectorized float32 sqrt may differ by an ulp; see
 * `@minidl/train`'s optimizer notes). Call it under `no_grad`, as an optimizer step.
 *
 * @throws if an operand is not a contiguous tensor of the parameter's dtype and size, or amsgrad is
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
  const buffers: [Tensor | null, string][] = [
    [exp_avg, 'exp_avg'],
    [exp_avg_sq, 'exp_avg_sq'],
    [max_exp_avg_sq, 'max_exp_avg_sq'],
  ];
  const precision = checkOperands('adam_step_', param, [[grad, 'grad'], ...buffers]);
  if (options.amsgrad && max_exp_avg_sq === null) {
    throw new Error('adam_step_: amsgrad needs a max_exp_avg_sq buffer');
  }
  const backend = backendOf(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq);
  if (backend.adamStep && precision === FLOAT32) {
    backend.adamStep(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, param.numel(), options);
  } else {
    const [p, g, m, v] = [param, grad, exp_avg, exp_avg_sq].map(elements) as [
      Elements,
      Elements,
      Elements,
      Elements,
    ];
    adamStepHost(p, g, m, v, max_exp_avg_sq && elements(max_exp_avg_sq), options, precision);
  }
  bumpVersion(param);
  for (const [t] of buffers) if (t !== null) bumpVersion(t);
  return param;
}
