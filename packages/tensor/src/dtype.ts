/**
 * Element types. PyTorch's int64 (its default for integer data and class labels) is accepted by name
 * and stored in 32 bits: values are range-checked where they enter (`tensor`, `full`, `arange`...),
 * which covers labels and indices, the only integer tensors a training loop needs.
 */

/** The dtypes a tensor may have, by PyTorch's names. */
export type DType = 'float32' | 'int64' | 'int32' | 'bool';

/** How a dtype is laid out in memory. */
export type StorageKind = 'f32' | 'i32' | 'u8';

/** A typed array of any storage kind. */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** The storage layout of a dtype. */
export function storageKind(dtype: DType): StorageKind {
  return dtype === 'float32' ? 'f32' : dtype === 'bool' ? 'u8' : 'i32';
}

/** Bytes per element of a storage kind. */
export function kindBytes(kind: StorageKind): number {
  return kind === 'u8' ? 1 : 4;
}

/** Whether a dtype holds floating-point values (only those can require gradients). */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float32';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3 };

/**
 * PyTorch's type promotion for two tensor operands: bool < int32 < int64 < float32.
 * (float32 is the only floating type here, so it always wins.)
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Names PyTorch users pass for dtypes, mapped to ours (`'long'` is int64, `'float'` is float32...). */
const ALIASES: Record<string, DType> = {
  float32: 'float32',
  float: 'float32',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  bool: 'bool',
};

/**
 * Validates a dtype name, accepting PyTorch's aliases.
 *
 * @throws for unknown names and for float64/float16, which minidl does not have.
 */
export function parseDType(name: string): DType {
  const d = ALIASES[name];
  if (d === undefined) {
    throw new TypeError(
      `Unsupported dtype '${name}': minidl tensors are float32, int64 (stored in 32 bits), int32 or bool`,
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
  int64: 'Long',
  int32: 'Int',
  bool: 'Bool',
};
