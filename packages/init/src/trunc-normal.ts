/**
 * `trunc_normal_`'s sampler, exactly as torch 2.x's `_no_grad_trunc_normal_` draws: rejection
 * sampling from the normal when the interval holds more than 30 % of the mass, else from a uniform
 * proposal on [a, b] accepted with probability pdf(x) / pdf(mode).
 */
import type { Tensor } from '@minidl/tensor';
import { warnings } from '@minidl/tensor';
import { normCdf } from './erf.js';
import { default_generator, type Generator, type Layout, normalSamples, uniformSamples } from './rng.js';
import { type GeneratorOptions, keywordArgs, writeValues } from './tensor-io.js';

const f32 = Math.fround;

/** Parameters of a truncated normal, with PyTorch's names. */
export interface TruncNormalParams {
  /** Mean of the (untruncated) normal. */
  mean: number;
  /** Standard deviation of the (untruncated) normal. */
  std: number;
  /** Lower cutoff (an absolute value, not in units of std). */
  a: number;
  /** Upper cutoff (an absolute value, not in units of std). */
  b: number;
}

/**
 * Samples of N(mean, std^2) truncated to [a, b] for a tensor of `layout` (a shape, or the target
 * tensor, whose memory order decides the draw order), row-major, drawing from `gen` exactly as PyTorch:
 *
 * - `p = Phi((b - mean)/std) - Phi((a - mean)/std) > 0.3`: `normal_` the whole buffer; while any
 *   value lies outside [f32(a), f32(b)], `normal_` a whole fresh buffer and take its values at the
 *   rejected positions.
 * - otherwise: `uniform_(a, b)` proposals and `uniform_()` acceptance draws for the whole buffer per
 *   round; a proposal x is rejected while `log(u) > -((x - mean)/std)^2 / 2 - log_peak` (float32
 *   ops as PyTorch's in-place chain), where `log_peak` is that exponent at the mode.
 *
 * Bit-exact in the first case; in the second, PyTorch's vectorised float32 `log` (Sleef, <= 1 ulp)
 * may differ from the correctly rounded one used here in the last bit, which flips an acceptance
 * only when `log(u)` lands within an ulp of the threshold.
 *
 * @throws 'float division by zero' for std = 0, as Python does.
 *
 * @example
 * ```ts
 * truncNormalSamples(default_generator, [10, 10], { mean: 0, std: 0.02, a: -0.04, b: 0.04 });
 * ```
 */
export function truncNormalSamples(
  gen: Generator,
  layout: Layout,
  { mean, std, a, b }: TruncNormalParams,
): Float32Array {
  if (mean < a - 2 * std || mean > b + 2 * std) {
    warnings.warn(
      'mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.',
    );
  }
  if (std === 0) throw new RangeError('float division by zero'); // Python's (b - mean) / std
  const p = normCdf((b - mean) / std) - normCdf((a - mean) / std);
  if (p > 0.3) {
    const lo = f32(a);
    const hi = f32(b);
    const out = normalSamples(gen, layout, mean, std);
    const rejected = (v: number) => v < lo || v > hi;
    while (out.some(rejected)) {
      const fresh = normalSamples(gen, layout, mean, std);
      for (let i = 0; i < out.length; i++) if (rejected(out[i]!)) out[i] = fresh[i]!;
    }
    return out;
  }
  const mode = Math.max(a, Math.min(mean, b));
  const z = (mode - mean) / std;
  const logPeak = f32(-0.5 * (z * z));
  const m32 = f32(mean);
  const s32 = f32(std);
  // Rejected while log(u) > log_pdf(x), with log_pdf as PyTorch's in-place chain
  // candidates.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak), each a float32 op.
  const rejects = (u: number, x: number) => {
    const t = f32(f32(x - m32) / s32);
    return f32(Math.log(u)) > f32(f32(f32(t * t) * -0.5) - logPeak);
  };
  const out = uniformSamples(gen, layout, a, b);
  let accept = uniformSamples(gen, layout, 0, 1);
  const n = out.length;
  const pending = new Uint8Array(n);
  let anyPending = false;
  for (let i = 0; i < n; i++) {
    pending[i] = rejects(accept[i]!, out[i]!) ? 1 : 0;
    anyPending ||= pending[i] === 1;
  }
  while (anyPending) {
    const candidates = uniformSamples(gen, layout, a, b);
    accept = uniformSamples(gen, layout, 0, 1);
    anyPending = false;
    for (let i = 0; i < n; i++) {
      if (pending[i] === 0) continue;
      out[i] = candidates[i]!;
      pending[i] = rejects(accept[i]!, candidates[i]!) ? 1 : 0;
      anyPending ||= pending[i] === 1;
    }
  }
  return out;
}

/** Keyword form of {@link trunc_normal_}'s arguments. */
export interface TruncNormalOptions extends GeneratorOptions, Partial<TruncNormalParams> {}

/**
 * Fills `tensor` with values from N(mean, std^2) truncated to [a, b] (absolute bounds, not in
 * units of std), as `torch.nn.init.trunc_normal_`, drawing exactly as torch 2.x does (see
 * {@link truncNormalSamples}, in the tensor's memory order as PyTorch). Truncation at +-2 std is the default of ViT/BERT-style inits
 * (`trunc_normal_(w, 0, 0.02, -0.04, 0.04)` in timm); it removes rare large weights.
 *
 * Warns as PyTorch when `mean` is more than 2 std outside [a, b].
 *
 * @param mean - default 0; or all arguments as `{ mean, std, a, b, generator }`.
 * @param std - default 1.
 * @param a - lower cutoff, default -2.
 * @param b - upper cutoff, default 2.
 *
 * @example
 * ```ts
 * trunc_normal_(w, 0, 0.02, -0.04, 0.04);
 * trunc_normal_(w, { std: 0.02, a: -0.04, b: 0.04 });
 * ```
 */
export function trunc_normal_<T extends Tensor>(
  tensor: T,
  mean: number | TruncNormalOptions = 0.0,
  std = 1.0,
  a = -2.0,
  b = 2.0,
  options: GeneratorOptions = {},
): T {
  const o = keywordArgs<TruncNormalOptions>(mean, { mean, std, a, b }, options);
  const params = { mean: o.mean ?? 0.0, std: o.std ?? 1.0, a: o.a ?? -2.0, b: o.b ?? 2.0 };
  return writeValues(tensor, truncNormalSamples(o.generator ?? default_generator, tensor, params));
}
