/**
 * `F.conv2d`: PyTorch's 2-d convolution on top of the tensor op, adding what it leaves out —
 * padding='same' when the total padding d * (k - 1) is odd (an even kernel). PyTorch then pads
 * floor(total / 2) on the left/top and the rest on the right/bottom (ATen's `_convolution_mode`):
 * we zero-pad the input by the extra element on the right/bottom (`F.pad`) and convolve with the
 * symmetric floor(total / 2).
 */

import type { Conv2dOptions, Pair, Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';

export type { Conv2dOptions, Pair };

/** `(a, a)` for a number, the pair itself otherwise. */
export function pair(v: Pair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/**
 * 2-d convolution (cross-correlation) of an NCHW (or CHW) input with OIHW weights, as `F.conv2d`.
 *
 * @example
 * ```ts
 * F.conv2d(x, conv.weight, conv.bias, { padding: 1 }); // [N, 1, 28, 28] -> [N, 16, 28, 28]
 * F.conv2d(x, w, null, { padding: 'same', dilation: 2 });
 * F.conv2d(x, w, b, 2, 1); // stride 2, padding 1, as PyTorch's positionals
 * ```
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  ...args: PyArgs<
    [stride: Pair, padding: Pair | 'same' | 'valid', dilation: Pair, groups: number],
    Conv2dOptions
  >
): Tensor {
  const options = namedArgs<Conv2dOptions>(args, ['stride', 'padding', 'dilation', 'groups']);
  if (options.padding !== 'same' || weight.ndim !== 4 || (input.ndim !== 4 && input.ndim !== 3)) {
    return torch.conv2d(input, weight, bias ?? null, options);
  }
  const [dh, dw] = pair(options.dilation ?? 1);
  const total = [dh * (weight.shape[2]! - 1), dw * (weight.shape[3]! - 1)] as const;
  const extra = [total[0] % 2, total[1] % 2] as const;
  if (extra[0] === 0 && extra[1] === 0) return torch.conv2d(input, weight, bias ?? null, options);
  const [sh, sw] = pair(options.stride ?? 1);
  if (sh !== 1 || sw !== 1) throw new Error("padding='same' is not supported for strided convolutions");
  const padded = torch.pad(input, [0, extra[1], 0, extra[0]]);
  const symmetric: [number, number] = [(total[0] - extra[0]) / 2, (total[1] - extra[1]) / 2];
  return torch.conv2d(padded, weight, bias ?? null, { ...options, padding: symmetric });
}
