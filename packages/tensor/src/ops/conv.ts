/**
 * 2-d convolution (PyTorch's `F.conv2d`, cross-correlation over NCHW with OIHW weights) with its
 * gradients: input gradient (a transposed convolution), weight gradient (input x output-gradient
 * correlation) and bias gradient (output gradient summed over N, H, W), each differentiable again.
 */
import type { Conv2dGeometry } from '../backend/backend.js';
import { isFloating, TYPE_NAMES } from '../dtype.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { allocTensor, attach, backendOf, denseStorage } from './core.js';
import { reluBackward } from './elementwise.js';
import { sum } from './reduce.js';
import { makeView, squeeze, unsqueeze } from './views.js';

/** The C names PyTorch's conv bias dtype error prints. */
const C_NAMES: Record<string, string> = { float32: 'float', float64: 'double' };

/** A pair from PyTorch's `int or tuple` arguments. */
export type Pair = number | readonly [number, number];

/** Options of `conv2d`, with PyTorch's names and defaults. */
export interface Conv2dOptions {
  /** Step of the window (default 1). */
  stride?: Pair;
  /** Implicit zero padding on both sides (default 0), or `'valid'` (0) / `'same'` (output size = input size, stride 1). */
  padding?: Pair | 'valid' | 'same';
  /** Spacing between kernel elements (default 1). */
  dilation?: Pair;
  /** Blocked connections from input to output channels (default 1). */
  groups?: number;
}

/** Expands an `int or tuple` argument into a pair. */
export function pair(v: Pair, name: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x)))
    throw new TypeError(`${name} must be an integer or a pair of integers`);
  return p;
}

/** Validates shapes and computes the geometry of `conv2d(x, w)` (4-d x). */
function geometry(x: Tensor, w: Tensor, options: Conv2dOptions): Conv2dGeometry {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const groups = options.groups ?? 1;
  const stride = pair(options.stride ?? 1, 'stride');
  const dilation = pair(options.dilation ?? 1, 'dilation');
  if (w.ndim !== 4) {
    throw new Error(
      `weight should have at least three dimensions, got weight of size ${formatShape(w.shape)} for conv2d`,
    );
  }
  const [o, cg, kh, kw] = w.shape as [number, number, number, number];
  let padding: [number, number];
  if (options.padding === 'valid') padding = [0, 0];
  else if (options.padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1)
      throw new Error("padding='same' is not supported for strided convolutions");
    const total = [dilation[0] * (kh - 1), dilation[1] * (kw - 1)];
    if (total[0]! % 2 !== 0 || total[1]! % 2 !== 0) {
      throw new Error(
        "padding='same' with an even kernel needs asymmetric padding, which minidl does not support",
      );
    }
    padding = [total[0]! / 2, total[1]! / 2];
  } else padding = pair(options.padding ?? 0, 'padding');
  if (stride.some((s) => s <= 0)) throw new Error('non-positive stride is not supported');
  if (padding.some((p) => p < 0)) throw new Error('negative padding is not supported');
  if (groups <= 0 || o % groups !== 0) throw new Error('out_channels must be divisible by groups');
  if (cg * groups !== c) {
    throw new Error(
      `Given groups=${groups}, weight of size ${formatShape(w.shape)}, expected input${formatShape(x.shape)} to have ${cg * groups} channels, but got ${c} channels instead`,
    );
  }
  const effH = dilation[0] * (kh - 1) + 1;
  const effW = dilation[1] * (kw - 1) + 1;
  const ph = h + 2 * padding[0];
  const pw = wd + 2 * padding[1];
  if (ph < effH || pw < effW) {
    throw new Error(
      `Calculated padded input size per channel: (${ph} x ${pw}). Kernel size: (${effH} x ${effW}). Kernel size can't be greater than actual input size`,
    );
  }
  const oh = Math.floor((ph - effH) / stride[0]) + 1;
  const ow = Math.floor((pw - effW) / stride[1]) + 1;
  return { n, c, h, w: wd, o, kh, kw, oh, ow, stride, padding, dilation, groups };
}

/**
 * 2-d convolution over an NCHW (or unbatched CHW) input, as PyTorch's `F.conv2d`.
 *
 * @example
 * ```ts
 * const y = torch.conv2d(x, weight, bias, { padding: 1 }); // [N, 16, 28, 28]
 * ```
 * @throws PyTorch's messages for channel mismatches and kernels larger than the padded input.
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null | Conv2dOptions,
  options: Conv2dOptions = {},
): Tensor {
  return convolution(input, weight, bias, options, false);
}

/**
 * `relu(conv2d(input, weight, bias, options))` in one pass: the kernel applies the ReLU as it stores
 * each output, so the pre-activation is never written to memory. Values, gradients and the autograd
 * graph (`ReluBackward0` -> `ConvolutionBackward0`) are those of the two ops; `nn.Sequential` uses
 * it for a `Conv2d` followed by a `ReLU`.
 *
 * @example
 * ```ts
 * const y = torch.conv2d_relu(x, weight, bias, { padding: 1 }); // == torch.conv2d(x, weight, bias, { padding: 1 }).relu()
 * y.grad_fn!.name; // 'ReluBackward0'
 * ```
 */
export function conv2d_relu(...args: Parameters<typeof conv2d>): Tensor {
  const [input, weight, bias, options = {}] = args;
  return convolution(input, weight, bias, options, true);
}

function convolution(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | Conv2dOptions | undefined,
  options: Conv2dOptions,
  relu: boolean,
): Tensor {
  let b: Tensor | null = null;
  let opts = options;
  if (bias instanceof Tensor) b = bias;
  else if (bias) opts = bias;
  if (input.ndim === 3) return squeeze(convolution(unsqueeze(input, 0), weight, b, opts, relu), 0);
  if (input.ndim !== 4) {
    throw new Error(
      `Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ${formatShape(input.shape)}`,
    );
  }
  if (!isFloating(input.dtype) || !isFloating(weight.dtype)) {
    throw new TypeError(`conv2d expects float input and weight, got ${input.dtype} and ${weight.dtype}`);
  }
  if (weight.dtype !== input.dtype) {
    throw new TypeError(
      `expected scalar type ${TYPE_NAMES[input.dtype]} but found ${TYPE_NAMES[weight.dtype]}`,
    );
  }
  if (b && b.dtype !== input.dtype) {
    throw new TypeError(
      `Input type (${C_NAMES[input.dtype]}) and bias type (${C_NAMES[b.dtype]}) should be the same`,
    );
  }
  const dtype = input.dtype;
  const g = geometry(input, weight, opts);
  if (b && (b.ndim !== 1 || b.shape[0] !== g.o)) {
    throw new Error(
      `Given weight of size ${formatShape(weight.shape)}, expected bias to be 1-dimensional with ${g.o} elements, but got bias of size ${formatShape(b.shape)} instead`,
    );
  }
  const backend = backendOf(input, weight, b);
  const out = allocTensor([g.n, g.o, g.oh, g.ow], dtype, backend);
  const epilogue = { bias: b ? denseStorage(b) : null, relu };
  backend.conv2d(denseStorage(input), denseStorage(weight), out.storage, g, epilogue);
  // With the ReLU fused, the convolution's node hangs off a stand-in for the pre-activation that is
  // never materialised (its backward needs only x and w), and the ReLU's node saves the output.
  const pre = relu ? makeView(out, out.shape, out.strides, 0) : out;
  const conv = recordConvolution(pre, input, weight, b, g);
  if (!relu) return conv;
  return attach(out, 'ReluBackward0', [conv], [out], (g, [y]) => [reluBackward(g, y!)]);
}

// The three passes of a convolution are bilinear maps, and each one's gradient is made of the
// others, which is what makes every order of derivative available (create_graph):
//   y  = conv(x, w):       dL/dx = convInputGrad(dy, w),    dL/dw = convWeightGrad(x, dy)
//   gx = convInputGrad(dy, w):   d/d(dy) = conv(ggx, w),   d/dw = convWeightGrad(ggx, dy)
//   gw = convWeightGrad(x, dy):  d/dx = convInputGrad(dy, ggw), d/d(dy) = conv(x, ggw)
// (from <ggx, convT(dy, w)> = <conv(ggx, w), dy> and <ggw, wgrad(x, dy)> = <conv(x, ggw), dy>).
// All three keep the forward's geometry g; each runs one kernel and records a node when needed.

/** Records the node of y = conv(x, w) + b (y already computed with geometry g). */
function recordConvolution(y: Tensor, x: Tensor, w: Tensor, b: Tensor | null, g: Conv2dGeometry): Tensor {
  const [needX, needW, needB] = [x.requires_grad, w.requires_grad, b?.requires_grad ?? false];
  return attach(y, 'ConvolutionBackward0', [x, w, b], [x, w], (gy, [sx, sw]) => [
    needX ? convInputGrad(gy, sw!, g) : null,
    needW ? convWeightGrad(sx!, gy, g) : null,
    needB ? sum(gy, [0, 2, 3]) : null,
  ]);
}

/** conv(x, w) with geometry g, no bias: the forward kernel, recorded. */
function convPlain(x: Tensor, w: Tensor, g: Conv2dGeometry): Tensor {
  const backend = backendOf(x, w);
  const out = allocTensor([g.n, g.o, g.oh, g.ow], x.dtype, backend);
  backend.conv2d(denseStorage(x), denseStorage(w), out.storage, g, { bias: null, relu: false });
  return recordConvolution(out, x, w, null, g);
}

/** The input gradient of conv with geometry g for output gradient dy (a transposed conv), recorded. */
function convInputGrad(dy: Tensor, w: Tensor, g: Conv2dGeometry): Tensor {
  const backend = backendOf(dy, w);
  const gx = allocTensor([g.n, g.c, g.h, g.w], dy.dtype, backend);
  backend.conv2dBackwardInput(denseStorage(dy), denseStorage(w), gx.storage, g);
  const [needDy, needW] = [dy.requires_grad, w.requires_grad];
  return attach(gx, 'ConvolutionBackwardBackward0', [dy, w], [dy, w], (gg, [sdy, sw]) => [
    needDy ? convPlain(gg, sw!, g) : null,
    needW ? convWeightGrad(gg, sdy!, g) : null,
  ]);
}

/** The weight gradient of conv with geometry g for input x and output gradient dy, recorded. */
function convWeightGrad(x: Tensor, dy: Tensor, g: Conv2dGeometry): Tensor {
  const backend = backendOf(x, dy);
  const gw = allocTensor([g.o, g.c / g.groups, g.kh, g.kw], x.dtype, backend);
  backend.conv2dBackwardWeight(denseStorage(x), denseStorage(dy), gw.storage, g);
  const [needX, needDy] = [x.requires_grad, dy.requires_grad];
  return attach(gw, 'ConvolutionBackwardBackward0', [x, dy], [x, dy], (gg, [sx, sdy]) => [
    needX ? convInputGrad(sdy!, gg, g) : null,
    needDy ? convPlain(sx!, gg, g) : null,
  ]);
}
