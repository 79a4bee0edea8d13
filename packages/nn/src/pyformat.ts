/**
 * Formatting of values the way Python's `repr` prints them, so a module's printed form reads exactly
 * like PyTorch's (`BatchNorm2d(20, eps=1e-05, momentum=0.1, affine=True, ...)`).
 */

/**
 * A float as Python's `repr(float)` prints it: the shortest digits that round-trip (as JS), but in
 * fixed notation only for decimal exponents -4 <= e < 16, always with a fractional part (`1.0`), and
 * with a two-digit signed exponent otherwise (`1e-05`, `1e+16`).
 *
 * @example
 * ```ts
 * pyFloat(1e-5); // '1e-05'
 * pyFloat(1); // '1.0'
 * ```
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument gives the shortest round-tripping digits, e.g. '1.5e-7'.
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, mantissa.replace(/^-/, '').replace('.', '').length - 1 - exp));
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

/** A boolean as Python prints it: `True` / `False`. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** A tuple of ints as Python prints it: `(3, 3)`, `(5,)` for one element. */
export function pyTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}

/**
 * PyTorch's `_addindent` for nested reprs: indents every line but the first (blank lines stay empty).
 *
 * @example
 * ```ts
 * addIndent('Sequential(\n  (0): ReLU()\n)', 2); // 'Sequential(\n    (0): ReLU()\n  )'
 * ```
 */
export function addIndent(text: string, spaces: number): string {
  const lines = text.split('\n');
  if (lines.length === 1) return text;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => (l.trim() ? pad + l : ''))].join('\n');
}
