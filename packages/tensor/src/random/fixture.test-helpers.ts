// Test-only helpers: load the PyTorch-generated fixtures and compare float32 bit patterns.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Float32 values as PyTorch produced them: full bit patterns, or a head plus a hash of all. */
export interface Encoded {
  n: number;
  hex?: string[];
  head?: string[];
  fnv1a?: string;
}

/** Generator state after a case: counters, cache flag and the next 4 raw draws. */
export interface After {
  left: number;
  next: number;
  cached: boolean;
  raw: number[];
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

function hex(words: Uint32Array): string[] {
  return Array.from(words, (w) => w.toString(16).padStart(8, '0'));
}

/** 32-bit FNV-1a over the little-endian bytes of the words (same as tools/fixtures/rng.py). */
function fnv1a(words: Uint32Array): string {
  let h = 0x811c9dc5;
  for (const w of words) {
    for (let k = 0; k < 32; k += 8) {
      h ^= (w >>> k) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}

/** Asserts that `values` has exactly PyTorch's float32 bit patterns. */
export function expectBits(values: Float32Array, want: Encoded, label: string): void {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  expect(values.length, label).toBe(want.n);
  if (want.hex) {
    expect(hex(words), label).toEqual(want.hex);
  } else {
    expect(hex(words.subarray(0, want.head!.length)), label).toEqual(want.head);
    expect(fnv1a(words), `${label} (hash of all ${want.n} bit patterns)`).toBe(want.fnv1a);
  }
}
