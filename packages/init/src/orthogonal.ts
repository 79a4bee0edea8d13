/**
 * `orthogonal_`: a (semi-)orthogonal weight from the QR factorisation of a Gaussian matrix.
 */
import type { Tensor } from '@minidl/tensor';
import { orthonormalColumns } from './qr.js';
import { default_generator, type Generator, normalSamples } from './rng.js';
import { type GeneratorOptions, keywordArgs, writeValues } from './tensor-io.js';

const f32 = Math.fround;

/** Keyword form of {@link orthogonal_}'s arguments. */
export interface OrthogonalOptions extends GeneratorOptions {
  /** Scaling factor. Default 1. */
  gain?: number;
}

/**
 * A random `rows x cols` matrix with orthonormal rows (rows <= cols) or columns (rows >= cols),
 * times `gain`, row-major float32, drawn as PyTorch's `orthogonal_`: a `rows x cols` N(0, 1)
 * matrix (one `normal_` call), transposed when `rows < cols`, QR-factorised, Q's columns signed
 * by `sign(diag(R))`, transposed back. The draws are PyTorch's exactly; Q is computed in double
 * here and by float32 LAPACK in PyTorch, so values agree to float32 rounding (about 1e-6), not bit
 * for bit.
 *
 * @example
 * ```ts
 * orthogonalValues(default_generator, 3, 5, 1); // 3 orthonormal rows of length 5
 * ```
 */
export function orthogonalValues(gen: Generator, rows: number, cols: number, gain: number): Float32Array {
  const gauss = normalSamples(gen, [rows, cols], 0, 1); // tensor.new_empty((rows, cols)).normal_()
  const wide = rows < cols;
  const [m, n] = wide ? [cols, rows] : [rows, cols];
  const A = new Float64Array(m * n);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) A[wide ? c * n + r : r * n + c] = gauss[r * cols + c]!;
  }
  const Q = orthonormalColumns(A, m, n);
  const g = f32(gain);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = f32(f32(Q[wide ? c * n + r : r * n + c]!) * g);
  }
  return out;
}

/**
 * Fills `tensor` with a (semi-)orthogonal matrix, as `torch.nn.init.orthogonal_` (Saxe et al.
 * 2013, "Exact solutions to the nonlinear dynamics of learning in deep linear neural networks"):
 * dimensions after the first are flattened, so a conv weight `[out, in, kh, kw]` becomes an
 * `out x (in*kh*kw)` matrix with orthonormal rows or columns. Orthogonal weights preserve the norm
 * of signals through deep linear (and, with the right gain, ReLU/tanh) stacks, which helps very deep
 * and recurrent networks. Zero-element tensors are left unchanged.
 *
 * @param gain - scaling factor (default 1), positionally or as `{ gain, generator }`.
 * @throws for fewer than 2 dimensions (PyTorch's message).
 *
 * @example
 * ```ts
 * orthogonal_(rnn_weight);
 * orthogonal_(conv.weight, calculate_gain('relu'));
 * ```
 */
export function orthogonal_<T extends Tensor>(
  tensor: T,
  gain: number | OrthogonalOptions = 1,
  options: GeneratorOptions = {},
): T {
  const o = keywordArgs<OrthogonalOptions>(gain, { gain }, options);
  if (tensor.dim() < 2) throw new Error('Only tensors with 2 or more dimensions are supported');
  if (tensor.numel() === 0) return tensor;
  const rows = tensor.shape[0]!;
  const cols = tensor.numel() / rows;
  return writeValues(tensor, orthogonalValues(o.generator ?? default_generator, rows, cols, o.gain ?? 1));
}
