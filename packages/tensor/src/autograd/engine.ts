/**
 * The backward pass: walks the graph from a root in dependency order, sums the gradients reaching
 * each node, accumulates into leaves' `.grad`, then frees what the pass itself allocated and the
 * tensors the graph saved, so after `loss.backward()` only tensors the user holds stay alive.
 */
import { allocatedInCollection, collectAllocations, releaseStorages } from '../backend/allocations.js';
import type { Storage } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { no_grad } from './grad_mode.js';
import { Node } from './node.js';

/** The node that accumulates gradients into a leaf's `.grad` (PyTorch's `AccumulateGrad`). */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', []);
  }

  apply(grad: Tensor): (Tensor | null)[] {
    return this.accumulate(grad, false);
  }

  /**
   * Accumulates `grad` into `.grad`. With `adopt`, a first gradient becomes `.grad` itself rather
   * than a copy: the engine passes it when the gradient is a dense tensor that the backward pass
   * allocated and no other leaf took (PyTorch's AccumulateGrad likewise steals a gradient nothing
   * else references), which saves a copy and an allocation per parameter per step.
   */
  accumulate(grad: Tensor, adopt: boolean): (Tensor | null)[] {
    const v = this.variable;
    if (v.grad === null) {
      // Otherwise a private contiguous copy: the incoming gradient may be a broadcast view or
      // shared with another input's gradient (add returns the same tensor for both operands).
      v.grad = adopt ? grad : grad.clone();
    } else {
      v.grad.add_(grad);
    }
    return [];
  }
}

/**
 * Whether a leaf may keep `g` as its `.grad` without copying: a dense tensor over a whole storage
 * that this backward pass allocated (so the user holds no reference to it) and that no other leaf
 * already keeps (`kept`). Nodes never write into incoming gradients, so it is not modified later.
 */
function adoptable(g: Tensor, kept: Set<Storage>): boolean {
  return (
    g.offset === 0 &&
    g.numel() === g.storage.length &&
    g.is_contiguous() &&
    !kept.has(g.storage) &&
    allocatedInCollection(g.storage)
  );
}

/** The node through which gradients of `t` flow: its grad_fn, or its leaf accumulator. */
export function gradEdge(t: Tensor): Node | null {
  if (t.grad_fn !== null) return t.grad_fn;
  if (!t.requires_grad) return null;
  return t._accumulator();
}

/** Counts, for each node reachable from `root`, how many edges lead into it. */
function dependencies(root: Node): Map<Node, number> {
  const deps = new Map<Node, number>([[root, 0]]);
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const next of node.next_functions) {
      if (next === null) continue;
      const seen = deps.has(next);
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen) stack.push(next);
    }
  }
  return deps;
}

/**
 * Runs backward from `root` with `grad` as d(out)/d(root).
 * @param retainGraph keep saved tensors so backward can run through this graph again.
 */
export function runBackward(root: Tensor, grad: Tensor, retainGraph: boolean): void {
  const rootNode = gradEdge(root);
  if (rootNode === null) {
    throw new Error('element 0 of tensors does not require grad and does not have a grad_fn');
  }
  const deps = dependencies(rootNode);
  const pending = new Map<Node, Tensor>([[rootNode, grad]]);
  const ready: Node[] = [rootNode];
  const leafGrads = new Set<Storage>();
  const temporaries = collectAllocations(() =>
    no_grad(() => {
      while (ready.length > 0) {
        const node = ready.pop()!;
        const g = pending.get(node);
        pending.delete(node);
        const grads =
          g === undefined
            ? []
            : node instanceof AccumulateGrad
              ? node.accumulate(g, adoptable(g, leafGrads))
              : node.apply(g);
        if (node instanceof AccumulateGrad && node.variable.grad !== null) {
          leafGrads.add(node.variable.grad.storage);
        }
        node.next_functions.forEach((next, i) => {
          if (next === null) return;
          const gi = grads[i];
          if (gi !== null && gi !== undefined) {
            const prev = pending.get(next);
            pending.set(next, prev === undefined ? gi : prev.add(gi));
          }
          const left = deps.get(next)! - 1;
          deps.set(next, left);
          if (left === 0) ready.push(next);
        });
        if (!retainGraph) node.release();
      }
    }),
  );
  // Gradients flowing between nodes were allocated by this pass and are referenced by nothing the
  // user can reach (leaf gradients are private copies), so their memory is returned right away
  // instead of waiting for garbage collection.
  releaseStorages(temporaries.filter((s) => !leafGrads.has(s) && s !== grad.storage));
}
