/** The 2-d padding layers: `nn.ZeroPad2d`, `ConstantPad2d`, `ReflectionPad2d`, `ReplicationPad2d`, `CircularPad2d`. */
import { type PadMode, pad, type Tensor } from '@minidl/tensor';
import { Module } from '../module.js';
import { pyFloat, pyTuple } from '../pyformat.js';

/** A padding as PyTorch's 2-d padding layers take it: one amount for all sides, or (left, right, top, bottom). */
export type Padding2d = number | readonly [number, number, number, number];

/** (left, right, top, bottom) from a padding argument. */
function sides(padding: Padding2d): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding, padding, padding, padding] : [...padding];
  if (p.length !== 4 || !p.every((v) => Number.isInteger(v))) {
    throw new TypeError(
      `padding must be an integer or 4 integers (left, right, top, bottom), got ${String(padding)}`,
    );
  }
  return p as [number, number, number, number];
}

/** What the 2-d padding layers share: the padding and `F.pad` with the layer's mode. */
abstract class Pad2d extends Module {
  readonly padding: [number, number, number, number];

  constructor(
    padding: Padding2d,
    private readonly mode: PadMode,
    /** The fill value of constant padding (PyTorch's `value`). */
    readonly value = 0,
  ) {
    super();
    this.padding = sides(padding);
  }

  forward(input: Tensor): Tensor {
    return pad(input, this.padding, { mode: this.mode, value: this.value });
  }

  /** The padding as PyTorch prints it: `(left, right, top, bottom)`. */
  override extra_repr(): string {
    return pyTuple(this.padding);
  }
}

/**
 * Pads width and height with zeros, as `torch.nn.ZeroPad2d`.
 *
 * @example
 * ```ts
 * new nn.ZeroPad2d([1, 1, 2, 0]).forward(torch.ones([1, 1, 3, 3])).shape; // [1, 1, 5, 5]
 * ```
 */
export class ZeroPad2d extends Pad2d {
  constructor(padding: Padding2d) {
    super(padding, 'constant');
  }
}

/**
 * Pads width and height with a constant, as `torch.nn.ConstantPad2d`.
 *
 * @example
 * ```ts
 * new nn.ConstantPad2d(1, 3.5).forward(torch.zeros([1, 2, 2])); // a border of 3.5
 * ```
 */
export class ConstantPad2d extends Pad2d {
  constructor(padding: Padding2d, value: number) {
    super(padding, 'constant', value);
  }

  /** PyTorch's `ConstantPad2d(padding=(1, 1, 1, 1), value=3.5)` form. */
  override extra_repr(): string {
    return `padding=${pyTuple(this.padding)}, value=${pyFloat(this.value)}`;
  }
}

/**
 * Pads width and height with the input's mirror image (the edge not repeated), as
 * `torch.nn.ReflectionPad2d`; each amount must be less than the padded dim's size.
 *
 * @example
 * ```ts
 * new nn.ReflectionPad2d(1).forward(torch.arange(9).float().reshape([1, 3, 3])).shape; // [1, 5, 5]
 * ```
 */
export class ReflectionPad2d extends Pad2d {
  constructor(padding: Padding2d) {
    super(padding, 'reflect');
  }
}

/**
 * Pads width and height by repeating the edge values, as `torch.nn.ReplicationPad2d`.
 *
 * @example
 * ```ts
 * new nn.ReplicationPad2d([2, 0, 0, 1]).forward(torch.ones([1, 1, 2, 2])).shape; // [1, 1, 3, 4]
 * ```
 */
export class ReplicationPad2d extends Pad2d {
  constructor(padding: Padding2d) {
    super(padding, 'replicate');
  }
}

/**
 * Pads width and height by wrapping around (the opposite edge continues), as
 * `torch.nn.CircularPad2d`.
 *
 * @example
 * ```ts
 * new nn.CircularPad2d(1).forward(torch.ones([1, 1, 3, 3])).shape; // [1, 1, 5, 5]
 * ```
 */
export class CircularPad2d extends Pad2d {
  constructor(padding: Padding2d) {
    super(padding, 'circular');
  }
}
