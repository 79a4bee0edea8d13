/**
 * @minidl/init: everything in `torch.nn.init`, with PyTorch's names, defaults, errors and -- for
 * `uniform_`, `normal_`, `trunc_normal_` and the Xavier/Kaiming functions -- PyTorch's float32
 * values bit for bit after the same `manual_seed`. Plus JAX/Keras variance scaling, LeCun inits and
 * a per-layer table of what a scheme does.
 *
 * @example
 * ```ts
 * import { manual_seed } from '@minidl/tensor';
 * import * as init from '@minidl/init';
 * manual_seed(0);
 * init.kaiming_normal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * init.zeros_(conv.bias);
 * ```
 * @packageDocumentation
 */
export {
  constant_,
  type NormalOptions,
  normal_,
  ones_,
  type UniformOptions,
  uniform_,
  zeros_,
} from './basic.js';
export {
  constant,
  dirac,
  eye,
  kaiming_normal,
  kaiming_uniform,
  normal,
  orthogonal,
  sparse,
  uniform,
  xavier_normal,
  xavier_uniform,
} from './deprecated.js';
export { erf, normCdf } from './erf.js';
export {
  _calculate_fan_in_and_fan_out,
  calculate_correct_fan,
  calculate_fan_in_and_fan_out,
  type FanMode,
  type HasShape,
  type ShapeLike,
} from './fan.js';
export { calculate_gain } from './gain.js';
export {
  type KaimingInitOptions,
  kaiming_normal_,
  kaiming_uniform_,
  type XavierInitOptions,
  xavier_normal_,
  xavier_uniform_,
} from './kaiming-xavier.js';
export { type OrthogonalOptions, orthogonal_, orthogonalValues } from './orthogonal.js';
export type { Layout } from './rng.js';
export { type KaimingOptions, kaiming_std, uniform_bound, xavier_std } from './schemes.js';
export { type SparseOptions, sparse_, sparseValues } from './sparse.js';
export { type DiracOptions, dirac_, diracValues, eye_, eyeValues } from './structured.js';
export {
  type ConstantScheme,
  type FixedScheme,
  format_init_table,
  type GainScheme,
  type InitScheme,
  type InitStats,
  type InitTableRow,
  init_stats,
  type KaimingScheme,
  type ModuleLike,
  type NormalScheme,
  type ParameterOwner,
  type TruncNormalScheme,
  tabulate_init,
  type UniformScheme,
  type VarianceScalingScheme,
  type WeightEntry,
} from './table.js';
export type { GeneratorOptions } from './tensor-io.js';
export {
  type TruncNormalOptions,
  type TruncNormalParams,
  trunc_normal_,
  truncNormalSamples,
} from './trunc-normal.js';
export {
  lecun_normal_,
  lecun_uniform_,
  TRUNCATED_NORMAL_STD,
  type VarianceScalingDistribution,
  type VarianceScalingMode,
  type VarianceScalingOptions,
  type VarianceScalingParams,
  variance_scaling_,
  variance_scaling_variance,
} from './variance-scaling.js';
