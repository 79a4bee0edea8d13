// In-place optimizer updates on flat float32 buffers, in the operation order of PyTorch's
// torch/optim/sgd.py and adam.py (each step rounded to float32 like the tensor ops there).

/**
 * SGD. g = (maximize ? -grad : grad) + weight_decay p; with momentum: buf = g on the first step,
 * else buf = momentum buf + (1 - dampening) g (1 - dampening passed in, computed in double as in Python); g = nesterov ? g + momentum buf : buf; p -= lr g.
 * `buf` is 0 when momentum == 0.
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
  // Four parameters at a time; every f32x4 op rounds exactly like its scalar twin, so the vector
  // body and the scalar tail give identical results.
  const vlr = f32x4.splat(-lr);
  const vmom = f32x4.splat(momentum);
  const vdamp = f32x4.splat(oneMinusDampening);
  const vwd = f32x4.splat(weightDecay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const pv = v128.load(p + o);
    let g = v128.load(grad + o);
    if (maximize) g = f32x4.neg(g);
    if (weightDecay !== 0) g = f32x4.add(g, f32x4.mul(vwd, pv));
    if (momentum !== 0) {
      const b = first ? g : f32x4.add(f32x4.mul(v128.load(buf + o), vmom), f32x4.mul(vdamp, g));
      v128.store(buf + o, b);
      g = nesterov ? f32x4.add(g, f32x4.mul(vmom, b)) : b;
    }
    v128.store(p + o, f32x4.add(pv, f32x4.mul(vlr, g)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const pv = load<f32>(p + o);
    let g = load<f32>(grad + o);
    if (maximize) g = -g;
    if (weightDecay !== 0) g = g + weightDecay * pv;
    if (momentum !== 0) {
      let b: f32;
      if (first) b = g;
      else b = load<f32>(buf + o) * momentum + oneMinusDampening * g;
      store<f32>(buf + o, b);
      g = nesterov ? g + momentum * b : b;
    }
    store<f32>(p + o, pv + -lr * g);
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
