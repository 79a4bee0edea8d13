/**
 * Softmax and log-softmax along a dim, with their gradients:
 *   softmax:     dx = y * (g - sum(g * y))
 *   log_softmax: dx = g - exp(y) * sum(g)
 * (sums along the softmax dim). log_softmax is what cross-entropy builds on.
 */

import { is_grad_enabled } from '../autograd/grad_mode.js';
import type { Blocks } from '../backend/backend.js';
import { isFloating } from '../dtype.js';
import { normalizeDim, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocTensor, attach, contiguousData, denseStorage } from './core.js';
import { exp, mul, sub } from './elementwise.js';
import { sum } from './reduce.js';

/**
 * The dim PyTorch picks when `dim` is omitted (with a deprecation warning): 0 for 0-, 1- and 3-d
 * inputs, else 1.
 */
function implicitDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** (outer, n, inner) of a softmax over dim `d`. */
function blocks(shape: readonly number[], d: number): Blocks {
  return { outer: numel(shape.slice(0, d)), n: shape[d] ?? 1, inner: numel(shape.slice(d + 1)) };
}

/** The backward of softmax/log_softmax over dim `d` given its output `y`. */
function softmaxGrad(g: Tensor, y: Tensor, d: number, log: boolean): Tensor {
  if (is_grad_enabled()) {
    // recorded (create_graph): the same formulas as differentiable ops
    return log ? sub(g, mul(exp(y), sum(g, d, true))) : mul(y, sub(g, sum(mul(g, y), d, true)));
  }
  const backend = y.storage.backend;
  const gx = allocTensor(y.shape, y.dtype, backend);
  backend.softmaxBackward(denseStorage(g), denseStorage(y), gx.storage, blocks(y.shape, d), log);
  return gx;
}

function softmaxRaw(x: Tensor, d: number, log: boolean): Tensor {
  if (!isFloating(x.dtype)) throw new TypeError(`softmax(): expected a float tensor, got ${x.dtype}`);
  const src = contiguousData(x);
  const out = allocTensor(x.shape, x.dtype, x.storage.backend);
  const b = blocks(x.shape, d);
  if (src.offset !== 0) {
    // kernels take whole storages; a dense view at an offset is copied once
    const moved = allocTensor(x.shape, x.dtype, x.storage.backend);
    x.storage.backend.copy(src, moved);
    x.storage.backend.softmax(moved.storage, out.storage, b, log);
  } else {
    x.storage.backend.softmax(src.storage, out.storage, b, log);
  }
  return out;
}

/**
 * exp(x) / sum(exp(x)) along `dim` (PyTorch's implicit dim if omitted).
 *
 * @example
 * ```ts
 * torch.softmax(logits, 1);
 * ```
 */
export function softmax(x: Tensor, dim?: number | null): Tensor {
  const d = normalizeDim(dim ?? implicitDim(x.ndim), x.ndim);
  const out = softmaxRaw(x, d, false);
  return attach(out, 'SoftmaxBackward0', [x], [out], (g, [y]) => [softmaxGrad(g, y!, d, false)]);
}

/**
 * log(softmax(x)) along `dim`, computed stably (PyTorch's implicit dim if omitted, as the tutorial's
 * `F.log_softmax(x)` relies on).
 *
 * @example
 * ```ts
 * const logp = torch.log_softmax(logits, 1);
 * ```
 */
export function log_softmax(x: Tensor, dim?: number | null): Tensor {
  const d = normalizeDim(dim ?? implicitDim(x.ndim), x.ndim);
  const out = softmaxRaw(x, d, true);
  return attach(out, 'LogSoftmaxBackward0', [x], [out], (g, [y]) => [softmaxGrad(g, y!, d, true)]);
}
