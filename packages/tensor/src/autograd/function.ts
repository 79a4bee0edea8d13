/**
 * User-defined differentiable ops, as PyTorch's `torch.autograd.Function`: subclass with static
 * `forward(ctx, ...args)` and `backward(ctx, ...grads)`, call `MyOp.apply(...args)`.
 */
import { attach } from '../ops/core.js';
import { Tensor } from '../tensor.js';
import { no_grad } from './grad_mode.js';

/**
 * The context passed to `forward` and `backward` of a custom {@link CustomFunction | Function}.
 *
 * @example
 * ```ts
 * // inside forward: ctx.save_for_backward(x); ctx.scale = 2;
 * // inside backward: const [x] = ctx.saved_tensors;
 * ```
 */
export class FunctionCtx {
  /** Per forward argument: whether it is a tensor that requires grad. */
  needs_input_grad: boolean[] = [];
  /** @internal tensors saved in forward, handed to the graph node (so they are freed with it). */
  _toSave: Tensor[] = [];
  /** @internal the saved tensors while backward runs. */
  _saved: Tensor[] | null = null;
  /** Other values forward wants to pass to backward (shapes, scalars; not tensors). */
  [key: string]: unknown;

  /** Saves tensors for backward (read them with `saved_tensors`). */
  save_for_backward(...tensors: Tensor[]): void {
    this._toSave = tensors;
  }

  /** The tensors given to `save_for_backward`, available in backward. */
  get saved_tensors(): Tensor[] {
    if (this._saved === null) throw new Error('saved_tensors is only available inside backward');
    return this._saved;
  }
}

/** What a custom backward returns: one gradient, or one per forward argument (null for none). */
export type Grads = Tensor | null | (Tensor | null)[];

/**
 * Base class of custom differentiable ops (PyTorch's `torch.autograd.Function`). `forward` runs
 * without recording; `backward` returns one gradient per forward argument (null for non-tensors or
 * inputs that need none) and runs without recording too. Tensors created during backward (and the
 * incoming gradient) are freed when `backward()` ends, except gradients accumulated into leaves:
 * do not keep them (copy values out with `toFloat32Array()` if needed). No double backward.
 *
 * @example
 * ```ts
 * class Square extends torch.autograd.Function {
 *   static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) {
 *     ctx.save_for_backward(x);
 *     return x.mul(x);
 *   }
 *   static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) {
 *     const [x] = ctx.saved_tensors;
 *     return g.mul(x!).mul(2);
 *   }
 * }
 * const y = Square.apply(torch.tensor([3], { requires_grad: true }));
 * ```
 */
// biome-ignore lint/complexity/noStaticOnlyClass: torch.autograd.Function is static-only by design
export class CustomFunction {
  /** Computes the output from the arguments; override in subclasses. */
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being defined
    throw new Error(`${this.name} must implement static forward(ctx, ...args)`);
  }

  /** Gradients of the arguments from the gradient of the output; override in subclasses. */
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): Grads {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being defined
    throw new Error(`${this.name} must implement static backward(ctx, grad)`);
  }

  /** Runs the op and, if any tensor argument requires grad, records it in the graph. */
  static apply(...args: unknown[]): Tensor {
    const ctx = new FunctionCtx();
    ctx.needs_input_grad = args.map((a) => a instanceof Tensor && a.requires_grad);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass whose forward/backward define the op
    const raw = no_grad(() => this.forward(ctx, ...args));
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass whose forward/backward define the op
    if (!(raw instanceof Tensor)) throw new TypeError(`${this.name}.forward must return a Tensor`);
    // never attach history to a tensor the caller passed in
    const out = args.includes(raw) ? raw.detach() : raw;
    const saved = ctx._toSave;
    ctx._toSave = [];
    const inputs = args.map((a) => (a instanceof Tensor ? a : null));
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass whose forward/backward define the op
    return attach(out, `${this.name}Backward`, inputs, saved, (g, s) => {
      ctx._saved = s;
      try {
        // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass whose forward/backward define the op
        const r = this.backward(ctx, g);
        const list = Array.isArray(r) ? r : [r];
        return args.map((_, i) => list[i] ?? null);
      } finally {
        ctx._saved = null;
      }
    });
  }
}
