/**
 * Element types. float32 is the default (as `torch.get_default_dtype()`); float64 is PyTorch's
 * `torch.float64`/`double`, computed in plain JS doubles (the wasm kernels are float32 only), for
 * reference computations such as gradient checks. PyTorch's int64 (its default for integer data
 * and class labels) is accepted by name and stored in 32 bits: values are range-checked where they
 * enter (`tensor`, `full`, `arange`...), which covers labels and indices, the only integer tensors a
 * training loop needs.
 */

/** The dtypes a tensor may have, by PyTorch's names. */
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

/** How a dtype is laid out in memory. */
export type StorageKind = 'f32' | 'f64' | 'i32' | 'u8';

/** A typed array of any storage kind. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

const KINDS: Record<DType, StorageKind> = {
  float32: 'f32',
  float64: 'f64',
  int64: 'i32',
  int32: 'i32',
  bool: 'u8',
};

/** The storage layout of a dtype. */
export function storageKind(dtype: DType): StorageKind {
  return KINDS[dtype];
}

/** Bytes per element of a storage kind. */
export function kindBytes(kind: StorageKind): number {
  return kind === 'u8' ? 1 : kind === 'f64' ? 8 : 4;
}

/** Whether a dtype holds floating-point values (only those can require gradients). */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/**
 * PyTorch's type promotion for two tensor operands: bool < int32 < int64 < float32 < float64
 * (`torch.promote_types`). A JS number is a scalar operand and never promotes a float32 tensor to
 * float64 (see the elementwise ops), as a Python float does not in PyTorch.
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Names PyTorch users pass for dtypes, mapped to ours (`'long'` is int64, `'float'` is float32...). */
const ALIASES: Record<string, DType> = {
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  bool: 'bool',
};

/**
 * Validates a dtype name, accepting PyTorch's aliases.
 *
 * @throws for unknown names and for float16/bfloat16/complex, which minidl does not have.
 */
export function parseDType(name: string): DType {
  const d = ALIASES[name];
  if (d === undefined) {
    throw new TypeError(
      `Unsupported dtype '${name}': minidl tensors are float32, float64, int64 (stored in 32 bits), int32 or bool`,
    );
  }
  return d;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Converts a JS number to what a tensor of `dtype` stores, with the range check that makes 32-bit
 * storage of int64 safe: an integer outside the int32 range is an error instead of wrapping.
 */
export function castScalar(value: number | boolean, dtype: DType): number {
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'float64') return v;
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  const t = Math.trunc(v);
  if (!(t >= INT32_MIN && t <= INT32_MAX)) {
    throw new RangeError(
      `value ${value} cannot be stored in a ${dtype} tensor: minidl stores integers in 32 bits (range [${INT32_MIN}, ${INT32_MAX}])`,
    );
  }
  return t;
}

/** PyTorch's legacy type names, as its messages print them (`Float`, `Long`...). */
export const TYPE_NAMES: Record<DType, string> = {
  float32: 'Float',
  float64: 'Double',
  int64: 'Long',
  int32: 'Int',
  bool: 'Bool',
};
