/**
 * `F.pad`: padding of the last dims, as PyTorch's `torch.nn.functional.pad`. Built from
 * differentiable ops, so its gradient (and higher ones) follow: constant padding concatenates
 * blocks of the fill value (and narrows for negative amounts, which crop); reflect, replicate and
 * circular padding gather each padded dim through a source index per output position, whose
 * gradient adds every copy back to its source.
 */
import type { Tensor } from '../tensor.js';
import { full, tensor } from './creation.js';
import { index_select } from './indexing.js';
import { cat } from './join.js';
import { narrow } from './views.js';

/** PyTorch's padding modes. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of {@link pad}, with PyTorch's names and defaults. */
export interface PadOptions {
  /** How the border is filled (default `'constant'`). */
  mode?: PadMode;
  /** The fill value of constant padding (default 0). */
  value?: number;
}

/**
 * The input position that output position `i` (counted from the padded start, so `i - before` is
 * the position in the input) copies, for a non-constant mode along a dim of `size` elements:
 *   reflect:   mirror at the edges without repeating them (…, 2, 1, [0, 1, 2, …]);
 *   replicate: the edge element repeated;
 *   circular:  wrap around.
 */
function sourceIndex(mode: Exclude<PadMode, 'constant'>, i: number, before: number, size: number): number {
  const j = i - before;
  if (mode === 'replicate') return Math.min(Math.max(j, 0), size - 1);
  if (mode === 'circular') return ((j % size) + size) % size;
  const period = 2 * (size - 1);
  const r = ((j % period) + period) % period;
  return r < size ? r : period - r;
}

function constantPad(input: Tensor, amounts: [number, number][], value: number): Tensor {
  let out = input;
  amounts.forEach(([before, after], k) => {
    const dim = input.ndim - 1 - k;
    // negative amounts crop
    const size = out.shape[dim]!;
    const start = Math.max(-before, 0);
    const length = size - start - Math.max(-after, 0);
    if (length < 0) throw new Error(`pad: the cropping amounts exceed dim ${dim}'s size ${size}`);
    if (start > 0 || length < size) out = narrow(out, dim, start, length);
    const block = (n: number) =>
      full(
        out.shape.map((s, d) => (d === dim ? n : s)),
        value,
        { dtype: out.dtype, device: out.device },
      );
    const parts = [...(before > 0 ? [block(before)] : []), out, ...(after > 0 ? [block(after)] : [])];
    if (parts.length > 1) out = cat(parts, dim);
  });
  return out;
}

function indexedPad(input: Tensor, amounts: [number, number][], mode: Exclude<PadMode, 'constant'>): Tensor {
  const dims = amounts.length;
  // PyTorch pads k dims of a (k+1)- or (k+2)-dim input: [C, ...] or [N, C, ...]
  if (dims > 3 || (input.ndim !== dims + 1 && input.ndim !== dims + 2)) {
    throw new Error(
      `Padding size ${2 * dims} is not supported for ${input.ndim}D input tensor: ${mode} padding of ` +
        `${dims} dims needs a ${dims + 1}D or ${dims + 2}D input ([C, ...] or [N, C, ...])`,
    );
  }
  let out = input;
  amounts.forEach(([before, after], k) => {
    const dim = input.ndim - 1 - k;
    const size = input.shape[dim]!;
    const limit = mode === 'reflect' ? size - 1 : mode === 'circular' ? size : Number.POSITIVE_INFINITY;
    if (before > limit || after > limit || before < 0 || after < 0 || (mode === 'replicate' && size === 0)) {
      const where = `padding (${before}, ${after}) at dimension ${dim} of input [${input.shape.join(', ')}]`;
      throw new Error(
        mode === 'reflect'
          ? `Padding size should be less than the corresponding input dimension, but got: ${where}`
          : mode === 'circular'
            ? `Padding value causes wrapping around more than once: ${where} (at most the dim's size)`
            : `${mode} padding needs non-negative amounts and a non-empty dim, but got: ${where}`,
      );
    }
    if (before === 0 && after === 0) return;
    const index = Array.from({ length: size + before + after }, (_, i) => sourceIndex(mode, i, before, size));
    out = index_select(out, dim, tensor(index, { dtype: 'int64', device: out.device }));
  });
  return out;
}

/**
 * Pads the last dims of `input`, as PyTorch's `F.pad`: `pad` lists (before, after) amounts starting
 * from the last dim (`[left, right, top, bottom]` pads width then height). Constant padding accepts
 * any number of dims and negative amounts (cropping); reflect, replicate and circular pad 1 to 3
 * dims of a batched or unbatched input.
 *
 * @throws for an odd-length `pad`, an unknown mode, or amounts the mode cannot take (PyTorch's rules).
 * @example
 * ```ts
 * const x = torch.arange(9).float().reshape([1, 1, 3, 3]);
 * F.pad(x, [1, 1, 1, 1], { mode: 'reflect' }).shape; // [1, 1, 5, 5]
 * F.pad(x, [0, 2], { value: -1 });                     // two columns of -1 on the right
 * ```
 */
export function pad(input: Tensor, pad: readonly number[], options: PadOptions = {}): Tensor {
  const { mode = 'constant', value = 0 } = options;
  if (pad.length % 2 !== 0) throw new Error('Padding length must be divisible by 2');
  if (pad.length / 2 > input.ndim) {
    throw new Error(
      `Padding length should be less than or equal to two times the input dimension but got padding length ${pad.length} and input of dimension ${input.ndim}`,
    );
  }
  if (!pad.every((p) => Number.isInteger(p)))
    throw new TypeError(`pad amounts must be integers, got [${pad.join(', ')}]`);
  const amounts: [number, number][] = [];
  for (let k = 0; k < pad.length; k += 2) amounts.push([pad[k]!, pad[k + 1]!]);
  switch (mode) {
    case 'constant':
      return constantPad(input, amounts, value);
    case 'reflect':
    case 'replicate':
    case 'circular':
      return indexedPad(input, amounts, mode);
    default:
      throw new Error(
        `Unrecognised padding mode ${String(mode)}: use 'constant', 'reflect', 'replicate' or 'circular'`,
      );
  }
}
