/**
 * The few tensor operations the optimizers need: the values of a parameter and its gradient as a
 * flat float32 array, writing updated values back, and wrapping a state buffer as a tensor.
 *
 * For a contiguous float32 tensor the array is a view of the tensor's own storage, so an update
 * writes the parameter in place with no copy (copying a 300k-parameter model in and out cost about
 * 5 ms a step, more than Adam's arithmetic). Otherwise it is a copy, written back with `copy_`.
 * No tensor is allocated between taking a view and finishing with it, so a wasm memory growth
 * cannot detach the view.
 */
import { no_grad, type Tensor, tensor, zeros_like } from '@minidl/tensor';
import type { ParamState } from './optimizer.js';

/** A view of a contiguous float32 tensor's elements in its storage, or null. */
function storageView(t: Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || !t.is_contiguous()) return null;
  const data = t.storage.data;
  return data instanceof Float32Array ? data.subarray(t.offset, t.offset + t.numel()) : null;
}

/** Flat row-major values of a tensor: a view when possible (do not keep it across allocations), else a copy. */
export function readValues(t: Tensor): Float32Array {
  return storageView(t) ?? t.toFloat32Array();
}

/**
 * Finishes an in-place update of `t` whose new values are in `values` (from {@link readValues}):
 * copies them back unless they are the tensor's own storage, and bumps the storage's version
 * counter, as PyTorch's in-place ops do (so autograd still notices a tensor saved for backward
 * being changed by `step()`).
 */
export function writeValues(t: Tensor, values: Float32Array): void {
  const data = t.storage.data;
  if (values.buffer === data.buffer && values.byteOffset === data.byteOffset + 4 * t.offset) {
    t.storage.version += 1;
    return;
  }
  no_grad(() => {
    t.copy_(tensor(values).view([...t.shape]));
  });
}

/** A state buffer as a tensor of the parameter's shape (a copy, so later steps do not change it). */
export function stateTensor(values: Float32Array, shape: readonly number[]): Tensor {
  return tensor(values.slice()).view([...shape]);
}

/** The values of a saved state tensor (a copy). */
export function tensorValues(t: Tensor): Float32Array {
  return t.toFloat32Array();
}

/**
 * A state buffer of a fused optimizer as a tensor of the parameter's shape, created as zeros on the
 * first step (a fused first step that overwrites it, as SGD's momentum, does not read them), and
 * converted once from the flat array `load_state_dict` leaves.
 */
export function stateBuffer(state: ParamState, key: string, p: Tensor): Tensor {
  const saved = state[key];
  const buffer =
    saved === undefined
      ? zeros_like(p)
      : saved instanceof Float32Array
        ? tensor(saved, { dtype: p.dtype }).view([...p.shape])
        : (saved as Tensor);
  state[key] = buffer;
  return buffer;
}

/** A gradient as the fused steps need it: dense, in the parameter's dtype (a copy only when it is not). */
export function denseLike(grad: Tensor, p: Tensor): Tensor {
  return grad.dtype === p.dtype && grad.is_contiguous() ? grad : grad.to(p.dtype).contiguous();
}
