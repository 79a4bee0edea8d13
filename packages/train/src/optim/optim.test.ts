import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

interface Case {
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  options: Record<string, unknown>;
  groups: Record<string, unknown>[] | null;
  initial: number[][];
  grads: (number[] | null)[][];
  trajectory: number[][][];
  state_dict: {
    state: Record<string, Record<string, number | number[]>>;
    param_groups: Record<string, unknown>[];
  };
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/optim.json', import.meta.url), 'utf8'),
) as {
  shapes: number[][];
  cases: Case[];
};

const constructors = { SGD, Adam, AdamW, RMSprop };

function build(c: Case): { params: Tensor[]; opt: Optimizer<object> } {
  const params = c.initial.map((values, i) => tensor(values).view(fixture.shapes[i]!).requires_grad_());
  const Ctor = constructors[c.optimizer] as new (p: unknown, o: unknown) => Optimizer<object>;
  const groups = c.groups === null ? params : c.groups.map((g, i) => ({ ...g, params: [params[i]!] }));
  return { params, opt: new Ctor(groups, c.options) };
}

function setGrads(params: Tensor[], grads: (number[] | null)[]): void {
  for (const [i, p] of params.entries()) {
    const g = grads[i];
    p.grad = g == null ? null : tensor(g).view(fixture.shapes[i]!);
  }
}

/**
 * |a - b| <= rtol |b| + scale * max|B| elementwise, with a message naming the element. The second
 * term allows float32 noise relative to the tensor's magnitude where values cancel (a momentum
 * buffer summing terms of size 10 to 0.7 carries their rounding). Why any tolerance: PyTorch
 * 2.13's vectorised CPU `sqrt` (AVX-512 build) is not correctly rounded -- about 18% of float32
 * inputs come out one ulp off `Math.fround(Math.sqrt(x))` -- so Adam's and RMSprop's denominators
 * can differ by an ulp. Optimizers without a sqrt (SGD) are compared bit for bit.
 */
function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol = 2e-6,
  scale = 1e-6,
): void {
  expect(actual.length, what).toBe(expected.length);
  const atol = scale * Math.max(...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= atol + rtol * Math.abs(expected[i]!))) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, PyTorch ${expected[i]} (error ${err})`);
    }
  }
}

function label(c: Case): string {
  return `${c.optimizer} ${JSON.stringify(c.options)}${c.groups ? ` groups ${JSON.stringify(c.groups)}` : ''}`;
}

describe('optimizers match PyTorch 2.13 step for step', () => {
  for (const c of fixture.cases) {
    it(label(c), () => {
      const { params, opt } = build(c);
      const [rtol, scale] = c.optimizer === 'SGD' ? [0, 0] : [2e-6, 1e-6];
      for (const [step, grads] of c.grads.entries()) {
        setGrads(params, grads);
        opt.step();
        for (const [i, p] of params.entries()) {
          expectClose(
            p.toFloat32Array(),
            c.trajectory[step]![i]!,
            `step ${step + 1} param ${i}`,
            rtol,
            scale,
          );
        }
      }
      const sd = opt.state_dict();
      expect(Object.keys(sd.state).map(Number)).toEqual(Object.keys(c.state_dict.state).map(Number));
      for (const [index, expected] of Object.entries(c.state_dict.state)) {
        const actual = sd.state[Number(index)]!;
        expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
        for (const [key, value] of Object.entries(expected)) {
          const got = actual[key]!;
          if (typeof value === 'number') expect(got).toBe(value);
          else expectClose((got as Tensor).toFloat32Array(), value, `state ${index}.${key}`, rtol, scale);
        }
      }
      for (const [g, expected] of c.state_dict.param_groups.entries()) {
        const actual = sd.param_groups[g]!;
        for (const [key, value] of Object.entries(expected)) {
          if (key in actual) expect(actual[key], `param_groups[${g}].${key}`).toEqual(value);
        }
        expect(actual.params).toEqual(expected.params);
      }
    });
  }
});

describe('Optimizer', () => {
  const adamCase = fixture.cases.find((c) => c.optimizer === 'Adam' && c.options.amsgrad === true)!;

  it('resumes from state_dict exactly as if never interrupted', () => {
    const { params, opt } = build(adamCase);
    for (const grads of adamCase.grads.slice(0, 3)) {
      setGrads(params, grads);
      opt.step();
    }
    const saved = JSON.parse(
      JSON.stringify(opt.state_dict(), (_k, v) =>
        v && typeof v === 'object' && 'shape' in v ? Array.from((v as Tensor).toFloat32Array()) : v,
      ),
    );
    const resumed = build({ ...adamCase, initial: params.map((p) => Array.from(p.toFloat32Array())) });
    resumed.opt.load_state_dict(saved);
    for (const [step, grads] of adamCase.grads.entries()) {
      if (step < 3) continue;
      setGrads(resumed.params, grads);
      resumed.opt.step();
    }
    for (const [i, p] of resumed.params.entries()) {
      expectClose(p.toFloat32Array(), adamCase.trajectory.at(-1)![i]!, `param ${i}`);
    }
  });

  it("accepts PyTorch's 0-d tensor step counts", () => {
    const { params, opt } = build(adamCase);
    setGrads(params, adamCase.grads[0]!);
    opt.step();
    const sd = opt.state_dict();
    sd.state[0]!.step = tensor(7);
    opt.load_state_dict(sd);
    expect(opt.state_dict().state[0]!.step).toBe(7);
  });

  it('rejects a state dict of a different structure with PyTorch messages', () => {
    const { opt } = build(adamCase);
    const sd = opt.state_dict();
    expect(() =>
      opt.load_state_dict({ ...sd, param_groups: [...sd.param_groups, ...sd.param_groups] }),
    ).toThrow('loaded state dict has a different number of parameter groups');
    expect(() =>
      opt.load_state_dict({ state: {}, param_groups: [{ ...sd.param_groups[0]!, params: [0] }] }),
    ).toThrow("doesn't match the size of optimizer's group");
  });

  it('zero_grad sets gradients to null by default, to zeros on request', () => {
    const { params, opt } = build(adamCase);
    setGrads(params, adamCase.grads[0]!);
    opt.zero_grad({ set_to_none: false });
    expect(Array.from(params[0]!.grad!.toFloat32Array())).toEqual([0, 0, 0, 0, 0, 0]);
    opt.zero_grad();
    expect(params[0]!.grad).toBeNull();
  });

  it('validates options and parameters like PyTorch', () => {
    const p = tensor([1, 2], { requires_grad: true });
    expect(() => new SGD([p], { lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow('Nesterov momentum requires a momentum');
    expect(() => new Adam([p], { betas: [1, 0.9] })).toThrow('Invalid beta parameter at index 0: 1');
    expect(() => new RMSprop([p], { alpha: -0.1 })).toThrow('Invalid alpha value: -0.1');
    expect(() => new Adam([p], 0.1, { eps: -1e-8 })).toThrow('Invalid epsilon value: -1e-8');
    expect(() => new SGD([p], 0.1, { momentum: -0.9 })).toThrow('Invalid momentum value: -0.9');
    expect(() => new AdamW([p], { weight_decay: -0.5 })).toThrow('Invalid weight_decay value: -0.5');
    expect(() => new SGD([p], Number.NaN)).toThrow('Invalid learning rate: NaN');
    expect(() => new SGD([], { lr: 0.1 })).toThrow('optimizer got an empty parameter list');
    expect(() => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 })).toThrow(
      'some parameters appear in more than one parameter group',
    );
    expect(() => new SGD(p as unknown as Tensor[])).toThrow('should be an iterable of Tensors or dicts');
    expect(() => new SGD([p.mul(2)])).toThrow("can't optimize a non-leaf Tensor");
    // frozen parameters are allowed and simply never updated
    const frozen = tensor([5]);
    const opt = new SGD([p, frozen], { lr: 1 });
    p.grad = tensor([1, 1]);
    opt.step();
    expect(frozen.tolist()).toEqual([5]);
    expect(p.tolist()).toEqual([0, 1]);
  });

  it('updates parameters in place, so autograd notices a step between forward and backward', () => {
    const p = tensor([1, 2, 3], { requires_grad: true });
    const storage = p.storage;
    const y = p.mul(p).sum();
    p.grad = tensor([1, 1, 1]);
    new SGD([p], { lr: 0.5 }).step();
    expect(p.storage).toBe(storage);
    expect(p.tolist()).toEqual([0.5, 1.5, 2.5]);
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });

  it('takes lr positionally or in the options, as PyTorch users write either', () => {
    const p = tensor([1], { requires_grad: true });
    const opt = new SGD([p], 0.3, { momentum: 0.9 });
    expect(opt.param_groups[0]!.lr).toBe(0.3);
    expect(opt.param_groups[0]!.momentum).toBe(0.9);
    expect(new Adam([p], { lr: 0.2 }).param_groups[0]!.lr).toBe(0.2);
    expect(new AdamW([p], 0.05).param_groups[0]!.weight_decay).toBe(0.01);
  });

  it('steps float64 parameters in double precision, with float64 state', () => {
    const p = tensor(new Float64Array([0.1, 0.2]), { requires_grad: true });
    const opt = new SGD([p], { lr: 0.01, momentum: 0.9 });
    for (let step = 0; step < 2; step++) {
      p.grad = tensor(new Float64Array([1, -1]));
      opt.step();
    }
    // buf = 1, then 0.9 * 1 + 1 = 1.9; p = 0.1 - 0.01 - 0.019 (each in double)
    expect(p.dtype).toBe('float64');
    expect((opt.state.get(p)!.momentum_buffer as Tensor).dtype).toBe('float64');
    expect(p.tolist()).toEqual([0.1 - 0.01 - 0.019, 0.2 + 0.01 + 0.019]);
  });

  it('AdamW defaults to decoupled weight decay 1e-2', () => {
    const opt = new AdamW([tensor([1], { requires_grad: true })]);
    expect(opt.param_groups[0]!.weight_decay).toBe(0.01);
    expect(opt.param_groups[0]!.decoupled_weight_decay).toBe(true);
  });
});
