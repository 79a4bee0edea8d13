/**
 * How the init functions touch a tensor: in-place PyTorch methods under `no_grad`, and writing a
 * computed float32 pattern (row-major) into it.
 */

import { type Generator, no_grad, type Tensor, tensor, warnings } from '@minidl/tensor';

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

/**
 * PyTorch's early return in `kaiming_uniform_` / `kaiming_normal_` (`if 0 in tensor.shape`): a
 * tensor with a zero dimension is left unchanged with PyTorch's warning. True when `t` is one, so
 * the caller returns it untouched. (The Xavier functions have no such guard in PyTorch and stay
 * silent.)
 */
export function skipZeroElement(t: Tensor): boolean {
  if (!t.shape.includes(0)) return false;
  warnings.warn('Initializing zero-element tensors is a no-op');
  return true;
}

/**
 * The keyword arguments of an init function whose leading optional parameters PyTorch users pass
 * either positionally or by name: `kaiming_uniform_(w, 0.2)` and `kaiming_uniform_(w, { a: 0.2 })`.
 * When `first` (the first of those parameters) is the keyword object it is used as is; otherwise
 * the positional values given (undefined ones skipped, so defaults and `options` still apply)
 * override the trailing `options`.
 */
export function keywordArgs<O extends object>(
  first: number | O | undefined,
  positional: { [K in keyof O]?: unknown },
  options: O,
): O {
  if (typeof first === 'object' && first !== null) return first;
  const given = Object.entries(positional).filter(([, v]) => v !== undefined);
  return { ...options, ...Object.fromEntries(given) };
}

/** The `{ generator }` option for the Tensor fills (which take no null). */
export function generatorOption(o: GeneratorOptions): { generator?: Generator } {
  return o.generator ? { generator: o.generator } : {};
}
