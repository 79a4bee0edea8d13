import { describe, expect, it } from 'vitest';
import { type After, loadFixture } from './fixture.test-helpers.js';
import {
  default_generator,
  Generator,
  get_rng_state,
  initial_seed,
  manual_seed,
  seed,
  set_rng_state,
} from './generator.js';

interface RawFixture {
  raw: Record<string, { first: number[]; after700: number[]; initial_seed: string }>;
  sequences: { seed: number; state_b64: string; steps: { after: After }[] }[];
}
const fx = loadFixture<RawFixture>('rng.json');

function draws(g: Generator, n: number): number[] {
  return Array.from({ length: n }, () => g.random());
}

describe('Generator', () => {
  it('draws torch.manual_seed(s) mt19937 outputs, across twists, for 64-bit and negative seeds', () => {
    for (const [s, want] of Object.entries(fx.raw)) {
      const g = new Generator().manual_seed(BigInt(s));
      expect(draws(g, 8), `seed ${s}`).toEqual(want.first);
      draws(g, 700 - 8);
      expect(draws(g, 4), `seed ${s} after 700 draws`).toEqual(want.after700);
      expect(g.initial_seed()).toBe(BigInt(want.initial_seed));
    }
  });

  it('accepts number seeds as torch.manual_seed: int() truncation and two-complement wrap', () => {
    expect(draws(new Generator().manual_seed(0), 2)).toEqual(fx.raw['0']!.first.slice(0, 2));
    expect(draws(new Generator().manual_seed(1.9), 2)).toEqual(fx.raw['1']!.first.slice(0, 2));
    const g = new Generator().manual_seed(-1);
    expect(g.initial_seed()).toBe(2n ** 64n - 1n);
    expect(draws(g, 8)).toEqual(fx.raw['-1']!.first);
  });

  it("rejects seeds PyTorch rejects, with PyTorch's messages", () => {
    const g = new Generator();
    expect(() => g.manual_seed(2n ** 64n)).toThrow('Overflow when unpacking long long');
    expect(() => g.manual_seed(-(2n ** 63n) - 1n)).toThrow('Overflow when unpacking long long');
    expect(() => g.manual_seed(Number.NaN)).toThrow('manual_seed expected a long');
  });

  it('starts from PyTorch default seed 67280421310721 and reseeds with 64 bits of entropy', () => {
    expect(new Generator().initial_seed()).toBe(67280421310721n);
    const g = new Generator();
    const s = g.seed();
    expect(g.initial_seed()).toBe(s);
    const a = draws(g, 3);
    expect(draws(g.manual_seed(s), 3)).toEqual(a);
  });

  it('uniform helpers: float is 24 bits of one draw, double 53 bits of two', () => {
    const g = new Generator().manual_seed(0);
    const [r0, r1, r2] = fx.raw['0']!.first;
    expect(g.uniformFloat()).toBe((r0! & 0xffffff) / 2 ** 24);
    expect(g.uniformDouble()).toBe(((r1! & 0x1fffff) * 2 ** 32 + r2!) / 2 ** 53);
    const h = new Generator().manual_seed(0);
    expect(h.random64()).toBe((BigInt(r0!) << 32n) | BigInt(r1!));
  });

  it('caches the second Box-Muller sample until it is used or the generator is reseeded', () => {
    const g = new Generator().manual_seed(0);
    const a = g.standardNormalDouble();
    const b = g.standardNormalDouble(); // from the cache: no draws
    expect(draws(g, 1)).toEqual([fx.raw['0']!.first[4]]);
    g.manual_seed(0);
    expect(g.standardNormalDouble()).toBe(a);
    g.manual_seed(0);
    g.standardNormalDouble();
    expect(g.standardNormalDouble()).toBe(b);
    g.standardNormalDouble();
    g.manual_seed(0); // drops the pending sample
    expect(g.standardNormalDouble()).toBe(a);
  });
});

describe('get_state / set_state', () => {
  it("is byte-compatible with torch's get_rng_state, including a pending normal sample", () => {
    for (const seq of fx.sequences) {
      const torchState = Uint8Array.from(Buffer.from(seq.state_b64, 'base64'));
      const g = new Generator().set_state(torchState);
      const last = seq.steps.at(-1)!.after;
      expect(g.get_state()).toEqual(torchState);
      expect(draws(g, 4)).toEqual(last.raw);
    }
  });

  it('rewinds the stream and the normal cache', () => {
    const g = new Generator().manual_seed(11);
    g.standardNormalDouble(); // leaves a cached sample
    const state = g.get_state();
    const want = [g.standardNormalDouble(), g.standardNormalDouble(), g.random()];
    g.set_state(state);
    expect([g.standardNormalDouble(), g.standardNormalDouble(), g.random()]).toEqual(want);
  });

  it("rejects malformed states with PyTorch's messages", () => {
    const g = new Generator();
    expect(() => g.set_state(new Uint8Array(10))).toThrow(
      'Expected a CPUGeneratorImplState of size 5056 but found the input RNG state size to be 10',
    );
    expect(() => g.set_state([1, 2] as unknown as Uint8Array)).toThrow(
      'RNG state must be a torch.ByteTensor',
    );
    for (const [offset, value] of [
      [8, 0],
      [8, 625],
      [12, 0],
      [16, 625],
    ] as const) {
      const bad = g.get_state();
      new DataView(bad.buffer).setInt32(offset, value, true);
      expect(() => g.set_state(bad)).toThrow('Invalid mt19937 state');
    }
  });
});

describe('global generator functions', () => {
  it('manual_seed, initial_seed, seed and get/set_rng_state act on default_generator', () => {
    expect(manual_seed(42)).toBe(default_generator);
    expect(initial_seed()).toBe(42n);
    const saved = get_rng_state();
    const a = default_generator.random();
    set_rng_state(saved);
    expect(default_generator.random()).toBe(a);
    expect(a).toBe(fx.raw['42']!.first[0]);
    const s = seed();
    expect(initial_seed()).toBe(s);
  });
});
