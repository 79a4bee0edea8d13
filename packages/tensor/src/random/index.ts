/**
 * PyTorch-exact randomness: the CPU generator and the float32 `uniform_` / `normal_` kernels.
 * The Tensor methods (`manual_seed`, `rand`, `randn`, `uniform_`, `normal_`) are built on these.
 */
export {
  checkNormalStd,
  checkUniformBounds,
  type FillNormalOptions,
  fillNormal,
  fillUniform,
} from './distributions.js';
export { f32, fma32 } from './float32.js';
export { formatCppDouble } from './format.js';
export {
  default_generator,
  Generator,
  get_rng_state,
  initial_seed,
  manual_seed,
  seed,
  set_rng_state,
} from './generator.js';
export { fillRandint, randpermValues } from './integers.js';
