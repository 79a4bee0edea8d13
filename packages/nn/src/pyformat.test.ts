import { describe, expect, it } from 'vitest';
import { pyBool, pyFloat, pyTuple } from './pyformat.js';

describe('Python repr formatting', () => {
  it('prints floats as repr(float) does', () => {
    // Expected strings are Python 3's repr of the same doubles.
    const cases: [number, string][] = [
      [1e-5, '1e-05'],
      [0.1, '0.1'],
      [1, '1.0'],
      [0.0001, '0.0001'],
      [0.00001234, '1.234e-05'],
      [1e16, '1e+16'],
      [1234567890123456, '1234567890123456.0'],
      [1 / 3, '0.3333333333333333'],
      [-2.5, '-2.5'],
      [0.01, '0.01'],
      [-0, '-0.0'],
      [Number.NaN, 'nan'],
      [Number.NEGATIVE_INFINITY, '-inf'],
    ];
    for (const [x, text] of cases) expect(pyFloat(x), String(x)).toBe(text);
  });

  it('prints booleans and tuples as Python does', () => {
    expect(pyBool(true)).toBe('True');
    expect(pyTuple([3, 3])).toBe('(3, 3)');
    expect(pyTuple([5])).toBe('(5,)');
  });
});
