/** `nn.Dropout`. */

import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';
import { Module } from '../module.js';
import { pyBool, pyFloat } from '../pyformat.js';

/**
 * In training mode zeroes each element with probability `p` (default 0.5) and scales the rest by
 * 1 / (1 - p) (Srivastava et al. 2014); the identity in eval mode, as `torch.nn.Dropout`. The mask
 * comes from the global generator, so runs repeat under `manual_seed` (not PyTorch's exact mask).
 *
 * @example
 * ```ts
 * const drop = new nn.Dropout(0.25);
 * drop.eval().forward(x); // x unchanged
 * ```
 */
export class Dropout extends Module {
  readonly p: number;
  readonly inplace: boolean;

  constructor(...args: PyArgs<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>) {
    super();
    const o = namedArgs<{ p?: number; inplace?: boolean }>(args, ['p', 'inplace']);
    this.p = o.p ?? 0.5;
    this.inplace = o.inplace ?? false;
    if (!(this.p >= 0 && this.p <= 1)) {
      throw new Error(`dropout probability has to be between 0 and 1, but got ${this.p}`);
    }
  }

  forward(input: Tensor): Tensor {
    return torch.dropout(input, this.p, this.training, { inplace: this.inplace });
  }

  override extra_repr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}
