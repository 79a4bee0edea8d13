/**
 * `F`, the functional interface: `torch.nn.functional`'s operations as plain functions with
 * PyTorch's names and arguments (leading positional arguments, then an options object).
 *
 * @example
 * ```ts
 * import { F } from '@minidl/nn';
 * const loss = F.cross_entropy(F.linear(x, w, b), y);
 * ```
 * @module
 */

export {
  type BatchNormOptions,
  batch_norm,
  type DropoutOptions,
  dropout,
  type PadMode,
  type PadOptions,
  pad,
} from '@minidl/tensor';
export {
  type InplaceOptions,
  type LeakyReluOptions,
  leaky_relu,
  log_softmax,
  relu,
  type SoftmaxOptions,
  sigmoid,
  softmax,
  tanh,
} from './activation.js';
export { type Conv2dOptions, conv2d } from './conv.js';
export { type FlattenOptions, flatten, linear } from './linear.js';
export { type CrossEntropyOptions, cross_entropy, mse_loss, type NLLLossOptions, nll_loss } from './loss.js';
export { type AvgPoolOptions, avg_pool2d, type MaxPool2dOptions, max_pool2d } from './pooling.js';
export type { Reduction } from './reduction.js';
