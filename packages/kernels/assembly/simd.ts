// Shared SIMD helpers. Binaryen's -O3 inlines these one-liners into the loops that call them.

/** a * b + c per lane: one fused instruction in the relaxed-SIMD build, mul then add otherwise. */
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Byte address of float element `i` after `base`. */
export function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 2);
}

/** Sum of the four lanes. */
export function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

/** NaN test without a self-comparison: exponent all ones and a non-zero mantissa. */
export function isNan(x: f32): bool {
  return (reinterpret<u32>(x) & 0x7fffffff) > 0x7f800000;
}

/**
 * e^x per lane, within ~1 ulp: x = n ln2 + r with |r| <= ln2/2 (ln2 split in two parts so n ln2 is
 * exact), Cephes' degree-6 minimax polynomial for e^r, then scaling by 2^n in two halves so results in
 * the subnormal range and up to FLT_MAX come out right. Overflow gives +inf, underflow 0, NaN stays NaN.
 */
export function expv(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(-104)), f32x4.splat(89));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(Mathf.LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.98756915e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}
