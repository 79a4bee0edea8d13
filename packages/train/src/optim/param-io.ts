/**
 * The few tensor operations the optimizers need: read a tensor's values as a flat float32 array,
 * write them back in place, and wrap a state buffer as a tensor for `state_dict`.
 */
import { no_grad, type Tensor, tensor } from '@minidl/tensor';

/** A flat row-major float32 copy of a parameter or gradient. */
export function readValues(t: Tensor): Float32Array {
  return t.toFloat32Array();
}

/** Writes flat row-major values into a parameter in place (outside autograd, as PyTorch's step). */
export function writeValues(t: Tensor, values: Float32Array): void {
  no_grad(() => {
    t.copy_(tensor(values).view(t.shape));
  });
}

/** A state buffer as a tensor of the parameter's shape (a copy, so later steps do not change it). */
export function stateTensor(values: Float32Array, shape: readonly number[]): Tensor {
  return tensor(values.slice()).view([...shape]);
}

/** The values of a saved state tensor. */
export function tensorValues(t: Tensor): Float32Array {
  return t.toFloat32Array();
}
