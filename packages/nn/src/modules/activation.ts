/** Activation layers: `nn.ReLU`, `LeakyReLU`, `Sigmoid`, `Tanh`, `Softmax`, `LogSoftmax`. */
import type { Tensor } from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';
import * as F from '../functional/activation.js';
import { Module } from '../module.js';
import { pyFloat } from '../pyformat.js';

/**
 * max(x, 0), as `torch.nn.ReLU`.
 *
 * @example
 * ```ts
 * new nn.ReLU().forward(torch.tensor([-1, 2])); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  readonly inplace: boolean;

  constructor(...args: PyArgs<[inplace: boolean], F.InplaceOptions>) {
    super();
    this.inplace = namedArgs<F.InplaceOptions>(args, ['inplace']).inplace ?? false;
  }

  forward(input: Tensor): Tensor {
    return F.relu(input, this.inplace);
  }

  override extra_repr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/**
 * max(x, 0) + negative_slope * min(x, 0), as `torch.nn.LeakyReLU` (slope 0.01 by default).
 *
 * @example
 * ```ts
 * new nn.LeakyReLU(0.2); // or new nn.LeakyReLU({ negative_slope: 0.2 })
 * ```
 */
export class LeakyReLU extends Module {
  readonly negative_slope: number;
  readonly inplace: boolean;

  constructor(...args: PyArgs<[negative_slope: number, inplace: boolean], F.LeakyReluOptions>) {
    super();
    const o = namedArgs<F.LeakyReluOptions>(args, ['negative_slope', 'inplace']);
    this.negative_slope = o.negative_slope ?? 0.01;
    this.inplace = o.inplace ?? false;
  }

  forward(input: Tensor): Tensor {
    return F.leaky_relu(input, this.negative_slope, this.inplace);
  }

  override extra_repr(): string {
    return `negative_slope=${pyFloat(this.negative_slope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** 1 / (1 + exp(-x)), as `torch.nn.Sigmoid`. @example `new nn.Sigmoid().forward(x)` */
export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/** Hyperbolic tangent, as `torch.nn.Tanh`. @example `new nn.Tanh().forward(x)` */
export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/** Shared by Softmax and LogSoftmax: the `dim` option (PyTorch's implicit choice when null). */
abstract class SoftmaxBase extends Module {
  readonly dim: number | null;

  constructor(...args: PyArgs<[dim: number | null], F.SoftmaxOptions>) {
    super();
    this.dim = namedArgs<F.SoftmaxOptions>(args, ['dim']).dim ?? null;
  }

  override extra_repr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

/**
 * exp(x) / sum(exp(x)) along `dim`, as `torch.nn.Softmax`.
 *
 * @example
 * ```ts
 * new nn.Softmax({ dim: 1 }).forward(logits); // rows sum to 1
 * ```
 */
export class Softmax extends SoftmaxBase {
  forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
}

/**
 * log(softmax(x)) along `dim`, as `torch.nn.LogSoftmax`.
 *
 * @example
 * ```ts
 * new nn.LogSoftmax({ dim: 1 }).forward(logits);
 * ```
 */
export class LogSoftmax extends SoftmaxBase {
  forward(input: Tensor): Tensor {
    return F.log_softmax(input, this.dim);
  }
}
