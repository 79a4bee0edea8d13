// Batch normalisation over x viewed as (N, C, S): per channel c, statistics over N*S values
// (S = H*W for BatchNorm2d, 1 or L for BatchNorm1d). Channels [c0, c1) per call.
import { at, hsum } from './simd';

/** Sum over n of row (n, c, :), in f64. */
function channelSum(x: usize, N: i32, C: i32, S: i32, c: i32): f64 {
  let s: f64 = 0;
  for (let n = 0; n < N; n++) {
    const row = at(x, (n * C + c) * S);
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= S; i += 4) acc = f32x4.add(acc, v128.load(at(row, i)));
    let t = hsum(acc);
    for (; i < S; i++) t += load<f32>(at(row, i));
    s += <f64>t;
  }
  return s;
}

/** Sum over the channel of (x - mean)^2 (two-pass variance: no cancellation). */
function channelSqDev(x: usize, N: i32, C: i32, S: i32, c: i32, mean: f32): f64 {
  let s: f64 = 0;
  const vm = f32x4.splat(mean);
  for (let n = 0; n < N; n++) {
    const row = at(x, (n * C + c) * S);
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= S; i += 4) {
      const dlt = f32x4.sub(v128.load(at(row, i)), vm);
      acc = f32x4.add(acc, f32x4.mul(dlt, dlt));
    }
    let t = hsum(acc);
    for (; i < S; i++) {
      const dlt = load<f32>(at(row, i)) - mean;
      t += dlt * dlt;
    }
    s += <f64>t;
  }
  return s;
}

/** y = x * scale + shift over channel c. */
function applyAffine(x: usize, y: usize, N: i32, C: i32, S: i32, c: i32, scale: f32, shift: f32): void {
  const va = f32x4.splat(scale);
  const vb = f32x4.splat(shift);
  for (let n = 0; n < N; n++) {
    const o = (n * C + c) * S;
    let i = 0;
    for (; i + 4 <= S; i += 4)
      v128.store(at(y, o + i), f32x4.add(f32x4.mul(v128.load(at(x, o + i)), va), vb));
    for (; i < S; i++) store<f32>(at(y, o + i), load<f32>(at(x, o + i)) * scale + shift);
  }
}

/**
 * Training-mode forward: per channel mean and biased variance of the batch; y = (x - mean) * invstd *
 * weight + bias; saveMean/saveInvstd (invstd = 1/sqrt(var + eps), what torch saves for backward);
 * running stats (if runningMean != 0): r = (1 - f) r + f * stat, with the unbiased variance.
 * weight/bias may be 0 (affine=False).
 */
export function batchNormForwardTrain(
  x: usize,
  y: usize,
  weight: usize,
  bias: usize,
  saveMean: usize,
  saveInvstd: usize,
  runningMean: usize,
  runningVar: usize,
  N: i32,
  C: i32,
  S: i32,
  eps: f32,
  factor: f32,
  c0: i32,
  c1: i32,
): void {
  const count = N * S;
  for (let c = c0; c < c1; c++) {
    const mean = <f32>(channelSum(x, N, C, S, c) / <f64>count);
    const sq = channelSqDev(x, N, C, S, c, mean);
    const varBiased = <f32>(sq / <f64>count);
    const invstd = <f32>1 / Mathf.sqrt(varBiased + eps);
    store<f32>(at(saveMean, c), mean);
    store<f32>(at(saveInvstd, c), invstd);
    if (runningMean) {
      const varUnbiased = count > 1 ? <f32>(sq / <f64>(count - 1)) : <f32>NaN;
      store<f32>(at(runningMean, c), (<f32>1 - factor) * load<f32>(at(runningMean, c)) + factor * mean);
      store<f32>(at(runningVar, c), (<f32>1 - factor) * load<f32>(at(runningVar, c)) + factor * varUnbiased);
    }
    const w: f32 = weight ? load<f32>(at(weight, c)) : 1;
    const b: f32 = bias ? load<f32>(at(bias, c)) : 0;
    const scale = invstd * w;
    applyAffine(x, y, N, C, S, c, scale, b - mean * scale);
  }
}

/** Eval-mode forward with given statistics: y = (x - mean) / sqrt(var + eps) * weight + bias. */
export function batchNormForwardEval(
  x: usize,
  y: usize,
  weight: usize,
  bias: usize,
  mean: usize,
  variance: usize,
  N: i32,
  C: i32,
  S: i32,
  eps: f32,
  c0: i32,
  c1: i32,
): void {
  for (let c = c0; c < c1; c++) {
    const m = load<f32>(at(mean, c));
    const invstd = <f32>1 / Mathf.sqrt(load<f32>(at(variance, c)) + eps);
    const w: f32 = weight ? load<f32>(at(weight, c)) : 1;
    const b: f32 = bias ? load<f32>(at(bias, c)) : 0;
    const scale = invstd * w;
    applyAffine(x, y, N, C, S, c, scale, b - m * scale);
  }
}

/**
 * Backward. Training (batch statistics, mean/invstd as saved by the forward):
 *   xhat = (x - mean) invstd, dbias = sum dy, dweight = sum dy xhat,
 *   dx = weight invstd / n (n dy - dbias - xhat dweight).
 * Eval (training = 0; mean/invstd from the running stats): dx = dy weight invstd.
 * dweight/dbias may be 0 when not wanted; dx may be 0 too.
 */
export function batchNormBackward(
  dy: usize,
  x: usize,
  weight: usize,
  mean: usize,
  invstd: usize,
  dx: usize,
  dweight: usize,
  dbias: usize,
  N: i32,
  C: i32,
  S: i32,
  training: i32,
  c0: i32,
  c1: i32,
): void {
  const count = <f32>(N * S);
  for (let c = c0; c < c1; c++) {
    const m = load<f32>(at(mean, c));
    const is = load<f32>(at(invstd, c));
    const w: f32 = weight ? load<f32>(at(weight, c)) : 1;
    const sumDy = <f32>channelSum(dy, N, C, S, c);
    // sum dy * (x - mean), then * invstd
    let dot: f64 = 0;
    const vm = f32x4.splat(m);
    for (let n = 0; n < N; n++) {
      const o = (n * C + c) * S;
      let acc = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= S; i += 4) {
        acc = f32x4.add(acc, f32x4.mul(v128.load(at(dy, o + i)), f32x4.sub(v128.load(at(x, o + i)), vm)));
      }
      let t = hsum(acc);
      for (; i < S; i++) t += load<f32>(at(dy, o + i)) * (load<f32>(at(x, o + i)) - m);
      dot += <f64>t;
    }
    const dotXhat = <f32>dot * is;
    if (dweight) store<f32>(at(dweight, c), dotXhat);
    if (dbias) store<f32>(at(dbias, c), sumDy);
    if (!dx) continue;
    if (training) {
      // dx = k (dy - sumDy/n - (x - mean) invstd^2 dot/n), k = weight invstd
      const k = w * is;
      const meanDy = sumDy / count;
      const proj = (dotXhat * is) / count;
      const vk = f32x4.splat(k);
      const vmd = f32x4.splat(meanDy);
      const vp = f32x4.splat(proj);
      for (let n = 0; n < N; n++) {
        const o = (n * C + c) * S;
        let i = 0;
        for (; i + 4 <= S; i += 4) {
          const xm = f32x4.sub(v128.load(at(x, o + i)), vm);
          const g = f32x4.sub(f32x4.sub(v128.load(at(dy, o + i)), vmd), f32x4.mul(xm, vp));
          v128.store(at(dx, o + i), f32x4.mul(g, vk));
        }
        for (; i < S; i++) {
          const xm = load<f32>(at(x, o + i)) - m;
          store<f32>(at(dx, o + i), (load<f32>(at(dy, o + i)) - meanDy - xm * proj) * k);
        }
      }
    } else {
      applyAffine(dy, dx, N, C, S, c, w * is, 0);
    }
  }
}
