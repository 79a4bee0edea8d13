/**
 * Output sizes of convolution and pooling windows along one spatial dimension, as PyTorch
 * computes them (see the shape formulas in the docs of `torch.nn.Conv2d` and `torch.nn.MaxPool2d`).
 */

/** Options of a sliding window along one dimension. */
export interface WindowGeometry {
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
}

/**
 * floor((in + 2*padding - dilation*(kernel-1) - 1) / stride) + 1, the Conv2d output size.
 *
 * @example
 * ```ts
 * convOutputSize(28, { kernel: 3, stride: 1, padding: 1, dilation: 1 }); // 28
 * ```
 */
export function convOutputSize(input: number, g: WindowGeometry): number {
  return Math.floor((input + 2 * g.padding - g.dilation * (g.kernel - 1) - 1) / g.stride) + 1;
}

/**
 * The pooling output size. With `ceilMode` PyTorch rounds up, but drops the last window when it
 * would start inside the right padding only (the rule in ATen's `pooling_output_shape`).
 *
 * @example
 * ```ts
 * poolOutputSize(7, { kernel: 2, stride: 2, padding: 0, dilation: 1 }, true); // 4
 * ```
 */
export function poolOutputSize(input: number, g: WindowGeometry, ceilMode: boolean): number {
  const span = input + 2 * g.padding - g.dilation * (g.kernel - 1) - 1 + (ceilMode ? g.stride - 1 : 0);
  let out = Math.floor(span / g.stride) + 1;
  if (ceilMode && (out - 1) * g.stride >= input + g.padding) out -= 1;
  return out;
}
