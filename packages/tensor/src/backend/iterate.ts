/**
 * Strided iteration shared by the plain-TypeScript kernels: walks several same-shaped views row by
 * row (a row is the innermost dimension), after merging dimensions that are contiguous in every
 * operand, so a fully contiguous operation becomes a single long row.
 */

/** Shape and per-operand strides after merging dimensions that are contiguous in all operands. */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue; // a size-1 dim never moves any pointer
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * size)) {
      outShape[last]! *= size;
      strides.forEach((s, k) => {
        outStrides[k]![last] = s[d]!;
      });
    } else {
      outShape.push(size);
      strides.forEach((s, k) => {
        outStrides[k]!.push(s[d]!);
      });
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `row(offsets, length, steps)` once per innermost row of `shape`; `offsets[k]` is operand k's
 * element offset of the row start and `steps[k]` its innermost stride. The offsets array is reused.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  row: (offsets: number[], length: number, steps: number[]) => void,
): void {
  for (const d of shape) if (d === 0) return;
  const c = coalesce(shape, strides);
  const rank = c.shape.length;
  const cur = offsets.slice();
  if (rank === 0) {
    row(
      cur,
      1,
      offsets.map(() => 0),
    );
    return;
  }
  const len = c.shape[rank - 1]!;
  const steps = c.strides.map((s) => s[rank - 1]!);
  const outer = rank - 1;
  const idx = new Array<number>(outer).fill(0);
  const k = cur.length;
  for (;;) {
    row(cur, len, steps);
    let d = outer - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < k; j++) cur[j]! += c.strides[j]![d]!;
      if (idx[d]! < c.shape[d]!) break;
      for (let j = 0; j < k; j++) cur[j]! -= c.strides[j]![d]! * c.shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
