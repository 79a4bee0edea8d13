/** `nn.MaxPool2d` and `nn.AvgPool2d`. */

import type { MaxPool2dOptions, Pair, Tensor } from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';
import {
  AVG_POOL_POSITIONAL,
  type AvgPoolOptions,
  type AvgPoolPositional,
  avg_pool2d,
  max_pool2d,
} from '../functional/pooling.js';
import { Module } from '../module.js';
import { pyBool, pyTuple } from '../pyformat.js';

/** An int or pair as PyTorch prints the value it was given: `2` or `(2, 3)`. */
function show(v: Pair): string {
  return typeof v === 'number' ? String(v) : pyTuple(v);
}

/** MaxPool2d's options; `return_indices` as a type parameter so `forward`'s result type follows it. */
export type MaxPool2dLayerOptions<R extends boolean> = Omit<MaxPool2dOptions, 'return_indices'> & {
  /** Also return the flat h*w index of each maximum: `forward` gives `[output, indices]`. */
  return_indices?: R;
};

/**
 * Max over each window, as `torch.nn.MaxPool2d`; stride defaults to the kernel size. With
 * `return_indices: true`, `forward` returns `[output, indices]`.
 *
 * @example
 * ```ts
 * new nn.MaxPool2d(2, 2).forward(torch.zeros([1, 32, 28, 28])).shape; // [1, 32, 14, 14]
 * new nn.MaxPool2d(3, { stride: 2, padding: 1, ceil_mode: true }); // or new nn.MaxPool2d(3, 2, 1, { ceil_mode: true })
 * ```
 */
export class MaxPool2d<R extends boolean = false> extends Module {
  readonly kernel_size: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly return_indices: R;
  readonly ceil_mode: boolean;

  constructor(
    kernel_size: Pair,
    ...args: PyArgs<
      [stride: Pair | null, padding: Pair, dilation: Pair, return_indices: R, ceil_mode: boolean],
      MaxPool2dLayerOptions<R>
    >
  ) {
    super();
    const o = namedArgs<MaxPool2dLayerOptions<R>>(args, [
      'stride',
      'padding',
      'dilation',
      'return_indices',
      'ceil_mode',
    ]);
    this.kernel_size = kernel_size;
    this.stride = o.stride ?? kernel_size;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.return_indices = o.return_indices ?? (false as R);
    this.ceil_mode = o.ceil_mode ?? false;
  }

  /** The pooled output, or `[output, indices]` when built with `return_indices: true`. */
  forward(input: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    const out: Tensor | [Tensor, Tensor] = max_pool2d(input, this.kernel_size, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceil_mode: this.ceil_mode,
      return_indices: this.return_indices,
    });
    return out as R extends true ? [Tensor, Tensor] : Tensor;
  }

  override extra_repr(): string {
    return (
      `kernel_size=${show(this.kernel_size)}, stride=${show(this.stride)}, padding=${show(this.padding)}, ` +
      `dilation=${show(this.dilation)}, ceil_mode=${pyBool(this.ceil_mode)}`
    );
  }
}

/**
 * Mean over each window, as `torch.nn.AvgPool2d`; stride defaults to the kernel size and zero
 * padding counts in the divisor unless `count_include_pad: false`.
 *
 * @example
 * ```ts
 * new nn.AvgPool2d(2).forward(torch.ones([1, 1, 4, 4])).shape; // [1, 1, 2, 2]
 * ```
 */
export class AvgPool2d extends Module {
  readonly kernel_size: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceil_mode: boolean;
  readonly count_include_pad: boolean;
  readonly divisor_override: number | null;

  constructor(kernel_size: Pair, ...args: PyArgs<AvgPoolPositional, AvgPoolOptions>) {
    super();
    const o = namedArgs<AvgPoolOptions>(args, AVG_POOL_POSITIONAL);
    this.kernel_size = kernel_size;
    this.stride = o.stride ?? kernel_size;
    this.padding = o.padding ?? 0;
    this.ceil_mode = o.ceil_mode ?? false;
    this.count_include_pad = o.count_include_pad ?? true;
    this.divisor_override = o.divisor_override ?? null;
  }

  forward(input: Tensor): Tensor {
    return avg_pool2d(input, this.kernel_size, {
      stride: this.stride,
      padding: this.padding,
      ceil_mode: this.ceil_mode,
      count_include_pad: this.count_include_pad,
      divisor_override: this.divisor_override,
    });
  }

  override extra_repr(): string {
    return `kernel_size=${show(this.kernel_size)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}
