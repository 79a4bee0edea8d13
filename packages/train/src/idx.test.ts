import { describe, expect, it } from 'vitest';
import { idxFile as encodeIdx } from '../test/idx-file.js';
import { decodeIdx } from './idx.js';

describe('decodeIdx', () => {
  it('reads the shape and data of an idx3 image file', () => {
    const file = encodeIdx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
    const { shape, data } = decodeIdx(file, 'images');
    expect(shape).toEqual([2, 2, 3]);
    expect(Array.from(data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
  });

  it('names the file and the problem for corrupt input', () => {
    expect(() => decodeIdx(new Uint8Array([0, 0]), 'a')).toThrow('a: not an IDX file');
    expect(() => decodeIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), 'b')).toThrow('two zero bytes');
    expect(() => decodeIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 0]), 'c')).toThrow(
      'c: unsupported IDX element type 0x0d',
    );
    expect(() => decodeIdx(new Uint8Array([0, 0, 8, 3, 0, 0]), 'd')).toThrow('d: truncated IDX header');
    const short = encodeIdx([3], [1, 2, 3]).subarray(0, 10);
    expect(() => decodeIdx(short, 'e')).toThrow(
      'e: truncated: header says [3] = 3 bytes of data, file has 2',
    );
    expect(() => decodeIdx(encodeIdx([1], [1, 2]), 'f')).toThrow('f: has trailing bytes');
  });
});
