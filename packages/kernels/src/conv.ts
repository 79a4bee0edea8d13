/**
 * Geometry of a 2-d convolution (PyTorch's Conv2d arguments and output-size formula) and its
 * encoding as the 16-word descriptor the wasm kernels read.
 */

/**
 * A scalar or an (h, w) pair, as PyTorch's `_pair` accepts.
 *
 * @example
 * ```ts
 * const stride: Pair = [2, 1];
 * ```
 */
export type Pair = number | readonly [number, number];

/**
 * Convolution hyper-parameters with PyTorch's names and defaults.
 *
 * @example
 * ```ts
 * k.conv2dForward(x, [64, 1, 28, 28], w, [16, 1, 3, 3], b, y, { padding: 1 });
 * ```
 */
export interface Conv2dOptions {
  /** Default 1. */
  stride?: Pair;
  /** Default 0. `'valid'` = 0; `'same'` pads so output size = input size (stride 1 only, like PyTorch). */
  padding?: Pair | 'valid' | 'same';
  /** Default 1. */
  dilation?: Pair;
  /** Default 1. */
  groups?: number;
}

/**
 * Fully resolved convolution shape: input [N, Ci, H, W], weight [Co, Ci/groups, KH, KW], output [N, Co, OH, OW].
 *
 * @example
 * ```ts
 * const { OH, OW } = conv2dGeometry([1, 3, 32, 32], [8, 3, 5, 5], { stride: 2 }); // 14, 14
 * ```
 */
export interface Conv2dGeometry {
  N: number;
  Ci: number;
  H: number;
  W: number;
  Co: number;
  KH: number;
  KW: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  groups: number;
  OH: number;
  OW: number;
}

function pair(name: string, v: Pair, min: number): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  for (const x of p) {
    if (!Number.isInteger(x) || x < min)
      throw new RangeError(`conv2d: ${name} must be integers >= ${min}, got ${v}`);
  }
  return p;
}

/**
 * Validates shapes and options like torch.nn.functional.conv2d and computes the output size
 * `O = floor((I + 2p - d(K-1) - 1) / s) + 1`.
 *
 * @example
 * ```ts
 * const g = conv2dGeometry([64, 1, 28, 28], [16, 1, 3, 3], { padding: 1 });
 * [g.OH, g.OW]; // [28, 28]
 * ```
 */
export function conv2dGeometry(
  xShape: readonly number[],
  wShape: readonly number[],
  options: Conv2dOptions = {},
): Conv2dGeometry {
  if (xShape.length !== 4) {
    throw new RangeError(`conv2d: expected 4-D input [N, C, H, W], got shape [${xShape.join(', ')}]`);
  }
  if (wShape.length !== 4) {
    throw new RangeError(
      `conv2d: expected 4-D weight [Co, Ci/groups, KH, KW], got shape [${wShape.join(', ')}]`,
    );
  }
  const [N, Ci, H, W] = xShape as [number, number, number, number];
  const [Co, Cig, KH, KW] = wShape as [number, number, number, number];
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1)
    throw new RangeError(`conv2d: groups must be a positive integer, got ${groups}`);
  const [sh, sw] = pair('stride', options.stride ?? 1, 1);
  const [dh, dw] = pair('dilation', options.dilation ?? 1, 1);
  let ph: number;
  let pw: number;
  if (options.padding === 'valid') [ph, pw] = [0, 0];
  else if (options.padding === 'same') {
    if (sh !== 1 || sw !== 1)
      throw new RangeError("conv2d: padding='same' is not supported for strided convolutions");
    const th = dh * (KH - 1);
    const tw = dw * (KW - 1);
    if (th % 2 || tw % 2) {
      throw new RangeError(
        "conv2d: padding='same' with an even effective kernel size needs asymmetric padding, which is not supported",
      );
    }
    [ph, pw] = [th / 2, tw / 2];
  } else [ph, pw] = pair('padding', options.padding ?? 0, 0);
  if (Co % groups !== 0) throw new RangeError('conv2d: out_channels must be divisible by groups');
  if (Cig * groups !== Ci) {
    throw new RangeError(
      `conv2d: Given groups=${groups}, weight of size [${wShape.join(', ')}], expected input[${xShape.join(', ')}] to have ${Cig * groups} channels, but got ${Ci} channels instead`,
    );
  }
  const OH = Math.floor((H + 2 * ph - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + 2 * pw - dw * (KW - 1) - 1) / sw) + 1;
  if (OH < 1 || OW < 1) {
    throw new RangeError(
      `conv2d: Calculated output size: (${Co}x${OH}x${OW}) from input (${Ci}x${H}x${W}). Output size is too small`,
    );
  }
  return { N, Ci, H, W, Co, KH, KW, sh, sw, ph, pw, dh, dw, groups, OH, OW };
}

/** The descriptor words in the order assembly/conv.ts reads them. */
export function conv2dDescriptor(g: Conv2dGeometry): number[] {
  return [g.N, g.Ci, g.H, g.W, g.Co, g.KH, g.KW, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.groups, g.OH, g.OW];
}

/**
 * Pooling hyper-parameters with PyTorch's names and defaults (stride defaults to the kernel size).
 *
 * @example
 * ```ts
 * k.maxPool2dForward(x, [64, 16, 28, 28], out, idx, 2, { stride: 2 });
 * ```
 */
export interface Pool2dOptions {
  stride?: Pair;
  /** Default 0; at most half the (effective) kernel size. */
  padding?: Pair;
  /** Max pooling only. Default 1. */
  dilation?: Pair;
  /** Use ceil instead of floor for the output size (a window must still start inside the input or left padding). */
  ceil_mode?: boolean;
}

/** Pooling output size along one dim, PyTorch's pooling_output_shape. */
function poolOut(I: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  const num = I + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
  let O = Math.floor(num / s) + 1;
  if (ceil && (O - 1) * s >= I + p) O--;
  return O;
}

/**
 * Geometry of max/avg pooling over x [N, C, H, W] (or [C, H, W], taken as N = 1), as a convolution
 * geometry with Co = Ci = C (so the same descriptor serves the kernels).
 *
 * @example
 * ```ts
 * const g = pool2dGeometry([64, 16, 28, 28], 2);
 * [g.OH, g.OW]; // [14, 14]
 * ```
 */
export function pool2dGeometry(
  xShape: readonly number[],
  kernelSize: Pair,
  options: Pool2dOptions = {},
): Conv2dGeometry {
  if (xShape.length !== 4 && xShape.length !== 3) {
    throw new RangeError(`pool2d: expected 3-D or 4-D input, got shape [${xShape.join(', ')}]`);
  }
  const [N, C, H, W] = (xShape.length === 4 ? xShape : [1, ...xShape]) as [number, number, number, number];
  const [KH, KW] = pair('kernel_size', kernelSize, 1);
  const [sh, sw] = pair('stride', options.stride ?? kernelSize, 1);
  const [ph, pw] = pair('padding', options.padding ?? 0, 0);
  const [dh, dw] = pair('dilation', options.dilation ?? 1, 1);
  if (2 * ph > KH || 2 * pw > KW) throw new RangeError('pad should be at most half of effective kernel size');
  const ceil = options.ceil_mode ?? false;
  const OH = poolOut(H, KH, ph, sh, dh, ceil);
  const OW = poolOut(W, KW, pw, sw, dw, ceil);
  if (OH < 1 || OW < 1) {
    throw new RangeError(
      `pool2d: Given input size: (${C}x${H}x${W}). Calculated output size: (${C}x${OH}x${OW}). Output size is too small`,
    );
  }
  return { N, Ci: C, H, W, Co: C, KH, KW, sh, sw, ph, pw, dh, dw, groups: C, OH, OW };
}
