import { readFileSync } from 'node:fs';
import { tensor } from '@minidl/tensor';
import { describe, expect, it, vi } from 'vitest';
import { Adam } from './adam.js';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  OneCycleLR,
  StepLR,
} from './lr_scheduler.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';

interface Case {
  scheduler: string;
  options: Record<string, unknown>;
  optimizer: 'SGD' | 'Adam';
  lrs: number[][];
  momenta?: number[][];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/sched.json', import.meta.url), 'utf8'),
) as {
  cases: Case[];
};

function makeOptimizer(kind: 'SGD' | 'Adam'): Optimizer<object> {
  const groups = [
    { params: [tensor([0, 0], { requires_grad: true })], lr: 0.1 },
    { params: [tensor([0, 0, 0], { requires_grad: true })], lr: 0.02 },
  ];
  return kind === 'SGD' ? new SGD(groups, { lr: 0.1, momentum: 0.9 }) : new Adam(groups, { lr: 0.1 });
}

/** Builds the scheduler of a fixture case from PyTorch's keyword options. */
function makeScheduler(c: Case, opt: Optimizer<object>): LRScheduler {
  const { step_size, milestones, gamma, T_max, max_lr, ...rest } = c.options as Record<string, never>;
  switch (c.scheduler) {
    case 'StepLR':
      return new StepLR(opt, step_size, { gamma });
    case 'MultiStepLR':
      return new MultiStepLR(opt, milestones, { gamma });
    case 'ExponentialLR':
      return new ExponentialLR(opt, gamma);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, T_max, rest);
    case 'LinearLR':
      return new LinearLR(opt, rest);
    case 'OneCycleLR':
      return new OneCycleLR(opt, max_lr, rest);
    default:
      throw new Error(`no scheduler ${c.scheduler}`);
  }
}

function momenta(opt: Optimizer<object>): number[] {
  return opt.param_groups.map((g) => (g.betas ? (g.betas as number[])[0]! : (g.momentum as number)));
}

function expectSequence(actual: number[][], expected: number[][], what: string): void {
  expect(actual.length).toBe(expected.length);
  for (const [t, row] of expected.entries()) {
    for (const [g, value] of row.entries()) {
      const got = actual[t]![g]!;
      if (!(Math.abs(got - value) <= 1e-15 + 1e-12 * Math.abs(value))) {
        throw new Error(`${what} at step ${t}, group ${g}: got ${got}, PyTorch ${value}`);
      }
    }
  }
}

describe('LR schedulers match PyTorch 2.13 (recursive forms)', () => {
  for (const c of fixture.cases) {
    it(`${c.scheduler} ${JSON.stringify(c.options)} on ${c.optimizer}`, () => {
      const opt = makeOptimizer(c.optimizer);
      const sched = makeScheduler(c, opt);
      const lrs = [sched.get_last_lr()];
      const moms = [momenta(opt)];
      for (let t = 1; t < c.lrs.length; t++) {
        opt.step();
        sched.step();
        lrs.push(sched.get_last_lr());
        moms.push(momenta(opt));
      }
      expectSequence(lrs, c.lrs, 'lr');
      if (c.momenta) expectSequence(moms, c.momenta, 'momentum');
    });
  }

  it("warns as PyTorch when the schedule steps before the optimizer's first step", () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const early = new StepLR(makeOptimizer('SGD'), 2);
    early.step();
    early.step(); // PyTorch checks only the first step after construction
    const opt = makeOptimizer('SGD');
    const inOrder = new StepLR(opt, 2);
    opt.step();
    inOrder.step();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(
      /^Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`/,
    );
    warn.mockRestore();
  });

  it('state_dict round trip continues the schedule', () => {
    const c = fixture.cases.find((x) => x.scheduler === 'CosineAnnealingLR')!;
    const opt = makeOptimizer('SGD');
    const sched = makeScheduler(c, opt);
    for (let t = 0; t < 9; t++) {
      opt.step();
      sched.step();
    }
    const saved = JSON.parse(JSON.stringify(sched.state_dict()));
    const opt2 = makeOptimizer('SGD');
    opt2.load_state_dict(opt.state_dict());
    const sched2 = makeScheduler(c, opt2);
    sched2.load_state_dict(saved);
    for (let t = 9; t < 20; t++) {
      opt2.step();
      sched2.step();
      expectSequence([sched2.get_last_lr()], [c.lrs[t + 1]!], 'lr');
    }
  });

  it('OneCycleLR refuses to step past total_steps and needs a momentum to cycle', () => {
    const opt = makeOptimizer('SGD');
    const sched = new OneCycleLR(opt, 0.1, { total_steps: 2 });
    opt.step();
    sched.step();
    sched.step();
    expect(() => sched.step()).toThrow('Tried to step 3 times. The specified number of total steps is 2');
    expect(() => new OneCycleLR(opt, 0.1, {})).toThrow(
      'You must define either total_steps OR (epochs AND steps_per_epoch)',
    );
  });
});
