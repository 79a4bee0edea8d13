/** Activation layers: `nn.ReLU`, `LeakyReLU`, `Sigmoid`, `Tanh`, `Softmax`, `LogSoftmax`. */
import type { Tensor } from '@minidl/tensor';
import * as F from '../functional/activation.js';
import { Module } from '../module.js';
import { pyFloat } from '../pyformat.js';

function inplaceOf(arg: F.InplaceArg | undefined): boolean {
  return typeof arg === 'object' ? (arg.inplace ?? false) : (arg ?? false);
}

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

  constructor(inplace?: F.InplaceArg) {
    super();
    this.inplace = inplaceOf(inplace);
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

  constructor(
    negative_slope: number | { negative_slope?: number; inplace?: boolean } = 0.01,
    inplace = false,
  ) {
    super();
    const named = typeof negative_slope === 'object';
    this.negative_slope = named ? (negative_slope.negative_slope ?? 0.01) : negative_slope;
    this.inplace = named ? (negative_slope.inplace ?? false) : inplace;
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

  constructor(dim: F.DimArg = null) {
    super();
    this.dim = (typeof dim === 'object' && dim !== null ? dim.dim : dim) ?? null;
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
