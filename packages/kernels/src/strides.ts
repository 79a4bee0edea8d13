/**
 * Shape/stride bookkeeping for the strided kernels: contiguous strides, and dimension coalescing so
 * the wasm loop sees the fewest, longest rows (a contiguous tensor of any rank becomes one row).
 */

/**
 * Most dimensions a strided kernel accepts after coalescing.
 *
 * @example
 * ```ts
 * MAX_RANK; // 8
 * ```
 */
export const MAX_RANK = 8;

/**
 * Row-major (C-contiguous) element strides of a shape.
 *
 * @example
 * ```ts
 * contiguousStrides([2, 3, 4]); // [12, 4, 1]
 * ```
 */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

/**
 * Drops size-1 dims and merges neighbours that every operand walks contiguously
 * (stride[d] == stride[d+1] * shape[d+1]). Returns rank >= 1.
 *
 * @example
 * ```ts
 * coalesce([2, 3, 4], [[12, 4, 1], [0, 4, 1]]); // { shape: [2, 12], strides: [[12, 1], [0, 1]] }
 * ```
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * n)) {
      outShape[last]! *= n;
      strides.forEach((s, k) => {
        outStrides[k]![last] = s[d]!;
      });
    } else {
      outShape.push(n);
      for (let k = 0; k < strides.length; k++) outStrides[k]!.push(strides[k]![d]!);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(1);
  }
  return { shape: outShape, strides: outStrides };
}
