// softmax / log_softmax over the middle axis of (outer, r, inner), and their gradients; outer rows
// [o0, o1) per call. Max-subtracted for stability, as PyTorch does.
import { at, expv, hsum } from './simd';

/**
 * Forward. log = 0: y = exp(x - max) / sum exp(x - max); log = 1: y = x - max - log(sum exp(x - max)).
 * `y` may equal `x`.
 */
export function softmaxForward(x: usize, y: usize, r: i32, inner: i32, log: i32, o0: i32, o1: i32): void {
  if (inner === 1) {
    for (let o = o0; o < o1; o++) softmaxRow(at(x, o * r), at(y, o * r), r, log !== 0);
    return;
  }
  for (let o = o0; o < o1; o++) {
    for (let j = 0; j < inner; j++) {
      const xb = at(x, o * r * inner + j);
      const yb = at(y, o * r * inner + j);
      const step = (<usize>inner) << 2;
      let mx: f32 = -Infinity;
      let p = xb;
      for (let i = 0; i < r; i++) {
        mx = max(mx, load<f32>(p));
        p += step;
      }
      // A row of -inf stays NaN-free in log_softmax's max shift only if max is finite.
      if (mx === -Infinity) mx = 0;
      let sum: f32 = 0;
      p = xb;
      let q = yb;
      if (log) {
        for (let i = 0; i < r; i++) {
          sum += Mathf.exp(load<f32>(p) - mx);
          p += step;
        }
        const shift = mx + Mathf.log(sum);
        p = xb;
        for (let i = 0; i < r; i++) {
          store<f32>(q, load<f32>(p) - shift);
          p += step;
          q += step;
        }
      } else {
        for (let i = 0; i < r; i++) {
          const e = Mathf.exp(load<f32>(p) - mx);
          store<f32>(q, e);
          sum += e;
          p += step;
          q += step;
        }
        const inv = <f32>1 / sum;
        q = yb;
        for (let i = 0; i < r; i++) {
          store<f32>(q, load<f32>(q) * inv);
          q += step;
        }
      }
    }
  }
}

/** One contiguous row, vectorised (the common case: softmax over the last dim). */
function softmaxRow(x: usize, y: usize, r: i32, log: bool): void {
  let mx: f32 = -Infinity;
  let i = 0;
  if (r >= 4) {
    let vm = v128.load(x);
    for (i = 4; i + 4 <= r; i += 4) vm = f32x4.max(vm, v128.load(at(x, i)));
    mx = max(
      max(f32x4.extract_lane(vm, 0), f32x4.extract_lane(vm, 1)),
      max(f32x4.extract_lane(vm, 2), f32x4.extract_lane(vm, 3)),
    );
  }
  for (; i < r; i++) mx = max(mx, load<f32>(at(x, i)));
  if (mx === -Infinity) mx = 0;
  const vmx = f32x4.splat(mx);
  let acc = f32x4.splat(0);
  let sum: f32 = 0;
  i = 0;
  for (; i + 4 <= r; i += 4) {
    const e = expv(f32x4.sub(v128.load(at(x, i)), vmx));
    if (!log) v128.store(at(y, i), e);
    acc = f32x4.add(acc, e);
  }
  sum = hsum(acc);
  for (; i < r; i++) {
    const e = Mathf.exp(load<f32>(at(x, i)) - mx);
    if (!log) store<f32>(at(y, i), e);
    sum += e;
  }
  if (log) {
    const shift = f32x4.splat(mx + Mathf.log(sum));
    i = 0;
    for (; i + 4 <= r; i += 4) v128.store(at(y, i), f32x4.sub(v128.load(at(x, i)), shift));
    const sh = mx + Mathf.log(sum);
    for (; i < r; i++) store<f32>(at(y, i), load<f32>(at(x, i)) - sh);
  } else {
    const inv = f32x4.splat(<f32>1 / sum);
    i = 0;
    for (; i + 4 <= r; i += 4) v128.store(at(y, i), f32x4.mul(v128.load(at(y, i)), inv));
    const invs: f32 = <f32>1 / sum;
    for (; i < r; i++) store<f32>(at(y, i), load<f32>(at(y, i)) * invs);
  }
}

/**
 * Backward from the forward output y. softmax: dx = y (dy - sum(dy y)); log_softmax:
 * dx = dy - exp(y) sum(dy). `dx` may equal `dy`.
 */
export function softmaxBackward(
  dy: usize,
  y: usize,
  dx: usize,
  r: i32,
  inner: i32,
  log: i32,
  o0: i32,
  o1: i32,
): void {
  const step = (<usize>inner) << 2;
  for (let o = o0; o < o1; o++) {
    for (let j = 0; j < inner; j++) {
      const off = o * r * inner + j;
      let s: f32 = 0;
      let pd = at(dy, off);
      let py = at(y, off);
      for (let i = 0; i < r; i++) {
        s += log ? load<f32>(pd) : load<f32>(pd) * load<f32>(py);
        pd += step;
        py += step;
      }
      pd = at(dy, off);
      py = at(y, off);
      let px = at(dx, off);
      for (let i = 0; i < r; i++) {
        const g = load<f32>(pd);
        const yv = load<f32>(py);
        store<f32>(px, log ? g - Mathf.exp(yv) * s : yv * (g - s));
        pd += step;
        py += step;
        px += step;
      }
    }
  }
}

/**
 * Negative log likelihood per sample: loss[i] = -w[t] logp[i, t] with t = target[i] (int32), or 0 when
 * t == ignoreIndex; weightOut[i] = w[t] (or 0) so the host can form the weighted mean. `w` may be 0
 * (all ones). Returns the first out-of-range target index + 1 (0 = all valid).
 */
export function nllLossForward(
  logp: usize,
  target: usize,
  w: usize,
  loss: usize,
  weightOut: usize,
  N: i32,
  C: i32,
  ignoreIndex: i32,
): i32 {
  for (let i = 0; i < N; i++) {
    const t = load<i32>(at(target, i));
    if (t === ignoreIndex) {
      store<f32>(at(loss, i), 0);
      store<f32>(at(weightOut, i), 0);
      continue;
    }
    if (t < 0 || t >= C) return i + 1;
    const wt: f32 = w ? load<f32>(at(w, t)) : 1;
    store<f32>(at(loss, i), -wt * load<f32>(at(logp, i * C + t)));
    store<f32>(at(weightOut, i), wt);
  }
  return 0;
}

/** NLL gradient: dlogp = 0 except dlogp[i, t] = -w[t] * grad[i] (grad per sample, already scaled). */
export function nllLossBackward(
  target: usize,
  w: usize,
  grad: usize,
  dlogp: usize,
  N: i32,
  C: i32,
  ignoreIndex: i32,
): void {
  memory.fill(dlogp, 0, (<usize>(N * C)) << 2);
  for (let i = 0; i < N; i++) {
    const t = load<i32>(at(target, i));
    if (t === ignoreIndex || t < 0 || t >= C) continue;
    const wt: f32 = w ? load<f32>(at(w, t)) : 1;
    store<f32>(at(dlogp, i * C + t), -wt * load<f32>(at(grad, i)));
  }
}
