/**
 * Decoder for the IDX format of the MNIST files (`train-images-idx3-ubyte` and friends), as
 * described on the MNIST page by LeCun et al.: a 4-byte magic (two zero bytes, a type code, the
 * number of dimensions), one big-endian uint32 per dimension, then the data, row-major.
 */

/** The decoded array: its shape and its raw unsigned bytes. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/**
 * Decodes an IDX file of unsigned bytes (the only type MNIST uses).
 *
 * @param bytes - the whole (already gunzipped) file.
 * @param name - the file's name, for error messages.
 * @throws when the magic, type code or length is wrong, naming the file and what is wrong.
 *
 * @example
 * ```ts
 * const labels = decodeIdx(readFileSync('t10k-labels-idx1-ubyte'), 't10k-labels-idx1-ubyte');
 * labels.shape; // [10000]
 * ```
 */
export function decodeIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) {
    throw new Error(`${name}: not an IDX file (${bytes.length} bytes, shorter than the 4-byte header)`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${name}: not an IDX file (the magic number must start with two zero bytes)`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new Error(
      `${name}: unsupported IDX element type 0x${bytes[2]!.toString(16).padStart(2, '0')} (MNIST files hold unsigned bytes, 0x08)`,
    );
  }
  const rank = bytes[3]!;
  const headerLength = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerLength) {
    throw new Error(
      `${name}: truncated IDX header (${rank} dimensions need ${headerLength} bytes, file has ${bytes.length})`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const expected = shape.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerLength;
  if (actual !== expected) {
    const what = actual < expected ? 'truncated' : 'has trailing bytes';
    throw new Error(
      `${name}: ${what}: header says [${shape.join(', ')}] = ${expected} bytes of data, file has ${actual}`,
    );
  }
  return { shape, data: bytes.subarray(headerLength) };
}
