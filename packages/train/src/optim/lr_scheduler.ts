/**
 * Learning-rate schedulers, as `torch.optim.lr_scheduler`. Each `step()` advances `last_epoch`
 * and sets every group's `lr` with PyTorch's *recursive* (chainable) formula, which multiplies
 * the group's current lr rather than recomputing from the base lr; its values differ from the
 * closed forms in the last bits and, for CosineAnnealingLR past T_max, in value, so the parity
 * tests compare against recorded PyTorch sequences.
 */
import { warnings } from '@minidl/tensor';
import type { Optimizer, ParamGroup } from './optimizer.js';

// Groups as the schedulers see them: any optimizer's groups, with the keys schedulers add.
type Group = ParamGroup<Record<string, unknown>> & { lr: number; initial_lr?: number };

/** `LRScheduler.state_dict()`: the scheduler's own fields (everything except the optimizer). */
export type SchedulerStateDict = Record<string, unknown>;

/**
 * Base class of the schedulers. Construction records each group's `initial_lr` and performs the
 * initial step (`last_epoch` becomes 0), as PyTorch does.
 *
 * @example
 * ```ts
 * const sched = new optim.lr_scheduler.StepLR(opt, 30, { gamma: 0.1 });
 * for (let epoch = 0; epoch < 90; epoch++) { train(); sched.step(); }
 * ```
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: Optimizer<object>;
  /** The groups' `initial_lr`, the lrs the formulas start from. */
  base_lrs: number[];
  /** Number of `step()` calls so far minus one (0 after construction). */
  last_epoch: number;
  protected _step_count = 0;
  protected _is_initial = false;
  private _last_lr: number[] = [];

  protected constructor(optimizer: Optimizer<object>, last_epoch = -1) {
    this.optimizer = optimizer;
    const groups = this.groups();
    if (last_epoch === -1) {
      for (const g of groups) if (g.initial_lr === undefined) g.initial_lr = g.lr;
    } else {
      for (const [i, g] of groups.entries()) {
        if (g.initial_lr === undefined) {
          throw new Error(
            `param 'initial_lr' is not specified in param_groups[${i}] when resuming scheduler with last_epoch >= 0 (load the optimizer's state first)`,
          );
        }
      }
    }
    this.base_lrs = groups.map((g) => g.initial_lr as number);
    this.last_epoch = last_epoch;
  }

  /** Subclasses call this at the end of their constructor: PyTorch's `_initial_step`. */
  protected initialStep(): void {
    this._step_count = 0;
    this._is_initial = true;
    try {
      this.step();
    } finally {
      this._is_initial = false;
    }
  }

  /** The optimizer's groups, typed for the schedulers. */
  protected groups(): Group[] {
    return this.optimizer.param_groups as unknown as Group[];
  }

  /** The lrs of the current `last_epoch`, given the groups' current lrs (the recursive form). */
  protected abstract get_lr(): number[];

  /**
   * Advances the schedule by one step (call after `optimizer.step()`), setting every group's `lr`.
   *
   * @example
   * ```ts
   * opt.step();
   * sched.step();
   * ```
   */
  step(): void {
    // PyTorch's check (issue 20124): the first step after construction should follow an
    // optimizer step; stepping the schedule first skips its first value.
    if (this._step_count === 1 && !this.optimizer._opt_called) {
      warnings.warn(
        'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, ' +
          'you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  ' +
          'Failure to do this will result in PyTorch skipping the first value of the learning rate ' +
          'schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
      );
    }
    this._step_count += 1;
    this.last_epoch += 1;
    const values = this.get_lr();
    for (const [i, g] of this.groups().entries()) g.lr = values[i]!;
    this._last_lr = this.groups().map((g) => g.lr);
  }

  /**
   * The lrs the last `step()` set, one per group.
   *
   * @example
   * ```ts
   * sched.get_last_lr(); // [0.1]
   * ```
   */
  get_last_lr(): number[] {
    return [...this._last_lr];
  }

  /**
   * The scheduler's state (all fields but the optimizer), as PyTorch's `state_dict`.
   *
   * @example
   * ```ts
   * const saved = sched.state_dict(); // later: sched.load_state_dict(saved)
   * ```
   */
  state_dict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'optimizer') out[key] = structuredClone(value);
    }
    return out;
  }

  /**
   * Restores a state from {@link LRScheduler.state_dict}.
   *
   * @example
   * ```ts
   * sched.load_state_dict(checkpoint.scheduler);
   * ```
   */
  load_state_dict(state: SchedulerStateDict): void {
    for (const [key, value] of Object.entries(state)) {
      if (key !== 'optimizer') (this as Record<string, unknown>)[key] = structuredClone(value);
    }
  }

  protected currentLrs(): number[] {
    return this.groups().map((g) => g.lr);
  }
}

/**
 * Multiplies the lr by `gamma` every `step_size` steps, as `torch.optim.lr_scheduler.StepLR`.
 *
 * @example
 * ```ts
 * const sched = new StepLR(opt, 30, { gamma: 0.1 }); // 0.1 for 30 steps, 0.01 for 30, ...
 * ```
 */
export class StepLR extends LRScheduler {
  readonly step_size: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer<object>, step_size: number, { gamma = 0.1, last_epoch = -1 } = {}) {
    super(optimizer, last_epoch);
    this.step_size = step_size;
    this.gamma = gamma;
    this.initialStep();
  }

  protected get_lr(): number[] {
    if (this.last_epoch === 0 || this.last_epoch % this.step_size !== 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }
}

/**
 * Multiplies the lr by `gamma` at each milestone (once per occurrence of a repeated milestone), as
 * `torch.optim.lr_scheduler.MultiStepLR`.
 *
 * @example
 * ```ts
 * const sched = new MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** milestone -> how many times it was given (PyTorch's Counter) */
  readonly milestones: Record<number, number> = {};
  readonly gamma: number;

  constructor(
    optimizer: Optimizer<object>,
    milestones: Iterable<number>,
    { gamma = 0.1, last_epoch = -1 } = {},
  ) {
    super(optimizer, last_epoch);
    for (const m of milestones) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = gamma;
    this.initialStep();
  }

  protected get_lr(): number[] {
    const count = this.milestones[this.last_epoch];
    if (count === undefined) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma ** count);
  }
}

/**
 * Multiplies the lr by `gamma` every step, as `torch.optim.lr_scheduler.ExponentialLR`.
 *
 * @example
 * ```ts
 * const sched = new ExponentialLR(opt, 0.9);
 * ```
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer<object>, gamma: number, { last_epoch = -1 } = {}) {
    super(optimizer, last_epoch);
    this.gamma = gamma;
    this.initialStep();
  }

  protected get_lr(): number[] {
    if (this._is_initial) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017, without restarts), as
 * `torch.optim.lr_scheduler.CosineAnnealingLR`. The closed form is
 * eta_min + (base_lr - eta_min) (1 + cos(pi t / T_max)) / 2; PyTorch steps it recursively,
 *
 *   lr_t = (1 + cos(pi t / T_max)) / (1 + cos(pi (t - 1) / T_max)) (lr_{t-1} - eta_min) + eta_min,
 *
 * with a special case at t - 1 - T_max = 0 mod 2 T_max, so past T_max the lr climbs back up
 * (a cosine of period 2 T_max) instead of staying at eta_min.
 *
 * @example
 * ```ts
 * const sched = new CosineAnnealingLR(opt, 100, { eta_min: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly T_max: number;
  readonly eta_min: number;

  constructor(optimizer: Optimizer<object>, T_max: number, { eta_min = 0, last_epoch = -1 } = {}) {
    super(optimizer, last_epoch);
    this.T_max = T_max;
    this.eta_min = eta_min;
    this.initialStep();
  }

  protected get_lr(): number[] {
    const { T_max, eta_min, last_epoch: t } = this;
    if (this._is_initial) return this.currentLrs();
    if (this._step_count === 1 && t > 0) {
      return this.base_lrs.map(
        (base) => eta_min + ((base - eta_min) * (1 + Math.cos((t * Math.PI) / T_max))) / 2,
      );
    }
    if ((((t - 1 - T_max) % (2 * T_max)) + 2 * T_max) % (2 * T_max) === 0) {
      return this.currentLrs().map(
        (lr, i) => lr + ((this.base_lrs[i]! - eta_min) * (1 - Math.cos(Math.PI / T_max))) / 2,
      );
    }
    return this.currentLrs().map(
      (lr) =>
        ((1 + Math.cos((Math.PI * t) / T_max)) / (1 + Math.cos((Math.PI * (t - 1)) / T_max))) *
          (lr - eta_min) +
        eta_min,
    );
  }
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  start_factor?: number;
  end_factor?: number;
  total_iters?: number;
  last_epoch?: number;
}

/**
 * Scales the lr by a factor going linearly from `start_factor` (default 1/3) to `end_factor`
 * (default 1) over `total_iters` steps (default 5), as `torch.optim.lr_scheduler.LinearLR` (a
 * common warm-up).
 *
 * @example
 * ```ts
 * const warmup = new LinearLR(opt, { start_factor: 0.1, total_iters: 100 });
 * ```
 */
export class LinearLR extends LRScheduler {
  readonly start_factor: number;
  readonly end_factor: number;
  readonly total_iters: number;

  constructor(optimizer: Optimizer<object>, options: LinearLROptions = {}) {
    const { start_factor = 1 / 3, end_factor = 1, total_iters = 5, last_epoch = -1 } = options;
    if (start_factor > 1 || start_factor <= 0) {
      throw new Error('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    }
    if (end_factor > 1 || end_factor < 0)
      throw new Error('Ending multiplicative factor expected to be between 0 and 1.');
    super(optimizer, last_epoch);
    this.start_factor = start_factor;
    this.end_factor = end_factor;
    this.total_iters = total_iters;
    this.initialStep();
  }

  protected get_lr(): number[] {
    const { start_factor: s, end_factor: e, total_iters: n, last_epoch: t } = this;
    if (t === 0) return this.currentLrs().map((lr) => lr * s);
    if (this._is_initial || t > n) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }
}

/** Options of {@link OneCycleLR}, with PyTorch's names and defaults. */
export interface OneCycleLROptions {
  /** total number of steps, or give `epochs` and `steps_per_epoch` */
  total_steps?: number;
  epochs?: number;
  steps_per_epoch?: number;
  /** fraction of the cycle spent raising the lr (default 0.3) */
  pct_start?: number;
  /** 'cos' (default) or 'linear' */
  anneal_strategy?: 'cos' | 'linear';
  /** cycle momentum (SGD's `momentum`, Adam's `betas[0]`) inversely to the lr (default true) */
  cycle_momentum?: boolean;
  base_momentum?: number | number[];
  max_momentum?: number | number[];
  /** initial_lr = max_lr / div_factor (default 25) */
  div_factor?: number;
  /** min_lr = initial_lr / final_div_factor (default 1e4) */
  final_div_factor?: number;
  /** a third phase annealing to min_lr after a symmetric warm-up and cool-down (default false) */
  three_phase?: boolean;
  last_epoch?: number;
}

interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

function perGroup(name: string, optimizer: Optimizer<object>, value: number | number[]): number[] {
  const n = optimizer.param_groups.length;
  if (Array.isArray(value)) {
    if (value.length !== n) throw new Error(`expected ${n} values for ${name}, got ${value.length}`);
    return [...value];
  }
  return new Array<number>(n).fill(value);
}

/**
 * The 1cycle policy (Smith & Topin 2018), as `torch.optim.lr_scheduler.OneCycleLR`: the lr rises
 * from max_lr / div_factor to max_lr over `pct_start` of the steps, then anneals to
 * initial_lr / final_div_factor, while the momentum moves the opposite way. Step it after every
 * batch; stepping more than `total_steps` times is an error.
 *
 * @example
 * ```ts
 * const sched = new OneCycleLR(opt, 0.01, { epochs: 10, steps_per_epoch: loader.length });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  readonly total_steps: number;
  readonly anneal_strategy: 'cos' | 'linear';
  readonly cycle_momentum: boolean;
  readonly use_beta1: boolean;
  private readonly phases: Phase[];

  constructor(optimizer: Optimizer<object>, max_lr: number | number[], options: OneCycleLROptions = {}) {
    const {
      total_steps,
      epochs,
      steps_per_epoch,
      pct_start = 0.3,
      anneal_strategy = 'cos',
      cycle_momentum = true,
      base_momentum = 0.85,
      max_momentum = 0.95,
      div_factor = 25,
      final_div_factor = 1e4,
      three_phase = false,
      last_epoch = -1,
    } = options;
    let total: number;
    if (total_steps !== undefined) {
      if (!Number.isInteger(total_steps) || total_steps <= 0) {
        throw new Error(`Expected positive integer total_steps, but got ${total_steps}`);
      }
      total = total_steps;
    } else if (epochs !== undefined && steps_per_epoch !== undefined) {
      if (!Number.isInteger(epochs) || epochs <= 0)
        throw new Error(`Expected positive integer epochs, but got ${epochs}`);
      if (!Number.isInteger(steps_per_epoch) || steps_per_epoch <= 0) {
        throw new Error(`Expected positive integer steps_per_epoch, but got ${steps_per_epoch}`);
      }
      total = epochs * steps_per_epoch;
    } else {
      throw new Error('You must define either total_steps OR (epochs AND steps_per_epoch)');
    }
    if (!(pct_start >= 0 && pct_start <= 1))
      throw new Error(`Expected float between 0 and 1 pct_start, but got ${pct_start}`);
    if (anneal_strategy !== 'cos' && anneal_strategy !== 'linear') {
      throw new Error(`anneal_strategy must be one of 'cos' or 'linear', instead got ${anneal_strategy}`);
    }
    const groups = optimizer.param_groups as unknown as Group[];
    const maxLrs = perGroup('max_lr', optimizer, max_lr);
    if (last_epoch === -1) {
      for (const [i, g] of groups.entries()) {
        g.initial_lr = maxLrs[i]! / div_factor;
        g.max_lr = maxLrs[i]!;
        g.min_lr = g.initial_lr / final_div_factor;
      }
    }
    const useBeta1 = 'betas' in optimizer.defaults;
    if (cycle_momentum) {
      if (!('momentum' in optimizer.defaults) && !useBeta1) {
        throw new Error('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      }
      const maxM = perGroup('max_momentum', optimizer, max_momentum);
      const baseM = perGroup('base_momentum', optimizer, base_momentum);
      if (last_epoch === -1) {
        for (const [i, g] of groups.entries()) {
          if (useBeta1) g.betas = [maxM[i]!, (g.betas as number[])[1]!];
          else g.momentum = maxM[i]!;
          g.max_momentum = maxM[i]!;
          g.base_momentum = baseM[i]!;
        }
      }
    }
    super(optimizer, last_epoch);
    this.total_steps = total;
    this.anneal_strategy = anneal_strategy;
    this.cycle_momentum = cycle_momentum;
    this.use_beta1 = useBeta1;
    const up = pct_start * total - 1;
    this.phases = three_phase
      ? [
          phase(up, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
          phase(2 * pct_start * total - 2, 'max_lr', 'initial_lr', 'base_momentum', 'max_momentum'),
          phase(total - 1, 'initial_lr', 'min_lr', 'max_momentum', 'max_momentum'),
        ]
      : [
          phase(up, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
          phase(total - 1, 'max_lr', 'min_lr', 'base_momentum', 'max_momentum'),
        ];
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.anneal_strategy === 'cos') return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected get_lr(): number[] {
    const stepNum = this.last_epoch;
    if (stepNum > this.total_steps) {
      throw new Error(
        `Tried to step ${stepNum} times. The specified number of total steps is ${this.total_steps}`,
      );
    }
    return this.groups().map((g) => {
      let start = 0;
      for (const [i, ph] of this.phases.entries()) {
        if (stepNum <= ph.end_step || i === this.phases.length - 1) {
          const pct = (stepNum - start) / (ph.end_step - start);
          const lr = this.anneal(g[ph.start_lr] as number, g[ph.end_lr] as number, pct);
          if (this.cycle_momentum) {
            const m = this.anneal(g[ph.start_momentum] as number, g[ph.end_momentum] as number, pct);
            if (this.use_beta1) g.betas = [m, (g.betas as number[])[1]!];
            else g.momentum = m;
          }
          return lr;
        }
        start = ph.end_step;
      }
      throw new Error('OneCycleLR: no phase matched (unreachable)');
    });
  }
}

function phase(
  end_step: number,
  start_lr: string,
  end_lr: string,
  start_momentum: string,
  end_momentum: string,
): Phase {
  return { end_step, start_lr, end_lr, start_momentum, end_momentum };
}
