/**
 * The recommended gain for a nonlinearity, exactly as `torch.nn.init.calculate_gain`.
 *
 * | nonlinearity | gain |
 * | --- | --- |
 * | linear, conv1d/2d/3d, conv_transpose1d/2d/3d, sigmoid | 1 |
 * | tanh | 5/3 |
 * | relu | sqrt(2) |
 * | leaky_relu | sqrt(2 / (1 + negative_slope^2)), slope 0.01 when not given |
 * | selu | 3/4 |
 *
 * The gain scales the standard deviation of Xavier and Kaiming initialisation so that the
 * variance of activations is preserved through the nonlinearity (He et al. 2015, eq. 10).
 *
 * @param nonlinearity - the function's name, as PyTorch spells it.
 * @param param - the negative slope for `leaky_relu`.
 * @throws for an unknown name, or a slope that is not a number (PyTorch's messages).
 *
 * @example
 * ```ts
 * import { calculate_gain } from '@minidl/init';
 * calculate_gain('relu');              // 1.4142135623730951
 * calculate_gain('leaky_relu', 0.2);   // 1.3867504905630728
 * ```
 */
export function calculate_gain(nonlinearity: string, param?: number | null): number {
  const linearFns = [
    'linear',
    'conv1d',
    'conv2d',
    'conv3d',
    'conv_transpose1d',
    'conv_transpose2d',
    'conv_transpose3d',
  ];
  if (linearFns.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    let negativeSlope: number;
    if (param === undefined || param === null) {
      negativeSlope = 0.01;
    } else if (typeof param === 'number') {
      // PyTorch accepts any int or float (NaN included, giving NaN) but not bools.
      negativeSlope = param;
    } else {
      throw new Error(`negative_slope ${pythonStr(param)} not a valid number`);
    }
    // slope * slope, not ** 2: the product is correctly rounded, as Python's slope**2 is.
    return Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
  }
  // PyTorch's constant: 3/4 keeps self-normalising nets stable (see its init docs).
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new Error(`Unsupported nonlinearity ${nonlinearity}`);
}

/** A value as Python's `str()` prints it in PyTorch's messages (`True`, not `true`). */
function pythonStr(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}
