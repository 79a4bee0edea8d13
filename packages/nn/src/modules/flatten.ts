/** `nn.Flatten`. */
import type { Tensor } from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';
import { type FlattenOptions, flatten } from '../functional/linear.js';
import { Module } from '../module.js';

/**
 * Merges dims `start_dim..end_dim` (default 1..-1: everything but the batch), as `torch.nn.Flatten`.
 *
 * @example
 * ```ts
 * new nn.Flatten().forward(torch.zeros([2, 64, 7, 7])).shape; // [2, 3136]
 * ```
 */
export class Flatten extends Module {
  readonly start_dim: number;
  readonly end_dim: number;

  constructor(...args: PyArgs<[start_dim: number, end_dim: number], FlattenOptions>) {
    super();
    const o = namedArgs<FlattenOptions>(args, ['start_dim', 'end_dim']);
    this.start_dim = o.start_dim ?? 1;
    this.end_dim = o.end_dim ?? -1;
  }

  forward(input: Tensor): Tensor {
    return flatten(input, this.start_dim, this.end_dim);
  }

  override extra_repr(): string {
    return `start_dim=${this.start_dim}, end_dim=${this.end_dim}`;
  }
}
