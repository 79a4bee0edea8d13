/**
 * Dropout (PyTorch's `F.dropout`): in training, zeroes each element with probability `p` and scales
 * the rest by 1 / (1 - p) so the expectation is unchanged; the identity in evaluation. As in ATen's
 * CPU `_dropout_impl`, the noise is `empty_like(input).bernoulli_(1 - p)` divided by `1 - p` (in
 * float32) and the result is `input * noise`, so for the same seed the mask, the output and the
 * generator's state afterwards are PyTorch's, bit for bit.
 */
import { no_grad } from '../autograd/grad_mode.js';
import type { Tensor } from '../tensor.js';
import { attach } from './core.js';
import { empty_like, zeros_like } from './creation.js';
import { div, mul } from './elementwise.js';
import { assign_ } from './inplace.js';
import { bernoulli_, type GeneratorOptions } from './random.js';

/** Options of `dropout`, with PyTorch's names and defaults. */
export interface DropoutOptions extends GeneratorOptions {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
  /** Apply dropout (default true); false returns the input. */
  training?: boolean;
  /** Modify the input in place (default false). */
  inplace?: boolean;
}

/**
 * Randomly zeroes elements with probability `p`, scaling survivors by 1/(1-p).
 *
 * @example
 * ```ts
 * const y = torch.dropout(x, 0.5, true);
 * const z = torch.dropout(x, { p: 0.2, training: model.training });
 * ```
 */
export function dropout(
  input: Tensor,
  p?: number | DropoutOptions,
  training?: boolean,
  options: DropoutOptions = {},
): Tensor {
  const o: DropoutOptions = typeof p === 'object' ? { ...p, ...options } : { ...options };
  if (typeof p === 'number') o.p = p;
  if (training !== undefined) o.training = training;
  const prob = o.p ?? 0.5;
  if (prob < 0 || prob > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${prob}`);
  if (!(o.training ?? true) || prob === 0) return input;
  let out: Tensor;
  if (prob === 1) out = mul(input, zeros_like(input));
  else {
    const mask = div(bernoulli_(empty_like(input), 1 - prob, o), 1 - prob);
    out = attach(
      no_grad(() => mul(input, mask)),
      'MulBackward0',
      [input],
      [mask],
      (g, [m]) => [mul(g, m!)],
    );
  }
  return o.inplace ? assign_(input, out, 'dropout_') : out;
}
