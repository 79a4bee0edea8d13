/**
 * Operation codes shared with the AssemblyScript kernels (assembly/elementwise.ts, assembly/reduce.ts).
 * The tests run every op against a JS reference, which pins each name to the right code.
 */

/**
 * Unary elementwise ops, `out = f(x)`; the `(x; a, b)` ones take scalar parameters:
 * `fill` = a, `affine` = x*a + b (covers add/mul by a scalar), `pow_scalar` = x^a, `rpow_scalar` = a^x,
 * `clamp` = min(max(x, a), b), `leaky_relu` = x > 0 ? x : a*x, `elu` = x > 0 ? x : a*(e^x - 1),
 * `rdiv_scalar` = a / x. `round` rounds half to even (torch.round); `sign(NaN)` = 0 (torch.sign).
 *
 * @example
 * ```ts
 * k.unary('affine', x, out, n, 2, 1); // out = 2x + 1
 * Object.keys(UNARY_OPS); // every op name
 * ```
 */
export const UNARY_OPS = {
  copy: 0,
  neg: 1,
  abs: 2,
  sqrt: 3,
  rsqrt: 4,
  exp: 5,
  log: 6,
  log1p: 7,
  expm1: 8,
  sigmoid: 9,
  tanh: 10,
  relu: 11,
  sign: 12,
  floor: 13,
  ceil: 14,
  round: 15,
  trunc: 16,
  reciprocal: 17,
  square: 18,
  sin: 19,
  cos: 20,
  log2: 21,
  exp2: 22,
  fill: 30,
  affine: 31,
  pow_scalar: 32,
  rpow_scalar: 33,
  clamp: 34,
  leaky_relu: 35,
  elu: 36,
  rdiv_scalar: 37,
} as const;

/** Name of a unary op. */
export type UnaryOp = keyof typeof UNARY_OPS;

/**
 * Binary elementwise ops, `out = f(x, y)`. Float results: `add`, `sub`, `mul`, `div`, `pow`,
 * `maximum`/`minimum` (NaN-propagating), `axpy` = x + alpha*y (torch.add with alpha), `remainder`
 * (sign of the divisor, torch.remainder), `atan2`, and the activation gradients with PyTorch's
 * argument order (grad = x, saved = y): `threshold_backward` = y <= alpha ? 0 : x (ReLU backward with
 * alpha = 0), `sigmoid_backward` = x*y*(1-y) with y the sigmoid output, `tanh_backward` = x*(1-y^2)
 * with y the tanh output, `leaky_relu_backward` = y > 0 ? x : x*alpha.
 * Comparisons `eq ne lt le gt ge` write one byte (0/1) per element, like a torch.bool tensor.
 *
 * @example
 * ```ts
 * k.binary('axpy', p, g, p, n, -0.1); // p = p - 0.1 g
 * k.binary('gt', x, y, mask, n);      // mask: n bytes
 * ```
 */
export const BINARY_OPS = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
  axpy: 7,
  remainder: 8,
  atan2: 9,
  threshold_backward: 10,
  sigmoid_backward: 11,
  tanh_backward: 12,
  leaky_relu_backward: 13,
  eq: 20,
  ne: 21,
  lt: 22,
  le: 23,
  gt: 24,
  ge: 25,
} as const;

/** Name of a binary op. */
export type BinaryOp = keyof typeof BINARY_OPS;

/**
 * True for the comparison ops, whose output is one u8 per element.
 *
 * @example
 * ```ts
 * isComparison('lt'); // true
 * ```
 */
export function isComparison(op: BinaryOp): boolean {
  return BINARY_OPS[op] >= BINARY_OPS.eq;
}

/**
 * Reductions over the middle axis of (outer, r, inner). `argmax`/`argmin` write int32 indices (the
 * first extreme; a NaN counts as the extreme, like torch.argmax); the others write float32.
 *
 * @example
 * ```ts
 * k.reduce('argmax', logits, idx, batch, classes, 1); // one int32 per row
 * ```
 */
export const REDUCE_OPS = { sum: 0, mean: 1, max: 2, min: 3, prod: 4, argmax: 5, argmin: 6 } as const;

/** Name of a reduction. */
export type ReduceOp = keyof typeof REDUCE_OPS;

/**
 * Dtype conversions between float32, int32 and uint8 (bool). Float to int truncates toward zero
 * (saturating); to-bool is `x != 0`, like `tensor.to(torch.bool)`.
 *
 * @example
 * ```ts
 * k.convert('f32_to_i32', x, xi, n);
 * ```
 */
export const CONVERT_OPS = {
  f32_to_i32: 0,
  i32_to_f32: 1,
  u8_to_f32: 2,
  f32_to_bool: 3,
  i32_to_bool: 4,
  u8_to_i32: 5,
} as const;

/** Name of a dtype conversion. */
export type ConvertOp = keyof typeof CONVERT_OPS;
