/**
 * @minidl/tensor: tensors, autograd and compute backends with PyTorch's semantics.
 *
 * @example
 * ```ts
 * import * as torch from '@minidl/tensor';
 * const x = torch.randn([4, 3]);
 * const w = torch.zeros([3, 2], { requires_grad: true });
 * torch.log_softmax(x.matmul(w), 1).mean().backward();
 * ```
 * @packageDocumentation
 */
export { enable_grad, is_grad_enabled, no_grad, set_grad_enabled } from './autograd/grad_mode.js';
export * as autograd from './autograd/index.js';
export { type BackwardFn, Node } from './autograd/node.js';
export type {
  Backend,
  BackendName,
  BatchNormBackwardArgs,
  BatchNormDims,
  BatchNormEvalArgs,
  BatchNormForward,
  BatchNormInput,
  BatchNormTrainArgs,
  BinaryOp,
  Blocks,
  Conv2dGeometry,
  ConvEpilogue,
  MatmulSpec,
  MatrixOperand,
  Pool2dGeometry,
  ReduceOp,
  UnaryOp,
  View,
  Window2dGeometry,
} from './backend/backend.js';
export { Storage } from './backend/backend.js';
export {
  get_backend,
  get_num_threads,
  load_wasm_backend,
  type MemoryStats,
  memory_stats,
  set_backend,
  set_num_threads,
} from './backend/registry.js';
export type { DType, StorageKind, TypedArray } from './dtype.js';
export { type Conv2dOptions, conv2d, conv2d_relu, type Pair } from './ops/conv.js';
export {
  arange,
  empty,
  empty_like,
  eye,
  full,
  full_like,
  linspace,
  ones,
  ones_like,
  type ShapeLike,
  type TensorOptions,
  type TypedInput,
  tensor,
  zeros,
  zeros_like,
} from './ops/creation.js';
export { type DropoutOptions, dropout } from './ops/dropout.js';
export {
  abs,
  add,
  ceil,
  clamp,
  clamp as clip,
  div,
  eq,
  exp,
  floor,
  ge,
  gt,
  le,
  leaky_relu,
  log,
  logical_and,
  logical_not,
  logical_or,
  lt,
  masked_fill,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './ops/elementwise.js';
export { gather, index_select, one_hot } from './ops/indexing.js';
export { cat, stack } from './ops/join.js';
export { bmm, linear, matmul, mm } from './ops/linalg.js';
export { type BatchNormOptions, batch_norm } from './ops/norm.js';
export { type AdamStepOptions, adam_step_, type SgdStepOptions, sgd_step_ } from './ops/optim.js';
export { type PadMode, type PadOptions, pad } from './ops/pad.js';
export {
  type AvgPool2dOptions,
  avg_pool2d,
  type MaxPool2dOptions,
  max_pool2d,
  max_pool2d_with_indices,
} from './ops/pool.js';
export {
  bernoulli,
  bernoulli_,
  type GeneratorOptions,
  normal_,
  type RandomTensorOptions,
  rand,
  rand_like,
  randint,
  randn,
  randn_like,
  randperm,
  uniform_,
} from './ops/random.js';
export {
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  max,
  maxDim,
  mean,
  min,
  minDim,
  prod,
  std,
  sum,
  type ValuesIndices,
  type VarOptions,
  variance as var,
} from './ops/reduce.js';
export { log_softmax, softmax } from './ops/softmax.js';
export {
  clone,
  contiguous,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  select,
  squeeze,
  t,
  transpose,
  unsqueeze,
  view,
} from './ops/views.js';
export {
  default_generator,
  Generator,
  get_rng_state,
  initial_seed,
  manual_seed,
  seed,
  set_rng_state,
} from './random/generator.js';
export { broadcastShapes, contiguousStrides, formatShape, normalizeDim, numel, type Shape } from './shape.js';
export {
  type BackwardOptions,
  type KeepDim,
  type NestedArray,
  type Operand,
  type SizeArgs,
  Tensor,
} from './tensor.js';
export * as warnings from './warnings.js';
