/**
 * Activation functions of `torch.nn.functional`, with PyTorch's arguments. The math and gradients
 * live in @minidl/tensor; here are PyTorch's defaults, the `inplace` variants and the implicit
 * softmax dim with its deprecation warning.
 */

import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { warnings } from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';

/** The `inplace` option of ReLU-like functions. */
export interface InplaceOptions {
  /** Overwrite the input with the result (default false). */
  inplace?: boolean;
}

/** Options of `F.leaky_relu` and `nn.LeakyReLU`. */
export interface LeakyReluOptions extends InplaceOptions {
  /** Slope for negative inputs (default 0.01). */
  negative_slope?: number;
}

/** The `dim` option of softmax and log-softmax (null: PyTorch's implicit choice, with a warning). */
export interface SoftmaxOptions {
  dim?: number | null;
}

/**
 * max(x, 0) elementwise; with `inplace` overwrites `input`.
 *
 * @example
 * ```ts
 * F.relu(F.max_pool2d(conv1.forward(x), 2));
 * ```
 */
export function relu(input: Tensor, ...args: PyArgs<[inplace: boolean], InplaceOptions>): Tensor {
  const { inplace = false } = namedArgs<InplaceOptions>(args, ['inplace']);
  return inplace ? input.relu_() : torch.relu(input);
}

/**
 * max(x, 0) + negative_slope * min(x, 0), slope 0.01 by default.
 *
 * @example
 * ```ts
 * F.leaky_relu(x, 0.2);
 * ```
 */
export function leaky_relu(
  input: Tensor,
  ...args: PyArgs<[negative_slope: number, inplace: boolean], LeakyReluOptions>
): Tensor {
  const { negative_slope = 0.01, inplace = false } = namedArgs<LeakyReluOptions>(args, [
    'negative_slope',
    'inplace',
  ]);
  const out = torch.leaky_relu(input, negative_slope);
  return inplace ? input.copy_(out) : out;
}

/** 1 / (1 + exp(-x)). @example `F.sigmoid(x)` */
export function sigmoid(input: Tensor): Tensor {
  return torch.sigmoid(input);
}

/** Hyperbolic tangent. @example `F.tanh(x)` */
export function tanh(input: Tensor): Tensor {
  return torch.tanh(input);
}

/**
 * PyTorch's `_get_softmax_dim`: without a dim, 0 for 0-, 1- and 3-d inputs and 1 otherwise, with the
 * deprecation warning PyTorch gives (the tutorial's `F.log_softmax(x)` relies on it).
 */
function softmaxDim(name: string, input: Tensor, args: readonly unknown[]): number {
  const { dim } = namedArgs<SoftmaxOptions>(args, ['dim']);
  if (dim !== undefined && dim !== null) return dim;
  warnings.warn(
    `Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`,
  );
  return input.ndim === 0 || input.ndim === 1 || input.ndim === 3 ? 0 : 1;
}

/**
 * exp(x) / sum(exp(x)) along `dim`.
 *
 * @example
 * ```ts
 * F.softmax(logits, 1); // or F.softmax(logits, { dim: 1 })
 * ```
 */
export function softmax(input: Tensor, ...args: PyArgs<[dim: number | null], SoftmaxOptions>): Tensor {
  return torch.softmax(input, softmaxDim('softmax', input, args));
}

/**
 * log(softmax(x)) along `dim`, computed stably.
 *
 * @example
 * ```ts
 * F.log_softmax(logits, 1);
 * ```
 */
export function log_softmax(input: Tensor, ...args: PyArgs<[dim: number | null], SoftmaxOptions>): Tensor {
  return torch.log_softmax(input, softmaxDim('log_softmax', input, args));
}
