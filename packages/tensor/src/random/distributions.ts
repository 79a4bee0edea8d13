/**
 * PyTorch's float32 `uniform_` and `normal_` CPU kernels, value for value (torch-rng SPEC
 * sections 3 and 4), and its float64 `uniform_` (the spec's double uniform, section 1). The fills write a flat `Float32Array` in the order PyTorch draws: memory
 * order of the tensor's storage. A caller filling a strided view fills a scratch array and scatters
 * it in storage order.
 */
import { logPs, type SinCos, sincosPs } from './avx-mathfun.js';
import { f32, fma32 } from './float32.js';
import { fma64 } from './float64.js';
import { formatCppDouble } from './format.js';
import type { Generator } from './generator.js';

const FLOAT_MAX = 3.4028234663852886e38;

/**
 * Checks `uniform_`'s bounds for a float32 (or, with `double`, float64) tensor with PyTorch's
 * messages (`uniform_impl_`): both finite in the dtype's range, `from <= to`, and `to - from` (in
 * double) representable.
 */
export function checkUniformBounds(from: number, to: number, double = false): void {
  const max = double ? Number.MAX_VALUE : FLOAT_MAX;
  const [name, limit] = double ? ['double', 'Double'] : ['float', 'Float'];
  if (!(from >= -max && from <= max)) throw new RangeError(`from is out of bounds for ${name}`);
  if (!(to >= -max && to <= max)) throw new RangeError(`to is out of bounds for ${name}`);
  if (!(from <= to)) {
    throw new RangeError(
      `uniform_ expects to return a [from, to) range, but found from=${formatCppDouble(from)} > to=${formatCppDouble(to)}`,
    );
  }
  if (!(to - from <= max)) {
    throw new RangeError(
      `uniform_ expects to-from <= std::numeric_limits<${limit}>::max(), but found to=${formatCppDouble(to)} and from=${formatCppDouble(from)} which result in to-from to exceed the limit`,
    );
  }
}

/** Checks `normal_`'s standard deviation with PyTorch's message (NaN is rejected too). */
export function checkNormalStd(std: number): void {
  if (!(std >= 0)) throw new RangeError(`normal expects std >= 0.0, but found std ${formatCppDouble(std)}`);
}

/**
 * Fills `out` with float32 uniforms in [from, to) exactly as PyTorch's `uniform_` on a float32
 * tensor: bounds rounded to float32, `range = f32(to - from)`, and per element one draw
 * `x = (random() & 0xffffff) * 2^-24` and `fma32(x, range, from)` (GCC fuses the multiply-add in
 * the AVX2 kernel). As in torch 2.x a result equal to `to` (possible only for narrow ranges far
 * from 0) becomes `from`.
 *
 * @throws for bounds PyTorch rejects (see {@link checkUniformBounds}).
 *
 * @example
 * ```ts
 * manual_seed(0);
 * const w = new Float32Array(7);
 * fillUniform(default_generator, w, -0.0416, 0.0416); // torch.empty(7).uniform_(-0.0416, 0.0416)
 * ```
 */
export function fillUniform(gen: Generator, out: Float32Array, from = 0, to = 1): Float32Array {
  checkUniformBounds(from, to);
  const lo = f32(from);
  const hi = f32(to);
  const range = f32(hi - lo);
  for (let i = 0; i < out.length; i++) {
    const v = fma32(gen.uniformFloat(), range, lo);
    out[i] = v === hi ? lo : v;
  }
  return out;
}

/**
 * Fills `out` with float64 uniforms in [from, to) exactly as PyTorch's `uniform_` on a float64
 * tensor (`uniform_real_distribution<double>`): per element one double draw
 * `x = (random64() & (2^53 - 1)) * 2^-53` (two 32-bit draws) and `fma64(x, to - from, from)` (GCC
 * fuses this multiply-add as well); as in torch 2.x a result equal to `to` becomes `from`.
 *
 * @throws for bounds PyTorch rejects (see {@link checkUniformBounds}).
 *
 * @example
 * ```ts
 * manual_seed(0);
 * fillUniformDouble(default_generator, new Float64Array(3)); // torch.rand(3, dtype=torch.float64)
 * ```
 */
export function fillUniformDouble(gen: Generator, out: Float64Array, from = 0, to = 1): Float64Array {
  checkUniformBounds(from, to, true);
  const range = to - from;
  for (let i = 0; i < out.length; i++) {
    const v = fma64(gen.uniformDouble(), range, from);
    out[i] = v === to ? from : v;
  }
  return out;
}

const TWO_PI_F = f32(2 * Math.PI);
const sc: SinCos = { sin: 0, cos: 0 };

/**
 * Box-Muller on the 16 uniforms `d[off .. off+15]` in place, as `normal_fill_16_AVX2`:
 * element j pairs with j + 8 (u1 = 1 - d[j], u2 = d[j+8]), using the Cephes float32 log and sincos.
 */
function boxMuller16(d: Float32Array, off: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f32(1 - d[off + j]!);
    const u2 = d[off + j + 8]!;
    const radius = f32(Math.sqrt(f32(-2 * logPs(u1))));
    sincosPs(f32(TWO_PI_F * u2), sc);
    d[off + j] = fma32(f32(radius * sc.cos), std, mean);
    d[off + j + 8] = fma32(f32(radius * sc.sin), std, mean);
  }
}

/** Options of {@link fillNormal}. */
export interface FillNormalOptions {
  /**
   * Whether the tensor being filled `is_contiguous()`. PyTorch takes the vectorised float32 path
   * only for contiguous tensors of 16 or more elements; others (transposed views, channels_last)
   * get the scalar double path in memory order. Default true.
   */
  contiguous?: boolean;
}

/**
 * Fills `out` with normal samples exactly as PyTorch's `normal_(mean, std)` on a float32 tensor.
 *
 * - Fill path (at least 16 elements and contiguous): draw one float uniform per element, then
 *   transform blocks of 16 with float32 Box-Muller (Cephes log/sincos, fused multiply-adds). If the
 *   length is not a multiple of 16, the last 16 elements are redrawn and transformed again, so
 *   `n + 16` draws are used. Neither reads nor clears the generator's cached normal.
 * - Scalar path (fewer than 16 elements, or not contiguous): per element a double sample from
 *   {@link Generator.standardNormalDouble} (which uses and refills the cache), then
 *   `f32(g * std + mean)`. Bit-exact except with probability about 1e-9 per value, where V8's
 *   `Math.log1p/sin/cos` and glibc differ in a way that survives rounding to float32.
 *
 * @throws for `std < 0` or NaN, with PyTorch's message.
 *
 * @example
 * ```ts
 * manual_seed(0);
 * const w = new Float32Array(17);
 * fillNormal(default_generator, w, 0, 1); // torch.empty(17).normal_()
 * ```
 */
export function fillNormal(
  gen: Generator,
  out: Float32Array,
  mean = 0,
  std = 1,
  options: FillNormalOptions = {},
): Float32Array {
  checkNormalStd(std);
  const n = out.length;
  if (n >= 16 && (options.contiguous ?? true)) {
    const m = f32(mean);
    const s = f32(std);
    for (let i = 0; i < n; i++) out[i] = gen.uniformFloat();
    for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i, m, s);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = gen.uniformFloat();
      boxMuller16(out, n - 16, m, s);
    }
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = gen.standardNormalDouble() * std + mean;
  return out;
}

/**
 * Checks a bernoulli probability with PyTorch's message (`bernoulli_(p)` needs 0 <= p <= 1).
 */
export function checkBernoulliP(p: number): void {
  if (!(p >= 0 && p <= 1))
    throw new RangeError(`bernoulli_ expects p to be in [0, 1], but got p=${formatCppDouble(p)}`);
}

/**
 * Fills `out` with 0/1 draws that are 1 with probability `p`, as PyTorch's CPU `bernoulli_(p)` with a
 * scalar p (the kernel open-source builds use; ATen's MKL stream is compiled out for them): per element
 * in memory order `at::bernoulli_distribution<double>`, i.e. one `uniform_real_distribution<double>`
 * draw (53 bits of `random64()`) and `u < p`. `F.dropout` draws its mask this way.
 *
 * @example
 * ```ts
 * manual_seed(0);
 * fillBernoulli(default_generator, new Float32Array(4), 0.5); // torch.empty(4).bernoulli_(0.5)
 * ```
 */
export function fillBernoulli<A extends Float32Array | Float64Array>(gen: Generator, out: A, p: number): A {
  checkBernoulliP(p);
  for (let i = 0; i < out.length; i++) out[i] = gen.uniformDouble() < p ? 1 : 0;
  return out;
}

/**
 * Fills `out[i]` with a 0/1 draw that is 1 with probability `probs[i]`, as PyTorch's
 * `torch.bernoulli(probs)` for float32 probabilities: `at::bernoulli_distribution<float>`, one 24-bit
 * `uniform_real_distribution<float>` draw per element (`(random() & 0xffffff) * 2^-24 < p`).
 *
 * @throws RangeError for a probability outside [0, 1] (PyTorch checks `0 <= p <= 1` too).
 *
 * @example
 * ```ts
 * fillBernoulliProbs(default_generator, new Float32Array(3), new Float32Array([0, 0.5, 1]));
 * ```
 */
export function fillBernoulliProbs(
  gen: Generator,
  out: Float32Array,
  probs: ArrayLike<number>,
): Float32Array {
  for (let i = 0; i < out.length; i++) {
    const p = probs[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(
        `bernoulli expects probabilities in [0, 1], but element ${i} is ${p}; clamp them first`,
      );
    }
    out[i] = gen.uniformFloat() < p ? 1 : 0;
  }
  return out;
}
