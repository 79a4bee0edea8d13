/**
 * Variance-preserving initialisations: Xavier/Glorot (Glorot & Bengio 2010) and Kaiming/He
 * (He et al. 2015), bit-exact with PyTorch (same bounds in the same operation order, same draws).
 */
import type { Tensor } from '@minidl/tensor';
import { normal_, uniform_ } from './basic.js';
import { type KaimingOptions, kaiming_std, uniform_bound, xavier_std } from './schemes.js';
import { type GeneratorOptions, keywordArgs, skipZeroElement } from './tensor-io.js';

/** Keyword arguments of the Kaiming functions: `{ a, mode, nonlinearity, generator }`. */
export interface KaimingInitOptions extends KaimingOptions, GeneratorOptions {}

/** Keyword arguments of the Xavier functions: `{ gain, generator }`. */
export interface XavierInitOptions extends GeneratorOptions {
  /** Scaling factor, e.g. `calculate_gain('tanh')`. Default 1. */
  gain?: number;
}

/**
 * Kaiming (He) uniform initialisation, as `torch.nn.init.kaiming_uniform_`: values from
 * U(-bound, bound) with `bound = sqrt(3) * gain / sqrt(fan)`, `gain = calculate_gain(nonlinearity, a)`.
 *
 * Use it before ReLU-family activations (He et al. 2015, "Delving deep into rectifiers"): it keeps
 * the variance of activations constant through layers that zero half their inputs (`mode:
 * 'fan_in'`), or of gradients in the backward pass (`mode: 'fan_out'`). PyTorch's Linear and Conv
 * layers default to it with `a = sqrt(5)`, i.e. bound `1 / sqrt(fan_in)`.
 *
 * Fans assume PyTorch's weight layout `[out, in, *kernel]` (`x @ w.T` in Linear). A zero-element
 * tensor is left unchanged with PyTorch's warning.
 *
 * @param a - negative slope of the following leaky ReLU (default 0); or all keyword arguments.
 * @throws for an unknown mode or nonlinearity, or fewer than 2 dimensions (PyTorch's messages).
 *
 * @example
 * ```ts
 * kaiming_uniform_(conv.weight, { mode: 'fan_in', nonlinearity: 'relu' });
 * kaiming_uniform_(linear.weight, Math.sqrt(5)); // PyTorch's Linear default
 * ```
 */
export function kaiming_uniform_<T extends Tensor>(
  tensor: T,
  a?: number | KaimingInitOptions,
  options: KaimingInitOptions = {},
): T {
  const o = keywordArgs(a, { a }, options);
  if (skipZeroElement(tensor)) return tensor;
  const bound = uniform_bound(kaiming_std(tensor, o));
  return uniform_(tensor, -bound, bound, o);
}

/**
 * Kaiming (He) normal initialisation, as `torch.nn.init.kaiming_normal_`: values from N(0, std^2)
 * with `std = gain / sqrt(fan)`, `gain = calculate_gain(nonlinearity, a)` (He et al. 2015, eq. 10).
 *
 * The standard choice before ReLU: `kaiming_normal_(w, { mode: 'fan_out', nonlinearity: 'relu' })`
 * is what torchvision's ResNets use for convolutions.
 *
 * @param a - negative slope of the following leaky ReLU (default 0); or all keyword arguments.
 *
 * @example
 * ```ts
 * manual_seed(0);
 * kaiming_normal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * ```
 */
export function kaiming_normal_<T extends Tensor>(
  tensor: T,
  a?: number | KaimingInitOptions,
  options: KaimingInitOptions = {},
): T {
  const o = keywordArgs(a, { a }, options);
  if (skipZeroElement(tensor)) return tensor;
  return normal_(tensor, 0, kaiming_std(tensor, o), o);
}

/**
 * Xavier (Glorot) uniform initialisation, as `torch.nn.init.xavier_uniform_`: values from
 * U(-a, a) with `a = sqrt(3) * gain * sqrt(2 / (fan_in + fan_out))` = `gain * sqrt(6 / (fan_in + fan_out))`.
 *
 * Designed for symmetric saturating activations (tanh, logistic sigmoid) where it keeps the
 * variance of both activations and gradients roughly constant across layers (Glorot & Bengio
 * 2010, "Understanding the difficulty of training deep feedforward neural networks").
 *
 * @param gain - scaling factor (default 1), positionally or as `{ gain, generator }`.
 *
 * @example
 * ```ts
 * xavier_uniform_(linear.weight, calculate_gain('tanh'));
 * xavier_uniform_(linear.weight, { gain: 1, generator: g });
 * ```
 */
export function xavier_uniform_<T extends Tensor>(
  tensor: T,
  gain?: number | XavierInitOptions,
  options: XavierInitOptions = {},
): T {
  const o = keywordArgs(gain, { gain }, options);
  const bound = uniform_bound(xavier_std(tensor, o.gain ?? 1.0));
  return uniform_(tensor, -bound, bound, o);
}

/**
 * Xavier (Glorot) normal initialisation, as `torch.nn.init.xavier_normal_`: values from
 * N(0, std^2) with `std = gain * sqrt(2 / (fan_in + fan_out))` (Glorot & Bengio 2010), for tanh or
 * sigmoid networks.
 *
 * @param gain - scaling factor (default 1), positionally or as `{ gain, generator }`.
 *
 * @example
 * ```ts
 * xavier_normal_(conv.weight);
 * ```
 */
export function xavier_normal_<T extends Tensor>(
  tensor: T,
  gain?: number | XavierInitOptions,
  options: XavierInitOptions = {},
): T {
  const o = keywordArgs(gain, { gain }, options);
  return normal_(tensor, 0, xavier_std(tensor, o.gain ?? 1.0), o);
}
