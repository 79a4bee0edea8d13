import { describe, expect, it } from 'vitest';
import { fma32 } from './float32.js';
import { formatCppDouble } from './format.js';
import { Generator } from './generator.js';

const f32buf = new Float32Array(1);
const f32bits = new Uint32Array(f32buf.buffer);

/** The IEEE-754 bit pattern of a float32 value, as an unsigned 32-bit integer. */
function floatBits(x: number): number {
  f32buf[0] = x;
  return f32bits[0]!;
}

/** The float32 value whose bit pattern is `bits`. */
function bitsToFloat(bits: number): number {
  f32bits[0] = bits >>> 0;
  return f32buf[0]!;
}

/** Exact value of a finite double as a binary fraction m * 2^e (BigInt m). */
function exact(x: number): { m: bigint; e: number } {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const expField = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (expField !== 0) m |= 1n << 52n;
  const e = (expField === 0 ? 1 : expField) - 1075;
  return { m: hi >>> 31 ? -m : m, e };
}

/** Reference fma: exact a*b+c with BigInt, then round to float32 nearest-even (normal range). */
function fmaRef(a: number, b: number, c: number): number {
  const A = exact(a);
  const B = exact(b);
  const C = exact(c);
  const e = Math.min(A.e + B.e, C.e);
  const sum = ((A.m * B.m) << BigInt(A.e + B.e - e)) + (C.m << BigInt(C.e - e));
  if (sum === 0n) return 0;
  const neg = sum < 0n;
  let mag = neg ? -sum : sum;
  // Keep 24 significant bits: shift so that mag has exactly 24 bits, rounding to nearest even.
  let shift = mag.toString(2).length - 24;
  let exp = e;
  if (shift > 0) {
    const rem = mag & ((1n << BigInt(shift)) - 1n);
    const half = 1n << BigInt(shift - 1);
    mag >>= BigInt(shift);
    if (rem > half || (rem === half && (mag & 1n) === 1n)) mag += 1n;
    exp += shift;
    shift = 0;
  }
  const v = Number(mag) * 2 ** exp;
  return neg ? -v : v;
}

describe('fma32', () => {
  it('rounds a*b+c once, where rounding through double would round twice', () => {
    // a*b = 2^-24 (1 - 2^-46), so the exact sum 1 + 3*2^-24 - 2^-70 lies just below a float32
    // midpoint; rounded to double it becomes the midpoint itself, which ties to the even 1 + 2^-22
    // instead of the correct 1 + 2^-23.
    const a = 2 ** -24 * (1 + 2 ** -23);
    const b = 1 - 2 ** -23;
    const c = 1 + 2 ** -23;
    expect(Math.fround(a * b + c)).not.toBe(fmaRef(a, b, c));
    expect(fma32(a, b, c)).toBe(1 + 2 ** -23);
    expect(fmaRef(a, b, c)).toBe(1 + 2 ** -23);
  });

  it('agrees with an exact BigInt reference on random float32 triples of mixed scale', () => {
    const g = new Generator().manual_seed(123);
    const rnd = () => {
      const bits = (g.random() & 0x807fffff) | ((112 + (g.random() % 30)) << 23);
      return bitsToFloat(bits);
    };
    for (let i = 0; i < 20000; i++) {
      const a = rnd();
      const b = rnd();
      const c = rnd();
      expect(floatBits(fma32(a, b, c))).toBe(floatBits(fmaRef(a, b, c)));
    }
  });
});

describe('formatCppDouble', () => {
  it('prints like std::ostream << double (%g, 6 digits)', () => {
    expect([1, -1, 0.1, 1 / 3, 3e38, 1e-5, 123456, 1234567, 0.0001, Number.NaN].map(formatCppDouble)).toEqual(
      ['1', '-1', '0.1', '0.333333', '3e+38', '1e-05', '123456', '1.23457e+06', '0.0001', 'nan'],
    );
  });
});
