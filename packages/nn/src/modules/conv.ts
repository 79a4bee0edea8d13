/** `nn.Conv2d`. */

import type { Pair, Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';
import { conv2d, pair } from '../functional/conv.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyTuple } from '../pyformat.js';
import { resetWeightAndBias } from './linear.js';

/** Options of `nn.Conv2d`, with PyTorch's names and defaults. */
export interface Conv2dLayerOptions {
  /** Step of the window (default 1). */
  stride?: Pair;
  /** Zero padding on each side (default 0), or 'valid' (none) or 'same' (output size = input size). */
  padding?: Pair | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: Pair;
  /** Split channels into this many independent groups (default 1; in_channels for depthwise). */
  groups?: number;
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Only 'zeros' is supported. */
  padding_mode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
}

/** Conv2d's parameters after kernel_size, in PyTorch's positional order. */
const CONV2D_POSITIONAL = ['stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode'] as const;

/**
 * 2-d convolution over `(N, C_in, H, W)` (or `(C_in, H, W)`) inputs, as `torch.nn.Conv2d`.
 * `weight` is `[out_channels, in_channels / groups, kH, kW]`, `bias` `[out_channels]`; both start as
 * PyTorch's defaults (kaiming_uniform_ with a = sqrt(5), bias U(+-1/sqrt(fan_in))).
 *
 * @example
 * ```ts
 * const conv = new nn.Conv2d(1, 16, 3, { padding: 1 }); // or new nn.Conv2d(1, 16, 3, 1, 1)
 * conv.forward(torch.zeros([8, 1, 28, 28])).shape; // [8, 16, 28, 28]
 * ```
 */
export class Conv2d extends Module {
  readonly in_channels: number;
  readonly out_channels: number;
  readonly kernel_size: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly padding_mode: 'zeros' | 'reflect' | 'replicate' | 'circular';
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(
    in_channels: number,
    out_channels: number,
    kernel_size: Pair,
    ...args: PyArgs<
      [
        stride: Pair,
        padding: Pair | 'same' | 'valid',
        dilation: Pair,
        groups: number,
        bias: boolean,
        padding_mode: NonNullable<Conv2dLayerOptions['padding_mode']>,
      ],
      Conv2dLayerOptions
    >
  ) {
    super();
    const options = namedArgs<Conv2dLayerOptions>(args, CONV2D_POSITIONAL);
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new Error('groups must be a positive integer');
    if (in_channels % groups !== 0) throw new Error('in_channels must be divisible by groups');
    if (out_channels % groups !== 0) throw new Error('out_channels must be divisible by groups');
    this.in_channels = in_channels;
    this.out_channels = out_channels;
    this.kernel_size = pair(kernel_size);
    this.stride = pair(options.stride ?? 1);
    this.dilation = pair(options.dilation ?? 1);
    this.groups = groups;
    const padding = options.padding ?? 0;
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') {
        throw new Error(`Invalid padding string '${padding}', should be one of {'same', 'valid'}`);
      }
      if (padding === 'same' && this.stride.some((s) => s !== 1)) {
        throw new Error("padding='same' is not supported for strided convolutions");
      }
      this.padding = padding;
    } else this.padding = pair(padding);
    const mode = options.padding_mode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(mode)) {
      throw new Error(
        `padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='${mode}'`,
      );
    }
    this.padding_mode = mode;
    this.register_parameter(
      'weight',
      new Parameter(torch.empty([out_channels, in_channels / groups, ...this.kernel_size])),
    );
    this.register_parameter(
      'bias',
      (options.bias ?? true) ? new Parameter(torch.empty([out_channels])) : null,
    );
    this.reset_parameters();
  }

  /** Re-draws weight and bias as PyTorch's `reset_parameters` does. @example `conv.reset_parameters();` */
  reset_parameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  forward(input: Tensor): Tensor {
    const name = `Conv2d(${this.in_channels}, ${this.out_channels}, kernel_size=${pyTuple(this.kernel_size)}, ...)`;
    if (input.ndim !== 3 && input.ndim !== 4) {
      throw new Error(
        `Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [${input.shape.join(', ')}]. ` +
          `${name} takes [N, C, H, W] (or [C, H, W] for one sample) with C = ${this.in_channels}; ` +
          'for a batch of single-channel images [N, H, W] use x.unsqueeze(1).',
      );
    }
    const channels = input.shape[input.ndim - 3]!;
    if (channels !== this.in_channels) {
      const batched = input.ndim === 4 ? input.shape : [1, ...input.shape];
      throw new Error(
        `Given groups=${this.groups}, weight of size [${this.weight.shape.join(', ')}], expected input[${batched.join(', ')}] ` +
          `to have ${this.in_channels} channels, but got ${channels} channels instead. ` +
          `${name} was built for ${this.in_channels} input channels: pass in_channels=${channels} or fix the input's channel dimension.`,
      );
    }
    const geometry = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.padding_mode === 'zeros') {
      return conv2d(input, this.weight, this.bias, { ...geometry, padding: this.padding });
    }
    // PyTorch's _conv_forward: pad by the layer's mode first, then convolve without padding
    const padded = torch.pad(input, this.modePadding(), { mode: this.padding_mode });
    return conv2d(padded, this.weight, this.bias, { ...geometry, padding: 0 });
  }

  /**
   * (left, right, top, bottom) for a padding mode other than zeros, as PyTorch's
   * `_reversed_padding_repeated_twice`: the padding pair repeated per side, or for 'same' the total
   * d (k - 1) split with the odd element on the right/bottom.
   */
  private modePadding(): [number, number, number, number] {
    const p = this.padding;
    if (p === 'valid') return [0, 0, 0, 0];
    if (p !== 'same') return [p[1], p[1], p[0], p[0]];
    const [th, tw] = [0, 1].map((d) => this.dilation[d]! * (this.kernel_size[d]! - 1)) as [number, number];
    return [Math.floor(tw / 2), tw - Math.floor(tw / 2), Math.floor(th / 2), th - Math.floor(th / 2)];
  }

  override extra_repr(): string {
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${pyTuple(this.kernel_size)}, stride=${pyTuple(this.stride)}`;
    const p = this.padding;
    if (typeof p === 'string' || p.some((v) => v !== 0))
      s += `, padding=${typeof p === 'string' ? p : pyTuple(p)}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.padding_mode !== 'zeros') s += `, padding_mode=${this.padding_mode}`;
    return s;
  }
}
