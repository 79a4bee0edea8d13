/**
 * `F.max_pool2d` and `F.avg_pool2d` with PyTorch's arguments: `return_indices` for max pooling and
 * `divisor_override` for average pooling, on top of the tensor ops.
 */

import type { AvgPool2dOptions, MaxPool2dOptions, Pair, Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';
import { pair } from './conv.js';

export type { MaxPool2dOptions };

/** Options of `F.avg_pool2d` and `nn.AvgPool2d`, with PyTorch's names and defaults. */
export interface AvgPoolOptions extends AvgPool2dOptions {
  /** Divide every window's sum by this instead of the window size (default null). */
  divisor_override?: number | null;
}

/**
 * The parameters after `kernel_size` that `F.avg_pool2d` and `nn.AvgPool2d` take positionally: the
 * same names in the same order in both (unlike max pooling, whose module swaps `return_indices`
 * and `ceil_mode`).
 */
export type AvgPoolPositional = [
  stride: Pair | null,
  padding: Pair,
  ceil_mode: boolean,
  count_include_pad: boolean,
  divisor_override: number | null,
];
/** The names of {@link AvgPoolPositional}, for `namedArgs`. */
export const AVG_POOL_POSITIONAL = [
  'stride',
  'padding',
  'ceil_mode',
  'count_include_pad',
  'divisor_override',
] as const;

/**
 * Max pooling over NCHW (or CHW). `stride` defaults to the kernel size; `ceil_mode` rounds the
 * output size up. With `return_indices: true` returns `[output, indices]` (flat h*w positions).
 *
 * @example
 * ```ts
 * F.max_pool2d(x, 2); // [N, C, 28, 28] -> [N, C, 14, 14]
 * F.max_pool2d(x, 3, 2, 1, 1, true); // stride 2, padding 1, dilation 1, ceil_mode
 * F.max_pool2d(x, 3, { stride: 2, padding: 1, ceil_mode: true }); // the same
 * ```
 */
export function max_pool2d(
  input: Tensor,
  kernel_size: Pair,
  options: MaxPool2dOptions & { return_indices: true },
): [Tensor, Tensor];
export function max_pool2d(
  input: Tensor,
  kernel_size: Pair,
  stride: Pair | null | undefined,
  options: MaxPool2dOptions & { return_indices: true },
): [Tensor, Tensor];
export function max_pool2d(
  input: Tensor,
  kernel_size: Pair,
  ...args: PyArgs<[stride: Pair | null, padding: Pair, dilation: Pair, ceil_mode: boolean], MaxPool2dOptions>
): Tensor;
export function max_pool2d(input: Tensor, kernel_size: Pair, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  const o = namedArgs<MaxPool2dOptions>(args, [
    'stride',
    'padding',
    'dilation',
    'ceil_mode',
    'return_indices',
  ]);
  return o.return_indices
    ? torch.max_pool2d_with_indices(input, kernel_size, o)
    : torch.max_pool2d(input, kernel_size, o);
}

/**
 * Average pooling over NCHW (or CHW): `count_include_pad` (default true) counts zero padding in the
 * divisor; `divisor_override` divides each window's sum by a fixed number instead. For the latter
 * the sum is recovered from the count_include_pad average times PyTorch's per-window `pool_size`,
 * (min(start + k, size + pad) - start) per dim, which is what that average divided by.
 *
 * @example
 * ```ts
 * F.avg_pool2d(x, 2);
 * F.avg_pool2d(x, 3, 1, 1, false, false); // stride 1, padding 1, ceil_mode, count_include_pad
 * F.avg_pool2d(x, 3, 1, { padding: 1, count_include_pad: false }); // the same
 * ```
 */
export function avg_pool2d(
  input: Tensor,
  kernel_size: Pair,
  ...args: PyArgs<AvgPoolPositional, AvgPoolOptions>
): Tensor {
  const { divisor_override: divisor, ...o } = namedArgs<AvgPoolOptions>(args, AVG_POOL_POSITIONAL);
  if (divisor === undefined || divisor === null) return torch.avg_pool2d(input, kernel_size, o);
  if (divisor === 0) throw new Error('divisor must be not zero');
  const avg = torch.avg_pool2d(input, kernel_size, { ...o, count_include_pad: true });
  const [kh, kw] = pair(kernel_size);
  const [sh, sw] = pair(o.stride ?? kernel_size);
  const [ph, pw] = pair(o.padding ?? 0);
  const [h, w] = input.shape.slice(-2) as [number, number];
  const [oh, ow] = avg.shape.slice(-2) as [number, number];
  const sizes = new Float32Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    const hs = i * sh - ph;
    for (let j = 0; j < ow; j++) {
      const ws = j * sw - pw;
      sizes[i * ow + j] = (Math.min(hs + kh, h + ph) - hs) * (Math.min(ws + kw, w + pw) - ws);
    }
  }
  return avg.mul(torch.tensor(sizes, { device: input.device }).view([oh, ow]).div(divisor));
}
