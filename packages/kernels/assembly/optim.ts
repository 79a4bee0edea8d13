// In-place optimizer updates on flat float32 buffers, in the operation order of PyTorch's
// torch/optim/sgd.py and adam.py (each step rounded to float32 like the tensor ops there).

/** The high two float32 lanes of `v` moved to the low two (to widen them to double). */
function highHalf(v: v128): v128 {
  return i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
}

/** b * c + a for two lanes widened to double: the product of two floats is exact there. */
function mulAdd64(a: v128, b: v128, c: v128): v128 {
  return f64x2.add(
    f64x2.mul(f64x2.promote_low_f32x4(b), f64x2.promote_low_f32x4(c)),
    f64x2.promote_low_f32x4(a),
  );
}

/**
 * b * c + a per float32 lane with a single rounding, as PyTorch's x86 CPU kernels compute `add_(x,
 * alpha)`, `addcmul_` and `lerp_` (the compiler contracts them into fused multiply-adds): the
 * product is exact in double, and the sum rounded to double and then to float32 is the value JS's
 * `Math.fround(b * c + a)` gives, the rounding the train package's optimizers use and check against
 * PyTorch's fixtures. (Binaryen's -O3 inlines this into the loops.)
 */
function fusedMulAdd(a: v128, b: v128, c: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(mulAdd64(a, b, c));
  const hi = f32x4.demote_f64x2_zero(mulAdd64(highHalf(a), highHalf(b), highHalf(c)));
  // lanes 0-1 of lo, then lanes 0-1 of hi
  return i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

/** The scalar form of {@link fusedMulAdd}: b * c + a rounded once to float32. */
function fusedMulAdd1(a: f32, b: f32, c: f32): f32 {
  return <f32>(<f64>b * <f64>c + <f64>a);
}

/**
 * SGD, in the operation order and rounding of torch/optim/sgd.py's single-tensor update (each
 * `add_(x, alpha=...)` one fused multiply-add, see {@link fusedMulAdd}):
 *   g = maximize ? -grad : grad;  g = g + weight_decay p;
 *   buf = g on the first step, else (momentum buf) + (1 - dampening) g   (buf.mul_(m).add_(g, alpha=1-d));
 *   g = nesterov ? g + momentum buf : buf;  p = p + (-lr) g.
 * `buf` is 0 when momentum == 0. 1 - dampening is computed in double by the caller, as in Python.
 */
export function sgdStep(
  p: usize,
  grad: usize,
  buf: usize,
  n: i32,
  lr: f32,
  momentum: f32,
  oneMinusDampening: f32,
  weightDecay: f32,
  nesterov: i32,
  maximize: i32,
  first: i32,
): void {
  const negLr = -lr;
  const vlr = f32x4.splat(negLr);
  const vmom = f32x4.splat(momentum);
  const vdamp = f32x4.splat(oneMinusDampening);
  const vwd = f32x4.splat(weightDecay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const pv = v128.load(p + o);
    let g = v128.load(grad + o);
    if (maximize) g = f32x4.neg(g);
    if (weightDecay !== 0) g = fusedMulAdd(g, pv, vwd);
    if (momentum !== 0) {
      const b = first ? g : fusedMulAdd(f32x4.mul(v128.load(buf + o), vmom), g, vdamp);
      v128.store(buf + o, b);
      g = nesterov ? fusedMulAdd(g, b, vmom) : b;
    }
    v128.store(p + o, fusedMulAdd(pv, g, vlr));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const pv = load<f32>(p + o);
    let g = load<f32>(grad + o);
    if (maximize) g = -g;
    if (weightDecay !== 0) g = fusedMulAdd1(g, pv, weightDecay);
    if (momentum !== 0) {
      const b = first ? g : fusedMulAdd1(load<f32>(buf + o) * momentum, g, oneMinusDampening);
      store<f32>(buf + o, b);
      g = nesterov ? fusedMulAdd1(g, b, momentum) : b;
    }
    store<f32>(p + o, fusedMulAdd1(pv, g, negLr));
  }
}

/**
 * Adam / AdamW, in the operation order and rounding of torch/optim/adam.py's single-tensor update
 * (multiply-adds fused, see {@link fusedMulAdd}; the rest rounded to float32 op by op):
 *   g = maximize ? -grad : grad;  AdamW: p = p decay;  Adam: g = g + weight_decay p;
 *   m.lerp_(g, w1):  m + w1 (g - m) for w1 < 0.5, else g - (g - m)(1 - w1)   (ATen's lerp);
 *   v = (v beta2).addcmul_(g, g, value=w2) = (w2 g) g + v beta2;
 *   denom = sqrt(amsgrad ? vmax = max(vmax, v) : v) / bc2Sqrt + eps;  p = p + (negStepSize m) / denom.
 * The host computes the scalars in double like PyTorch's Python code: w1 = 1 - beta1, w2 = 1 - beta2,
 * decay = 1 - lr wd, negStepSize = -lr / (1 - beta1^t), bc2Sqrt = sqrt(1 - beta2^t).
 */
export function adamStep(
  p: usize,
  grad: usize,
  m: usize,
  v: usize,
  vmax: usize,
  n: i32,
  w1: f32,
  beta2: f32,
  w2: f32,
  eps: f32,
  weightDecay: f32,
  decay: f32,
  negStepSize: f32,
  bc2Sqrt: f32,
  amsgrad: i32,
  decoupled: i32,
  maximize: i32,
): void {
  // lerp's two forms: m + w (g - m), or g + (g - m)(-(1 - w)), which is exact at w = 1
  const nearStart = w1 < 0.5;
  const lerpWeight: f32 = nearStart ? w1 : -(<f32>1 - w1);
  const vlerp = f32x4.splat(lerpWeight);
  const vb2 = f32x4.splat(beta2);
  const vw2 = f32x4.splat(w2);
  const veps = f32x4.splat(eps);
  const vwd = f32x4.splat(weightDecay);
  const vdecay = f32x4.splat(decay);
  const vstep = f32x4.splat(negStepSize);
  const vbc2 = f32x4.splat(bc2Sqrt);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    let pv = v128.load(p + o);
    let g = v128.load(grad + o);
    if (maximize) g = f32x4.neg(g);
    if (weightDecay !== 0) {
      if (decoupled) pv = f32x4.mul(pv, vdecay);
      else g = fusedMulAdd(g, pv, vwd);
    }
    const mv0 = v128.load(m + o);
    const diff = f32x4.sub(g, mv0);
    const mv = fusedMulAdd(nearStart ? mv0 : g, diff, vlerp);
    const vv = fusedMulAdd(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(vw2, g), g);
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    let sv = vv;
    if (amsgrad) {
      sv = f32x4.max(v128.load(vmax + o), vv);
      v128.store(vmax + o, sv);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(sv), vbc2), veps);
    v128.store(p + o, f32x4.add(pv, f32x4.div(f32x4.mul(vstep, mv), denom)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    let pv = load<f32>(p + o);
    let g = load<f32>(grad + o);
    if (maximize) g = -g;
    if (weightDecay !== 0) {
      if (decoupled) pv = pv * decay;
      else g = fusedMulAdd1(g, pv, weightDecay);
    }
    const mv0 = load<f32>(m + o);
    const mv = fusedMulAdd1(nearStart ? mv0 : g, g - mv0, lerpWeight);
    const vv = fusedMulAdd1(load<f32>(v + o) * beta2, w2 * g, g);
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    let s = vv;
    if (amsgrad) {
      s = max(load<f32>(vmax + o), vv);
      store<f32>(vmax + o, s);
    }
    const denom = Mathf.sqrt(s) / bc2Sqrt + eps;
    // addcdiv: self + (value * t1) / t2, each op rounded, as ATen's CPU kernel
    store<f32>(p + o, pv + (negStepSize * mv) / denom);
  }
}
