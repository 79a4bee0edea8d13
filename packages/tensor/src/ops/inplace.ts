/**
 * In-place writes and PyTorch's rules for them: a leaf that requires grad (or a view of one) may be
 * modified only under `no_grad` (or through `.data`); every write bumps the storage's version so a
 * backward that needs the overwritten values fails loudly instead of computing wrong gradients.
 */
import { is_grad_enabled } from '../autograd/grad_mode.js';
import { castScalar, isFloating, promoteTypes, TYPE_NAMES } from '../dtype.js';
import { broadcastShapes, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { allocTensor, backendOf, broadcastView, needsGrad } from './core.js';
import { clone } from './views.js';

/** Throws PyTorch's errors for in-place writes autograd cannot allow. */
export function checkInplace(self: Tensor): void {
  if (!is_grad_enabled()) return;
  if (self.is_leaf && self.requires_grad) {
    throw new Error(
      'a leaf Variable that requires grad is being used in an in-place operation. ' +
        '(Wrap the update in no_grad(() => ...) or write through .data.)',
    );
  }
  const base = self._base;
  if (base?.is_leaf && base.requires_grad) {
    throw new Error('a view of a leaf Variable that requires grad is being used in an in-place operation.');
  }
}

/** Marks a storage as modified in place (see `Storage.version`). */
export function bumpVersion(self: Tensor): void {
  self.storage.version++;
}

/**
 * Fills `self` with a scalar, in place.
 *
 * @example
 * ```ts
 * conv.bias!.data.fill_(0);
 * ```
 */
export function fill_<T extends Tensor>(self: T, value: number | boolean): T {
  checkInplace(self);
  self.storage.backend.fill(self, castScalar(value, self.dtype));
  bumpVersion(self);
  return self;
}

/**
 * Copies `src` (broadcast to self's shape, converted to self's dtype) into `self`, in place.
 *
 * @example
 * ```ts
 * w.data.copy_(torch.zeros([3]));
 * ```
 */
export function copy_<T extends Tensor>(self: T, src: Tensor): T {
  checkInplace(self);
  broadcastShapes(self.shape, src.shape);
  const target = broadcastShapes(self.shape, src.shape);
  if (target.length !== self.ndim || target.some((s, i) => s !== self.shape[i])) {
    throw new Error(
      `output with shape ${formatShape(self.shape)} doesn't match the broadcast shape ${formatShape(target)}`,
    );
  }
  backendOf(self, src).copy(broadcastView(src, self.shape), self);
  bumpVersion(self);
  if (is_grad_enabled() && src.requires_grad) adoptHistory(self, src, 'CopyBackwards');
  return self;
}

/**
 * Writes the out-of-place `result` of an op on `self` back into `self` (the in-place variant):
 * PyTorch's checks, the cast rule (the result type must be castable to self's dtype), and, when the
 * result is part of the graph, `self` takes over its history.
 */
export function assign_<T extends Tensor>(self: T, result: Tensor, name: string): T {
  checkInplace(self);
  if (promoteTypes(result.dtype, self.dtype) !== self.dtype) {
    throw new Error(
      `result type ${TYPE_NAMES[result.dtype]} can't be cast to the desired output type ${TYPE_NAMES[self.dtype]}`,
    );
  }
  if (result.ndim !== self.ndim || result.shape.some((s, i) => s !== self.shape[i])) {
    throw new Error(
      `output with shape ${formatShape(self.shape)} doesn't match the broadcast shape ${formatShape(result.shape)}`,
    );
  }
  self.storage.backend.copy(result, self);
  bumpVersion(self);
  if (result.grad_fn !== null) adoptHistory(self, result, name);
  return self;
}

/**
 * `self` as an in-place op's out-of-place computation should read it: when autograd records the op,
 * a (differentiable) copy, so that writing the result into `self` does not change a value the
 * op's backward saved (`x.mul_(y)` needs the old x for y's gradient; PyTorch saves the original
 * self for in-place ops too). Otherwise `self` itself.
 */
export function original(self: Tensor, ...operands: (Tensor | number | boolean)[]): Tensor {
  const tensors = operands.filter((o): o is Tensor => typeof o === 'object');
  return needsGrad(self, ...tensors) ? clone(self) : self;
}

/** Makes `self` (just overwritten with `result`'s values) continue `result`'s autograd history. */
function adoptHistory(self: Tensor, result: Tensor, name: string): void {
  if (self._base !== null) {
    throw new Error(
      `${name}: in-place operations on views of tensors that require grad are not supported; use the out-of-place op`,
    );
  }
  self.grad_fn = result.grad_fn;
}

/** A new tensor of `t`'s shape, dtype and backend filled with `value`. */
export function fullLike(t: Tensor, value: number): Tensor {
  const out = allocTensor(t.shape, t.dtype, t.storage.backend);
  out.storage.backend.fill(out, castScalar(value, t.dtype));
  return out;
}

/**
 * `self = op(self, other)` in place for float tensors, computed straight into self's memory
 * (no temporary) when autograd records nothing and a tensor operand has self's dtype; otherwise (or
 * for integer dtypes, or an operand sharing self's storage) the out-of-place `fallback` result is written back by `assign_`.
 */
export function binary_<T extends Tensor>(
  self: T,
  op: 'add' | 'sub' | 'mul' | 'div',
  other: Tensor | number | boolean,
  alpha: number,
  fallback: () => Tensor,
  name: string,
): T {
  const t = typeof other === 'object' ? other : null;
  const direct =
    !needsGrad(self, t) &&
    isFloating(self.dtype) &&
    (t ? t.dtype === self.dtype && t.storage !== self.storage : typeof other === 'number' && op !== 'div');
  if (!direct) return assign_(self, fallback(), name);
  checkInplace(self);
  const backend = backendOf(self, t);
  if (t) {
    const target = broadcastShapes(self.shape, t.shape);
    if (target.length !== self.ndim || target.some((s, i) => s !== self.shape[i])) {
      throw new Error(
        `output with shape ${formatShape(self.shape)} doesn't match the broadcast shape ${formatShape(target)}`,
      );
    }
    backend.binary(op, self, broadcastView(t, self.shape), self, alpha);
  } else {
    const c = other as number;
    // x + alpha*c, x - alpha*c and x*c as one affine pass (same rounding as the binary ops)
    if (op === 'mul') backend.unary('affine', self, self, c, 0);
    else backend.unary('affine', self, self, 1, (op === 'add' ? alpha : -alpha) * c);
  }
  bumpVersion(self);
  return self;
}
