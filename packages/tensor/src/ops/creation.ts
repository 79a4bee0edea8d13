/**
 * Factories: `tensor` from nested arrays or typed arrays, `empty/zeros/ones/full`, `arange`,
 * `linspace`, `eye` and the `*_like` variants, with PyTorch's dtype inference and options.
 */
import type { Backend, BackendName } from '../backend/backend.js';
import { backendByName, currentBackend } from '../backend/registry.js';
import { castScalar, type DType, isFloating, parseDType } from '../dtype.js';
import { formatShape, type Shape } from '../shape.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { allocTensor } from './core.js';

/** Options of factory functions, with PyTorch's names. */
export interface TensorOptions {
  /**
   * Element type (PyTorch names and aliases: 'float32'/'float', 'float64'/'double', 'int64'/'long',
   * 'int32'/'int', 'bool').
   */
  dtype?: DType | 'float' | 'double' | 'long' | 'int';
  /** Make the result a leaf that records gradients. */
  requires_grad?: boolean;
  /** The backend to allocate on (PyTorch's `device`); the current backend by default. */
  device?: BackendName;
}

/** A shape given as an array, or a single size for 1-d. */
export type ShapeLike = Shape | number;

function shapeOf(s: ShapeLike): number[] {
  const shape = typeof s === 'number' ? [s] : [...s];
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`Trying to create tensor with negative dimension ${d}: ${formatShape(shape)}`);
    }
  }
  return shape;
}

function backendOpt(options: TensorOptions): Backend {
  return options.device ? backendByName(options.device) : currentBackend();
}

/** Applies `requires_grad` to a freshly made leaf. */
function finish(t: Tensor, options: TensorOptions): Tensor {
  if (options.requires_grad) t.requires_grad_(true);
  return t;
}

function dtypeOpt(options: TensorOptions, fallback: DType): DType {
  return options.dtype === undefined ? fallback : parseDType(options.dtype);
}

/**
 * An uninitialised tensor (minidl zero-fills it on the host backends; wasm memory may hold old values).
 *
 * @example
 * ```ts
 * const buf = torch.empty([64, 784]);
 * ```
 */
export function empty(shape: ShapeLike, options: TensorOptions = {}): Tensor {
  return finish(allocTensor(shapeOf(shape), dtypeOpt(options, 'float32'), backendOpt(options)), options);
}

/**
 * A tensor filled with `fill_value`; the dtype follows the value (bool, int64 for integers, else
 * float32) unless given.
 *
 * @example
 * ```ts
 * torch.full([2, 2], 7); // int64, as in PyTorch
 * ```
 */
export function full(shape: ShapeLike, fill_value: number | boolean, options: TensorOptions = {}): Tensor {
  const inferred: DType =
    typeof fill_value === 'boolean' ? 'bool' : Number.isInteger(fill_value) ? 'int64' : 'float32';
  const dtype = dtypeOpt(options, options.requires_grad ? 'float32' : inferred);
  const t = allocTensor(shapeOf(shape), dtype, backendOpt(options));
  t.storage.backend.fill(t, castScalar(fill_value, dtype));
  return finish(t, options);
}

/**
 * A float32 (by default) tensor of zeros.
 *
 * @example
 * ```ts
 * torch.zeros([3, 4]);
 * ```
 */
export function zeros(shape: ShapeLike, options: TensorOptions = {}): Tensor {
  return full(shape, 0, { ...options, dtype: dtypeOpt(options, 'float32') });
}

/**
 * A float32 (by default) tensor of ones.
 *
 * @example
 * ```ts
 * torch.ones([3, 4], { requires_grad: true });
 * ```
 */
export function ones(shape: ShapeLike, options: TensorOptions = {}): Tensor {
  return full(shape, 1, { ...options, dtype: dtypeOpt(options, 'float32') });
}

/** Options for `*_like` factories: default to the template's dtype and backend. */
function likeOptions(t: Tensor, options: TensorOptions): TensorOptions {
  return { dtype: t.dtype, device: t.device, ...options };
}

/**
 * `empty` with `t`'s shape, dtype and backend.
 *
 * @example
 * ```ts
 * torch.empty_like(x);
 * ```
 */
export function empty_like(t: Tensor, options: TensorOptions = {}): Tensor {
  return empty(t.shape, likeOptions(t, options));
}

/**
 * Zeros with `t`'s shape, dtype and backend.
 *
 * @example
 * ```ts
 * const m = torch.zeros_like(param);
 * ```
 */
export function zeros_like(t: Tensor, options: TensorOptions = {}): Tensor {
  return full(t.shape, 0, likeOptions(t, options));
}

/**
 * Ones with `t`'s shape, dtype and backend.
 *
 * @example
 * ```ts
 * torch.ones_like(x);
 * ```
 */
export function ones_like(t: Tensor, options: TensorOptions = {}): Tensor {
  return full(t.shape, 1, likeOptions(t, options));
}

/**
 * `full` with `t`'s shape, dtype and backend.
 *
 * @example
 * ```ts
 * torch.full_like(x, 0.5);
 * ```
 */
export function full_like(t: Tensor, fill_value: number | boolean, options: TensorOptions = {}): Tensor {
  return full(t.shape, fill_value, likeOptions(t, options));
}

/** Infers the shape of nested arrays, checking they are not ragged (PyTorch's message). */
function nestedShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0]!;
  }
  const check = (v: NestedArray, d: number): void => {
    if (d === shape.length) {
      if (Array.isArray(v)) throw new Error(`expected a number at dim ${d}, got a sequence`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new Error(
        `expected sequence of length ${shape[d]} at dim ${d} (got ${Array.isArray(v) ? v.length : 'a number'})`,
      );
    }
    for (const e of v) check(e, d + 1);
  };
  check(data, 0);
  return shape;
}

function flatten(data: NestedArray): (number | boolean)[] {
  const out: (number | boolean)[] = [];
  const walk = (v: NestedArray): void => {
    if (Array.isArray(v)) for (const e of v) walk(e);
    else out.push(v);
  };
  walk(data);
  return out;
}

/** Typed arrays `tensor()` accepts (1-d). */
export type TypedInput =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array;

/**
 * A tensor copied from nested arrays or a typed array (1-d). Dtype: bool for booleans, int64 when
 * every number is an integer, else float32 (the default dtype) — note that JS cannot tell `1.0` from
 * `1`, so pass `{ dtype: 'float32' }` for float data written with integer literals (`requires_grad`
 * implies float32). Typed arrays keep their element type, as `torch.tensor` of a NumPy array does:
 * Float32Array gives float32, Float64Array float64, Int32Array int32 (other integer arrays int64).
 *
 * @example
 * ```ts
 * const x = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' });
 * const y = torch.tensor([3, 1, 4]); // int64 labels
 * const z = torch.tensor(new Float64Array([0.1, 0.2])); // float64, like torch.tensor(np.array([0.1, 0.2]))
 * ```
 */
export function tensor(data: NestedArray | TypedInput, options: TensorOptions = {}): Tensor {
  let shape: number[];
  let flat: ArrayLike<number | boolean>;
  let inferred: DType;
  if (ArrayBuffer.isView(data)) {
    shape = [data.length];
    flat = data;
    inferred =
      data instanceof Float32Array
        ? 'float32'
        : data instanceof Float64Array
          ? 'float64'
          : data instanceof Int32Array
            ? 'int32'
            : 'int64';
  } else {
    shape = nestedShape(data);
    const values = flatten(data);
    flat = values;
    inferred =
      values.length > 0 && values.every((v) => typeof v === 'boolean')
        ? 'bool'
        : values.every((v) => typeof v === 'boolean' || Number.isInteger(v))
          ? 'int64'
          : 'float32';
    if (values.length === 0) inferred = 'float32';
  }
  const dtype = dtypeOpt(options, options.requires_grad && !isFloating(inferred) ? 'float32' : inferred);
  const t = allocTensor(shape, dtype, backendOpt(options));
  const dst = t.storage.data;
  if (isFloating(dtype) && !Array.isArray(flat)) {
    dst.set(flat as ArrayLike<number>);
  } else {
    for (let i = 0; i < flat.length; i++) dst[i] = castScalar(flat[i]!, dtype);
  }
  return finish(t, options);
}

/**
 * Values from `start` (inclusive) to `end` (exclusive) by `step`; `arange(n)` is 0..n-1. int64 if
 * all arguments are integers, else float32.
 *
 * @example
 * ```ts
 * torch.arange(5); torch.arange(0, 1, 0.25);
 * ```
 */
export function arange(
  start: number,
  end?: number | TensorOptions,
  step?: number | TensorOptions,
  options: TensorOptions = {},
): Tensor {
  let opts = options;
  let lo = start;
  let hi: number;
  let st = 1;
  if (typeof end !== 'number') {
    opts = end ?? opts;
    lo = 0;
    hi = start;
  } else {
    hi = end;
    if (typeof step === 'number') st = step;
    else if (step !== undefined) opts = step;
  }
  if (st === 0) throw new Error('step must be nonzero');
  if ((hi - lo) / st < 0) throw new Error('upper bound and larger bound inconsistent with step sign');
  const n = Math.ceil((hi - lo) / st);
  const inferred: DType = [lo, hi, st].every(Number.isInteger) ? 'int64' : 'float32';
  const dtype = dtypeOpt(opts, opts.requires_grad ? 'float32' : inferred);
  const t = allocTensor([n], dtype, backendOpt(opts));
  const dst = t.storage.data;
  for (let i = 0; i < n; i++) dst[i] = castScalar(lo + i * st, dtype);
  return finish(t, opts);
}

/**
 * `steps` evenly spaced float32 values from `start` to `end` inclusive.
 *
 * @example
 * ```ts
 * torch.linspace(0, 1, 5); // 0, 0.25, 0.5, 0.75, 1
 * ```
 */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  const t = allocTensor([steps], dtypeOpt(options, 'float32'), backendOpt(options));
  const dst = t.storage.data;
  // As ATen's linspace kernel: for float32 the bounds and the step are float32 (`(end - start) /
  // (steps - 1)` rounded once each) and every value is one fused multiply-add, `start + step * i`
  // (the product of a float32 step and a small integer is exact in a double, so computing in double
  // and storing rounds once, like the FMA). Integer results use a double step, as ATen's do. The
  // second half counts back from `end` so the last value is exactly `end`.
  const f32 = t.dtype === 'float32';
  const lo = f32 ? Math.fround(start) : start;
  const hi = f32 ? Math.fround(end) : end;
  const span = f32 ? Math.fround(hi - lo) : hi - lo;
  const step = steps > 1 ? (f32 ? Math.fround(span / (steps - 1)) : span / (steps - 1)) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) dst[i] = i < half ? lo + i * step : hi - (steps - 1 - i) * step;
  return finish(t, options);
}

/**
 * An identity matrix (n x m, m defaults to n).
 *
 * @example
 * ```ts
 * torch.eye(3);
 * ```
 */
export function eye(n: number, m: number = n, options: TensorOptions = {}): Tensor {
  const t = zeros([n, m], options);
  const dst = t.storage.data;
  for (let i = 0; i < Math.min(n, m); i++) dst[i * m + i] = 1;
  return t;
}
