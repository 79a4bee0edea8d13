/**
 * PyTorch's CPU elementwise kernels on float32 values, one element at a time, so the optimizers
 * reproduce PyTorch's rounding op by op: every tensor op rounds its result to float32, Python
 * scalars enter the kernel cast to float32, and multiply-adds are fused (the x86 build contracts
 * `a + alpha * b` into one fma; a double product of two float32 values is exact, so rounding
 * `b * alpha + a` in double and then to float32 gives the fused result except for rare double
 * roundings).
 */
export const f32 = Math.fround;

/** `a.add(b, alpha=alpha)`: a + alpha * b, fused. */
export function add(a: number, b: number, alpha32: number): number {
  return f32(b * alpha32 + a);
}

/**
 * `a.lerp(end, weight)` as ATen's `lerp`: a + w (end - a) for |w| < 0.5, else end - (end - a)(1 - w),
 * which is exact at w = 1.
 */
export function lerp(a: number, end: number, w32: number): number {
  const diff = f32(end - a);
  return Math.abs(w32) < 0.5 ? f32(w32 * diff + a) : f32(end - diff * f32(1 - w32));
}

/** `a.addcmul(t1, t2, value=value)`: a + (value * t1) * t2, the last multiply-add fused. */
export function addcmul(a: number, t1: number, t2: number, value32: number): number {
  return f32(f32(value32 * t1) * t2 + a);
}

/** `a.addcdiv(t1, t2, value=value)`: a + (value * t1) / t2. */
export function addcdiv(a: number, t1: number, t2: number, value32: number): number {
  return f32(a + f32(f32(value32 * t1) / t2));
}
