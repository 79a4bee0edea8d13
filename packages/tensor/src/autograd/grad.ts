/**
 * `torch.autograd.grad` and the gradient checks `backward()` shares with it: the gradient of outputs
 * with respect to chosen inputs, returned rather than accumulated into `.grad`, optionally as a
 * differentiable result (`create_graph`) for higher-order derivatives such as gradient penalties and
 * Hessian-vector products.
 */
import { fullLike } from '../ops/inplace.js';
import type { Tensor } from '../tensor.js';
import { runBackward } from './engine.js';

/**
 * d(root)/d(root) as the caller gives it, checked against the root's shape, or ones for a
 * single-element root (PyTorch creates it only then).
 */
export function rootGradient(root: Tensor, given: Tensor | null | undefined, index: number): Tensor {
  if (given === null || given === undefined) {
    if (root.numel() !== 1) throw new Error('grad can be implicitly created only for scalar outputs');
    return fullLike(root, 1);
  }
  if (given.ndim !== root.ndim || given.shape.some((s, i) => s !== root.shape[i])) {
    throw new Error(
      `Mismatch in shape: grad_output[${index}] has a shape of [${given.shape.join(', ')}] and output[${index}] has a shape of [${root.shape.join(', ')}].`,
    );
  }
  return given;
}

/** Options of {@link grad}, with PyTorch's names. */
export interface GradOptions {
  /** d(loss)/d(output) for each output; may be null (or omitted) for single-element outputs. */
  grad_outputs?: Tensor | readonly (Tensor | null)[] | null;
  /** Keep the graph for another backward (default: `create_graph`). */
  retain_graph?: boolean;
  /** Record the computation of the gradients, so they can be differentiated again (default false). */
  create_graph?: boolean;
  /** Return null for inputs the outputs do not depend on instead of throwing (default false). */
  allow_unused?: boolean;
}

const list = (t: Tensor | readonly Tensor[]): readonly Tensor[] => (Array.isArray(t) ? t : [t as Tensor]);

/**
 * The gradients of the sum of `outputs` (weighted by `grad_outputs`) with respect to each of
 * `inputs`, as `torch.autograd.grad`: returned in a list, without touching any `.grad`. With
 * `create_graph` they are themselves part of a graph, so they can be differentiated again.
 *
 * @throws if an input does not require grad, or is not used by the outputs (unless `allow_unused`).
 *
 * @example
 * ```ts
 * const x = torch.tensor([1, 2, 3], { requires_grad: true });
 * const y = x.pow(3).sum();
 * const [dy] = torch.autograd.grad(y, x, { create_graph: true }); // 3 x^2
 * const [d2y] = torch.autograd.grad(dy!.sum(), x);                // 6 x
 * ```
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: GradOptions = {},
): (Tensor | null)[] {
  const roots = list(outputs);
  const given = options.grad_outputs;
  const givenList = Array.isArray(given) ? given : roots.map(() => given as Tensor | null | undefined);
  if (givenList.length !== roots.length) {
    throw new Error(
      `grad requires one grad_output per output: got ${givenList.length} for ${roots.length} outputs`,
    );
  }
  const createGraph = options.create_graph ?? false;
  const result = runBackward(
    roots,
    roots.map((r, i) => rootGradient(r, givenList[i], i)),
    { retainGraph: options.retain_graph ?? createGraph, createGraph, inputs: list(inputs) },
  );
  if (!options.allow_unused && result.some((g) => g === null)) {
    throw new Error(
      'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
    );
  }
  return result;
}
