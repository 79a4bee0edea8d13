/**
 * One lane of the Cephes-derived `log256_ps` and `sincos256_ps` from PyTorch's
 * `aten/src/ATen/native/cpu/avx_mathfun.h`, which its AVX2 `normal_` kernel uses for Box-Muller.
 *
 * These are float32 polynomial approximations, not libm: reproducing `normal_` bit for bit needs
 * the same polynomials with the same float32 roundings, including which multiply-adds GCC fused
 * (`fma32`) and which it left as separate float ops (torch-rng SPEC section 4a).
 */
import { f32, fma32 } from './float32.js';

const SQRTHF = f32(Math.SQRT1_2);
const P0 = f32(7.0376836292e-2);
const P1 = f32(-1.151461031e-1);
const P2 = f32(1.167699874e-1);
const P3 = f32(-1.2420140846e-1);
const P4 = f32(1.4249322787e-1);
const P5 = f32(-1.6668057665e-1);
const P6 = f32(2.0000714765e-1);
const P7 = f32(-2.4999993993e-1);
const P8 = f32(3.3333331174e-1);
const LOG_Q1 = f32(-2.1219444e-4);
const LOG_Q2 = f32(0.693359375);

/**
 * Natural log of a float32 `x` in (0, 1], as `log256_ps` computes it: split `x = m * 2^e` with
 * `m` in [sqrt(1/2), sqrt(2)), evaluate a degree-9 polynomial in `m - 1`, add `e * ln 2` in two
 * parts (q2 + q1 = ln 2) to keep precision.
 */
export function logPs(x: number): number {
  // The original reads the exponent field and sets that of 0.5: m in [0.5, 1), x = m * 2^e.
  // For x in (2^-126, 1] doubling until m >= 0.5 gives the same m and e exactly (and is faster
  // in V8 than going through a typed array).
  let e = 0;
  let m = x;
  if (m === 1) {
    m = 0.5;
    e = 1;
  } else {
    while (m < 0.5) {
      m *= 2;
      e -= 1;
    }
  }
  if (m < SQRTHF) {
    e -= 1;
    m = f32(f32(m - 1) + m);
  } else {
    m = f32(m - 1);
  }
  const z = f32(m * m);
  let y = fma32(P0, m, P1);
  y = fma32(y, m, P2);
  y = fma32(y, m, P3);
  y = fma32(y, m, P4);
  y = fma32(y, m, P5);
  y = fma32(y, m, P6);
  y = fma32(y, m, P7);
  y = fma32(y, m, P8);
  y = f32(y * m);
  y = fma32(y, z, f32(e * LOG_Q1));
  y = fma32(-z, 0.5, y);
  const r = f32(m + y);
  return fma32(e, LOG_Q2, r);
}

const FOPI = f32(1.27323954473516); // 4 / pi
const DP1 = f32(-0.78515625);
const DP2 = f32(-2.4187564849853516e-4);
const DP3 = f32(-3.774894977445941e-8);
const SIN_P0 = f32(-1.9515295891e-4);
const SIN_P1 = f32(8.3321608736e-3);
const SIN_P2 = f32(-1.6666654611e-1);
const COS_P0 = f32(2.443315711809948e-5);
const COS_P1 = f32(-1.388731625493765e-3);
const COS_P2 = f32(4.166664568298827e-2);

/** Result slots of {@link sincosPs}, reused to avoid an allocation per call. */
export interface SinCos {
  sin: number;
  cos: number;
}

/**
 * Sine and cosine of a float32 `x >= 0` as `sincos256_ps`: reduce by multiples of pi/4 (the
 * octant `j`, made even), subtract `j * pi/4` in three parts (Cody-Waite), evaluate the sine and
 * cosine polynomials on the remainder and swap/negate them by octant. Writes into `out`.
 */
export function sincosPs(x: number, out: SinCos): void {
  let j = Math.trunc(f32(x * FOPI));
  j = (j + 1) & ~1;
  const y = j;
  let r = fma32(y, DP1, x);
  r = fma32(y, DP2, r);
  r = fma32(y, DP3, r);
  const negSin = (j & 4) !== 0;
  const negCos = (~(j - 2) & 4) !== 0;
  const z = f32(r * r);
  let yc = fma32(COS_P0, z, COS_P1);
  yc = fma32(yc, z, COS_P2);
  yc = f32(yc * z);
  yc = fma32(yc, z, -f32(z * 0.5));
  yc = f32(yc + 1);
  let ys = fma32(SIN_P0, z, SIN_P1);
  ys = fma32(ys, z, SIN_P2);
  ys = f32(ys * z);
  ys = fma32(ys, r, r);
  // The original blends with and/andnot and adds zeros; `0 + v` reproduces the sign of zeros.
  let s: number;
  let c: number;
  if ((j & 2) === 0) {
    s = 0 + ys;
    c = yc + 0;
  } else {
    s = yc + 0;
    c = 0 + ys;
  }
  out.sin = negSin ? -s : s;
  out.cos = negCos ? -c : c;
}
