// In-place optimizer updates on flat float32 buffers, in the operation order of PyTorch's
// torch/optim/sgd.py and adam.py (each step rounded to float32 like the tensor ops there).

/**
 * a + alpha * b per lane, as PyTorch's CPU `add_(b, alpha=alpha)` computes it on float32: one fused
 * multiply-add, so the product is not rounded on its own. Here the lanes are widened to double, where
 * the product of two floats is exact, and the sum is rounded to double and then to float32; that is
 * the same value as JS's `Math.fround(b * alpha + a)`, the rounding the train package's optimizers
 * (and their PyTorch fixtures) use. `alpha` is an f64x2 splat of a float32 value. (Binaryen's -O3
 * inlines it into the loop.)
 */
function addScaled(a: v128, b: v128, alpha: v128): v128 {
  const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(b), alpha), f64x2.promote_low_f32x4(a));
  const aHigh = i8x16.shuffle(a, a, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  const bHigh = i8x16.shuffle(b, b, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(bHigh), alpha), f64x2.promote_low_f32x4(aHigh));
  return i8x16.shuffle(
    f32x4.demote_f64x2_zero(lo),
    f32x4.demote_f64x2_zero(hi),
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    16,
    17,
    18,
    19,
    20,
    21,
    22,
    23,
  );
}

/** The scalar form of {@link addScaled}: a + alpha * b with one rounding to float32. */
function addScaled1(a: f32, b: f32, alpha: f32): f32 {
  return <f32>(<f64>b * <f64>alpha + <f64>a);
}

/**
 * SGD, in the operation order and rounding of torch/optim/sgd.py's single-tensor update (each
 * `add_(x, alpha=...)` one fused multiply-add, see {@link addScaled}):
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
  const vlr = f64x2.splat(<f64>negLr);
  const vmom = f32x4.splat(momentum);
  const vmom64 = f64x2.splat(<f64>momentum);
  const vdamp = f64x2.splat(<f64>oneMinusDampening);
  const vwd = f64x2.splat(<f64>weightDecay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const pv = v128.load(p + o);
    let g = v128.load(grad + o);
    if (maximize) g = f32x4.neg(g);
    if (weightDecay !== 0) g = addScaled(g, pv, vwd);
    if (momentum !== 0) {
      const b = first ? g : addScaled(f32x4.mul(v128.load(buf + o), vmom), g, vdamp);
      v128.store(buf + o, b);
      g = nesterov ? addScaled(g, b, vmom64) : b;
    }
    v128.store(p + o, addScaled(pv, g, vlr));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const pv = load<f32>(p + o);
    let g = load<f32>(grad + o);
    if (maximize) g = -g;
    if (weightDecay !== 0) g = addScaled1(g, pv, weightDecay);
    if (momentum !== 0) {
      const b = first ? g : addScaled1(load<f32>(buf + o) * momentum, g, oneMinusDampening);
      store<f32>(buf + o, b);
      g = nesterov ? addScaled1(g, b, momentum) : b;
    }
    store<f32>(p + o, addScaled1(pv, g, negLr));
  }
}

/**
 * Adam / AdamW. decoupled (AdamW): p *= decay; else g += wd p. m = lerp(m, g, w1);
 * v = v beta2 + w2 g g; denom = sqrt(amsgrad ? vmax = max(vmax, v) : v) / bc2Sqrt + eps;
 * p += negStepSize m / denom. The host computes the scalars in double like PyTorch's Python code:
 * w1 = 1 - beta1, w2 = 1 - beta2, decay = 1 - lr wd, negStepSize = -lr / (1 - beta1^t),
 * bc2Sqrt = sqrt(1 - beta2^t).
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
  const vw1 = f32x4.splat(w1);
  const vw1c = f32x4.splat(<f32>1 - w1);
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
      else g = f32x4.add(g, f32x4.mul(vwd, pv));
    }
    const mv0 = v128.load(m + o);
    const mv =
      w1 < 0.5
        ? f32x4.add(mv0, f32x4.mul(vw1, f32x4.sub(g, mv0)))
        : f32x4.sub(g, f32x4.mul(f32x4.sub(g, mv0), vw1c));
    const vv = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(vw2, g), g));
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
      else g = g + weightDecay * pv;
    }
    // torch.lerp(m, g, w) = m + w (g - m) for w < 0.5, else g - (g - m)(1 - w)
    const mv0 = load<f32>(m + o);
    const mv = w1 < 0.5 ? mv0 + w1 * (g - mv0) : g - (g - mv0) * (<f32>1 - w1);
    const vv = load<f32>(v + o) * beta2 + w2 * g * g;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    let s = vv;
    if (amsgrad) {
      s = max(load<f32>(vmax + o), vv);
      store<f32>(vmax + o, s);
    }
    const denom = Mathf.sqrt(s) / bc2Sqrt + eps;
    // addcdiv: self + value * t1 / t2, evaluated left to right as in ATen's CPU kernel
    store<f32>(p + o, pv + (negStepSize * mv) / denom);
  }
}
