/**
 * Samples drawn through @minidl/tensor's PyTorch-exact fills, as flat float32 arrays, for the
 * init functions that post-process their draws (trunc_normal_, orthogonal_, sparse_). Each draws
 * exactly what PyTorch's `tensor.new_empty([n]).normal_(...)` / `.uniform_(...)` would.
 */
import { default_generator, empty, type Generator, randperm } from '@minidl/tensor';

export { default_generator, type Generator };

/**
 * `n` samples of `normal_(mean, std)` on a fresh contiguous float32 tensor (PyTorch's vectorised
 * path from 16 elements on, its scalar path below).
 */
export function normalSamples(gen: Generator, n: number, mean: number, std: number): Float32Array {
  return empty([n]).normal_(mean, std, { generator: gen }).toFloat32Array();
}

/** `n` samples of `uniform_(a, b)` on a fresh float32 tensor. */
export function uniformSamples(gen: Generator, n: number, a: number, b: number): Float32Array {
  return empty([n]).uniform_(a, b, { generator: gen }).toFloat32Array();
}

/** `torch.randperm(n)` from the global generator, as a list. */
export function randpermList(n: number): number[] {
  return randperm(n).tolist() as number[];
}
