/**
 * The optimizer base class, as `torch.optim.Optimizer`: parameter groups with per-group options,
 * lazily created per-parameter state, `zero_grad`, and `state_dict`/`load_state_dict` in PyTorch's
 * structure (state keyed by the parameter's index across all groups, groups listing indices).
 *
 * SGD and Adam/AdamW update through fused tensor ops (one SIMD pass in wasm memory); RMSprop runs on
 * flat float32 arrays of each parameter and gradient (views of their storage where possible, see
 * `param-io.ts`). The math is elementwise, and the arithmetic follows PyTorch's
 * single-tensor (CPU default) code path op by op, rounding as its float32 kernels do. One op cannot
 * be matched to the bit: PyTorch's vectorised CPU `sqrt` is not correctly rounded on AVX-512
 * builds (one ulp off for about 18% of inputs in torch 2.13), so Adam and RMSprop may differ from
 * PyTorch by an ulp where SGD does not differ at all.
 */
import { enable_grad, type Tensor, warnings } from '@minidl/tensor';
import { readValues, stateTensor, tensorValues, writeValues } from './param-io.js';

/**
 * One parameter's optimizer state, the value type of {@link Optimizer.state} (PyTorch's
 * `optimizer.state[p]`): named buffers with one element per element of the parameter, and scalars
 * such as Adam's `step`. The keys are PyTorch's (`momentum_buffer` for SGD; `step`, `exp_avg`,
 * `exp_avg_sq`, `max_exp_avg_sq` for Adam/AdamW; `step`, `square_avg`, `momentum_buffer`,
 * `grad_avg` for RMSprop), so a state read here compares with PyTorch's directly. SGD's and Adam's
 * buffers are tensors of the parameter's shape, as in PyTorch, because their fused updates
 * (`torch.sgd_step_`, `torch.adam_step_`) run on them where they live (wasm memory on the default
 * backend); RMSprop's are flat float32 arrays. A buffer loaded by `load_state_dict` arrives as an
 * array and becomes a tensor on the next step. The state is created on a parameter's first `step()`
 * and is live: the next update reads what is written here. For a copy in tensors of the parameter's
 * shape, use {@link Optimizer.state_dict}.
 *
 * @example
 * ```ts
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 * // ... one opt.step() later:
 * const s = opt.state.get(weight)!; // ParamState
 * s.step; // 1
 * (s.exp_avg as Tensor).shape; // weight.shape
 * ```
 */
export type ParamState = Record<string, Float32Array | Tensor | number>;

/** A parameter group as the user passes it: parameters plus any option overrides. */
export type ParamGroupInput<O> = { params: Iterable<Tensor> | Tensor } & Partial<O>;

/** What an optimizer's constructor accepts: parameters, or a list of parameter groups. */
export type Params<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/**
 * An optimizer's options as the constructor takes them: an options object, or the learning rate
 * positionally followed by the other options (`new SGD(params, 0.1, { momentum: 0.9 })`), since
 * PyTorch users write `lr` either way.
 */
export type LrOrOptions<O> = number | Partial<O>;

/** The options object of `(lr_or_options, options)` constructor arguments. */
export function optionsOf<O extends { lr: number }>(
  first: LrOrOptions<O> | undefined,
  rest: Partial<O> = {},
): Partial<O> {
  return typeof first === 'number' ? { ...rest, lr: first } : { ...first, ...rest };
}

/** PyTorch's hyperparameter names in its "Invalid ..." messages (`Invalid learning rate: -1`). */
const HYPERPARAMETER_LABELS: Record<string, string> = { lr: 'learning rate', eps: 'epsilon value' };

/**
 * Throws PyTorch's `Invalid <name>: <value>` error for the first of `keys` whose value in `group`
 * is negative (or NaN), in the order given, which callers keep as PyTorch's constructor checks them.
 */
export function requireNonNegative<O extends object>(group: O, ...keys: (keyof O & string)[]): void {
  for (const key of keys) {
    const value = group[key] as number;
    if (!(value >= 0)) throw new Error(`Invalid ${HYPERPARAMETER_LABELS[key] ?? `${key} value`}: ${value}`);
  }
}

/** A parameter group: its parameters and its complete options (defaults filled in). */
export type ParamGroup<O> = O & { params: Tensor[]; [extra: string]: unknown };

/** `Optimizer.state_dict()`: PyTorch's layout, tensors for buffers and numbers for scalars. */
export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number>>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

/** A state dict as `load_state_dict` accepts it: buffers may also be plain arrays (e.g. from JSON). */
export interface OptimizerStateDictInput {
  state: Record<number | string, Record<string, Tensor | ArrayLike<number> | number>>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

function isTensorLike(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'shape' in x && 'requires_grad' in x;
}

/**
 * Base class of every optimizer. Subclasses give their defaults to the constructor and implement
 * three protected methods: `validate` (check a group's options), `initState` (a parameter's
 * {@link ParamState} on its first update) and `updateParam` (the update of one parameter from its
 * gradient).
 *
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zero_grad();
 * loss.backward();
 * opt.step();
 * ```
 */
export abstract class Optimizer<O extends object = Record<string, unknown>> {
  /** The options every group starts from (what the constructor was given over the class defaults). */
  readonly defaults: O;
  /** The parameter groups; schedulers and users change options (`lr`, ...) here between steps. */
  readonly param_groups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on a parameter's first update. */
  readonly state = new Map<Tensor, ParamState>();
  /**
   * Whether `step()` has run (PyTorch's `_opt_called`): an LR scheduler stepped before it warns,
   * since the user then skips the schedule's first value.
   */
  _opt_called = false;

  protected constructor(params: Params<O>, defaults: O) {
    this.defaults = defaults;
    if (isTensorLike(params)) {
      throw new TypeError(
        'params argument given to the optimizer should be an iterable of Tensors or dicts, but got a Tensor',
      );
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups = isTensorLike(list[0]) ? [{ params: list as Tensor[] }] : (list as ParamGroupInput<O>[]);
    for (const group of groups) this.add_param_group(group as ParamGroupInput<O>);
  }

  /**
   * Adds a parameter group, filling options it does not set from `defaults`, as PyTorch's
   * `add_param_group`.
   *
   * @throws if a parameter already belongs to another group.
   * @example
   * ```ts
   * opt.add_param_group({ params: head.parameters(), lr: 0.01 });
   * ```
   */
  add_param_group(group: ParamGroupInput<O>): void {
    const params = isTensorLike(group.params) ? [group.params] : [...group.params];
    for (const p of params) {
      if (!isTensorLike(p))
        throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      // Parameters that do not require grad are allowed (frozen layers): they never get a gradient.
      if (!p.is_leaf) throw new Error("can't optimize a non-leaf Tensor");
    }
    if (new Set(params).size !== params.length) {
      warnings.warn(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error',
      );
    }
    const seen = new Set(this.param_groups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p)))
      throw new Error('some parameters appear in more than one parameter group');
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(full);
    this.param_groups.push(full);
  }

  /** Checks a group's options; throws with PyTorch's message for an invalid one. */
  protected abstract validate(group: ParamGroup<O>): void;

  /** Creates the state of a parameter of `n` elements on its first update. */
  protected abstract initState(group: ParamGroup<O>, n: number): ParamState;

  /**
   * Updates one parameter in place from its gradient. By default on flat float32 arrays: `updateParam`
   * gets views of the parameter's and the gradient's storage (copies where they are not contiguous),
   * and the new values are written back. An optimizer with a fused tensor op overrides this instead.
   */
  protected updateTensor(group: ParamGroup<O>, state: ParamState, p: Tensor, grad: Tensor): void {
    // the gradient first: copying a non-contiguous one may allocate, which must not happen while a
    // view of the parameter's storage is held
    const g = readValues(grad);
    const param = readValues(p);
    this.updateParam(group, state, param, g);
    writeValues(p, param);
  }

  /**
   * Updates one parameter in place: `param` and `grad` are flat float32 arrays of the parameter and
   * its gradient, `state` its state (see {@link Optimizer.updateTensor}). Optimizers that override
   * `updateTensor` do not use it.
   */
  protected updateParam(
    _group: ParamGroup<O>,
    _state: ParamState,
    _param: Float32Array,
    _grad: Float32Array,
  ): void {
    throw new Error(`${this.constructor.name} implements neither updateTensor nor updateParam`);
  }

  /**
   * Performs one optimization step over every parameter that has a gradient (parameters whose
   * `grad` is null are skipped and their state left unchanged, as in PyTorch).
   *
   * @param closure - optional function that re-evaluates the model and returns the loss; it runs
   *   with gradient recording on, as PyTorch's `torch.enable_grad()` around it.
   * @returns the closure's loss, if a closure was given.
   * @example
   * ```ts
   * opt.step();
   * ```
   */
  step(closure?: () => number | Tensor): number | Tensor | undefined {
    this._opt_called = true;
    const loss = closure ? enable_grad(closure) : undefined;
    for (const group of this.param_groups) {
      for (const p of group.params) {
        if (p.grad == null) continue;
        let state = this.state.get(p);
        if (state === undefined) {
          state = this.initState(group, p.numel());
          this.state.set(p, state);
        }
        this.updateTensor(group, state, p, p.grad);
      }
    }
    return loss;
  }

  /**
   * Resets the gradients of all parameters: to `null` (the default, as PyTorch 2.x) or to zeros.
   *
   * @example
   * ```ts
   * opt.zero_grad();                         // p.grad === null
   * opt.zero_grad({ set_to_none: false });   // p.grad filled with 0
   * ```
   */
  zero_grad({ set_to_none = true }: { set_to_none?: boolean } = {}): void {
    for (const group of this.param_groups) {
      for (const p of group.params) {
        if (p.grad == null) continue;
        if (set_to_none) p.grad = null;
        else p.grad.zero_();
      }
    }
  }

  /**
   * The optimizer state in PyTorch's structure: `state` maps the index of each parameter (counting
   * through all groups in order) to its state, `param_groups` lists each group's options with its
   * parameters as those indices. Buffers are fresh tensors of the parameter's shape; `step` is a
   * number (PyTorch keeps a 0-d float tensor).
   *
   * @example
   * ```ts
   * const sd = opt.state_dict();
   * sd.param_groups[0].lr; // 0.1
   * sd.state[0].momentum_buffer; // Tensor
   * ```
   */
  state_dict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    const param_groups: OptimizerStateDict['param_groups'] = [];
    let index = 0;
    for (const group of this.param_groups) {
      const { params, ...options } = group;
      const indices: number[] = [];
      for (const p of params) {
        const s = this.state.get(p);
        if (s !== undefined && Object.keys(s).length > 0) {
          const entry: Record<string, Tensor | number> = {};
          for (const [key, value] of Object.entries(s)) {
            entry[key] =
              typeof value === 'number'
                ? value
                : value instanceof Float32Array
                  ? stateTensor(value, p.shape)
                  : value.detach().clone();
          }
          state[index] = entry;
        }
        indices.push(index++);
      }
      param_groups.push({ ...structuredClone(options), params: indices });
    }
    return { state, param_groups };
  }

  /**
   * Loads a state from {@link Optimizer.state_dict} (of an optimizer over parameters of the same
   * shapes, in the same group structure): group options are replaced, per-parameter state copied.
   *
   * @throws with PyTorch's messages when the group count or sizes differ, or a buffer's size differs.
   * @example
   * ```ts
   * opt.load_state_dict(checkpoint.optimizer);
   * ```
   */
  load_state_dict(stateDict: OptimizerStateDictInput): void {
    const groups = stateDict.param_groups;
    if (groups.length !== this.param_groups.length) {
      throw new Error('loaded state dict has a different number of parameter groups');
    }
    for (const [g, group] of groups.entries()) {
      if (group.params.length !== this.param_groups[g]!.params.length) {
        throw new Error(
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
        );
      }
    }
    this.state.clear();
    for (const [g, group] of groups.entries()) {
      const target = this.param_groups[g]!;
      const { params: indices, ...options } = group;
      for (const [i, index] of indices.entries()) {
        const p = target.params[i]!;
        const saved = stateDict.state[index];
        if (saved === undefined) continue;
        const s: ParamState = {};
        const n = p.numel();
        for (const [key, value] of Object.entries(saved)) {
          if (typeof value === 'number') {
            s[key] = value;
            continue;
          }
          if (key === 'step' && isTensorLike(value) && value.numel() === 1) {
            s[key] = value.item(); // PyTorch keeps the step count as a 0-d float tensor
            continue;
          }
          const values = isTensorLike(value) ? tensorValues(value) : Float32Array.from(value);
          if (values.length !== n) {
            throw new Error(
              `loaded state '${key}' of parameter ${index} has ${values.length} elements, the parameter has ${n}`,
            );
          }
          s[key] = values;
        }
        this.state.set(p, s);
      }
      Object.assign(target, structuredClone(options), { params: target.params });
    }
  }
}
