/**
 * The error function in double precision (JS has no `Math.erf`), for the standard normal CDF that
 * `trunc_normal_` uses to pick its sampling method, and for statistics in tests and tables.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) to about 1e-15 absolute. For |x| < 3 the series
 * `erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))` (all terms positive, so
 * no cancellation; Abramowitz & Stegun 7.1.6); beyond, `1 - erfc(x)` with erfc's continued fraction
 * `erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))` (A&S 7.1.14), evaluated
 * bottom-up with a fixed depth that converges for x >= 3.
 *
 * @example
 * ```ts
 * erf(1); // 0.8427007929497149
 * ```
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  let r: number;
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
    }
    r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  } else {
    let frac = ax;
    for (let k = 60; k >= 1; k--) frac = ax + k / 2 / frac;
    r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / frac;
  }
  return x < 0 ? -r : r;
}

/**
 * The standard normal CDF, `(1 + erf(x / sqrt(2))) / 2`, as `trunc_normal_`'s `norm_cdf`.
 *
 * @example
 * ```ts
 * normCdf(2) - normCdf(-2); // 0.9544997361036416
 * ```
 */
export function normCdf(x: number): number {
  return (1.0 + erf(x / Math.sqrt(2.0))) / 2.0;
}
