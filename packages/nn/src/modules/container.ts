/** Containers of numbered children: `nn.Sequential` and `nn.ModuleList`. */
import { conv2d_relu, Tensor } from '@minidl/tensor';
import { Module } from '../module.js';
import { addIndent } from '../pyformat.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv.js';

/**
 * What Sequential and ModuleList share: children named "0", "1", ... (so parameter names read
 * `layer.0.weight` as in PyTorch), indexing with `c[i]` or, counting from the end, `c.at(-1)`,
 * `length`, `append`, `extend` and `for...of`. A repeated child counts (and runs) each time, as in
 * PyTorch.
 *
 * @example
 * ```ts
 * const blocks: nn.ModuleSequence = new nn.ModuleList([new nn.Linear(2, 2)]);
 * blocks.append(new nn.ReLU()).length; // 2
 * ```
 */
export abstract class ModuleSequence extends Module implements Iterable<Module> {
  /** Children by position (numeric names). */
  [index: number]: Module;

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
}

/**
 * Runs its children in order, each on the previous one's output, as `torch.nn.Sequential`. Children
 * are named "0", "1", ... or by the names of a `Map`/object given to the constructor.
 *
 * @example
 * ```ts
 * const fc = new nn.Sequential(new nn.Linear(3136, 100), new nn.ReLU(), new nn.Linear(100, 10));
 * fc.length; // 3
 * fc.at(-1); // the last Linear
 * ```
 */
export class Sequential extends ModuleSequence {
  constructor(...modules: Module[] | [ReadonlyMap<string, Module> | Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      const entries = first instanceof Map ? [...first.entries()] : Object.entries(first);
      for (const [name, m] of entries) this.add_module(name, m);
    } else this.extend(modules as Module[]);
  }

  // biome-ignore lint/suspicious/noExplicitAny: each child defines its own input and output, as in PyTorch.
  forward(input: any): any {
    let x = input;
    const children = [...this];
    for (let i = 0; i < children.length; i++) {
      const m = children[i]!;
      const next = children[i + 1];
      if (next !== undefined && fusible(m, next, x)) {
        // Conv2d then ReLU: one kernel pass that never stores the pre-activation (same values,
        // gradients and grad_fn graph as running the two modules)
        x = conv2d_relu(x, m.weight, m.bias, {
          stride: m.stride,
          padding: m.padding,
          dilation: m.dilation,
          groups: m.groups,
        });
        i++;
      } else x = m.forward(x);
    }
    return x;
  }
}

/** Whether `m` itself runs its class's own forward: no hooks (they wrap forward) and no override. */
function plain(m: Module, cls: { prototype: { forward: unknown } }): boolean {
  return !Object.hasOwn(m, 'forward') && m.forward === cls.prototype.forward;
}

/**
 * Whether a Conv2d followed by a ReLU can run fused on this input: neither module has hooks or a
 * replaced forward, the padding is explicit, and the input is one the Conv2d accepts (otherwise
 * its own forward runs and raises its explanatory error).
 */
function fusible(m: Module, next: Module, x: unknown): m is Conv2d {
  if (!(m instanceof Conv2d && next instanceof ReLU && plain(m, Conv2d) && plain(next, ReLU))) return false;
  return (
    typeof m.padding !== 'string' &&
    x instanceof Tensor &&
    (x.ndim === 3 || x.ndim === 4) &&
    x.shape[x.ndim - 3] === m.in_channels
  );
}

/**
 * Holds submodules in a list so they are registered (a plain array is not), as `torch.nn.ModuleList`;
 * the model's own `forward` decides how to run them.
 *
 * @example
 * ```ts
 * class MLP extends nn.Module {
 *   layers = new nn.ModuleList(Array.from({ length: 30 }, () => new nn.Linear(64, 64)));
 *   forward(x: Tensor): Tensor {
 *     for (const layer of this.layers) x = F.relu(layer.forward(x));
 *     return x;
 *   }
 * }
 * ```
 */
export class ModuleList extends ModuleSequence {
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  /** A ModuleList has no computation of its own, as in PyTorch. @example `// call its children instead` */
  forward(): never {
    throw new Error('Module [ModuleList] is missing the required "forward" function');
  }

  /**
   * PyTorch's ModuleList repr, which folds runs of identical children into one line:
   * `(0-29): 30 x Linear(in_features=64, out_features=64, bias=True)`.
   */
  override toString(): string {
    const reprs = [...this].map((m) => m.toString());
    if (reprs.length === 0) return `${this.constructor.name}()`;
    const lines: string[] = [];
    for (let start = 0; start < reprs.length; ) {
      let end = start;
      while (end + 1 < reprs.length && reprs[end + 1] === reprs[start]) end++;
      const label = start === end ? `(${start})` : `(${start}-${end}): ${end - start + 1} x`;
      lines.push(addIndent(`${label}${start === end ? ':' : ''} ${reprs[start]}`, 2));
      start = end + 1;
    }
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }
}
