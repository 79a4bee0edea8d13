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
