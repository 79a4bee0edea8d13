// Entry point of the kernels module: everything exported here is callable from JS.
// Memory is imported (env.memory) and managed by the host; the module keeps no state of its own.
export {
  conv2dBiasGrad,
  conv2dForward,
  conv2dInputGrad,
  conv2dInputGradWorkspaceBytes,
  conv2dWeightGrad,
} from './conv';
export {
  conv2dForwardS1,
  conv2dWeightGradS1,
  conv2dWeightGradS1Fold,
  conv2dWeightGradS1Partial,
  convFlipWeights,
  convS1WorkspaceBytes,
} from './convs1';
export { binary, binaryStrided, convert, copyStrided, unary, unaryStrided, where } from './elementwise';
export { gemmWorkspaceBytes, sgemm } from './gemm';
export { batchNormBackward, batchNormForwardEval, batchNormForwardTrain } from './norm';
export { adamStep, sgdStep } from './optim';
export { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from './pool';
export { reduce } from './reduce';
export { nllLossBackward, nllLossForward, softmaxBackward, softmaxForward } from './softmax';
export {
  conv2dForwardWinograd,
  conv2dWeightGradWinograd,
  conv2dWeightGradWinogradFold,
  winogradWeightGradPartial,
  winogradWorkspaceBytes,
} from './winograd';

/** First byte after the module's static data; the host allocator starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
