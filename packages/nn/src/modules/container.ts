/** `nn.Sequential`. */
import { Module } from '../module.js';

/**
 * Runs its children in order, each on the previous one's output, as `torch.nn.Sequential`. Children
 * are named "0", "1", ... (or by the names of a `Map`/object given to the constructor), so parameter
 * names read `layer.0.weight` as in PyTorch. Index with `seq[i]` or, counting from the end,
 * `seq.at(-1)`; iterate with `for...of`.
 *
 * @example
 * ```ts
 * const fc = new nn.Sequential(new nn.Linear(3136, 100), new nn.ReLU(), new nn.Linear(100, 10));
 * fc.length; // 3
 * fc.at(-1); // the last Linear
 * ```
 */
export class Sequential extends Module implements Iterable<Module> {
  /** Children by position (numeric names). */
  [index: number]: Module;

  constructor(...modules: Module[] | [ReadonlyMap<string, Module> | Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      const entries = first instanceof Map ? [...first.entries()] : Object.entries(first);
      for (const [name, m] of entries) this.add_module(name, m);
    } else {
      (modules as Module[]).forEach((m, i) => {
        this.add_module(String(i), m);
      });
    }
  }

  /** Number of children. */
  get length(): number {
    return this._members().modules.length;
  }

  /**
   * The child at `index`, negative counting from the end (PyTorch's `seq[-1]`).
   *
   * @example
   * ```ts
   * model.layer.at(0); // the first Conv2d
   * ```
   */
  at(index: number): Module {
    const children = this._members().modules;
    const i = index < 0 ? index + children.length : index;
    const entry = children[i];
    if (!Number.isInteger(index) || entry === undefined)
      throw new RangeError(`index ${index} is out of range`);
    return entry[1];
  }

  /** Adds `module` at the end, named by the current length. @example `seq.append(new nn.ReLU());` */
  append(module: Module): this {
    this.add_module(String(this.length), module);
    return this;
  }

  /** Appends each of `modules`. @example `seq.extend([new nn.Linear(2, 2), new nn.ReLU()]);` */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** The children in order, so `for (const layer of seq)` works. @example `[...seq].length === seq.length` */
  [Symbol.iterator](): Iterator<Module> {
    return this._members()
      .modules.map(([, m]) => m)
      [Symbol.iterator]();
  }

  // biome-ignore lint/suspicious/noExplicitAny: each child defines its own input and output, as in PyTorch.
  forward(input: any): any {
    let x = input;
    for (const m of this) x = m.forward(x);
    return x;
  }
}
