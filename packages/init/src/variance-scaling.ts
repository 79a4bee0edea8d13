/**
 * Variance scaling as in JAX (`jax.nn.initializers.variance_scaling`) and Keras
 * (`keras.initializers.VarianceScaling`), and the LeCun initialisations built on it.
 */
import type { Tensor } from '@minidl/tensor';
import { normal_, uniform_ } from './basic.js';
import { calculate_fan_in_and_fan_out, type ShapeLike } from './fan.js';
import { type GeneratorOptions, skipZeroElement } from './tensor-io.js';
import { trunc_normal_ } from './trunc-normal.js';

/**
 * Standard deviation of N(0, 1) truncated to [-2, 2]: `sqrt(1 - 4 phi(2) / (2 Phi(2) - 1))`.
 * Dividing by it makes a normal truncated at two (pre-correction) standard deviations have the
 * intended variance (the constant JAX and Keras use).
 *
 * @example
 * ```ts
 * const s = Math.sqrt(1 / fan_in) / TRUNCATED_NORMAL_STD; // lecun_normal_'s pre-truncation std
 * ```
 */
export const TRUNCATED_NORMAL_STD = 0.8796256610342398;

/** Which fans the variance is divided by. */
export type VarianceScalingMode = 'fan_in' | 'fan_out' | 'fan_avg';
/** Distribution of {@link variance_scaling_}; `'normal'` is JAX's name for `'untruncated_normal'`. */
export type VarianceScalingDistribution = 'truncated_normal' | 'untruncated_normal' | 'normal' | 'uniform';

/** Parameters of {@link variance_scaling_}, with Keras's names and defaults. */
export interface VarianceScalingParams {
  /** Scaling factor of the variance (positive). Default 1. */
  scale?: number;
  /** `'fan_in'` (default), `'fan_out'` or `'fan_avg'` (the mean of the two). */
  mode?: VarianceScalingMode;
  /** Default `'truncated_normal'`. */
  distribution?: VarianceScalingDistribution;
}

/** Keyword arguments of {@link variance_scaling_}. */
export interface VarianceScalingOptions extends VarianceScalingParams, GeneratorOptions {}

const MODES: readonly string[] = ['fan_in', 'fan_out', 'fan_avg'];
const DISTRIBUTIONS: readonly string[] = ['truncated_normal', 'untruncated_normal', 'normal', 'uniform'];

/**
 * The target variance `scale / n` of variance scaling, with `n` = fan_in, fan_out or their mean.
 * Fans follow PyTorch's layout `[out, in, *kernel]` (JAX and Keras put `in, out` last: transpose
 * shapes from those libraries before comparing).
 *
 * @throws for a non-positive scale or an unknown mode.
 *
 * @example
 * ```ts
 * variance_scaling_variance([10, 100], { scale: 2, mode: 'fan_avg' }); // 2 / 55
 * ```
 */
export function variance_scaling_variance(shape: ShapeLike, params: VarianceScalingParams = {}): number {
  const { scale = 1.0, mode = 'fan_in' } = params;
  if (!(scale > 0)) throw new RangeError(`\`scale\` must be positive float. Received: scale=${scale}`);
  if (!MODES.includes(mode)) throw new RangeError(`invalid mode for variance scaling initializer: ${mode}`);
  const [fanIn, fanOut] = calculate_fan_in_and_fan_out(shape);
  const denominator = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
  return scale / denominator;
}

/**
 * Variance-scaling initialisation (Keras/JAX): weights with variance `scale / n`,
 * `n` = fan_in, fan_out or (fan_in + fan_out) / 2, drawn from
 *
 * - `'truncated_normal'`: N(0, s^2) truncated to [-2s, 2s] with
 *   `s = sqrt(scale / n) / 0.87962566103423978` (so the truncated variance is `scale / n`),
 * - `'untruncated_normal'` (or `'normal'`): N(0, scale / n),
 * - `'uniform'`: U(-sqrt(3 scale / n), sqrt(3 scale / n)).
 *
 * It generalises the named schemes: `scale 2, fan_in` is He (ReLU), `scale 1, fan_avg` is Glorot,
 * `scale 1, fan_in` is LeCun (SELU, linear). Sampling goes through this package's PyTorch-exact
 * `trunc_normal_` / `normal_` / `uniform_`. Zero-element tensors are left unchanged with
 * PyTorch's warning.
 *
 * @throws for a non-positive scale, unknown mode or distribution, or fewer than 2 dimensions.
 *
 * @example
 * ```ts
 * variance_scaling_(w, { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' });
 * ```
 */
export function variance_scaling_<T extends Tensor>(tensor: T, options: VarianceScalingOptions = {}): T {
  const { distribution = 'truncated_normal', generator } = options;
  if (!DISTRIBUTIONS.includes(distribution)) {
    throw new RangeError(`invalid distribution for variance scaling initializer: ${distribution}`);
  }
  if (skipZeroElement(tensor)) return tensor;
  const variance = variance_scaling_variance(tensor, options);
  if (distribution === 'truncated_normal') {
    const std = Math.sqrt(variance) / TRUNCATED_NORMAL_STD;
    return trunc_normal_(tensor, { mean: 0, std, a: -2 * std, b: 2 * std, generator });
  }
  if (distribution === 'uniform') {
    const limit = Math.sqrt(3.0 * variance);
    return uniform_(tensor, { a: -limit, b: limit, generator });
  }
  return normal_(tensor, { mean: 0, std: Math.sqrt(variance), generator });
}

/**
 * LeCun normal initialisation (LeCun et al. 1998, "Efficient BackProp"; Klambauer et al. 2017 for
 * SELU): truncated normal with variance `1 / fan_in`, i.e.
 * `variance_scaling_(t, { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' })` as in
 * JAX and Keras. The init self-normalising (SELU) networks need.
 *
 * @example
 * ```ts
 * lecun_normal_(linear.weight);
 * ```
 */
export function lecun_normal_<T extends Tensor>(tensor: T, options: GeneratorOptions = {}): T {
  return variance_scaling_(tensor, {
    ...options,
    scale: 1,
    mode: 'fan_in',
    distribution: 'truncated_normal',
  });
}

/**
 * LeCun uniform initialisation: U(-sqrt(3 / fan_in), sqrt(3 / fan_in)), i.e.
 * `variance_scaling_(t, { scale: 1, mode: 'fan_in', distribution: 'uniform' })` as in JAX and Keras.
 *
 * @example
 * ```ts
 * lecun_uniform_(linear.weight);
 * ```
 */
export function lecun_uniform_<T extends Tensor>(tensor: T, options: GeneratorOptions = {}): T {
  return variance_scaling_(tensor, { ...options, scale: 1, mode: 'fan_in', distribution: 'uniform' });
}
