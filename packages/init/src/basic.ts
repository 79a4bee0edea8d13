/**
 * The plain fills of torch.nn.init: `uniform_`, `normal_`, `constant_`, `ones_`, `zeros_`.
 */
import { no_grad, type Tensor } from '@minidl/tensor';
import { type GeneratorOptions, generatorOption, keywordArgs } from './tensor-io.js';

/** Keyword form of {@link uniform_}'s arguments. */
export interface UniformOptions extends GeneratorOptions {
  /** Lower bound. Default 0. */
  a?: number;
  /** Upper bound (exclusive). Default 1. */
  b?: number;
}

/** Keyword form of {@link normal_}'s arguments. */
export interface NormalOptions extends GeneratorOptions {
  /** Mean. Default 0. */
  mean?: number;
  /** Standard deviation (>= 0). Default 1. */
  std?: number;
}

/**
 * Fills `tensor` with values drawn from the uniform distribution U(a, b), as
 * `torch.nn.init.uniform_` (float32 values identical to PyTorch's for the same generator state).
 *
 * @param a - lower bound (default 0); or all arguments as `{ a, b, generator }`.
 * @param b - upper bound (default 1).
 * @throws for `a > b` or non-finite bounds, with PyTorch's messages.
 *
 * @example
 * ```ts
 * manual_seed(0);
 * uniform_(w, -0.1, 0.1);
 * uniform_(w, { a: -0.1, b: 0.1, generator: g });
 * ```
 */
export function uniform_<T extends Tensor>(
  tensor: T,
  a: number | UniformOptions = 0.0,
  b = 1.0,
  options: GeneratorOptions = {},
): T {
  const o = keywordArgs<UniformOptions>(a, { a, b }, options);
  no_grad(() => tensor.uniform_(o.a ?? 0.0, o.b ?? 1.0, generatorOption(o)));
  return tensor;
}

/**
 * Fills `tensor` with values drawn from the normal distribution N(mean, std^2), as
 * `torch.nn.init.normal_` (float32 values identical to PyTorch's for the same generator state).
 * The tutorial's "small random" scheme is `normal_(w, 0, 0.02)`.
 *
 * @param mean - default 0; or all arguments as `{ mean, std, generator }`.
 * @param std - default 1; must be >= 0.
 *
 * @example
 * ```ts
 * normal_(conv.weight, 0, 0.02);
 * normal_(conv.weight, { std: 0.02 });
 * ```
 */
export function normal_<T extends Tensor>(
  tensor: T,
  mean: number | NormalOptions = 0.0,
  std = 1.0,
  options: GeneratorOptions = {},
): T {
  const o = keywordArgs<NormalOptions>(mean, { mean, std }, options);
  no_grad(() => tensor.normal_(o.mean ?? 0.0, o.std ?? 1.0, generatorOption(o)));
  return tensor;
}

/**
 * Fills `tensor` with the value `val`, as `torch.nn.init.constant_`.
 *
 * @example
 * ```ts
 * constant_(bn.weight, 1);
 * ```
 */
export function constant_<T extends Tensor>(tensor: T, val: number): T {
  no_grad(() => tensor.fill_(val));
  return tensor;
}

/**
 * Fills `tensor` with ones, as `torch.nn.init.ones_`.
 *
 * @example
 * ```ts
 * ones_(bn.weight);
 * ```
 */
export function ones_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 1.0);
}

/**
 * Fills `tensor` with zeros, as `torch.nn.init.zeros_` (the usual bias init; for weights it makes
 * every unit of a layer compute the same function, so they never differentiate).
 *
 * @example
 * ```ts
 * zeros_(linear.bias);
 * ```
 */
export function zeros_<T extends Tensor>(tensor: T): T {
  no_grad(() => tensor.zero_());
  return tensor;
}
