/**
 * Float32 arithmetic on JS numbers, as PyTorch's x86 kernels do it.
 *
 * Every float32 op is "compute in double, round once with `Math.fround`": exact for + - * / sqrt
 * of float32 inputs, because a double holds the exact result to well beyond float32 precision
 * before the final rounding (53 >= 2 * 24 + 2).
 *
 * The fused multiply-add is the one operation that needs care: the kernels PyTorch compiles for
 * AVX2 let GCC contract `a * b + c` into a single-rounding `vfmadd`, and rounding `a * b + c` in
 * double and then to float32 is a double rounding that differs in the last bit for about half of
 * `uniform_`'s values (torch-rng SPEC section 2).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Index of the low 32-bit word of a double in the shared buffer (0 on little-endian machines).
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/** Round a double to the nearest float32, ties to even. */
export const f32 = Math.fround;

/**
 * Float32 fused multiply-add `fround(a * b + c)` with a single rounding, for float32-valued
 * `a`, `b`, `c`.
 *
 * `a * b` is exact in double (24 + 24 <= 53 bits). The sum `s = a * b + c` is rounded to double
 * with TwoSum giving the exact error `err`; rounding `s` to odd (set the last bit when the sum was
 * inexact) and then to float32 is a correct single rounding because a double carries at least two
 * bits more than float32 needs (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums:
 * proved algorithms using rounding to odd", 2008).
 *
 * @example
 * ```ts
 * fma32(f32(0.1), f32(3), f32(0.7)); // the float32 that vfmadd231ps would give
 * ```
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err === 0 || !Number.isFinite(s)) return Math.fround(s);
  f64[0] = s;
  if ((u32[LO]! & 1) === 0) {
    // Move s one double ulp towards the exact value: away from zero sets the last bit (it is 0);
    // towards zero decrements the 64-bit pattern, borrowing from the high word.
    if (err > 0 === s > 0) {
      u32[LO] = u32[LO]! | 1;
    } else if (u32[LO] === 0) {
      u32[LO] = 0xffffffff;
      u32[HI] = u32[HI]! - 1;
    } else {
      u32[LO] = u32[LO]! - 1;
    }
    return Math.fround(f64[0]!);
  }
  return Math.fround(s);
}

const f32buf = new Float32Array(1);
const f32bits = new Uint32Array(f32buf.buffer);

/** The IEEE-754 bit pattern of a float32 value, as an unsigned 32-bit integer. */
export function floatBits(x: number): number {
  f32buf[0] = x;
  return f32bits[0]!;
}

/** The float32 value whose bit pattern is `bits`. */
export function bitsToFloat(bits: number): number {
  f32bits[0] = bits >>> 0;
  return f32buf[0]!;
}
