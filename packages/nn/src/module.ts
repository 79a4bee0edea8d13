/**
 * `Module`, the base class of every layer and model, with the semantics of `torch.nn.Module`.
 *
 * How members are registered. PyTorch's `__setattr__` sorts each assigned value into `_parameters`,
 * `_buffers` or `_modules`, ordered dicts keyed by first assignment. Here the object's own properties
 * are that record: every traversal (`named_parameters`, `state_dict`, `toString`, ...) reads the own
 * enumerable properties in their order and classifies the values — a `Parameter` is a parameter, a
 * `Module` a child, a `Tensor` under a name given to `register_buffer` a buffer. JS keeps own string
 * keys in first-definition order, re-assignment keeps the position and delete-then-add moves it to
 * the end, exactly like a Python dict, so the order is PyTorch's. We chose this over a `Proxy` with a
 * `set` trap because discovery cannot be bypassed (class-field initialisers and `Object.defineProperty`
 * define properties without going through `set`), leaves `this` the real object (private `#fields`
 * keep working, nothing slows down a property read in `forward`), and keeps no second copy of the
 * values that could drift from what the object holds (only names: which are buffers, and which held a
 * parameter or module, for PyTorch's error on overwriting one with the wrong type). One difference in
 * kind: integer-like names ("0", "1") are listed first in numeric order, which is the order
 * `Sequential` wants anyway.
 */
import { type BackendName, no_grad, Tensor } from '@minidl/tensor';
import { namedArgs, type PyArgs } from './args.js';
import { Parameter } from './parameter.js';
import { addIndent } from './pyformat.js';

/**
 * A hook run before `forward` with the module and its arguments. Returning something other than
 * undefined replaces the arguments (an array as the argument list, anything else as the only one).
 */
// biome-ignore lint/suspicious/noExplicitAny: hooks see whatever the module's forward takes.
export type ForwardPreHook = (module: Module, args: any[]) => unknown;

/** A hook run after `forward` with the module, its arguments and output; may return a replacement output. */
// biome-ignore lint/suspicious/noExplicitAny: hooks see whatever the module's forward takes and returns.
export type ForwardHook = (module: Module, args: any[], output: any) => any;

/** What `register_forward_hook` returns: `remove()` unregisters the hook (PyTorch's `RemovableHandle`). */
export interface RemovableHandle {
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}

/** A `state_dict`: PyTorch's dotted key names (`layer.0.weight`) to tensors, in PyTorch's order. */
export type StateDict = Record<string, Tensor>;

/** What `load_state_dict` found besides the keys it loaded (PyTorch's `_IncompatibleKeys`). */
export interface IncompatibleKeys {
  missing_keys: string[];
  unexpected_keys: string[];
}

/** Options of the `named_*` traversals, with PyTorch's parameter names and defaults. */
export interface NamedOptions {
  /** Prepended to every name (default ''). */
  prefix?: string;
  /** Include members of all descendants, not just this module's own (default true). */
  recurse?: boolean;
  /** List a member reachable under several names only once, under the first (default true). */
  remove_duplicate?: boolean;
}

/** A JS value's type name for error messages (PyTorch prints `torch.typename`). */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'Object';
  return typeof value;
}

function checkMemberName(kind: string, name: string): void {
  if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${typeName(name)}`);
  if (name.includes('.')) throw new Error(`${kind} name can't contain "."`);
  if (name === '') throw new Error(`${kind} name can't be empty string ""`);
}

/**
 * Base class of all layers and models, as `torch.nn.Module`. Subclasses assign parameters, buffers
 * (via `register_buffer`) and submodules as properties in the constructor and implement `forward`.
 *
 * @example
 * ```ts
 * import { nn, F } from '@minidl/nn';
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(F.relu(this.fc1.forward(x)));
 *   }
 * }
 * const net = new Net();
 * net.named_parameters().map(([n]) => n); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export abstract class Module {
  /** Training mode (true) or evaluation mode (false); set with `train()` / `eval()`. */
  training = true;
  /** Names passed to `register_buffer`, mapped to whether they are persistent (in `state_dict`). */
  private readonly _bufferNames = new Map<string, boolean>();
  /** Names registered or last seen holding a parameter or a child module (see `checkReplaced`). */
  private readonly _kinds = new Map<string, 'parameter' | 'child module'>();
  /** Forward pre-hooks and hooks, in registration order (see `register_forward_hook`). */
  private readonly _hooks = { pre: new Set<ForwardPreHook>(), post: new Set<ForwardHook>() };

  /**
   * The computation of this module. Subclasses narrow the signature (`forward(x: Tensor): Tensor`).
   * Call it directly: `model.forward(x)` is PyTorch's `model(x)`.
   */
  // biome-ignore lint/suspicious/noExplicitAny: each module defines its own inputs and output, as in PyTorch.
  abstract forward(...inputs: any[]): any;

  // ---- registration -----------------------------------------------------------------------------

  /**
   * This module's own parameters, buffers and children, each in registration order, without
   * deduplication (PyTorch's `_parameters`, `_buffers` and `_modules` dicts).
   */
  protected _members(): {
    params: [string, Parameter][];
    buffers: [string, Tensor][];
    modules: [string, Module][];
  } {
    const params: [string, Parameter][] = [];
    const buffers: [string, Tensor][] = [];
    const modules: [string, Module][] = [];
    const self = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(this)) {
      const value = self[key];
      if (value instanceof Parameter) {
        params.push([key, value]);
        this._kinds.set(key, 'parameter');
      } else if (value instanceof Module) {
        modules.push([key, value]);
        this._kinds.set(key, 'child module');
      } else if (value instanceof Tensor && this._bufferNames.has(key)) buffers.push([key, value]);
      else if (value !== null && value !== undefined) this.checkReplaced(key, value);
    }
    return { params, buffers, modules };
  }

  /**
   * PyTorch refuses to overwrite a parameter with a plain tensor, or a child module with a
   * non-module (`self.weight = torch.randn(...)` raises), instead of silently unregistering it. We see
   * such an assignment at the next traversal and raise PyTorch's error there (for names registered
   * through `register_parameter`/`add_module`, as the built-in layers do, or seen by a traversal).
   */
  private checkReplaced(key: string, value: unknown): void {
    const kind = this._kinds.get(key);
    const bufferClash = this._bufferNames.has(key) && !(value instanceof Tensor);
    if (kind === undefined && !bufferClash) return;
    const expected = kind === 'parameter' ? 'nn.Parameter' : kind === 'child module' ? 'nn.Module' : 'Tensor';
    throw new TypeError(
      `cannot assign '${typeName(value)}' as ${kind ?? 'buffer'} '${key}' (${expected} or null expected)` +
        (kind === 'parameter' ? `; to change its values write through .data, e.g. ${key}.data.copy_(t)` : ''),
    );
  }

  private checkFreeName(name: string, isSame: (v: unknown) => boolean): void {
    if (name in this && !isSame((this as unknown as Record<string, unknown>)[name])) {
      throw new Error(`attribute '${name}' already exists`);
    }
  }

  /**
   * Adds a parameter under `name` (same as assigning `this[name] = param`); `null` leaves the slot
   * empty (like Linear's `bias` when `bias: false`).
   *
   * @example
   * ```ts
   * this.register_parameter('scale', new nn.Parameter(torch.ones([1])));
   * ```
   */
  register_parameter(name: string, param: Parameter | null): void {
    checkMemberName('parameter', name);
    this.checkFreeName(name, (v) => v instanceof Parameter || v === null);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(
        `cannot assign '${typeName(param)}' object to parameter '${name}' (nn.Parameter or null required)`,
      );
    }
    if (param !== null && !param.is_leaf) {
      throw new Error(
        `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. ` +
          `To express '${name}' as a function of another Tensor, compute the value in the forward() method.`,
      );
    }
    this._kinds.set(name, 'parameter');
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /**
   * Adds a buffer: state that is not learned but belongs to the module, like BatchNorm's running
   * statistics. Persistent buffers (the default) are saved in `state_dict`. Re-assigning
   * `this[name] = tensor` later replaces the buffer's tensor.
   *
   * @example
   * ```ts
   * this.register_buffer('running_mean', torch.zeros([num_features]));
   * ```
   */
  register_buffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    checkMemberName('buffer', name);
    this.checkFreeName(name, () => this._bufferNames.has(name));
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(
        `cannot assign '${typeName(tensor)}' object to buffer '${name}' (Tensor or null required)`,
      );
    }
    this._bufferNames.set(name, options.persistent ?? true);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  /**
   * Adds a child module under `name` (same as assigning `this[name] = module`).
   *
   * @example
   * ```ts
   * seq.add_module('act', new nn.ReLU());
   * ```
   */
  add_module(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module))
      throw new TypeError(`${typeName(module)} is not a Module subclass`);
    if (typeof name !== 'string')
      throw new TypeError(`module name should be a string. Got ${typeName(name)}`);
    this.checkFreeName(name, (v) => v instanceof Module || v === null);
    if (name.includes('.')) throw new Error(`module name can't contain ".", got: ${name}`);
    if (name === '') throw new Error('module name can\'t be empty string ""');
    this._kinds.set(name, 'child module');
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /** Alias of `add_module`, as in PyTorch. @example `this.register_module('fc', new nn.Linear(2, 2));` */
  register_module(name: string, module: Module | null): void {
    this.add_module(name, module);
  }

  /**
   * The submodule at a dotted path (`'layer.0'`), or this module for `''`.
   *
   * @example
   * ```ts
   * model.get_submodule('layer.0'); // the first Conv2d of the tutorial CNN
   * ```
   */
  get_submodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      const next = (mod as unknown as Record<string, unknown>)[item];
      if (next === undefined) throw new Error(`${mod.constructor.name} has no attribute \`${item}\``);
      if (!(next instanceof Module)) throw new Error(`\`${item}\` is not an nn.Module`);
      mod = next;
    }
    return mod;
  }

  // ---- traversal ----------------------------------------------------------------------------------

  /**
   * Direct children with their names, each module once.
   *
   * @example
   * ```ts
   * model.named_children().map(([name]) => name); // ['layer', 'fc_layer']
   * ```
   */
  named_children(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, m] of this._members().modules) {
      if (!seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }

  /** Direct children, each once. @example `for (const child of model.children()) console.log(child.toString());` */
  children(): Module[] {
    return this.named_children().map(([, m]) => m);
  }

  /**
   * This module and all descendants in pre-order (self first, named ''), with dotted names.
   *
   * @example
   * ```ts
   * model.named_modules().map(([name]) => name); // ['', 'layer', 'layer.0', 'layer.1', ...]
   * ```
   */
  named_modules(options: { prefix?: string; remove_duplicate?: boolean } = {}): [string, Module][] {
    const out: [string, Module][] = [];
    const memo = new Set<Module>();
    const removeDuplicate = options.remove_duplicate ?? true;
    const visit = (mod: Module, prefix: string): void => {
      if (memo.has(mod)) return;
      if (removeDuplicate) memo.add(mod);
      out.push([prefix, mod]);
      for (const [name, child] of mod._members().modules) visit(child, prefix ? `${prefix}.${name}` : name);
    };
    visit(this, options.prefix ?? '');
    return out;
  }

  /**
   * This module and all descendants, pre-order, each once.
   *
   * @example
   * ```ts
   * for (const m of model.modules()) if (m instanceof nn.Linear) nn.init.uniform_(m.weight.data);
   * ```
   */
  modules(): Module[] {
    return this.named_modules().map(([, m]) => m);
  }

  /** PyTorch's `_named_members`: members of each module in `named_modules` order, deduplicated. */
  private namedMembers<T>(pick: (m: Module) => [string, T][], options: NamedOptions): [string, T][] {
    const prefix = options.prefix ?? '';
    const removeDuplicate = options.remove_duplicate ?? true;
    const modules: [string, Module][] =
      (options.recurse ?? true)
        ? this.named_modules({ prefix, remove_duplicate: removeDuplicate })
        : [[prefix, this]];
    const memo = new Set<T>();
    const out: [string, T][] = [];
    for (const [modPrefix, mod] of modules) {
      for (const [name, value] of pick(mod)) {
        if (memo.has(value)) continue;
        if (removeDuplicate) memo.add(value);
        out.push([modPrefix ? `${modPrefix}.${name}` : name, value]);
      }
    }
    return out;
  }

  /**
   * Parameters with PyTorch's dotted names (`layer.0.weight`), in registration order, each once.
   *
   * @example
   * ```ts
   * for (const [name, p] of model.named_parameters()) console.log(name, p.shape);
   * ```
   */
  named_parameters(options: NamedOptions = {}): [string, Parameter][] {
    return this.namedMembers((m) => m._members().params, options);
  }

  /**
   * All parameters (of descendants too unless `recurse` is false), each once: what an optimizer takes.
   *
   * @example
   * ```ts
   * const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
   * ```
   */
  parameters(...args: PyArgs<[recurse: boolean], { recurse?: boolean }>): Parameter[] {
    const { recurse } = namedArgs<{ recurse?: boolean }>(args, ['recurse']);
    return this.named_parameters({ recurse }).map(([, p]) => p);
  }

  /**
   * Buffers (registered with `register_buffer`, non-null) with dotted names.
   *
   * @example
   * ```ts
   * bn.named_buffers().map(([n]) => n); // ['running_mean', 'running_var', 'num_batches_tracked']
   * ```
   */
  named_buffers(options: NamedOptions = {}): [string, Tensor][] {
    return this.namedMembers((m) => m._members().buffers, options);
  }

  /** All buffers, each once. @example `model.buffers().length; // 3 per BatchNorm layer` */
  buffers(...args: PyArgs<[recurse: boolean], { recurse?: boolean }>): Tensor[] {
    const { recurse } = namedArgs<{ recurse?: boolean }>(args, ['recurse']);
    return this.named_buffers({ recurse }).map(([, b]) => b);
  }

  /**
   * Calls `fn` on every submodule and then on this module (children first, as PyTorch does); returns
   * this module. The tutorial's way to initialise a model.
   *
   * @example
   * ```ts
   * model.apply((m) => { if (m instanceof nn.Linear) nn.init.xavier_uniform_(m.weight); });
   * ```
   */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- hooks --------------------------------------------------------------------------------------

  /**
   * Runs `hook(module, args)` before every `forward` of this module; a returned array replaces the
   * arguments. As PyTorch's `register_forward_pre_hook`.
   *
   * @example
   * ```ts
   * const h = model.register_forward_pre_hook((m, [x]) => console.log(m.constructor.name, x.shape));
   * h.remove();
   * ```
   */
  register_forward_pre_hook(hook: ForwardPreHook): RemovableHandle {
    return this.addHook(this._hooks.pre, hook);
  }

  /**
   * Runs `hook(module, args, output)` after every `forward` of this module; a returned value other
   * than undefined replaces the output. As PyTorch's `register_forward_hook`: the way to record
   * per-layer activations without changing the model.
   *
   * @example
   * ```ts
   * const stds: number[] = [];
   * for (const m of model.modules()) {
   *   if (m instanceof nn.Conv2d) m.register_forward_hook((_m, _args, out) => { stds.push(out.std().item()); });
   * }
   * ```
   */
  register_forward_hook(hook: ForwardHook): RemovableHandle {
    return this.addHook(this._hooks.post, hook);
  }

  /**
   * PyTorch runs hooks in `__call__`, but TS code calls `forward` directly (`this.fc.forward(x)`), so
   * while hooks are registered, `forward` itself is wrapped: a non-enumerable own property (invisible
   * to traversals and state_dict) that runs the pre-hooks, the class's forward and the hooks. It is
   * removed with the last hook.
   */
  private addHook<H>(set: Set<H>, hook: H): RemovableHandle {
    if (!Object.hasOwn(this, 'forward')) {
      const value = this.hookedForward();
      Object.defineProperty(this, 'forward', {
        value,
        configurable: true,
        writable: true,
        enumerable: false,
      });
    }
    set.add(hook);
    return {
      remove: () => {
        set.delete(hook);
        const own = Object.getOwnPropertyDescriptor(this, 'forward');
        // Only our wrapper is non-enumerable; a forward the user assigned stays.
        if (this._hooks.pre.size === 0 && this._hooks.post.size === 0 && own && !own.enumerable) {
          delete (this as { forward?: unknown }).forward;
        }
      },
    };
  }

  // biome-ignore lint/suspicious/noExplicitAny: forwards whatever the module's forward takes and returns.
  private hookedForward(): (...args: any[]) => any {
    const inner = Object.getPrototypeOf(this).forward as Module['forward'];
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    return (...args: any[]): any => {
      let input = args;
      for (const pre of [...this._hooks.pre]) {
        const replaced = pre(this, input);
        if (replaced !== undefined) input = Array.isArray(replaced) ? replaced : [replaced];
      }
      let output = inner.apply(this, input);
      for (const post of [...this._hooks.post]) {
        const replaced = post(this, input, output);
        if (replaced !== undefined) output = replaced;
      }
      return output;
    };
  }

  // ---- devices --------------------------------------------------------------------------------------

  /**
   * Moves every parameter (with its gradient) and buffer to a backend, or casts the floating-point
   * ones to a float dtype, in place, as PyTorch's `model.to(device)` / `model.to(dtype)`: parameters
   * keep their identity (an optimizer built earlier still holds them), only their storage changes.
   * Integer buffers (BatchNorm's `num_batches_tracked`) keep their dtype, as in PyTorch. Returns this
   * module.
   *
   * @throws for a non-float dtype, with PyTorch's message.
   * @example
   * ```ts
   * model.to('tfjs'); // then feed it tfjs tensors: x.to('tfjs')
   * model.to('float64'); // the same as model.double()
   * ```
   */
  to(target: BackendName | 'float32' | 'float64' | 'float' | 'double'): this {
    const isDevice = target === 'wasm' || target === 'tfjs' || target === 'js';
    if (!isDevice && !['float32', 'float64', 'float', 'double'].includes(target)) {
      throw new TypeError(
        `nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${String(target)}`,
      );
    }
    const convert = (t: Tensor): Tensor => (isDevice || t.is_floating_point() ? t.to(target) : t);
    for (const m of this.modules()) {
      const self = m as unknown as Record<string, unknown>;
      for (const [, p] of m._members().params) {
        p.data = convert(p.data);
        if (p.grad !== null) p.grad = convert(p.grad);
      }
      for (const [name, b] of m._members().buffers) self[name] = convert(b);
    }
    return this;
  }

  /**
   * Casts floating-point parameters and buffers to float64, in place (PyTorch's `model.double()`),
   * e.g. for a float64 gradient check of a whole model.
   *
   * @example
   * ```ts
   * const model = new nn.Linear(3, 2).double(); // model.weight.dtype === 'float64'
   * ```
   */
  double(): this {
    return this.to('float64');
  }

  /** Casts floating-point parameters and buffers to float32, in place (`model.float()`). @example `model.float();` */
  float(): this {
    return this.to('float32');
  }

  // ---- modes and gradients -----------------------------------------------------------------------

  /**
   * Sets training mode on this module and all descendants (affects Dropout and BatchNorm).
   *
   * @example
   * ```ts
   * model.train(); // model.training === true
   * ```
   */
  train(mode: boolean = true): this {
    if (typeof mode !== 'boolean') throw new TypeError('training mode is expected to be boolean');
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. @example `model.eval(); // BatchNorm now uses running stats` */
  eval(): this {
    return this.train(false);
  }

  /**
   * Sets whether autograd records operations on this module's parameters (freezing when false).
   *
   * @example
   * ```ts
   * model.get_submodule('layer').requires_grad_(false); // freeze the feature extractor
   * ```
   */
  requires_grad_(requires_grad = true): this {
    for (const p of this.parameters()) p.requires_grad_(requires_grad);
    return this;
  }

  /**
   * Resets the gradients of all parameters: to null by default (PyTorch 2's `set_to_none=True`),
   * or to zeros in place.
   *
   * @example
   * ```ts
   * model.zero_grad(); // every p.grad === null
   * ```
   */
  zero_grad(...args: PyArgs<[set_to_none: boolean], { set_to_none?: boolean }>): void {
    const toNone = namedArgs<{ set_to_none?: boolean }>(args, ['set_to_none']).set_to_none ?? true;
    for (const p of this.parameters()) {
      if (toNone) p.grad = null;
      else if (p.grad !== null) p.grad = p.grad.detach().zero_();
    }
  }

  // ---- state ----------------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by PyTorch's dotted keys, in PyTorch's order (each module's
   * parameters, then its buffers, then its children's entries). Values are detached tensors sharing
   * storage with the module's (the parameters themselves with `keep_vars`). A plain object, so
   * `sd['layer.0.weight']` reads as in Python; a module shared under two names appears under both.
   *
   * @example
   * ```ts
   * Object.keys(new nn.Linear(2, 3).state_dict()); // ['weight', 'bias']
   * ```
   */
  state_dict(options: { prefix?: string; keep_vars?: boolean } = {}): StateDict {
    const out: StateDict = {};
    const keepVars = options.keep_vars ?? false;
    const save = (mod: Module, prefix: string): void => {
      const { params, buffers, modules } = mod._members();
      for (const [name, p] of params) out[prefix + name] = keepVars ? p : p.detach();
      for (const [name, b] of buffers) {
        if (mod._bufferNames.get(name)) out[prefix + name] = keepVars ? b : b.detach();
      }
      for (const [name, child] of modules) save(child, `${prefix}${name}.`);
    };
    save(this, options.prefix ?? '');
    return out;
  }

  /**
   * Copies parameters and persistent buffers from a state dict (a plain object or a Map) into this
   * module, like PyTorch: with `strict` (default true) missing and unexpected keys are errors; a
   * shape mismatch is always an error; all problems are reported together in PyTorch's words.
   * Returns the missing and unexpected keys (useful with `strict: false`).
   *
   * @example
   * ```ts
   * model.load_state_dict(other.state_dict());
   * model.load_state_dict(partial, { strict: false }).missing_keys;
   * ```
   */
  load_state_dict(
    state_dict: StateDict | ReadonlyMap<string, Tensor>,
    ...args: PyArgs<[strict: boolean], { strict?: boolean }>
  ): IncompatibleKeys {
    const isStrict = namedArgs<{ strict?: boolean }>(args, ['strict']).strict ?? true;
    const entries: [string, unknown][] =
      state_dict instanceof Map ? [...state_dict.entries()] : Object.entries(state_dict as StateDict);
    const input = new Map(entries);
    const missing: string[] = [];
    const unexpected: string[] = [];
    const errors: string[] = [];
    const load = (mod: Module, keys: string[], prefix: string): void => {
      const { params, buffers, modules } = mod._members();
      const local = new Map<string, Tensor>([
        ...params,
        ...buffers.filter(([name]) => mod._bufferNames.get(name)),
      ]);
      for (const [name, target] of local) {
        const key = prefix + name;
        if (!input.has(key)) {
          missing.push(key);
          continue;
        }
        const value = input.get(key);
        if (!(value instanceof Tensor)) {
          errors.push(
            `While copying the parameter named "${key}", expected Tensor or Tensor-like object from checkpoint but received ${typeName(value)}`,
          );
        } else if (
          value.shape.length !== target.shape.length ||
          value.shape.some((s, i) => s !== target.shape[i])
        ) {
          errors.push(
            `size mismatch for ${key}: copying a param with shape torch.Size([${value.shape.join(', ')}]) from checkpoint, ` +
              `the shape in current model is torch.Size([${target.shape.join(', ')}]).`,
          );
        } else {
          no_grad(() => target.copy_(value));
        }
      }
      const children = new Set(modules.map(([name]) => name));
      for (const key of keys) {
        // A dotted remainder must name a child; a plain one a local parameter or buffer.
        const rest = key.slice(prefix.length);
        const dot = rest.indexOf('.');
        if (dot >= 0 ? !children.has(rest.slice(0, dot)) : !local.has(rest)) unexpected.push(key);
      }
      for (const [name, child] of modules) {
        const childPrefix = `${prefix}${name}.`;
        load(
          child,
          keys.filter((k) => k.startsWith(childPrefix)),
          childPrefix,
        );
      }
    };
    load(this, [...input.keys()], '');
    if (isStrict) {
      if (unexpected.length > 0)
        errors.unshift(`Unexpected key(s) in state_dict: ${quoteList(unexpected)}. `);
      if (missing.length > 0) errors.unshift(`Missing key(s) in state_dict: ${quoteList(missing)}. `);
    }
    if (errors.length > 0) {
      throw new Error(
        `Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`,
      );
    }
    return { missing_keys: missing, unexpected_keys: unexpected };
  }

  // ---- printing -------------------------------------------------------------------------------------

  /**
   * The layer's own settings for the printed form (`in_features=2, out_features=3, bias=True`);
   * layers override it, as in PyTorch.
   *
   * @example
   * ```ts
   * new nn.Linear(2, 3).extra_repr(); // 'in_features=2, out_features=3, bias=True'
   * ```
   */
  extra_repr(): string {
    return '';
  }

  /**
   * The printed form of PyTorch's `repr(model)`: the class name, the layer's settings and each child
   * on its own indented line.
   *
   * @example
   * ```ts
   * new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()).toString();
   * // Sequential(
   * //   (0): Linear(in_features=2, out_features=3, bias=True)
   * //   (1): ReLU()
   * // )
   * ```
   */
  toString(): string {
    const extra = this.extra_repr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = this._members().modules.map(([name, m]) => `(${name}): ${addIndent(m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let text = `${this.constructor.name}(`;
    if (lines.length > 0) {
      text +=
        extraLines.length === 1 && childLines.length === 0 ? extraLines[0] : `\n  ${lines.join('\n  ')}\n`;
    }
    return `${text})`;
  }

  /** Makes `console.log(model)` print the PyTorch-style form, like Python's `print(model)`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function quoteList(keys: string[]): string {
  return keys.map((k) => `"${k}"`).join(', ');
}
