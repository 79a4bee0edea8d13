/**
 * The deterministic structured initialisations `eye_` and `dirac_`, and their patterns as flat
 * row-major float32 arrays.
 */
import type { Tensor } from '@minidl/tensor';
import { writeValues } from './tensor-io.js';

/**
 * The identity pattern of `eye_`: a `rows x cols` matrix with ones on the main diagonal.
 *
 * @example
 * ```ts
 * eyeValues(2, 3); // Float32Array [1, 0, 0, 0, 1, 0]
 * ```
 */
export function eyeValues(rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = 1;
  return out;
}

/**
 * The Dirac delta pattern of `dirac_` for a conv weight `[out, in, *k]` (k of 1 to 3 dims): within
 * each of `groups` groups of output channels, output channel d of the group gets a 1 at input
 * channel d and the centre tap (`k // 2` per dimension), for d < min(out / groups, in). A conv
 * with this weight copies its input channels to its output (identity-preserving init).
 *
 * @example
 * ```ts
 * diracValues([2, 2, 3], 1); // [0,1,0, 0,0,0,  0,0,0, 0,1,0]
 * ```
 */
export function diracValues(shape: readonly number[], groups: number): Float32Array {
  const [out, inChannels, ...kernel] = shape as [number, number, ...number[]];
  const taps = kernel.reduce((a, b) => a * b, 1);
  // Offset of the centre tap within one [*k] block, row-major.
  let centre = 0;
  for (const k of kernel) centre = centre * k + Math.floor(k / 2);
  const values = new Float32Array(out * inChannels * taps);
  const perGroup = Math.floor(out / groups);
  const minDim = Math.min(perGroup, inChannels);
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) {
      values[((g * perGroup + d) * inChannels + d) * taps + centre] = 1;
    }
  }
  return values;
}

/**
 * Fills a 2-D `tensor` with the identity matrix, as `torch.nn.init.eye_`: a Linear layer so
 * initialised passes through as many of its inputs as it has outputs (identity-preserving init).
 *
 * @throws unless the tensor has exactly 2 dimensions (PyTorch's message).
 *
 * @example
 * ```ts
 * eye_(linear.weight);
 * ```
 */
export function eye_<T extends Tensor>(tensor: T): T {
  if (tensor.dim() !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  return writeValues(tensor, eyeValues(tensor.shape[0]!, tensor.shape[1]!));
}

/** Keyword form of {@link dirac_}'s arguments. */
export interface DiracOptions {
  /** Number of groups of the conv layer; each group preserves identity. Default 1. */
  groups?: number;
}

/**
 * Fills a 3-, 4- or 5-D conv weight with the Dirac delta, as `torch.nn.init.dirac_`: the
 * convolution then copies as many input channels to output channels as possible (per group).
 *
 * @param groups - number of conv groups (default 1), positionally or as `{ groups }`.
 * @throws for other ranks, or `out` channels not divisible by `groups` (PyTorch's messages).
 *
 * @example
 * ```ts
 * dirac_(conv.weight);          // Conv2d(16, 16, 3) starts as the identity map
 * dirac_(conv.weight, 2);       // two groups
 * ```
 */
export function dirac_<T extends Tensor>(tensor: T, groups: number | DiracOptions = 1): T {
  const g = typeof groups === 'object' ? (groups.groups ?? 1) : groups;
  const dims = tensor.dim();
  if (dims < 3 || dims > 5) throw new Error('Only tensors with 3, 4, or 5 dimensions are supported');
  if (g === 0) throw new RangeError('integer modulo by zero'); // Python's sizes[0] % groups
  if (tensor.shape[0]! % g !== 0) throw new Error('dim 0 must be divisible by groups');
  return writeValues(tensor, diracValues(tensor.shape, g));
}
