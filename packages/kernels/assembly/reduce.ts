// Reductions over the middle axis of an (outer, r, inner) view of a contiguous float32 array.
// out has outer*inner elements (i32 indices for argmax/argmin). Any dim of a contiguous tensor maps
// to this: outer = prod(shape[:d]), r = shape[d], inner = prod(shape[d+1:]).
import { at, hsum, isNan } from './simd';

const R_SUM = 0;
const R_MEAN = 1;
const R_MAX = 2;
const R_MIN = 3;
// 4 = prod: the remaining case in the branches below
const R_ARGMAX = 5;
const R_ARGMIN = 6;

/** Sum of n contiguous floats: 16 lanes of f32 partial sums per block of 256, blocks summed in f64. */
function sumContiguous(x: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  while (i + 16 <= n) {
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let s3 = f32x4.splat(0);
    const end = min(n, i + 256) - 16;
    for (; i <= end; i += 16) {
      const p = at(x, i);
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32));
      s3 = f32x4.add(s3, v128.load(p, 48));
    }
    total += <f64>hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  }
  let tail: f32 = 0;
  for (; i < n; i++) tail += load<f32>(at(x, i));
  return total + <f64>tail;
}

function extremeContiguous(x: usize, n: i32, isMax: bool): f32 {
  let i = 0;
  let best: f32 = load<f32>(x);
  if (n >= 4) {
    let v = v128.load(x);
    for (i = 4; i + 4 <= n; i += 4) {
      const w = v128.load(at(x, i));
      v = isMax ? f32x4.max(v, w) : f32x4.min(v, w);
    }
    const a = f32x4.extract_lane(v, 0);
    const b = f32x4.extract_lane(v, 1);
    const c = f32x4.extract_lane(v, 2);
    const d = f32x4.extract_lane(v, 3);
    best = isMax ? max(max(a, b), max(c, d)) : min(min(a, b), min(c, d));
  }
  // wasm min/max propagate NaN, as torch.max/min do.
  for (; i < n; i++) best = isMax ? max(best, load<f32>(at(x, i))) : min(best, load<f32>(at(x, i)));
  return best;
}

/** Index of the first max (min); a NaN counts as the extreme, as in torch.argmax. */
function argExtreme(x: usize, n: i32, stride: i32, isMax: bool): i32 {
  let best = load<f32>(x);
  let bi = 0;
  if (isNan(best)) return 0;
  for (let i = 1; i < n; i++) {
    const v = load<f32>(at(x, i * stride));
    if (isNan(v)) return i;
    if (isMax ? v > best : v < best) {
      best = v;
      bi = i;
    }
  }
  return bi;
}

/** Reduces rows o in [o0, o1) of the outer axis. */
export function reduce(op: i32, x: usize, out: usize, r: i32, inner: i32, o0: i32, o1: i32): void {
  const slab = r * inner;
  for (let o = o0; o < o1; o++) {
    const xo = at(x, o * slab);
    const oo = at(out, o * inner);
    if (op === R_ARGMAX || op === R_ARGMIN) {
      for (let j = 0; j < inner; j++) store<i32>(at(oo, j), argExtreme(at(xo, j), r, inner, op === R_ARGMAX));
      continue;
    }
    if (inner === 1) {
      let v: f32;
      if (op === R_SUM || op === R_MEAN) {
        const s = sumContiguous(xo, r);
        v = <f32>(op === R_MEAN ? s / <f64>r : s);
      } else if (op === R_MAX || op === R_MIN) {
        v = extremeContiguous(xo, r, op === R_MAX);
      } else {
        v = 1;
        for (let k = 0; k < r; k++) v *= load<f32>(at(xo, k));
      }
      store<f32>(oo, v);
      continue;
    }
    // inner > 1: combine whole slices into out, vectorised along inner.
    memory.copy(oo, xo, (<usize>inner) << 2);
    for (let k = 1; k < r; k++) {
      const xk = at(xo, k * inner);
      let j = 0;
      for (; j + 4 <= inner; j += 4) {
        const a = v128.load(at(oo, j));
        const b = v128.load(at(xk, j));
        let c: v128;
        if (op === R_SUM || op === R_MEAN) c = f32x4.add(a, b);
        else if (op === R_MAX) c = f32x4.max(a, b);
        else if (op === R_MIN) c = f32x4.min(a, b);
        else c = f32x4.mul(a, b);
        v128.store(at(oo, j), c);
      }
      for (; j < inner; j++) {
        const a = load<f32>(at(oo, j));
        const b = load<f32>(at(xk, j));
        let c: f32;
        if (op === R_SUM || op === R_MEAN) c = a + b;
        else if (op === R_MAX) c = max(a, b);
        else if (op === R_MIN) c = min(a, b);
        else c = a * b;
        store<f32>(at(oo, j), c);
      }
    }
    if (op === R_MEAN) {
      const rf = <f32>r;
      for (let j = 0; j < inner; j++) store<f32>(at(oo, j), load<f32>(at(oo, j)) / rf);
    }
  }
}
