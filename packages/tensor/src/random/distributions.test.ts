import { describe, expect, it } from 'vitest';
import { fillNormal, fillUniform } from './distributions.js';
import { type After, type Encoded, expectBits, loadFixture } from './fixture.test-helpers.js';
import { Generator } from './generator.js';

interface Case {
  seed: number;
  op: string;
  shape: number[];
  args: number[];
  out: Encoded;
  after: After;
}
interface Fixture {
  cases: Case[];
  sequences: { seed: number; steps: Case[] }[];
}
const fx = loadFixture<Fixture>('rng.json');

const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Runs one fixture op the way the Tensor methods will: a fresh float32 buffer in memory order. */
function run(g: Generator, c: Case): Float32Array {
  const out = new Float32Array(numel(c.shape));
  switch (c.op) {
    case 'uniform_':
    case 'rand':
      return fillUniform(g, out, ...(c.args as [number?, number?]));
    case 'normal_':
    case 'randn':
      return fillNormal(g, out, ...(c.args as [number?, number?]));
    case 'normal_transposed':
    case 'normal_channels_last':
      // A transposed or channels_last view is not is_contiguous(): the scalar path, in storage order
      // (the fixture lists the values in that order).
      return fillNormal(g, out, c.args[0], c.args[1], { contiguous: false });
    default:
      throw new Error(`unknown fixture op ${c.op}`);
  }
}

function expectAfter(g: Generator, after: After, label: string): void {
  const state = new DataView(g.get_state().buffer);
  expect(state.getInt32(8, true), `${label}: mt left`).toBe(after.left);
  expect(Number(state.getBigUint64(16, true)), `${label}: mt next`).toBe(after.next);
  expect(state.getInt32(5040, true) === 1, `${label}: normal cached`).toBe(after.cached);
  const probe = new Generator().set_state(g.get_state());
  expect([probe.random(), probe.random(), probe.random(), probe.random()], `${label}: next draws`).toEqual(
    after.raw,
  );
}

describe('fillUniform / fillNormal against torch 2.13 (bit-exact float32)', () => {
  for (const op of ['uniform_', 'normal_', 'rand', 'randn', 'normal_transposed', 'normal_channels_last']) {
    const cases = fx.cases.filter((c) => c.op === op);
    it(`${op}: ${cases.length} cases`, () => {
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        const label = `seed ${c.seed} ${op}(${c.args.join(', ')}) shape [${c.shape}]`;
        const g = new Generator().manual_seed(c.seed);
        expectBits(run(g, c), c.out, label);
        expectAfter(g, c.after, label);
      }
    });
  }

  it('back-to-back calls share one generator; the scalar cache outlives fill-path and uniform calls', () => {
    for (const seq of fx.sequences) {
      const g = new Generator().manual_seed(seq.seed);
      for (const [k, step] of seq.steps.entries()) {
        const label = `seed ${seq.seed} step ${k} ${step.op}(${step.args.join(', ')}) [${step.shape}]`;
        expectBits(run(g, step), step.out, label);
        expectAfter(g, step.after, label);
      }
    }
  });

  it('zero elements draw nothing', () => {
    const g = new Generator().manual_seed(0);
    fillUniform(g, new Float32Array(0), -1, 1);
    fillNormal(g, new Float32Array(0), 0, 1);
    expect(g.random()).toBe(2357136044);
  });
});

describe("PyTorch's argument errors", () => {
  const g = new Generator();
  const out = new Float32Array(3);
  it('uniform_', () => {
    expect(() => fillUniform(g, out, 1, 0)).toThrow(
      'uniform_ expects to return a [from, to) range, but found from=1 > to=0',
    );
    expect(() => fillUniform(g, out, 0, Number.POSITIVE_INFINITY)).toThrow('to is out of bounds for float');
    expect(() => fillUniform(g, out, Number.NaN, 1)).toThrow('from is out of bounds for float');
    expect(() => fillUniform(g, out, -3e38, 3e38)).toThrow(
      'uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found to=3e+38 and from=-3e+38 which result in to-from to exceed the limit',
    );
  });
  it('normal_', () => {
    expect(() => fillNormal(g, out, 0, -1)).toThrow('normal expects std >= 0.0, but found std -1');
    expect(() => fillNormal(g, out, 0, Number.NaN)).toThrow('normal expects std >= 0.0, but found std nan');
  });
});
