/**
 * Tensors to and from safetensors files, the weights format PyTorch users exchange (the API of
 * `safetensors.torch`: `save`/`load` on bytes, `save_file`/`load_file` on paths).
 *
 * dtypes: float32 <-> F32, float64 <-> F64, int64 <-> I64, int32 <-> I32, bool <-> BOOL. Reading also
 * accepts F16 and BF16 (converted to float32), I8/I16/U8/U16 (as int32) and U32/U64
 * (as int64). minidl keeps int64 in 32 bits, so an I64/U64 value outside +-2^31 is an error.
 */
import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@minidl/tensor';
import { atomicWriteFile } from '../fs/atomic.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from './format.js';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('minidl safetensors support assumes a little-endian platform');
}

/** Named tensors, as a `state_dict()` or a Map. */
export type TensorDict = Record<string, Tensor> | Map<string, Tensor>;

/** The flat elements of a tensor as its storage's typed array (row-major copy). */
function elements(t: Tensor): Float32Array | Float64Array | Int32Array | Uint8Array {
  const c = t.contiguous();
  return c.storage.data.slice(c.offset, c.offset + c.numel());
}

function toRaw(name: string, t: Tensor): RawTensor {
  const shape = [...t.shape];
  const values = elements(t);
  switch (t.dtype) {
    case 'float32':
      return { dtype: 'F32', shape, bytes: new Uint8Array(Float32Array.from(values).buffer) };
    case 'float64':
      return { dtype: 'F64', shape, bytes: new Uint8Array(Float64Array.from(values).buffer) };
    case 'int32':
      return { dtype: 'I32', shape, bytes: new Uint8Array(Int32Array.from(values).buffer) };
    case 'int64': {
      const wide = new BigInt64Array(values.length);
      for (let i = 0; i < values.length; i++) wide[i] = BigInt(values[i]!);
      return { dtype: 'I64', shape, bytes: new Uint8Array(wide.buffer) };
    }
    case 'bool':
      return { dtype: 'BOOL', shape, bytes: Uint8Array.from(values, (v) => (v ? 1 : 0)) };
    default:
      throw new Error(`safetensors: cannot save tensor '${name}' of dtype ${t.dtype as string}`);
  }
}

/**
 * Reinterprets little-endian bytes as a typed array, copying them into a fresh buffer (offsets need
 * not be aligned, and a Node Buffer's `slice` would share its pool instead of copying).
 */
function typed<T>(bytes: Uint8Array, Ctor: new (buffer: ArrayBuffer) => T): T {
  return new Ctor(new Uint8Array(bytes).buffer);
}

/** Decodes IEEE half precision (1 sign, 5 exponent, 10 mantissa bits). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function checkedInt64(name: string, values: ArrayLike<bigint>): number[] {
  return Array.from(values, (v, i) => {
    if (v > 2147483647n || v < -2147483648n) {
      throw new Error(
        `safetensors: tensor '${name}' element ${i} is ${v}, outside the 32-bit range minidl stores int64 in`,
      );
    }
    return Number(v);
  });
}

function fromRaw(name: string, raw: RawTensor): Tensor {
  const { bytes, shape } = raw;
  let t: Tensor;
  switch (raw.dtype) {
    case 'F32':
      t = tensor(typed(bytes, Float32Array));
      break;
    case 'F64':
      t = tensor(typed(bytes, Float64Array));
      break;
    case 'F16':
      t = tensor(Float32Array.from(typed(bytes, Uint16Array), halfToFloat));
      break;
    case 'BF16': {
      const wide = new Uint32Array(bytes.length / 2);
      typed(bytes, Uint16Array).forEach((h, i) => {
        wide[i] = h << 16;
      });
      t = tensor(new Float32Array(wide.buffer));
      break;
    }
    case 'I64':
      t = tensor(checkedInt64(name, typed(bytes, BigInt64Array)), { dtype: 'int64' });
      break;
    case 'U64':
      t = tensor(checkedInt64(name, typed(bytes, BigUint64Array)), { dtype: 'int64' });
      break;
    case 'U32':
      t = tensor(Array.from(typed(bytes, Uint32Array)), { dtype: 'int64' });
      break;
    case 'I32':
      t = tensor(Array.from(typed(bytes, Int32Array)), { dtype: 'int32' });
      break;
    case 'I16':
      t = tensor(Array.from(typed(bytes, Int16Array)), { dtype: 'int32' });
      break;
    case 'I8':
      t = tensor(Array.from(typed(bytes, Int8Array)), { dtype: 'int32' });
      break;
    case 'U16':
      t = tensor(Array.from(typed(bytes, Uint16Array)), { dtype: 'int32' });
      break;
    case 'U8':
      t = tensor(Array.from(bytes), { dtype: 'int32' });
      break;
    case 'BOOL':
      t = tensor(
        Array.from(bytes, (b) => b !== 0),
        { dtype: 'bool' },
      );
      break;
    default:
      throw new Error(`safetensors: tensor '${name}' has dtype ${raw.dtype}, which minidl cannot represent`);
  }
  return t.view(shape);
}

function entries(tensors: TensorDict): [string, Tensor][] {
  return tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
}

/**
 * Serialises named tensors to the bytes of a safetensors file.
 *
 * @param metadata - free-form string pairs stored as the header's `__metadata__`.
 * @example
 * ```ts
 * const bytes = safetensors.save(model.state_dict(), { format: 'pt' });
 * ```
 */
export function save(tensors: TensorDict, metadata?: Record<string, string>): Uint8Array {
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of entries(tensors)) raw.set(name, toRaw(name, t));
  return encodeSafetensors(raw, metadata);
}

/**
 * Parses the bytes of a safetensors file into named tensors (in header order).
 *
 * @throws `invalid safetensors file: ...` for a malformed file (see `format.ts`); nothing is read out of bounds.
 * @example
 * ```ts
 * model.load_state_dict(safetensors.load(bytes));
 * ```
 */
export function load(bytes: Uint8Array): Record<string, Tensor> {
  return load_with_metadata(bytes).tensors;
}

/**
 * Like {@link load}, also returning the header's `__metadata__` (null when absent).
 *
 * @example
 * ```ts
 * const { tensors, metadata } = safetensors.load_with_metadata(bytes);
 * ```
 */
export function load_with_metadata(bytes: Uint8Array): {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string> | null;
} {
  const raw = decodeSafetensors(bytes);
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of raw.tensors) tensors[name] = fromRaw(name, t);
  return { tensors, metadata: raw.metadata };
}

/**
 * Writes named tensors to a safetensors file, atomically (a temporary file, fsync, rename), so a
 * crash never leaves a half-written file under `path`.
 *
 * @example
 * ```ts
 * safetensors.save_file(model.state_dict(), 'model.safetensors');
 * // Python: safetensors.torch.load_file('model.safetensors')
 * ```
 */
export function save_file(tensors: TensorDict, path: string, metadata?: Record<string, string>): void {
  atomicWriteFile(path, save(tensors, metadata));
}

/**
 * Reads the named tensors of a safetensors file.
 *
 * @throws naming the file when it is malformed.
 * @example
 * ```ts
 * model.load_state_dict(safetensors.load_file('model.safetensors'));
 * ```
 */
export function load_file(path: string): Record<string, Tensor> {
  return load_file_with_metadata(path).tensors;
}

/**
 * Like {@link load_file}, also returning the header's `__metadata__`.
 *
 * @example
 * ```ts
 * const { metadata } = safetensors.load_file_with_metadata('model.safetensors');
 * ```
 */
export function load_file_with_metadata(path: string): {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string> | null;
} {
  try {
    return load_with_metadata(readFileSync(path));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}
