/**
 * How the init functions touch a tensor: in-place PyTorch methods under `no_grad`, and writing a
 * computed float32 pattern (row-major) into it.
 */

import { type Generator, no_grad, type Tensor, tensor } from '@minidl/tensor';

/** The optional generator every random init function takes, as PyTorch's `generator=` keyword. */
export interface GeneratorOptions {
  /** Generator to sample from; the global one (seeded by `manual_seed`) when omitted or null. */
  generator?: Generator | null;
}

/**
 * Copies `values` (row-major, one per element) into `t` without recording autograd, as PyTorch's
 * `with torch.no_grad(): tensor.view_as(q).copy_(q)`.
 */
export function writeValues<T extends Tensor>(t: T, values: Float32Array): T {
  no_grad(() => t.copy_(tensor(values).view(t.shape)));
  return t;
}

/** Whether any dimension of `t` is 0 (PyTorch's `0 in tensor.shape`). */
export function hasZeroDim(t: Tensor): boolean {
  return t.shape.includes(0);
}

/** The `{ generator }` option for the Tensor fills (which take no null). */
export function generatorOption(o: GeneratorOptions): { generator?: Generator } {
  return o.generator ? { generator: o.generator } : {};
}
