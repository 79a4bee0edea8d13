/**
 * Random tensors and in-place random fills on top of `../random/` (PyTorch's CPU generator and its
 * float32 kernels, bit for bit): `rand`, `randn`, `randint`, `randperm`, `uniform_`, `normal_`,
 * `bernoulli_`, `bernoulli` (and so `dropout`'s masks). Like PyTorch, fills draw in the storage's memory order.
 */

import { castScalar, isFloating, parseDType } from '../dtype.js';
import {
  checkBernoulliP,
  fillBernoulli,
  fillBernoulliProbs,
  fillNormal,
  fillUniform,
  fillUniformDouble,
} from '../random/distributions.js';
import { default_generator, type Generator } from '../random/generator.js';
import { fillRandint, randpermValues } from '../random/integers.js';
import type { Tensor } from '../tensor.js';
import { allocTensor } from './core.js';
import { empty, type ShapeLike, type TensorOptions } from './creation.js';
import { bumpVersion, checkInplace } from './inplace.js';
import { makeView } from './views.js';

/** Options of random functions: PyTorch's `generator` keyword. */
export interface GeneratorOptions {
  /** The generator to draw from (the global one, seeded by `manual_seed`, by default). */
  generator?: Generator;
}

/** Options of random factories. */
export type RandomTensorOptions = TensorOptions & GeneratorOptions;

/**
 * Writes `n` values produced by `fill` into `t` in the order PyTorch draws them: the storage's
 * memory order. A dense tensor is filled directly; other views are permuted to memory order (dims
 * sorted by stride) and filled through a scratch buffer.
 */
function fillInMemoryOrder(
  t: Tensor,
  fill: (out: Float32Array | Float64Array, contiguous: boolean) => void,
): void {
  if (!isFloating(t.dtype)) throw new TypeError(`random fills need a float tensor, got ${t.dtype}`);
  const n = t.numel();
  if (t.is_contiguous()) {
    const data = t.storage.data as Float32Array | Float64Array;
    fill(data.subarray(t.offset, t.offset + n), true);
    return;
  }
  const order = t.shape.map((_, i) => i).sort((a, b) => t.strides[b]! - t.strides[a]!);
  const memoryView = makeView(
    t,
    order.map((d) => t.shape[d]!),
    order.map((d) => t.strides[d]!),
    t.offset,
  );
  const scratch = allocTensor(memoryView.shape, t.dtype, t.storage.backend);
  fill((scratch.storage.data as Float32Array | Float64Array).subarray(0, n), false);
  t.storage.backend.copy(scratch, memoryView);
}

/**
 * Fills `t` in place with uniform samples from [from, to), exactly as PyTorch's `uniform_`: float32
 * tensors from one 24-bit draw per element, float64 tensors from one 53-bit double draw (two 32-bit
 * draws) per element.
 *
 * @example
 * ```ts
 * torch.manual_seed(0);
 * w.data.uniform_(-0.1, 0.1);
 * torch.empty([3], { dtype: 'float64' }).uniform_(); // torch.empty(3, dtype=torch.float64).uniform_()
 * ```
 */
export function uniform_<T extends Tensor>(t: T, from = 0, to = 1, options: GeneratorOptions = {}): T {
  checkInplace(t);
  const gen = options.generator ?? default_generator;
  fillInMemoryOrder(t, (out) =>
    out instanceof Float64Array ? fillUniformDouble(gen, out, from, to) : fillUniform(gen, out, from, to),
  );
  bumpVersion(t);
  return t;
}

/**
 * Fills `t` in place with normal samples N(mean, std^2), exactly as PyTorch's `normal_`.
 * float32 only: PyTorch's float64 normal_ uses libm's double log/sin/cos, which JS does not
 * reproduce bit for bit, so a float64 tensor is refused (fill a float32 one and call `.double()`).
 *
 * @example
 * ```ts
 * m.weight.data.normal_(0.0, 0.02);
 * ```
 */
export function normal_<T extends Tensor>(t: T, mean = 0, std = 1, options: GeneratorOptions = {}): T {
  checkInplace(t);
  if (t.dtype === 'float64') {
    // PyTorch's float64 normal_ runs libm's double log/sin/cos, which V8's Math functions do not
    // reproduce bit for bit (torch-rng SPEC section 4b): refuse rather than give other numbers.
    throw new TypeError(
      "normal_ (and randn) for float64 is not supported: minidl reproduces only PyTorch's float32 normal " +
        'stream; draw float32 and call .double() (e.g. torch.randn(shape).double())',
    );
  }
  const gen = options.generator ?? default_generator;
  fillInMemoryOrder(t, (out, contiguous) => fillNormal(gen, out as Float32Array, mean, std, { contiguous }));
  bumpVersion(t);
  return t;
}

/**
 * Uniform samples in [0, 1), as `torch.rand` (float32, or float64 with `{ dtype: 'float64' }`).
 *
 * @example
 * ```ts
 * torch.manual_seed(0);
 * torch.rand([2, 3]);
 * torch.rand([2], { dtype: 'float64' });
 * ```
 */
export function rand(shape: ShapeLike, options: RandomTensorOptions = {}): Tensor {
  const t = empty(shape, { ...options, requires_grad: false });
  uniform_(t, 0, 1, options);
  return options.requires_grad ? t.requires_grad_(true) : t;
}

/**
 * Standard normal samples, as `torch.randn` (float32 only; see {@link normal_}).
 *
 * @example
 * ```ts
 * torch.randn([64, 1, 28, 28]);
 * ```
 */
export function randn(shape: ShapeLike, options: RandomTensorOptions = {}): Tensor {
  const t = empty(shape, { ...options, requires_grad: false });
  normal_(t, 0, 1, options);
  return options.requires_grad ? t.requires_grad_(true) : t;
}

/**
 * `rand` with `t`'s shape and backend.
 *
 * @example
 * ```ts
 * torch.rand_like(x);
 * ```
 */
export function rand_like(t: Tensor, options: RandomTensorOptions = {}): Tensor {
  return rand(t.shape, { dtype: t.dtype, device: t.device, ...options });
}

/**
 * `randn` with `t`'s shape and backend.
 *
 * @example
 * ```ts
 * torch.randn_like(x);
 * ```
 */
export function randn_like(t: Tensor, options: RandomTensorOptions = {}): Tensor {
  return randn(t.shape, { dtype: t.dtype, device: t.device, ...options });
}

/**
 * Integers uniform in [low, high) (int64 by default), exactly as `torch.randint`; `low` may be
 * omitted: `randint(high, size)`.
 *
 * @example
 * ```ts
 * torch.randint(0, 10, [5]);
 * torch.randint(10, [5]);
 * ```
 */
export function randint(
  low: number,
  high: number | ShapeLike,
  size?: ShapeLike | RandomTensorOptions,
  options: RandomTensorOptions = {},
): Tensor {
  let lo = low;
  let hi: number;
  let shape: ShapeLike;
  let opts = options;
  if (typeof high === 'number' && size !== undefined && (typeof size === 'number' || Array.isArray(size))) {
    hi = high;
    shape = size as ShapeLike;
  } else {
    lo = 0;
    hi = low;
    shape = high as ShapeLike;
    opts = (size as RandomTensorOptions | undefined) ?? options;
  }
  const dtype = parseDType(opts.dtype ?? 'int64');
  const t = empty(shape, { ...opts, dtype, requires_grad: false });
  const values = fillRandint(opts.generator ?? default_generator, new Array<number>(t.numel()), lo, hi);
  const dst = t.storage.data;
  values.forEach((v, i) => {
    dst[i] = castScalar(v, dtype);
  });
  return opts.requires_grad ? t.requires_grad_(true) : t;
}

/**
 * A random permutation of 0..n-1 (int64 by default), exactly as `torch.randperm`.
 *
 * @example
 * ```ts
 * const order = torch.randperm(60000, { generator: g });
 * ```
 */
export function randperm(n: number, options: RandomTensorOptions = {}): Tensor {
  const values = randpermValues(options.generator ?? default_generator, n);
  const dtype = parseDType(options.dtype ?? 'int64');
  const t = empty([n], { ...options, dtype, requires_grad: false });
  const dst = t.storage.data;
  values.forEach((v, i) => {
    dst[i] = castScalar(v, dtype);
  });
  return t;
}

/**
 * Fills `t` in place with 0/1 draws that are 1 with probability `p`, exactly as PyTorch's CPU
 * `bernoulli_(p)`: one 53-bit double uniform per element in memory order (see `fillBernoulli`).
 *
 * @example
 * ```ts
 * torch.manual_seed(0);
 * torch.empty([2, 3]).bernoulli_(0.3);
 * ```
 */
export function bernoulli_<T extends Tensor>(t: T, p = 0.5, options: GeneratorOptions = {}): T {
  checkInplace(t);
  const gen = options.generator ?? default_generator;
  checkBernoulliP(p);
  fillInMemoryOrder(t, (out) => fillBernoulli(gen, out, p));
  bumpVersion(t);
  return t;
}

/**
 * A float32 tensor of 0/1 draws, as `torch.bernoulli`: element i is 1 with probability `input[i]`,
 * or, given `p`, every element is 1 with probability `p` (PyTorch's `bernoulli(input, p)` overload,
 * shaped like `input`). Probabilities draw one 24-bit float uniform each, as PyTorch does for float32.
 *
 * @example
 * ```ts
 * torch.manual_seed(0);
 * const coin = torch.bernoulli(torch.full([4], 0.5));
 * const mask = torch.bernoulli(x, 0.1);
 * ```
 */
export function bernoulli(
  input: Tensor,
  p?: number | GeneratorOptions,
  options: GeneratorOptions = {},
): Tensor {
  if (typeof p === 'object') return bernoulli(input, undefined, p);
  const out = allocTensor(input.shape, 'float32', input.storage.backend);
  if (p !== undefined) return bernoulli_(out, p, options);
  if (input.dtype !== 'float32') {
    throw new TypeError(
      `bernoulli expects a float32 tensor of probabilities, got ${input.dtype}; call .float() first`,
    );
  }
  const probs = input.contiguous();
  const gen = options.generator ?? default_generator;
  const from = (probs.storage.data as Float32Array).subarray(probs.offset, probs.offset + probs.numel());
  fillBernoulliProbs(gen, out.storage.data as Float32Array, from);
  return out;
}
