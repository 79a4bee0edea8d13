/**
 * @minidl/train: everything between a model and a trained model -- optimizers and LR schedules
 * (`optim`), datasets and batching (`data`, `datasets.MNIST`), a training loop (`fit`) with
 * checkpoints, and safetensors weights files.
 *
 * @example
 * ```ts
 * import { data, datasets, fit, optim } from '@minidl/train';
 * const train = new data.DataLoader(new datasets.MNIST({ train: true }), { batch_size: 64, shuffle: true });
 * await fit(model, { optimizer: new optim.Adam(model.parameters()), loss: F.cross_entropy, train_loader: train, epochs: 3 });
 * ```
 * @packageDocumentation
 */
export * as data from './data/index.js';
export * as datasets from './datasets/index.js';
export {
  type CheckpointInfo,
  type CheckpointTargets,
  type LoadedCheckpoint,
  load_checkpoint,
  type StatefulModel,
  save_checkpoint,
} from './fit/checkpoint.js';
export {
  type Callback,
  type EpochRecord,
  type Evaluation,
  evaluate,
  type FitModel,
  type FitOptions,
  fit,
  type LossFn,
  NonFiniteLossError,
  type StepInfo,
} from './fit/fit.js';
export type { ProgressMode } from './fit/progress.js';
export { atomicWriteFile } from './fs/atomic.js';
export { decodeIdx, type IdxArray } from './idx.js';
export * as optim from './optim/index.js';
export * as safetensors from './safetensors/index.js';
