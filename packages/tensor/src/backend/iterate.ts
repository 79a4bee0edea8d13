/**
 * Strided iteration shared by the plain-TypeScript kernels: walks several same-shaped views row by
 * row (a row is the innermost dimension), after merging dimensions that are contiguous in every
 * operand (@minidl/kernels' `coalesce`, the same merge its strided wasm kernels do), so a fully
 * contiguous operation becomes a single long row.
 */
import { coalesce } from '@minidl/kernels';

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
  const c = coalesce(shape, strides); // rank >= 1: a single element is one row of length 1
  const rank = c.shape.length;
  const cur = offsets.slice();
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
