/**
 * Matrix products with PyTorch's `matmul` rules (1-d operands are promoted and squeezed back, batch
 * dims broadcast) and their gradients. Transposed operands reach the kernel as strides, not copies.
 */
import type { MatrixOperand } from '../backend/backend.js';
import { type DType, isFloating, TYPE_NAMES } from '../dtype.js';
import { broadcastShapes, formatShape, numel, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocTensor, attach, backendOf, broadcastView, contiguousData, denseStorage } from './core.js';
import { add } from './elementwise.js';
import { sum, sumTo } from './reduce.js';
import { makeView, reshape, squeeze, t, transpose, unsqueeze } from './views.js';

/** The C type names PyTorch's matmul dtype error prints. */
const C_TYPE: Record<DType, string> = {
  float32: 'float',
  float64: 'double',
  int64: 'long int',
  int32: 'int',
  bool: 'bool',
};

/** Describes `x` (already expanded to [...batch, rows, cols]) as one strided batch of matrices. */
function operand(x: Tensor, batch: Shape): MatrixOperand {
  const r = x.ndim;
  let view = x;
  // batch dims must collapse into one stride; otherwise materialise them densely
  let batchStride = 0;
  let ok = true;
  let expected: number | null = null;
  for (let d = batch.length - 1; d >= 0; d--) {
    const size = batch[d]!;
    if (size === 1) continue;
    const s = x.strides[d]!;
    if (expected === null) batchStride = s;
    else if (s !== expected) ok = false;
    expected = s * size;
  }
  if (!ok) {
    view = contiguousData(x);
    batchStride = x.shape[r - 2]! * x.shape[r - 1]!;
  }
  return {
    storage: view.storage,
    offset: view.offset,
    batchStride,
    rowStride: view.strides[r - 2]!,
    colStride: view.strides[r - 1]!,
  };
}

/** Batched product of two tensors with at least 2 dims each (+ a bias row vector), not recorded. */
function product(a: Tensor, b: Tensor, bias: Tensor | null = null): Tensor {
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim - 2]!;
  const n = b.shape[b.ndim - 1]!;
  if (k !== k2) {
    if (a.ndim === 2 && b.ndim === 2) {
      throw new Error(`mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n})`);
    }
    throw new Error(
      `Expected size for first two dimensions of batch2 tensor to be: [${a.shape.slice(0, -2).concat([k]).join(', ')}] but got: [${b.shape.slice(0, -2).concat([k2]).join(', ')}].`,
    );
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const backend = backendOf(a, b, bias);
  const av = broadcastView(a, [...batch, m, k]);
  const bv = broadcastView(b, [...batch, k, n]);
  const out = allocTensor([...batch, m, n], a.dtype, backend);
  const aOp = operand(makeView(a, av.shape, av.strides, av.offset), batch);
  const bOp = operand(makeView(b, bv.shape, bv.strides, bv.offset), batch);
  backend.matmul(aOp, bOp, out.storage, {
    batch: numel(batch),
    m,
    k,
    n,
    bias: bias ? denseStorage(bias) : null,
  });
  return out;
}

/** Batched product of two tensors with at least 2 dims each. */
function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  const out = product(a, b);
  const as = a.shape.slice();
  const bs = b.shape.slice();
  const needA = a.requires_grad;
  const needB = b.requires_grad;
  return attach(
    out,
    a.ndim === 2 && b.ndim === 2 ? 'MmBackward0' : 'BmmBackward0',
    [a, b],
    [a, b],
    (g, [sa, sb]) => [
      // dL/dA = dL/dC B^T, dL/dB = A^T dL/dC, summed over broadcast batch dims
      needA ? sumTo(batchedMatmul(g, transpose(sb!, -1, -2)), as) : null,
      needB ? sumTo(batchedMatmul(transpose(sa!, -1, -2), g), bs) : null,
    ],
  );
}

/**
 * Matrix product with PyTorch's rules: 1-d x 1-d is a dot product, a 1-d operand is treated as a row
 * (left) or column (right) vector, and leading batch dims broadcast.
 *
 * @example
 * ```ts
 * torch.matmul(x, w.t()); // [N, in] @ [in, out]
 * ```
 * @throws `mat1 and mat2 shapes cannot be multiplied (2x5 and 3x4)` on mismatched inner sizes.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.dtype !== b.dtype || !isFloating(a.dtype)) {
    throw new TypeError(
      `expected m1 and m2 to have the same dtype, but got: ${C_TYPE[a.dtype]} != ${C_TYPE[b.dtype]}`,
    );
  }
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(
      `both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`,
    );
  }
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.shape[0] !== b.shape[0]) {
      throw new Error(
        `inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
      );
    }
    return reshape(batchedMatmul(unsqueeze(a, 0), unsqueeze(b, 1)), []);
  }
  if (a.ndim === 1) return squeeze(batchedMatmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(batchedMatmul(a, unsqueeze(b, 1)), -1);
  return batchedMatmul(a, b);
}

/**
 * Product of two matrices (2-d only).
 *
 * @example
 * ```ts
 * torch.mm(a, b);
 * ```
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2) throw new Error('self must be a matrix');
  if (b.ndim !== 2) throw new Error('mat2 must be a matrix');
  return matmul(a, b);
}

/**
 * Batched product of 3-d tensors [B, n, m] @ [B, m, p].
 *
 * @example
 * ```ts
 * torch.bmm(q, k.transpose(1, 2));
 * ```
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3) throw new Error('batch1 must be a 3D tensor');
  if (b.ndim !== 3) throw new Error('batch2 must be a 3D tensor');
  if (a.shape[0] !== b.shape[0]) {
    throw new Error(
      `Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`,
    );
  }
  return matmul(a, b);
}

/**
 * y = x W^T + b (PyTorch's `F.linear`); `weight` is [out_features, in_features].
 *
 * @example
 * ```ts
 * torch.linear(x, weight, bias);
 * ```
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) throw new Error(`linear(): weight must be 2-D, got ${formatShape(weight.shape)}`);
  if (bias && input.dtype !== weight.dtype) {
    // with a bias F.linear is addmm, whose message this is (without one, matmul's below)
    throw new TypeError(
      `mat1 and mat2 must have the same dtype, but got ${TYPE_NAMES[input.dtype]} and ${TYPE_NAMES[weight.dtype]}`,
    );
  }
  if (
    !bias ||
    input.ndim !== 2 ||
    bias.ndim !== 1 ||
    bias.shape[0] !== weight.shape[0] ||
    !isFloating(input.dtype) ||
    weight.dtype !== input.dtype ||
    bias.dtype !== input.dtype
  ) {
    const y = matmul(input, t(weight));
    return bias ? add(y, bias) : y;
  }
  return addmm(bias, input, weight);
}

/**
 * bias + x @ w^T for a 2-d input in one kernel call (the bias rides in the GEMM's epilogue), as
 * PyTorch's linear does with `addmm`. The gradients come out dense in the parameters' own layouts:
 * dw = g^T @ x is computed as [out, in] directly rather than as the transpose of an [in, out]
 * product, so the optimizer's leaf can keep it without a copy.
 */
function addmm(bias: Tensor, x: Tensor, w: Tensor): Tensor {
  const out = product(x, t(w), bias);
  const needX = x.requires_grad;
  const needW = w.requires_grad;
  const needB = bias.requires_grad;
  return attach(out, 'AddmmBackward0', [bias, x, w], [x, w], (g, [sx, sw]) => [
    needB ? sum(g, 0) : null,
    // batchedMatmul is product plus a node when the backward is recorded (create_graph)
    needX ? batchedMatmul(g, sw!) : null,
    needW ? batchedMatmul(t(g), sx!) : null,
  ]);
}
