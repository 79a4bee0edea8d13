/**
 * Float32 arithmetic on JS numbers, as PyTorch's x86 kernels do it.
 *
 * Every float32 op is "compute in double, round once with `Math.fround`": exact for + - * / sqrt
 * of float32 inputs, because a double holds the exact result to well beyond float32 precision
 * before the final rounding (53 >= 2 * 24 + 2).
 *
 * The fused multiply-add is the one operation that needs care: the kernels PyTorch compiles for
 * AVX2 let GCC contract `a * b + c` into a single-rounding `vfmadd`. Rounding the product to float32
 * first (`fround(fround(a * b) + c)`) is wrong for about half of `uniform_`'s values (torch-rng SPEC
 * section 2); rounding `a * b + c` in double and then to float32 is a double rounding that is wrong
 * in rare midpoint cases, which {@link fma32} corrects.
 */

/** Round a double to the nearest float32, ties to even. */
export const f32 = Math.fround;

/**
 * Float32 fused multiply-add `fround(a * b + c)` with a single rounding, for float32-valued
 * `a`, `b`, `c`.
 *
 * `a * b` is exact in double (24 + 24 <= 53 bits), so only the addition rounds: `s = a * b + c` in
 * double, then to float32 -- a double rounding, which differs from a single one only when `s` lands
 * exactly on a float32 midpoint while the exact sum does not. So: if `s` is a midpoint (its
 * distance to `r = fround(s)` is exactly half a float32 ulp, i.e. `2s - r` is a float32 too), take
 * the exact error of the addition (TwoSum) and round towards it; otherwise `fround(s)` is already
 * correct, since no float32 rounding boundary lies within one double ulp of `s`.
 *
 * @example
 * ```ts
 * fma32(f32(0.1), f32(3), f32(0.7)); // the float32 that vfmadd231ps would give
 * ```
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  const d = s - r;
  if (d === 0) return r;
  const other = r + 2 * d;
  if (Math.fround(other) !== other) return r;
  // s is the midpoint of r and other: the sign of the addition's rounding error decides.
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err === 0) return r; // a true tie: fround rounded it to even
  return err > 0 ? Math.max(r, other) : Math.min(r, other);
}
