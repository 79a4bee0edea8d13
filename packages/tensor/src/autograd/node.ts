/**
 * Graph nodes of the dynamic autograd graph. Each differentiable op's result gets a node (its
 * `grad_fn`) that knows how to map the gradient of the result to gradients of the op's inputs and
 * points to the inputs' own nodes; leaves that require grad end in an `AccumulateGrad` node.
 */
import { TYPE_NAMES } from '../dtype.js';
import type { Tensor } from '../tensor.js';

/**
 * One node of the backward graph (PyTorch's `torch.autograd.graph.Node`).
 *
 * @example
 * ```ts
 * const y = x.mul(2);
 * y.grad_fn!.name; // 'MulBackward1'
 * y.grad_fn!.next_functions[0]!.name; // 'AccumulateGrad'
 * ```
 */
export abstract class Node {
  constructor(
    /** PyTorch-style name, e.g. `MulBackward0`. */
    readonly name: string,
    /** Per input of the op: the node its gradient flows to, or null if that input needs none. */
    readonly next_functions: readonly (Node | null)[],
  ) {}

  /**
   * Gradients for each input given the gradient of the output (one per `next_functions` entry).
   * Every backward is made of recorded tensor ops, or switches to them while grad mode is on, so
   * running it with grad mode on (`create_graph`) records the gradient's own graph.
   */
  abstract apply(grad: Tensor): (Tensor | null)[];

  /** Drops saved tensors once backward has run (unless the graph is retained). */
  release(): void {}

  /** PyTorch's `grad_fn.name()`. */
  toString(): string {
    return this.name;
  }
}

/** Error PyTorch raises when backward runs a second time through freed saved tensors. */
export const SECOND_BACKWARD =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have ' +
  'already been freed). Saved intermediate values of the graph are freed when you call .backward() or ' +
  'autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or ' +
  'if you need to access saved tensors after calling backward.';

/** The backward of an op, given the gradient of its output and the tensors it saved. */
export type BackwardFn = (grad: Tensor, saved: Tensor[]) => (Tensor | null)[];

/**
 * A node defined by a backward function and the tensors it saved in forward. The function must not
 * capture tensors in its closure (only shapes and scalars), so `release` really frees them.
 */
export class FunctionNode extends Node {
  private saved: Tensor[] | null;
  private readonly versions: number[];
  private readonly hadSaved: boolean;
  /** Which node produced each saved tensor when it was saved (for PyTorch's in-place error). */
  private readonly producers: (Node | null)[];

  constructor(
    name: string,
    next: (Node | null)[],
    saved: Tensor[],
    private readonly fn: BackwardFn,
  ) {
    super(name, next);
    this.saved = saved;
    this.hadSaved = saved.length > 0;
    this.versions = saved.map((t) => t.storage.version);
    this.producers = saved.map((t) => t.grad_fn);
  }

  /** Records that `out`, if saved, is this node's own output. */
  noteOutput(out: Tensor): void {
    this.saved?.forEach((t, i) => {
      if (t === out) this.producers[i] = this;
    });
  }

  apply(grad: Tensor): (Tensor | null)[] {
    const saved = this.saved;
    if (saved === null) {
      if (this.hadSaved) throw new Error(SECOND_BACKWARD);
      return this.fn(grad, []);
    }
    saved.forEach((t, i) => {
      if (t.storage.version !== this.versions[i]) {
        const producer = this.producers[i];
        const origin = producer ? `, which is output 0 of ${producer.name.replace(/Backward\d*$/, '')},` : '';
        throw new Error(
          `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
            `[torch.${TYPE_NAMES[t.dtype]}Tensor [${t.shape.join(', ')}]]${origin} is at version ` +
            `${t.storage.version}; expected version ${this.versions[i]} instead.`,
        );
      }
    });
    return this.fn(grad, saved);
  }

  override release(): void {
    this.saved = null;
  }
}
