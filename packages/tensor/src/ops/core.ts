/**
 * Helpers every op module shares: allocating results on the right backend, checking operands, and
 * attaching an op's backward to its result.
 */

import { gradEdge } from '../autograd/engine.js';
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { type BackwardFn, FunctionNode } from '../autograd/node.js';
import type { Backend, Storage, View } from '../backend/backend.js';
import { currentBackend } from '../backend/registry.js';
import { type DType, storageKind } from '../dtype.js';
import { contiguousStrides, numel, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A new contiguous tensor with unspecified contents. */
export function allocTensor(shape: Shape, dtype: DType, backend: Backend = currentBackend()): Tensor {
  const storage = backend.alloc(storageKind(dtype), numel(shape));
  return new Tensor(storage, shape.slice(), contiguousStrides(shape), 0, dtype);
}

/** The backend all operands live on; PyTorch's device-mismatch error otherwise. */
export function backendOf(...ts: (Tensor | null | undefined)[]): Backend {
  let b: Backend | null = null;
  for (const t of ts) {
    if (!t) continue;
    const tb = t.storage.backend;
    if (b === null) b = tb;
    else if (tb !== b) {
      throw new Error(
        `Expected all tensors to be on the same backend, but found at least two backends, ${b.name} and ${tb.name}!`,
      );
    }
  }
  return b ?? currentBackend();
}

/** The view of `t` expanded to `shape` by broadcasting: stride 0 along new or size-1 dims. */
export function broadcastView(t: Tensor, shape: Shape): View {
  const rank = shape.length;
  const lead = rank - t.shape.length;
  const strides = new Array<number>(rank);
  for (let d = 0; d < rank; d++) {
    const src = d - lead;
    strides[d] = src < 0 || (t.shape[src] === 1 && shape[d] !== 1) ? 0 : t.strides[src]!;
  }
  return { storage: t.storage, shape, strides, offset: t.offset };
}

/** Whether any operand should make the result part of the autograd graph. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!is_grad_enabled()) return false;
  for (const t of inputs) if (t?.requires_grad) return true;
  return false;
}

/** `g` in `dtype` (itself if it already has it); not recorded (backward runs without grad). */
function castGrad(g: Tensor, dtype: DType): Tensor {
  if (g.dtype === dtype) return g;
  // recorded (create_graph): the differentiable conversion, so the cast stays in the new graph
  if (is_grad_enabled()) return g.to(dtype);
  const out = allocTensor(g.shape, dtype, g.storage.backend);
  g.storage.backend.copy(g, out);
  return out;
}

/**
 * Makes `out` the result of a differentiable op: records a node named `name` whose backward maps
 * the output gradient to one gradient per input (null for inputs that need none). `saved` are the
 * tensors the backward reads; `backward` must not capture tensors itself, so they can be freed.
 * Does nothing when grad mode is off or no input requires grad.
 *
 * Each gradient is converted to its input's dtype, as PyTorch's engine does (`validate_outputs`):
 * in `x32.mul(y64)` the product and its gradient are float64, but `x32.grad` is float32.
 */
export function attach(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  saved: Tensor[],
  backward: BackwardFn,
): Tensor {
  if (!needsGrad(...inputs)) return out;
  const next = inputs.map((t) => (t?.requires_grad ? gradEdge(t) : null));
  const dtypes = inputs.map((t) => (t?.requires_grad ? t.dtype : undefined));
  const node = new FunctionNode(name, next, saved, (g, s) =>
    backward(g, s).map((gi, i) => (gi && dtypes[i] !== undefined ? castGrad(gi, dtypes[i]) : gi)),
  );
  out.grad_fn = node;
  node.noteOutput(out);
  return out;
}

/** A dense row-major copy of `t` unless it already is one (then `t` itself). Not recorded by autograd. */
export function contiguousData(t: Tensor): Tensor {
  if (t.is_contiguous()) return t;
  const out = allocTensor(t.shape, t.dtype, t.storage.backend);
  t.storage.backend.copy(t, out);
  return out;
}

/**
 * The storage of a dense, offset-0 copy of `t` (its own storage when it already is one): what
 * kernels that take whole buffers (convolution, pooling) need.
 */
export function denseStorage(t: Tensor): Storage {
  if (t.offset === 0 && t.storage.length === numel(t.shape) && t.is_contiguous()) return t.storage;
  const out = allocTensor(t.shape, t.dtype, t.storage.backend);
  t.storage.backend.copy(t, out);
  return out.storage;
}
