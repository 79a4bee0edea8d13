/**
 * `default_collate`, as `torch.utils.data.default_collate`: merges a list of samples into a batch,
 * recursively by structure. Tensors are stacked along a new first dimension; numbers become a 1-d
 * tensor (integers as int64, as PyTorch's class labels, others float32 -- PyTorch would give
 * float64, which minidl does not have); arrays (tuples) and plain objects are collated field by
 * field; strings are returned as a list.
 */
import { Tensor, tensor } from '@minidl/tensor';

/** What a batch looks like after {@link default_collate}. */
export type Collated = Tensor | string[] | Collated[] | { [key: string]: Collated };

/**
 * Stacks equally shaped tensors into one tensor of shape [n, ...shape] (one host copy).
 *
 * @throws when the shapes differ, naming both.
 */
function stackTensors(items: Tensor[]): Tensor {
  const first = items[0]!;
  const size = first.numel();
  const out = new Float32Array(items.length * size);
  for (const [i, t] of items.entries()) {
    if (t.shape.length !== first.shape.length || t.shape.some((d, k) => d !== first.shape[k])) {
      throw new Error(
        `stack expects each tensor to be equal size, but got [${first.shape.join(', ')}] at entry 0 and [${t.shape.join(', ')}] at entry ${i}`,
      );
    }
    out.set(t.toFloat32Array(), i * size);
  }
  return tensor(out, { dtype: first.dtype }).view([items.length, ...first.shape]);
}

/**
 * Merges samples into a batch (see the module comment for the rules).
 *
 * @example
 * ```ts
 * default_collate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]);
 * // [tensor([[1, 2], [3, 4]]), tensor([0, 1]) (int64)]
 * ```
 */
export function default_collate(batch: readonly unknown[]): Collated {
  if (batch.length === 0) throw new Error('default_collate: empty batch');
  const first = batch[0];
  if (first instanceof Tensor) return stackTensors(batch as Tensor[]);
  if (typeof first === 'number' || typeof first === 'boolean') {
    const values = batch as number[];
    const dtype = typeof first === 'boolean' ? 'bool' : values.every(Number.isInteger) ? 'int64' : 'float32';
    return tensor(values, { dtype });
  }
  if (typeof first === 'string') return [...(batch as string[])];
  if (Array.isArray(first)) {
    const n = first.length;
    if (batch.some((b) => !Array.isArray(b) || b.length !== n)) {
      throw new Error('each element in list of batch should be of equal size');
    }
    return first.map((_, k) => default_collate(batch.map((b) => (b as unknown[])[k])));
  }
  if (typeof first === 'object' && first !== null) {
    const out: Record<string, Collated> = {};
    for (const key of Object.keys(first)) {
      out[key] = default_collate(batch.map((b) => (b as Record<string, unknown>)[key]));
    }
    return out;
  }
  throw new TypeError(
    `default_collate: batch must contain tensors, numbers, strings, arrays or objects; found ${typeof first}`,
  );
}
