/** `optim`: optimizers and, under `optim.lr_scheduler`, learning-rate schedules (as `torch.optim`). */
export { Adam, type AdamOptions, AdamW } from './adam.js';
export * as lr_scheduler from './lr_scheduler.js';
export {
  type LrOrOptions,
  Optimizer,
  type OptimizerStateDict,
  type OptimizerStateDictInput,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type Params,
} from './optimizer.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { SGD, type SGDOptions } from './sgd.js';
