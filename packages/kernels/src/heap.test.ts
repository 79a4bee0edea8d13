import { describe, expect, it } from 'vitest';
import { rng } from '../test/helpers.js';
import { sizeClass, WasmHeap } from './heap.js';

describe('sizeClass', () => {
  it('is 64-byte aligned, covers the request and wastes at most 25% above 256 bytes', () => {
    const r = rng(1);
    for (let t = 0; t < 2000; t++) {
      const n = 1 + Math.floor(r() ** 3 * 5e7);
      const c = sizeClass(n);
      expect(c % 64).toBe(0);
      expect(c).toBeGreaterThanOrEqual(n);
      if (n > 256) expect(c).toBeLessThanOrEqual(Math.ceil((n * 1.25) / 64) * 64);
    }
  });
});

describe('WasmHeap', () => {
  it('returns aligned, disjoint blocks', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1 }), 100);
    const spans = [10, 300, 5000, 64, 70000].map((n) => [heap.alloc(n), n] as const);
    for (const [p] of spans) expect(p % 64).toBe(0);
    for (const [p] of spans) expect(p).toBeGreaterThanOrEqual(100);
    const sorted = [...spans].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i]![0]).toBeGreaterThanOrEqual(sorted[i - 1]![0] + sorted[i - 1]![1]);
    }
  });

  it('grows the memory when needed', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new WasmHeap(memory, 0);
    const p = heap.alloc(1 << 20);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(p + (1 << 20));
  });

  it('reuses freed blocks so a repeated workload stops growing', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new WasmHeap(memory, 0);
    const r = rng(7);
    const sizes = Array.from({ length: 40 }, () => Math.floor(r() * 200000));
    const step = () => {
      const ps = sizes.map((n) => heap.alloc(n));
      for (const p of ps) heap.free(p);
    };
    step();
    const after1 = heap.stats();
    for (let i = 0; i < 50; i++) step();
    const after = heap.stats();
    expect(after.bytesReserved).toBe(after1.bytesReserved);
    expect(after.memoryBytes).toBe(after1.memoryBytes);
    expect(after.bytesInUse).toBe(0);
    expect(after.liveBlocks).toBe(0);
    expect(after.bytesFree).toBe(after.bytesReserved);
  });

  it('tracks bytes in use', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1 }), 0);
    const a = heap.alloc(1000);
    const b = heap.alloc(64);
    expect(heap.stats().bytesInUse).toBe(sizeClass(1000) + 64);
    expect(heap.stats().liveBlocks).toBe(2);
    heap.free(a);
    expect(heap.stats().bytesInUse).toBe(64);
    expect(heap.alloc(999)).toBe(a);
    heap.free(b);
  });

  it('rejects double frees and foreign pointers', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1 }), 0);
    const p = heap.alloc(10);
    heap.free(p);
    expect(() => heap.free(p)).toThrow(/not a live block/);
    expect(() => heap.free(12345)).toThrow(/not a live block/);
    expect(() => heap.alloc(-1)).toThrow(/invalid byte count/);
  });
});
