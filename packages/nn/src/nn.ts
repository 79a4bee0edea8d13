/**
 * `nn`: the layer library, named as `torch.nn` (`nn.Module`, `nn.Linear`, `nn.init`, ...).
 *
 * @example
 * ```ts
 * import { nn } from '@minidl/nn';
 * const model = new nn.Sequential(new nn.Linear(784, 100), new nn.ReLU(), new nn.Linear(100, 10));
 * for (const m of model.modules()) if (m instanceof nn.Linear) nn.init.xavier_uniform_(m.weight);
 * ```
 * @module
 */
export * as init from '@minidl/init';
export * as functional from './functional/index.js';
export {
  type ForwardHook,
  type ForwardPreHook,
  type IncompatibleKeys,
  Module,
  type NamedOptions,
  type RemovableHandle,
  type StateDict,
} from './module.js';
export { LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './modules/activation.js';
export { BatchNorm1d, BatchNorm2d, BatchNormBase, type BatchNormLayerOptions } from './modules/batchnorm.js';
export { ModuleList, ModuleSequence, Sequential } from './modules/container.js';
export { Conv2d, type Conv2dLayerOptions } from './modules/conv.js';
export { Dropout } from './modules/dropout.js';
export { Flatten } from './modules/flatten.js';
export { Identity, Linear } from './modules/linear.js';
export { CrossEntropyLoss, MSELoss, NLLLoss } from './modules/loss.js';
export {
  CircularPad2d,
  ConstantPad2d,
  type Padding2d,
  ReflectionPad2d,
  ReplicationPad2d,
  ZeroPad2d,
} from './modules/padding.js';
export { AvgPool2d, MaxPool2d, type MaxPool2dLayerOptions } from './modules/pooling.js';
export { Parameter } from './parameter.js';
