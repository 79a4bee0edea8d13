/**
 * The scale formulas of each initialisation, in PyTorch's exact operation order (so that the
 * float32 bounds, and hence the sampled weights, match PyTorch bit for bit), shared by the init
 * functions and by {@link tabulate_init}.
 */
import { calculate_correct_fan, calculate_fan_in_and_fan_out, type ShapeLike } from './fan.js';
import { calculate_gain } from './gain.js';

/** Options of the Kaiming initialisations, with PyTorch's names and defaults. */
export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (only used with `'leaky_relu'`). Default 0. */
  a?: number;
  /** `'fan_in'` (default) or `'fan_out'`, case-insensitive. */
  mode?: string;
  /** Nonlinearity name for {@link calculate_gain}. Default `'leaky_relu'` (with `a = 0`: ReLU's sqrt 2). */
  nonlinearity?: string;
}

/**
 * Standard deviation of Kaiming (He) initialisation: `gain / sqrt(fan)` with
 * `gain = calculate_gain(nonlinearity, a)` and `fan` per `mode` (He et al. 2015, eq. 10 and 14).
 *
 * @example
 * ```ts
 * kaiming_std([64, 32, 3, 3], { mode: 'fan_out', nonlinearity: 'relu' }); // sqrt(2 / 576)
 * ```
 */
export function kaiming_std(shape: ShapeLike, options: KaimingOptions = {}): number {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' } = options;
  const fan = calculate_correct_fan(shape, mode);
  const gain = calculate_gain(nonlinearity, a);
  return gain / Math.sqrt(fan);
}

/**
 * Standard deviation of Xavier (Glorot) initialisation: `gain * sqrt(2 / (fan_in + fan_out))`
 * (Glorot & Bengio 2010, eq. 12 generalised by a gain).
 *
 * @throws 'float division by zero' when both fans are 0, as Python does.
 *
 * @example
 * ```ts
 * xavier_std([10, 100]); // sqrt(2 / 110)
 * ```
 */
export function xavier_std(shape: ShapeLike, gain = 1.0): number {
  const [fanIn, fanOut] = calculate_fan_in_and_fan_out(shape);
  if (fanIn + fanOut === 0) throw new RangeError('float division by zero');
  return gain * Math.sqrt(2.0 / (fanIn + fanOut));
}

/**
 * Half-width of the uniform distribution with standard deviation `std`: `sqrt(3) * std`, as
 * PyTorch's kaiming_uniform_ / xavier_uniform_ compute it (in this order).
 *
 * @example
 * ```ts
 * uniform_bound(kaiming_std([100, 10])); // kaiming_uniform_'s bound for a Linear(10, 100) weight
 * ```
 */
export function uniform_bound(std: number): number {
  return Math.sqrt(3.0) * std;
}
