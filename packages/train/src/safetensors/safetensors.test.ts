import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import { load, load_file, load_file_with_metadata, save, save_file } from './safetensors.js';

interface Expected {
  dtype: string;
  shape: number[];
  values: (number | boolean | string)[];
}

describe('safetensors with tensors', () => {
  it('round-trips float32, float64, int64, int32 and bool tensors with metadata', () => {
    const state = {
      'conv.weight': tensor([
        [1.5, -2],
        [3e-8, 4],
      ]),
      reference: tensor(new Float64Array([0.1, 1 / 3, 1e-300])), // F64 keeps every double bit
      'bn.num_batches_tracked': tensor(7, { dtype: 'int64' }),
      idx: tensor([-3, 2147483647], { dtype: 'int32' }),
      mask: tensor([true, false, true]),
    };
    const back = load(save(state, { note: 'hi' }));
    expect(Object.keys(back).sort()).toEqual(Object.keys(state).sort());
    for (const [name, t] of Object.entries(state)) {
      expect(back[name]!.dtype, name).toBe(t.dtype);
      expect(back[name]!.shape, name).toEqual(t.shape);
      expect(back[name]!.tolist(), name).toEqual(t.tolist());
    }
  });

  it('writes files atomically and reads them back, naming the file on errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'minidl-st-'));
    const path = join(dir, 'w.safetensors');
    save_file({ w: tensor([1, 2, 3]) }, path, { format: 'pt' });
    expect(readdirSync(dir)).toEqual(['w.safetensors']); // no temporary file left behind
    const { tensors, metadata } = load_file_with_metadata(path);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.w!.tolist()).toEqual([1, 2, 3]);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, readFileSync(path).subarray(0, 20));
    expect(() => load_file(bad)).toThrow(`${bad}: invalid safetensors file: header length`);
  });

  it('reads the file PyTorch wrote (tools/safetensors_roundtrip.py) with its values', () => {
    const dir = new URL('../../test/fixtures/', import.meta.url);
    const expected = JSON.parse(readFileSync(new URL('torch_safetensors.json', dir), 'utf8')) as Record<
      string,
      Expected
    >;
    const { tensors, metadata } = load_file_with_metadata(new URL('torch.safetensors', dir).pathname);
    expect(metadata).toEqual({ format: 'pt', source: 'torch' });
    for (const [name, e] of Object.entries(expected)) {
      const t = tensors[name]!;
      expect(t.shape, name).toEqual(e.shape);
      expect(t.dtype, name).toBe(e.dtype);
      // booleans and doubles exactly; the other dtypes as the float32 values the fixture lists
      const flat =
        t.dtype === 'bool' || t.dtype === 'float64' ? t.reshape(-1).tolist() : Array.from(t.toFloat32Array());
      expect(flat, name).toEqual(e.values.map((v) => (typeof v === 'string' ? Number(v) : v)));
    }
  });
});
