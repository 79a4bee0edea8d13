/** `nn.BatchNorm1d` and `nn.BatchNorm2d` (Ioffe & Szegedy 2015), with PyTorch's buffers and options. */

import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { namedArgs, type PyArgs } from '../args.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyBool, pyFloat } from '../pyformat.js';

/** Options of the BatchNorm layers, with PyTorch's names and defaults. */
export interface BatchNormLayerOptions {
  /** Added to the variance for numerical stability (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` and shift `bias` (default true). */
  affine?: boolean;
  /** Keep running mean/variance for eval mode (default true); otherwise always use batch statistics. */
  track_running_stats?: boolean;
  /** With `affine`, whether to learn the shift `bias` (default true; PyTorch 2.x keyword). */
  bias?: boolean;
}

/**
 * Shared by BatchNorm1d and BatchNorm2d (PyTorch's `_BatchNorm`): parameters `weight` (ones) and
 * `bias` (zeros) when affine; buffers `running_mean` (zeros), `running_var` (ones, holding the
 * unbiased variance) and `num_batches_tracked` (an int64 count) when tracking running statistics.
 *
 * @example
 * ```ts
 * for (const m of model.modules()) if (m instanceof nn.BatchNormBase) m.reset_running_stats();
 * ```
 */
export abstract class BatchNormBase extends Module {
  readonly num_features: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly track_running_stats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(
    num_features: number,
    ...args: PyArgs<
      [eps: number, momentum: number | null, affine: boolean, track_running_stats: boolean],
      BatchNormLayerOptions
    >
  ) {
    super();
    const options = namedArgs<BatchNormLayerOptions>(args, [
      'eps',
      'momentum',
      'affine',
      'track_running_stats',
    ]);
    this.num_features = num_features;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.track_running_stats = options.track_running_stats ?? true;
    this.register_parameter('weight', this.affine ? new Parameter(torch.ones([num_features])) : null);
    const withBias = this.affine && (options.bias ?? true);
    this.register_parameter('bias', withBias ? new Parameter(torch.zeros([num_features])) : null);
    const track = this.track_running_stats;
    this.register_buffer('running_mean', track ? torch.zeros([num_features]) : null);
    this.register_buffer('running_var', track ? torch.ones([num_features]) : null);
    this.register_buffer('num_batches_tracked', track ? torch.tensor(0, { dtype: 'int64' }) : null);
  }

  /** Throws if the input has the wrong rank for this layer. */
  protected abstract checkInputDim(input: Tensor): void;

  /**
   * Running statistics back to mean 0, variance 1 and no batches seen.
   *
   * @example
   * ```ts
   * bn.reset_running_stats();
   * ```
   */
  reset_running_stats(): void {
    torch.no_grad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    if (input.shape[1] !== this.num_features) {
      throw new Error(
        `running_mean should contain ${input.shape[1]} elements not ${this.num_features}: ` +
          `${this.constructor.name}(${this.num_features}) normalises ${this.num_features} channels (dim 1), ` +
          `but the input [${input.shape.join(', ')}] has ${input.shape[1]}; match num_features to the previous layer's output channels.`,
      );
    }
    // PyTorch's exponential_average_factor: the momentum, or 1/n for a cumulative average.
    let factor = this.momentum ?? 0;
    if (this.training && this.track_running_stats && this.num_batches_tracked !== null) {
      const tracked = this.num_batches_tracked;
      torch.no_grad(() => tracked.add_(1));
      if (this.momentum === null) factor = 1 / tracked.item();
    }
    const useRunning = !this.training || this.track_running_stats;
    return torch.batch_norm(
      input,
      useRunning ? this.running_mean : null,
      useRunning ? this.running_var : null,
      {
        weight: this.weight,
        bias: this.bias,
        training: this.training || (this.running_mean === null && this.running_var === null),
        momentum: factor,
        eps: this.eps,
      },
    );
  }

  override extra_repr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return (
      `${this.num_features}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, ` +
      `bias=${pyBool(this.bias !== null)}, track_running_stats=${pyBool(this.track_running_stats)}`
    );
  }
}

/**
 * Batch normalisation of `(N, C)` features or `(N, C, L)` sequences over the batch (and length), as
 * `torch.nn.BatchNorm1d`.
 *
 * @example
 * ```ts
 * const bn = new nn.BatchNorm1d(50);
 * bn.forward(torch.randn([8, 50])).shape; // [8, 50]
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new Error(
        `expected 2D or 3D input (got ${input.ndim}D input): BatchNorm1d normalises [N, C] or [N, C, L]; ` +
          'use BatchNorm2d for [N, C, H, W] feature maps, or flatten the input first.',
      );
    }
  }
}

/**
 * Batch normalisation of `(N, C, H, W)` feature maps per channel, as `torch.nn.BatchNorm2d`.
 *
 * @example
 * ```ts
 * const bn = new nn.BatchNorm2d(20);
 * bn.forward(torch.randn([8, 20, 8, 8])); // train mode: batch statistics, running stats updated
 * bn.eval(); // now normalises with running_mean / running_var
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) {
      throw new Error(
        `expected 4D input (got ${input.ndim}D input): BatchNorm2d normalises [N, C, H, W] feature maps; ` +
          'use BatchNorm1d for [N, C] or [N, C, L] inputs, or add the missing dimensions.',
      );
    }
  }
}
