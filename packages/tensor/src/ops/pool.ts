/**
 * 2-d max and average pooling (PyTorch's `F.max_pool2d` / `F.avg_pool2d`) with their gradients:
 * max pooling routes each output gradient to the input position of the maximum (the indices
 * PyTorch's `return_indices` gives); average pooling spreads it over the window / divisor.
 */
import type { Pool2dGeometry } from '../backend/backend.js';
import { isFloating } from '../dtype.js';
import { formatShape, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type Pair, pair } from './conv.js';
import { allocTensor, attach, denseStorage } from './core.js';
import { gather } from './indexing.js';
import { squeeze, unsqueeze } from './views.js';

/** Options of `max_pool2d`, with PyTorch's names and defaults. */
export interface MaxPool2dOptions {
  /** Window step (default: the kernel size). */
  stride?: Pair | null;
  /** Implicit -inf padding on both sides (default 0; at most half the kernel). */
  padding?: Pair;
  /** Spacing between window elements (default 1). */
  dilation?: Pair;
  /** Round the output size up instead of down (default false). */
  ceil_mode?: boolean;
  /** Also return the flat h*w index of each maximum (default false). */
  return_indices?: boolean;
}

/** Options of `avg_pool2d`, with PyTorch's names and defaults. */
export interface AvgPool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceil_mode?: boolean;
  /** Whether zero padding counts in the divisor (default true). */
  count_include_pad?: boolean;
}

/** PyTorch's pooling output size (`pooling_output_shape`). */
function outputSize(
  size: number,
  k: number,
  pad: number,
  stride: number,
  dilation: number,
  ceil: boolean,
): number {
  const num = size + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
  let out = Math.floor(num / stride) + 1;
  // with ceil_mode the last window must start inside the input or left padding
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

function geometry(
  x: Tensor,
  kernelSize: Pair,
  stride: Pair | null | undefined,
  padding: Pair,
  dilation: Pair,
  ceil: boolean,
  countIncludePad: boolean,
): Pool2dGeometry {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const kernel = pair(kernelSize, 'kernel_size');
  const st = stride === undefined || stride === null ? kernel : pair(stride, 'stride');
  const pad = pair(padding, 'padding');
  const dil = pair(dilation, 'dilation');
  if (kernel.some((k) => k <= 0)) throw new Error('kernel size should be greater than zero');
  if (st.some((s) => s <= 0)) throw new Error('stride should be greater than zero');
  for (let i = 0; i < 2; i++) {
    const eff = (dil[i]! * (kernel[i]! - 1) + 1) / 2;
    if (pad[i]! > eff || pad[i]! > kernel[i]! / 2) {
      throw new Error(
        `pad should be at most half of effective kernel size, but got pad=${pad[i]}, kernel_size=${kernel[i]} and dilation=${dil[i]}`,
      );
    }
  }
  const oh = outputSize(h, kernel[0], pad[0], st[0], dil[0], ceil);
  const ow = outputSize(w, kernel[1], pad[1], st[1], dil[1], ceil);
  if (oh < 1 || ow < 1) {
    throw new Error(
      `Given input size: (${c}x${h}x${w}). Calculated output size: (${c}x${oh}x${ow}). Output size is too small`,
    );
  }
  return {
    n,
    c,
    h,
    w,
    oh,
    ow,
    kernel,
    stride: st,
    padding: pad,
    dilation: dil,
    countIncludePad,
    ceilMode: ceil,
  };
}

function checkInput(x: Tensor, op: string): void {
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new Error(
      `${op}: Expected 3D or 4D (batch mode) tensor for input, but got: ${formatShape(x.shape)}`,
    );
  }
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a float input, got ${x.dtype}`);
}

/** Splits PyTorch's positional `stride` from the options object. */
function strideAndOptions<O extends { stride?: Pair | null }>(
  stride: Pair | null | O | undefined,
  options: O,
): O {
  if (stride === undefined || stride === null) return options;
  if (typeof stride === 'number' || Array.isArray(stride)) return { ...options, stride: stride as Pair };
  return { ...(stride as O), ...options };
}

/**
 * Max pooling over NCHW (or CHW); with `return_indices` returns `[output, indices]`.
 *
 * @example
 * ```ts
 * torch.max_pool2d(x, 2);          // kernel 2, stride 2
 * torch.max_pool2d(x, 3, 2, { padding: 1 });
 * ```
 */
export function max_pool2d(
  input: Tensor,
  kernel_size: Pair,
  stride?: Pair | null | MaxPool2dOptions,
  options: MaxPool2dOptions = {},
): Tensor {
  return maxPool(input, kernel_size, strideAndOptions(stride, options))[0];
}

/**
 * Max pooling returning `[output, indices]` (PyTorch's `return_indices=True`).
 *
 * @example
 * ```ts
 * const [y, idx] = torch.max_pool2d_with_indices(x, 2);
 * ```
 */
export function max_pool2d_with_indices(
  input: Tensor,
  kernel_size: Pair,
  stride?: Pair | null | MaxPool2dOptions,
  options: MaxPool2dOptions = {},
): [Tensor, Tensor] {
  return maxPool(input, kernel_size, strideAndOptions(stride, options));
}

function maxPool(input: Tensor, kernel_size: Pair, o: MaxPool2dOptions): [Tensor, Tensor] {
  checkInput(input, 'max_pool2d');
  if (input.ndim === 3) {
    const [y, i] = maxPool(unsqueeze(input, 0), kernel_size, o);
    return [squeeze(y, 0), squeeze(i, 0)];
  }
  const g = geometry(
    input,
    kernel_size,
    o.stride,
    o.padding ?? 0,
    o.dilation ?? 1,
    o.ceil_mode ?? false,
    true,
  );
  const backend = input.storage.backend;
  const out = allocTensor([g.n, g.c, g.oh, g.ow], input.dtype, backend);
  const indices = allocTensor([g.n, g.c, g.oh, g.ow], 'int64', backend);
  backend.maxPool2d(denseStorage(input), out.storage, indices.storage, g);
  const inShape = input.shape.slice();
  attach(out, 'MaxPool2DWithIndicesBackward0', [input], [indices], (gy, [idx]) => [
    maxPoolGrad(gy, idx!, g, inShape),
  ]);
  return [out, indices];
}

/**
 * Average pooling over NCHW (or CHW).
 *
 * @example
 * ```ts
 * torch.avg_pool2d(x, 2);
 * torch.avg_pool2d(x, 3, 1, { padding: 1, count_include_pad: false });
 * ```
 */
export function avg_pool2d(
  input: Tensor,
  kernel_size: Pair,
  stride?: Pair | null | AvgPool2dOptions,
  options: AvgPool2dOptions = {},
): Tensor {
  const o = strideAndOptions(stride, options);
  checkInput(input, 'avg_pool2d');
  if (input.ndim === 3) return squeeze(avg_pool2d(unsqueeze(input, 0), kernel_size, o), 0);
  const g = geometry(
    input,
    kernel_size,
    o.stride,
    o.padding ?? 0,
    1,
    o.ceil_mode ?? false,
    o.count_include_pad ?? true,
  );
  return avgPoolRecorded(input, g);
}

// The pooling gradients are linear in the output gradient, and each one's own gradient is known,
// so they are recorded ops (create_graph works through pooling to any order):
//   max pooling's gradient scatters gy to the argmax positions; its gradient gathers from there;
//   average pooling's gradient spreads gy over the windows; its gradient is the pooling itself.

/** Max pooling's input gradient from gy and the argmax indices (flat h*w per plane), recorded. */
function maxPoolGrad(gy: Tensor, indices: Tensor, g: Pool2dGeometry, inShape: Shape): Tensor {
  const backend = gy.storage.backend;
  const gx = allocTensor(inShape, gy.dtype, backend);
  backend.maxPool2dBackward(denseStorage(gy), denseStorage(indices), gx.storage, g);
  return attach(gx, 'MaxPool2DWithIndicesBackwardBackward0', [gy], [indices], (gg, [idx]) => [
    gather(gg.reshape([g.n, g.c, -1]), 2, idx!.reshape([g.n, g.c, -1])).reshape([g.n, g.c, g.oh, g.ow]),
  ]);
}

/** Average pooling of a 4-d input with geometry g, recorded. */
function avgPoolRecorded(input: Tensor, g: Pool2dGeometry): Tensor {
  const backend = input.storage.backend;
  const out = allocTensor([g.n, g.c, g.oh, g.ow], input.dtype, backend);
  backend.avgPool2d(denseStorage(input), out.storage, g);
  const inShape = input.shape.slice();
  return attach(out, 'AvgPool2DBackward0', [input], [], (gy) => [avgPoolGrad(gy, g, inShape)]);
}

/** Average pooling's input gradient from gy, recorded. */
function avgPoolGrad(gy: Tensor, g: Pool2dGeometry, inShape: Shape): Tensor {
  const backend = gy.storage.backend;
  const gx = allocTensor(inShape, gy.dtype, backend);
  backend.avgPool2dBackward(denseStorage(gy), gx.storage, g);
  return attach(gx, 'AvgPool2DBackwardBackward0', [gy], [], (gg) => [avgPoolRecorded(gg, g)]);
}
