/**
 * Samples drawn through @minidl/tensor's PyTorch-exact fills, as flat row-major float32 arrays,
 * for the init functions that post-process their draws (trunc_normal_, orthogonal_, sparse_).
 *
 * PyTorch fills a tensor in its memory order, and `normal_` takes its vectorised path only for
 * contiguous tensors; so the scratch tensors PyTorch's init code samples into (`empty_like(t)`,
 * which keeps a dense tensor's strides) are recreated here with the target's memory layout, and
 * the draws match PyTorch for transposed or channels_last weights too.
 */
import { default_generator, empty, type Generator, randperm, type Tensor } from '@minidl/tensor';

export { default_generator, type Generator };

/** A layout to sample into: a shape (contiguous) or a tensor whose strides to copy. */
export type Layout = readonly number[] | Tensor;

/**
 * An uninitialised float32 tensor with `layout`'s shape and memory order (dims sorted by stride,
 * as PyTorch's `empty_like` for dense tensors).
 */
function emptyLike(layout: Layout): Tensor {
  if (Array.isArray(layout)) return empty(layout as readonly number[]);
  const like = layout as Tensor;
  const strides = like.stride();
  const order = like.shape.map((_, d) => d).sort((a, b) => strides[b]! - strides[a]!);
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => {
    inverse[d] = i;
  });
  return empty(order.map((d) => like.shape[d]!)).permute(inverse);
}

/** `normal_(mean, std)` samples for a tensor of this layout, in row-major order. */
export function normalSamples(gen: Generator, layout: Layout, mean: number, std: number): Float32Array {
  return emptyLike(layout).normal_(mean, std, { generator: gen }).toFloat32Array();
}

/** `uniform_(a, b)` samples for a tensor of this layout, in row-major order. */
export function uniformSamples(gen: Generator, layout: Layout, a: number, b: number): Float32Array {
  return emptyLike(layout).uniform_(a, b, { generator: gen }).toFloat32Array();
}

/** `torch.randperm(n)` from the global generator, as a list. */
export function randpermList(n: number): number[] {
  return randperm(n).tolist() as number[];
}
