import { describe, expect, it } from 'vitest';
import { GcPressure } from './memory.js';

describe('GcPressure', () => {
  it('collects once the bytes awaiting the collector pass the threshold', () => {
    const p = new GcPressure(100, 1000, 0);
    expect(p.allocated(60, 0)).toBe(false);
    expect(p.allocated(60, 0)).toBe(true);
    expect(p.collections).toBe(1);
  });

  it('does not count bytes freed explicitly (backward temporaries) towards a collection', () => {
    const p = new GcPressure(100, 1000, 0);
    expect(p.allocated(60, 0)).toBe(false);
    p.released(50);
    expect(p.allocated(60, 0)).toBe(false); // 70 bytes await the collector
    p.released(500); // never below zero: the next 100 bytes are due again
    expect(p.allocated(99, 0)).toBe(false);
    expect(p.allocated(1, 0)).toBe(true);
  });
});
