/**
 * The backward pass: walks the graph from its roots in dependency order, sums the gradients reaching
 * each node, and either accumulates into leaves' `.grad` (`backward()`) or hands back the gradients
 * of chosen tensors (`autograd.grad`). A plain pass runs without recording and then frees what it
 * allocated and the tensors the graph saved, so after `loss.backward()` only tensors the user holds
 * stay alive. With `create_graph` the pass itself is recorded (each node's backward runs as
 * differentiable ops), so its gradients can be differentiated again, as in PyTorch.
 */
import { allocatedInCollection, collectAllocations, releaseStorages } from '../backend/allocations.js';
import type { Storage } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { enable_grad, no_grad } from './grad_mode.js';
import { Node } from './node.js';

/** The node that accumulates gradients into a leaf's `.grad` (PyTorch's `AccumulateGrad`). */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', []);
  }

  apply(grad: Tensor): (Tensor | null)[] {
    return this.accumulate(grad, false, false);
  }

  /**
   * Accumulates `grad` into `.grad`. With `adopt`, a first gradient becomes `.grad` itself rather
   * than a copy: the engine passes it when the gradient is a dense tensor that the backward pass
   * allocated and no other leaf took (PyTorch's AccumulateGrad likewise steals a gradient nothing
   * else references), which saves a copy and an allocation per parameter per step. With
   * `createGraph` the gradient keeps its graph and is summed out of place, as PyTorch does then.
   */
  accumulate(grad: Tensor, adopt: boolean, createGraph: boolean): (Tensor | null)[] {
    const v = this.variable;
    if (createGraph) {
      v.grad = v.grad === null ? grad : v.grad.add(grad);
    } else if (v.grad === null) {
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

/** Counts, for each node reachable from the roots, how many edges lead into it. */
function dependencies(roots: readonly Node[]): Map<Node, number> {
  const deps = new Map<Node, number>(roots.map((r) => [r, 0]));
  const stack = [...new Set(roots)];
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
 * The nodes from which some target can be reached through at least one edge: the only ones whose
 * backward `autograd.grad` needs to run (PyTorch prunes the rest the same way).
 */
function nodesLeadingTo(targets: ReadonlySet<Node>, nodes: Iterable<Node>): Set<Node> {
  const leads = new Map<Node, boolean>();
  const visit = (start: Node): boolean => {
    // iterative post-order, so deep graphs do not overflow the stack
    const stack: [Node, number][] = [[start, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (i < node.next_functions.length) {
        top[1]++;
        const next = node.next_functions[i];
        if (next && !leads.has(next)) stack.push([next, 0]);
        continue;
      }
      stack.pop();
      leads.set(
        node,
        node.next_functions.some((n) => n !== null && (targets.has(n) || leads.get(n) === true)),
      );
    }
    return leads.get(start)!;
  };
  const result = new Set<Node>();
  for (const node of nodes) if (leads.get(node) ?? visit(node)) result.add(node);
  return result;
}

/** How a backward pass runs. */
export interface BackwardPass {
  /** Keep saved tensors so backward can run through this graph again (PyTorch's `retain_graph`). */
  retainGraph: boolean;
  /** Record the pass so its gradients are differentiable (PyTorch's `create_graph`). */
  createGraph: boolean;
  /**
   * For `autograd.grad`: the gradients of these tensors are returned (summed over every path) and no
   * `.grad` is touched; only the nodes leading to them run.
   */
  inputs?: readonly Tensor[];
}

/**
 * Runs backward from `roots` with `grads[i]` as d(out)/d(roots[i]). Returns, for `pass.inputs`, the
 * gradient reaching each input (null where none does); otherwise accumulates into leaves and
 * returns an empty list.
 */
export function runBackward(
  roots: readonly Tensor[],
  grads: readonly Tensor[],
  pass: BackwardPass,
): (Tensor | null)[] {
  const rootNodes = roots.map((root, i) => {
    const node = gradEdge(root);
    if (node === null) {
      throw new Error(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    return node;
  });
  const targets = pass.inputs?.map((t, i) => {
    const node = gradEdge(t);
    if (node === null)
      throw new Error(`One of the differentiated Tensors (input ${i}) does not require grad`);
    return node;
  });
  const targetSet = targets ? new Set(targets) : null;
  const deps = dependencies(rootNodes);
  const needed = targetSet ? nodesLeadingTo(targetSet, deps.keys()) : null;
  const pending = new Map<Node, Tensor>();
  const captured = new Map<Node, Tensor>();
  const leafGrads = new Set<Storage>();
  const { retainGraph, createGraph } = pass;

  const run = (): void => {
    rootNodes.forEach((node, i) => {
      const prev = pending.get(node);
      pending.set(node, prev === undefined ? grads[i]! : prev.add(grads[i]!));
    });
    const ready = [...new Set(rootNodes)].filter((n) => deps.get(n) === 0);
    while (ready.length > 0) {
      const node = ready.pop()!;
      const g = pending.get(node);
      pending.delete(node);
      if (g !== undefined && targetSet?.has(node)) captured.set(node, g);
      let out: (Tensor | null)[] = [];
      const runs = g !== undefined && (needed === null || needed.has(node));
      if (runs && node instanceof AccumulateGrad) {
        out = node.accumulate(g, !createGraph && adoptable(g, leafGrads), createGraph);
        if (node.variable.grad !== null) leafGrads.add(node.variable.grad.storage);
      } else if (runs) {
        out = node.apply(g);
      }
      node.next_functions.forEach((next, i) => {
        if (next === null) return;
        const gi = out[i];
        if (gi !== null && gi !== undefined) {
          const prev = pending.get(next);
          pending.set(next, prev === undefined ? gi : prev.add(gi));
        }
        const left = deps.get(next)! - 1;
        deps.set(next, left);
        if (left === 0) ready.push(next);
      });
      // autograd.grad leaves the nodes it pruned intact; a plain backward frees every node it passed
      if (!retainGraph && (runs || needed === null)) node.release();
    }
  };

  if (createGraph) {
    // the gradients are part of a new graph the caller keeps: nothing is freed early
    enable_grad(run);
  } else {
    const temporaries = collectAllocations(() => no_grad(run));
    // Gradients flowing between nodes were allocated by this pass and are referenced by nothing the
    // user can reach (leaf gradients are private copies), so their memory is returned right away
    // instead of waiting for garbage collection. Returned gradients and the given ones stay.
    const kept = new Set<Storage>(leafGrads);
    for (const g of grads) kept.add(g.storage);
    for (const g of captured.values()) kept.add(g.storage);
    releaseStorages(temporaries.filter((s) => !kept.has(s)));
  }
  return targets ? targets.map((node) => captured.get(node) ?? null) : [];
}
