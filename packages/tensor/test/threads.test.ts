import { describe, expect, it } from 'vitest';
import { get_num_threads, matmul, rand, set_num_threads } from '../src/index.js';

describe('set_num_threads', () => {
  it('caps the wasm kernels and gives the same product on one thread as on all', () => {
    const all = get_num_threads();
    const a = rand([300, 300]);
    const b = rand([300, 300]);
    const onAll = matmul(a, b).toFloat32Array();
    set_num_threads(1);
    expect(get_num_threads()).toBe(1);
    expect(matmul(a, b).toFloat32Array()).toEqual(onAll);
    set_num_threads(all);
    expect(get_num_threads()).toBe(all);
  });

  it("rejects what PyTorch's would", () => {
    expect(() => set_num_threads(0)).toThrow('set_num_threads expects a positive integer, got 0');
    expect(() => set_num_threads(1.5)).toThrow('positive integer');
  });
});
