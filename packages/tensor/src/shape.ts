/**
 * Shape arithmetic shared by every op: element counts, contiguous strides, broadcasting and
 * dimension wrapping, each following PyTorch's rules and error messages.
 */

/** A tensor's shape: one non-negative integer per dimension, outermost first. */
export type Shape = readonly number[];

/** Number of elements of a tensor of this shape (1 for a scalar `[]`).
 *
 * @example
 * ```ts
 * numel([2, 3]); // 6
 * ```
 */
export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-contiguous) strides in elements: the last dimension has stride 1.
 *
 * @example
 * ```ts
 * contiguousStrides([2, 3, 4]); // [12, 4, 1]
 * ```
 */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= Math.max(shape[i]!, 1);
  }
  return strides;
}

/** Formats a shape as PyTorch prints it in messages: `[2, 3]`.
 *
 * @example
 * ```ts
 * formatShape([28, 28]); // '[28, 28]'
 * ```
 */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/**
 * The shape two shapes broadcast to, as NumPy and PyTorch define it: align trailing dimensions;
 * each pair must be equal or contain a 1.
 *
 * @throws if a pair of dimensions is incompatible, with PyTorch's wording.
 *
 * @example
 * ```ts
 * broadcastShapes([8, 1, 6, 1], [7, 1, 5]); // [8, 7, 6, 5]
 * ```
 */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  // Right to left, as ATen's infer_size: the message names the rightmost mismatching dimension.
  for (let i = rank - 1; i >= 0; i--) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Wraps a possibly negative dimension index into `[0, rank)` as PyTorch does (`-1` is the last).
 * A scalar accepts dims -1 and 0, as in PyTorch.
 *
 * @example
 * ```ts
 * normalizeDim(-1, 3); // 2
 * ```
 */
export function normalizeDim(dim: number, rank: number): number {
  const effectiveRank = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -effectiveRank || dim >= effectiveRank) {
    throw new RangeError(
      `Dimension out of range (expected to be in range of [${-effectiveRank}, ${effectiveRank - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + effectiveRank : dim;
}
