/** `nn.Linear` and `nn.Identity`. */
import * as init from '@minidl/init';
import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';
import { linear } from '../functional/linear.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyBool } from '../pyformat.js';

/**
 * PyTorch's default initialisation of a weight and its bias (`reset_parameters` of Linear and
 * Conv*d): weight ~ kaiming_uniform_(a = sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)) up to
 * rounding, then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (bound 0 when fan_in is 0). Weight before
 * bias: the draw order that makes a model built after `manual_seed(s)` equal PyTorch's bit for bit.
 */
export function resetWeightAndBias(weight: Tensor, bias: Tensor | null): void {
  init.kaiming_uniform_(weight, { a: Math.sqrt(5) });
  if (bias !== null) {
    const [fanIn] = init.calculate_fan_in_and_fan_out(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    init.uniform_(bias, -bound, bound);
  }
}

/**
 * y = x W^T + b applied to the last dimension (any number of leading dims), as `torch.nn.Linear`.
 * `weight` is `[out_features, in_features]`, `bias` `[out_features]` (null with `bias: false`).
 *
 * @example
 * ```ts
 * const fc = new nn.Linear(320, 50);
 * fc.forward(torch.randn([8, 320])).shape; // [8, 50]
 * ```
 */
export class Linear extends Module {
  readonly in_features: number;
  readonly out_features: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(
    in_features: number,
    out_features: number,
    ...args: PyArgs<[bias: boolean], { bias?: boolean }>
  ) {
    super();
    this.in_features = in_features;
    this.out_features = out_features;
    this.register_parameter('weight', new Parameter(torch.empty([out_features, in_features])));
    const withBias = namedArgs<{ bias?: boolean }>(args, ['bias']).bias ?? true;
    this.register_parameter('bias', withBias ? new Parameter(torch.empty([out_features])) : null);
    this.reset_parameters();
  }

  /** Re-draws weight and bias as PyTorch's `reset_parameters` does. @example `fc.reset_parameters();` */
  reset_parameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${pyBool(this.bias !== null)}`;
  }
}

/**
 * Returns its input unchanged (a placeholder layer), as `torch.nn.Identity`.
 *
 * @example
 * ```ts
 * new nn.Identity().forward(x) === x; // true
 * ```
 */
export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}
