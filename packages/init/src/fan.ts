/**
 * Fan-in and fan-out of a weight, as `torch.nn.init._calculate_fan_in_and_fan_out`.
 */

/** Anything with a shape: a Tensor, a Parameter. */
export interface HasShape {
  /** Sizes of the dimensions, outermost first. */
  readonly shape: readonly number[];
}

/** A shape, or anything that has one. */
export type ShapeLike = readonly number[] | HasShape;

/** The shape of a {@link ShapeLike}. */
export function shapeOf(x: ShapeLike): readonly number[] {
  return Array.isArray(x) ? (x as readonly number[]) : (x as HasShape).shape;
}

/**
 * Fan-in and fan-out of a weight tensor in PyTorch's layout `[out, in, *kernel]`:
 * `fan_in = in * prod(kernel)` and `fan_out = out * prod(kernel)` (the receptive field
 * `prod(kernel)` is 1 for a Linear weight `[out, in]`).
 *
 * The fans are the number of inputs summed into one output unit (fan_in) and the number of
 * outputs one input unit feeds (fan_out); variance-preserving initialisations scale weights by
 * them (Glorot & Bengio 2010; He et al. 2015).
 *
 * @param tensor - a tensor or shape with at least 2 dimensions.
 * @returns `[fan_in, fan_out]`.
 * @throws for fewer than 2 dimensions, with PyTorch's message.
 *
 * @example
 * ```ts
 * calculate_fan_in_and_fan_out([16, 1, 3, 3]); // [9, 144]: a Conv2d(1, 16, 3) weight
 * calculate_fan_in_and_fan_out(linear.weight); // [in_features, out_features]
 * ```
 */
export function calculate_fan_in_and_fan_out(tensor: ShapeLike): [number, number] {
  const shape = shapeOf(tensor);
  if (shape.length < 2) {
    throw new Error('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  }
  let receptiveField = 1;
  for (let i = 2; i < shape.length; i++) receptiveField *= shape[i]!;
  return [shape[1]! * receptiveField, shape[0]! * receptiveField];
}

/**
 * PyTorch's private name, for code ported line by line. Same as {@link calculate_fan_in_and_fan_out}.
 *
 * @example
 * ```ts
 * const [fan_in, fan_out] = init._calculate_fan_in_and_fan_out(w);
 * ```
 */
export const _calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out;

/** Which fan a Kaiming initialisation preserves the variance over. */
export type FanMode = 'fan_in' | 'fan_out';

/**
 * The fan a Kaiming initialisation divides by, as `torch.nn.init._calculate_correct_fan`: `mode`
 * is case-insensitive; `'fan_in'` preserves the variance of activations in the forward pass,
 * `'fan_out'` that of gradients in the backward pass.
 *
 * @throws for another mode, with PyTorch's message (quoting the lower-cased mode).
 *
 * @example
 * ```ts
 * calculate_correct_fan([64, 32, 3, 3], 'fan_out'); // 576
 * ```
 */
export function calculate_correct_fan(tensor: ShapeLike, mode: string): number {
  const lowered = String(mode).toLowerCase();
  if (lowered !== 'fan_in' && lowered !== 'fan_out') {
    throw new Error(`Mode ${lowered} not supported, please use one of ['fan_in', 'fan_out']`);
  }
  const [fanIn, fanOut] = calculate_fan_in_and_fan_out(tensor);
  return lowered === 'fan_in' ? fanIn : fanOut;
}
