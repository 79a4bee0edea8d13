import { describe, expect, it } from 'vitest';
import { type After, loadFixture } from './fixture.test-helpers.js';
import { Generator } from './generator.js';
import { fillRandint, randpermValues } from './integers.js';

interface Fixture {
  randint: { seed: number; low: number; high: number; values: string[]; after: After }[];
  randperm: { seed: number; n: number; values: number[]; after: After }[];
}
const fx = loadFixture<Fixture>('rng.json');

const next4 = (g: Generator) => [g.random(), g.random(), g.random(), g.random()];

describe('fillRandint', () => {
  it('equals torch.randint, with 32-bit draws below range 2^28 and 64-bit draws from 2^28 up', () => {
    for (const c of fx.randint) {
      const g = new Generator().manual_seed(c.seed);
      const got = fillRandint(g, new Array<number>(c.values.length), c.low, c.high);
      expect(got.map(String), `randint(${c.low}, ${c.high}) seed ${c.seed}`).toEqual(c.values);
      expect(next4(g)).toEqual(c.after.raw);
    }
  });

  it("gives PyTorch's error for an empty range", () => {
    const g = new Generator();
    expect(() => fillRandint(g, [0], 5, 5)).toThrow(
      "random_ expects 'from' to be less than 'to', but got from=5 >= to=5",
    );
    expect(() => fillRandint(g, [0], 0, 2 ** 60)).toThrow('integers within +-2^53');
    expect(() => fillRandint(g, [0], 0.5, 2)).toThrow('integers within +-2^53');
  });
});

describe('randpermValues', () => {
  it('equals torch.randperm', () => {
    for (const c of fx.randperm) {
      const g = new Generator().manual_seed(c.seed);
      expect(randpermValues(g, c.n), `randperm(${c.n}) seed ${c.seed}`).toEqual(c.values);
      expect(next4(g)).toEqual(c.after.raw);
    }
  });

  it("gives PyTorch's error for a negative size", () => {
    expect(() => randpermValues(new Generator(), -1)).toThrow(
      'Trying to create tensor with negative dimension -1: [-1]',
    );
  });
});
