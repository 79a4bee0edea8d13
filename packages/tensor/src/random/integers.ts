/**
 * PyTorch's integer sampling on the CPU generator: `randint` / `random_(from, to)` and `randperm`.
 */
import type { Generator } from './generator.js';

/** torch 2.x draws 64 bits per value once the range reaches 2^28 (1.13: 2^32), else 32. */
const WIDE_RANGE = 2 ** 28;

/** Integers a double holds exactly, with every integer between them (|x| <= 2^53). */
function isExactInteger(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x) <= 2 ** 53;
}

/**
 * Fills `out` with integers uniform in [low, high) exactly as `torch.randint(low, high, size)`
 * (`random_from_to` on the CPU): with `range = high - low`, each value is
 * `low + random() % range` when `range < 2^28` and `low + random64() % range` otherwise (note the
 * modulo bias, as PyTorch). Bounds and values must lie within +-2^53, where doubles are exact integers.
 *
 * @throws RangeError with PyTorch's message unless `low < high`.
 *
 * @example
 * ```ts
 * manual_seed(3);
 * fillRandint(default_generator, new Array<number>(5), 0, 10); // torch.randint(0, 10, (5,))
 * ```
 */
export function fillRandint<T extends { length: number; [i: number]: number }>(
  gen: Generator,
  out: T,
  low: number,
  high: number,
): T {
  if (!isExactInteger(low) || !isExactInteger(high)) {
    throw new TypeError(`randint bounds must be integers within +-2^53, got low=${low}, high=${high}`);
  }
  if (!(low < high)) {
    throw new RangeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  }
  const range = high - low;
  if (range < WIDE_RANGE) {
    for (let i = 0; i < out.length; i++) out[i] = low + (gen.random() % range);
  } else {
    const r = BigInt(range);
    for (let i = 0; i < out.length; i++) out[i] = low + Number(gen.random64() % r);
  }
  return out;
}

/**
 * A random permutation of 0..n-1 exactly as `torch.randperm(n)` on the CPU (for n below
 * 2^32 / 20): start from the identity and for i = 0..n-2 swap element i with element
 * `i + random() % (n - i)` (a Fisher-Yates shuffle from the front).
 *
 * @throws RangeError for a negative or non-integer `n`, with PyTorch's message for negative sizes.
 *
 * @example
 * ```ts
 * manual_seed(5);
 * randpermValues(default_generator, 10); // torch.randperm(10).tolist()
 * ```
 */
export function randpermValues(gen: Generator, n: number): number[] {
  if (!Number.isInteger(n)) throw new TypeError(`randperm expects an integer n, got ${n}`);
  if (n < 0) throw new RangeError(`Trying to create tensor with negative dimension ${n}: [${n}]`);
  if (n >= 0xffffffff / 20) {
    throw new RangeError(
      `randperm of n >= ${Math.floor(0xffffffff / 20)} is not implemented (PyTorch uses another algorithm there)`,
    );
  }
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n - 1; i++) {
    const z = gen.random() % (n - i);
    const t = p[i]!;
    p[i] = p[i + z]!;
    p[i + z] = t;
  }
  return p;
}
