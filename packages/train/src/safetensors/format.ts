/**
 * The safetensors file format (huggingface/safetensors, "Format" in its README), byte level:
 *
 *   8 bytes   N, the header size, unsigned 64-bit little-endian
 *   N bytes   a UTF-8 JSON object: for each tensor name {"dtype", "shape", "data_offsets": [begin, end]}
 *             and optionally "__metadata__": {string: string}; may be padded with trailing spaces
 *   the rest  the byte buffer; data_offsets are relative to its start, little-endian, row-major
 *
 * The reference implementation's checks are applied, so every file accepted here is one it accepts:
 * the tensors' byte ranges must tile the buffer exactly (sorted by begin, each beginning where the
 * previous ended, the last ending at the end of the file), and each range must be exactly
 * numel x itemsize bytes. Nothing is read before it has been checked to be in bounds.
 */

/**
 * Bytes per element of each safetensors dtype.
 *
 * @example
 * ```ts
 * safetensors.DTYPE_BYTES.BF16; // 2
 * ```
 */
export const DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
} as const;

export type SafetensorsDType = keyof typeof DTYPE_BYTES;

/** One tensor's raw entry: dtype, shape and its little-endian bytes. */
export interface RawTensor {
  dtype: SafetensorsDType;
  shape: number[];
  bytes: Uint8Array;
}

/** A decoded file: its tensors in header order and its `__metadata__` (null when absent). */
export interface RawFile {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string> | null;
}

/** The reference implementation's cap on the header size (100 MB). */
const MAX_HEADER_SIZE = 100_000_000;

function fail(message: string): never {
  throw new Error(`invalid safetensors file: ${message}`);
}

function isDType(x: unknown): x is SafetensorsDType {
  return typeof x === 'string' && Object.hasOwn(DTYPE_BYTES, x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/**
 * Parses and checks a safetensors file.
 *
 * @throws `invalid safetensors file: ...` naming the problem (header length past the end, bad JSON,
 *   unknown dtype, offsets out of range, overlapping or leaving gaps, shape not matching the bytes).
 */
export function decodeSafetensors(file: Uint8Array): RawFile {
  if (file.length < 8) fail(`${file.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerSize = view.getBigUint64(0, true);
  if (headerSize > BigInt(file.length - 8)) {
    fail(`header length ${headerSize} runs past the end of the file (${file.length - 8} bytes follow it)`);
  }
  const n = Number(headerSize);
  if (n > MAX_HEADER_SIZE) fail(`header length ${n} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  if (n < 2 || file[8] !== 0x7b) fail("the header must be a JSON object starting with '{'");
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + n));
  } catch {
    fail('the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(`the header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('the header is not a JSON object');

  const buffer = file.subarray(8 + n);
  let metadata: Record<string, string> | null = null;
  const entries: { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }[] =
    [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info))
        fail('__metadata__ must be an object');
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string') fail(`__metadata__ value of '${k}' is not a string`);
      }
      metadata = info as Record<string, string>;
      continue;
    }
    if (typeof info !== 'object' || info === null) fail(`entry '${name}' is not an object`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (!isDType(dtype)) fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every(isCount)) {
      fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)} (expected non-negative integers)`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every(isCount) ||
      offsets[0] > offsets[1]
    ) {
      fail(
        `tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end], begin <= end)`,
      );
    }
    const [begin, end] = offsets as [number, number];
    if (end > buffer.length) {
      fail(
        `tensor '${name}' data_offsets [${begin}, ${end}] run past the end of the data (${buffer.length} bytes)`,
      );
    }
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    if (numel * DTYPE_BYTES[dtype] !== end - begin) {
      fail(
        `tensor '${name}' of shape [${shape.join(', ')}] and dtype ${dtype} needs ${numel * DTYPE_BYTES[dtype]} bytes, its data_offsets [${begin}, ${end}] span ${end - begin}`,
      );
    }
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }

  // The byte ranges must tile the buffer: sorted by begin, each starts where the previous ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous = '';
  for (const e of sorted) {
    if (e.begin !== expected) {
      fail(
        e.begin < expected
          ? `tensor '${e.name}' [${e.begin}, ${e.end}] overlaps tensor '${previous}' (which ends at ${expected})`
          : `bytes [${expected}, ${e.begin}) before tensor '${e.name}' belong to no tensor`,
      );
    }
    expected = e.end;
    previous = e.name;
  }
  if (expected !== buffer.length) {
    fail(`the tensors cover ${expected} bytes of data but the file has ${buffer.length}`);
  }

  const tensors = new Map<string, RawTensor>();
  for (const e of entries)
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, bytes: buffer.subarray(e.begin, e.end) });
  return { tensors, metadata };
}

/**
 * Writes a safetensors file as the reference implementation does: tensors laid out by decreasing
 * element size, then by name (so every tensor's data is aligned to its element size), and the
 * header padded with spaces to a multiple of 8 bytes.
 *
 * @throws when a tensor's byte count does not match its shape and dtype, or a metadata value is not a string.
 */
export function encodeSafetensors(
  tensors: Map<string, RawTensor>,
  metadata?: Record<string, string> | null,
): Uint8Array {
  const names = [...tensors.keys()].sort((a, b) => {
    const size = DTYPE_BYTES[tensors.get(b)!.dtype] - DTYPE_BYTES[tensors.get(a)!.dtype];
    return size !== 0 ? size : a < b ? -1 : a > b ? 1 : 0;
  });
  const header: Record<string, unknown> = {};
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        throw new TypeError(`safetensors metadata values must be strings; '${k}' is ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new Error("a tensor cannot be named '__metadata__'");
    const t = tensors.get(name)!;
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel * DTYPE_BYTES[t.dtype] !== t.bytes.length) {
      throw new Error(
        `tensor '${name}': shape [${t.shape.join(', ')}] of ${t.dtype} needs ${numel * DTYPE_BYTES[t.dtype]} bytes, got ${t.bytes.length}`,
      );
    }
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const bytes = tensors.get(name)!.bytes;
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}
