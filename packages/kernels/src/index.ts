/**
 * @minidl/kernels: AssemblyScript WASM SIMD compute kernels over tensors resident in wasm memory.
 *
 * Load once with {@link loadKernels} (Node, synchronous) or {@link loadKernelsAsync}; allocate tensors
 * with `k.alloc(bytes)`, fill them through views (`k.f32(ptr, n)`) or `k.copyIn`, run kernels on
 * pointers, read results with `k.readF32`. Pointers are byte addresses; sizes, shapes and strides are
 * in elements.
 *
 * @packageDocumentation
 */
export {
  type Conv2dGeometry,
  type Conv2dOptions,
  conv2dGeometry,
  type Pair,
  type Pool2dOptions,
  pool2dGeometry,
} from './conv.js';
export { detectWasmFeatures, type WasmFeatures } from './features.js';
export { type HeapStats, WasmHeap } from './heap.js';
export {
  type AdamOptions,
  type AvgPool2dOptions,
  type BatchNormTrainOptions,
  type ConvAlgorithm,
  type GemmEpilogue,
  Kernels,
  type SgdOptions,
} from './kernels.js';
export { type LoadKernelsOptions, loadKernels, loadKernelsAsync } from './load.js';
export type { WasmVariant } from './loader.js';
export {
  BINARY_OPS,
  type BinaryOp,
  CONVERT_OPS,
  type ConvertOp,
  isComparison,
  REDUCE_OPS,
  type ReduceOp,
  UNARY_OPS,
  type UnaryOp,
} from './ops.js';
export { threadsAvailable } from './pool.js';
export { coalesce, contiguousStrides, MAX_RANK } from './strides.js';
