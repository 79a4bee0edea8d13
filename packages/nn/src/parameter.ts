import { Tensor, zeros } from '@minidl/tensor';

/**
 * A tensor that is a module's learnable weight, like `torch.nn.Parameter`: assigning one to a module
 * property registers it, so it appears in `parameters()` and `state_dict()`. It shares storage with
 * the tensor it wraps and requires grad unless told otherwise. Ops on a parameter return plain
 * tensors, and its `.data` is a plain tensor over the same storage (so `init.x_(p.data)` fills `p`).
 *
 * A subclass rather than a flag on Tensor because PyTorch's test is `isinstance(v, Parameter)`: a
 * plain tensor that happens to require grad assigned to a module is not a parameter.
 *
 * @example
 * ```ts
 * import * as torch from '@minidl/tensor';
 * const w = new nn.Parameter(torch.zeros([3, 2]));
 * w.requires_grad; // true
 * ```
 */
export class Parameter extends Tensor {
  constructor(data: Tensor = zeros([0]), requires_grad = true) {
    super(data.storage, data.shape, data.strides, data.offset, data.dtype);
    this.requires_grad_(requires_grad);
  }

  /** PyTorch prints a parameter as `Parameter containing:` followed by the tensor. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
