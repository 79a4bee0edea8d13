// Test-only: load tools/fixtures/init.py's output and compare float32 bit patterns.
// The encoding check (hex / head + FNV-1a, tools/fixtures/rng.py's format) repeats the one in
// @minidl/tensor's src/random/fixture.test-helpers.ts on purpose: init may import only tensor's
// public face, and making a test fixture format part of tensor's published API (a ./testing
// export that would ship in dist and pull in vitest) costs more than these twenty lines.
import { readFileSync } from 'node:fs';
import { default_generator, Generator, get_rng_state } from '@minidl/tensor';
import { expect } from 'vitest';

/** Float32 values as PyTorch produced them: all bit patterns, or the first few plus a hash of all. */
export interface Encoded {
  n: number;
  hex?: string[];
  head?: string[];
  fnv1a?: string;
}

export interface ExactCase {
  seed: number;
  generator_seed?: number;
  /** A non-contiguous target: `torch.empty(reversed).t()` or `.to(memory_format=channels_last)`. */
  layout?: 'transposed' | 'channels_last';
  fn: string;
  shape: number[];
  kwargs: Record<string, unknown>;
  out: Encoded;
  raw_after: number[];
}

export interface InitFixture {
  exact: ExactCase[];
  close: {
    seed: number;
    fn: string;
    shape: number[];
    kwargs: { gain: number };
    values: string[];
    raw_after: number[];
  }[];
  deterministic: { fn: string; shape: number[]; kwargs: Record<string, number>; out: Encoded }[];
  fans: { shape: number[]; fan_in: number; fan_out: number }[];
  errors: Record<string, { type: string; message: string } | null>;
  warnings: Record<string, string[]>;
}

export const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/init.json', import.meta.url), 'utf8'),
) as InitFixture;

const hex = (words: Uint32Array) => Array.from(words, (w) => w.toString(16).padStart(8, '0'));

/** 32-bit FNV-1a over the little-endian bytes of the words (as tools/fixtures/rng.py). */
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

/** Asserts exactly PyTorch's float32 bit patterns. */
export function expectBits(values: Float32Array, want: Encoded, label: string): void {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  expect(values.length, label).toBe(want.n);
  if (want.hex) {
    expect(hex(words), label).toEqual(want.hex);
  } else {
    expect(hex(words.subarray(0, want.head!.length)), label).toEqual(want.head);
    expect(fnv1a(words), `${label} (hash of all ${want.n} values)`).toBe(want.fnv1a);
  }
}

/** The next 4 raw draws of the global generator, without advancing it. */
export function peekGlobalDraws(): number[] {
  const probe = new Generator().set_state(get_rng_state());
  return [probe.random(), probe.random(), probe.random(), probe.random()];
}

export { default_generator };
