import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from './format.js';

/** A file from a header object (or raw header text) and a data buffer, built by hand per the spec. */
function build(header: unknown, data: Uint8Array, headerLength?: bigint): Uint8Array {
  const json =
    header instanceof Uint8Array
      ? header
      : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('safetensors format', () => {
  it('reads a hand-built file laid out as the spec describes', () => {
    // Two tensors and metadata; I32 [2, 2] = 16 bytes followed by F32 [3] = 12 bytes.
    const data = new Uint8Array(28);
    new Int32Array(data.buffer, 0, 4).set([1, -2, 3, 2147483647]);
    new Float32Array(data.buffer, 16, 3).set([0.5, -1.25, 3e38]);
    const file = build(
      {
        __metadata__: { format: 'pt' },
        ints: { dtype: 'I32', shape: [2, 2], data_offsets: [0, 16] },
        floats: { dtype: 'F32', shape: [3], data_offsets: [16, 28] },
      },
      data,
    );
    const { tensors, metadata } = decodeSafetensors(file);
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['ints', 'floats']);
    const ints = tensors.get('ints')!;
    expect(ints.dtype).toBe('I32');
    expect(ints.shape).toEqual([2, 2]);
    expect(Array.from(new Int32Array(ints.bytes.slice().buffer))).toEqual([1, -2, 3, 2147483647]);
    expect(Array.from(new Float32Array(tensors.get('floats')!.bytes.slice().buffer))).toEqual([
      0.5,
      -1.25,
      Math.fround(3e38),
    ]);
  });

  it('accepts zero-element tensors and a header padded with spaces', () => {
    const header = JSON.stringify({ empty: { dtype: 'F32', shape: [0, 3], data_offsets: [0, 0] } });
    const { tensors } = decodeSafetensors(build(`${header}   `, new Uint8Array(0)));
    expect(tensors.get('empty')!.shape).toEqual([0, 3]);
  });

  it('writes aligned files the reader accepts, largest elements first', () => {
    const tensors = new Map<string, RawTensor>([
      ['b.mask', { dtype: 'BOOL', shape: [3], bytes: new Uint8Array([1, 0, 1]) }],
      ['a.weight', { dtype: 'F32', shape: [2], bytes: f32([1, 2]) }],
      ['step', { dtype: 'I64', shape: [], bytes: new Uint8Array(new BigInt64Array([5n]).buffer) }],
    ]);
    const file = encodeSafetensors(tensors, { epoch: '3' });
    const headerLength = Number(new DataView(file.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
    expect(header.step.data_offsets).toEqual([0, 8]);
    expect(header['a.weight'].data_offsets).toEqual([8, 16]);
    expect(header['b.mask'].data_offsets).toEqual([16, 19]);
    const back = decodeSafetensors(file);
    expect(back.metadata).toEqual({ epoch: '3' });
    for (const [name, t] of tensors) {
      expect(back.tensors.get(name)!.shape).toEqual(t.shape);
      expect(Array.from(back.tensors.get(name)!.bytes)).toEqual(Array.from(t.bytes));
    }
  });

  it('rejects every malformed file with a message naming the problem', () => {
    const ok = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const data = f32([1, 2]);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(5), 'shorter than the 8-byte header length'],
      [build(ok, data, 1000n), 'header length 1000 runs past the end of the file'],
      [build(ok, data, 0xffffffffffffffffn), 'header length 18446744073709551615 runs past the end'],
      [build('[1, 2]', new Uint8Array(0)), "must be a JSON object starting with '{'"],
      [build('{"x": ', new Uint8Array(0)), 'the header is not valid JSON'],
      [build(new Uint8Array([0x7b, 0xff, 0x7d]), new Uint8Array(0)), 'not valid UTF-8'],
      [build({ x: { dtype: 'F31', shape: [2], data_offsets: [0, 8] } }, data), 'unknown dtype "F31"'],
      [
        build({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, data),
        "tensor 'x' of shape [3] and dtype F32 needs 12 bytes",
      ],
      [build({ x: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, data), 'invalid shape'],
      [
        build({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, data),
        'run past the end of the data (8 bytes)',
      ],
      [build({ x: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, data), 'invalid data_offsets'],
      [
        build(
          {
            x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
          },
          data,
        ),
        "tensor 'y' [4, 8] overlaps tensor 'x'",
      ],
      [build({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data), 'bytes [0, 4) before tensor'],
      [
        build({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, data),
        'the tensors cover 4 bytes of data but the file has 8',
      ],
      [build({ __metadata__: { n: 1 }, ...ok }, data), "__metadata__ value of 'n' is not a string"],
    ];
    for (const [file, message] of cases) {
      expect(() => decodeSafetensors(file), message).toThrow(message);
      expect(() => decodeSafetensors(file)).toThrow('invalid safetensors file: ');
    }
  });
});
