/**
 * Formats a double as C++'s `std::ostream << double` does with default settings (`%g`, 6
 * significant digits), so that error messages quote numbers exactly as PyTorch's `TORCH_CHECK`
 * does: `0.1`, `0.333333`, `3e+38`, `1e-05`, `nan`, `inf`.
 *
 * @example
 * ```ts
 * formatCppDouble(1 / 3); // '0.333333'
 * ```
 */
export function formatCppDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, expText] = x.toExponential(5).split('e') as [string, string];
  const exp = Number(expText);
  const trim = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${trim(mantissa)}e${exp < 0 ? '-' : '+'}${e}`;
  }
  return trim(x.toFixed(Math.max(0, 5 - exp)));
}
