/**
 * Elementwise ops with broadcasting and their gradients: arithmetic, powers, exp/log, comparisons,
 * `where`, activations and dtype conversion. Gradients of broadcast operands are summed back to the
 * operand's shape (`sumTo`), as in PyTorch.
 */

import { is_grad_enabled } from '../autograd/grad_mode.js';
import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import { castScalar, type DType, isFloating, promoteTypes } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import type { Operand, Tensor } from '../tensor.js';
import { allocTensor, attach, backendOf, broadcastView } from './core.js';
import { sumTo } from './reduce.js';

const FLOAT_ONLY = new Set<UnaryOp>(['exp', 'log', 'sqrt', 'rsqrt', 'sigmoid', 'tanh', 'reciprocal']);

/** Float result type of a float-only function: the input's float dtype, or the default float32. */
function floatType(dtype: DType): DType {
  return isFloating(dtype) ? dtype : 'float32';
}

/** Runs a unary kernel; float-only functions of integer tensors give float32 (PyTorch's promotion). */
function unaryRaw(op: UnaryOp, x: Tensor, p0?: number, p1?: number, dtype?: DType): Tensor {
  const outType = dtype ?? (FLOAT_ONLY.has(op) ? floatType(x.dtype) : x.dtype);
  const out = allocTensor(x.shape, outType, x.storage.backend);
  x.storage.backend.unary(op, x, out, p0, p1);
  return out;
}

/**
 * Result dtype of a tensor op with a JS scalar: the scalar only matters if it brings floating point
 * to an integer tensor (then the default float32); a float tensor keeps its dtype, as a Python
 * float does not promote a float32 tensor in PyTorch.
 */
function scalarResultType(t: Tensor, s: number | boolean): DType {
  if (isFloating(t.dtype) || typeof s === 'boolean') return t.dtype;
  if (!Number.isInteger(s)) return 'float32';
  return t.dtype === 'bool' ? 'int64' : t.dtype;
}

/** A 0-dim tensor holding a scalar operand, on `like`'s backend. */
function scalarTensor(value: number | boolean, dtype: DType, like: Tensor): Tensor {
  const out = allocTensor([], dtype, like.storage.backend);
  out.storage.backend.fill(out, castScalar(value, dtype));
  return out;
}

/** Both operands as tensors of the op's computation dtype (`null` keeps each tensor's own). */
function operands(a: Operand, b: Operand): [Tensor, Tensor, DType] {
  if (typeof a !== 'object' && typeof b !== 'object') {
    throw new TypeError('at least one operand must be a tensor');
  }
  if (typeof b !== 'object') {
    const ta = a as Tensor;
    const dt = scalarResultType(ta, b);
    return [ta, scalarTensor(b, dt, ta), dt];
  }
  if (typeof a !== 'object') {
    const dt = scalarResultType(b, a);
    return [scalarTensor(a, dt, b), b, dt];
  }
  return [a, b, promoteTypes(a.dtype, b.dtype)];
}

/** Runs a binary kernel on broadcast operands into a new tensor of `outType`. */
function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor, outType: DType, alpha?: number): Tensor {
  const backend = backendOf(a, b);
  const shape = broadcastShapes(a.shape, b.shape);
  const out = allocTensor(shape, outType, backend);
  backend.binary(op, broadcastView(a, shape), broadcastView(b, shape), out, alpha);
  return out;
}

/**
 * a + alpha * b, broadcasting.
 *
 * @example
 * ```ts
 * torch.add(x, 1); x.add(y, { alpha: -0.1 });
 * ```
 */
export function add(a: Operand, b: Operand, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  if (typeof a === 'object' && typeof b === 'number' && isFloating(a.dtype)) {
    const out = unaryRaw('affine', a, 1, alpha * b);
    return attach(out, 'AddBackward1', [a], [], (g) => [g]);
  }
  const [x, y, dt] = operands(a, b);
  // Two bools add to a bool in PyTorch (True + True is True): a logical or, nothing to differentiate.
  if (dt === 'bool' && alpha !== 0) return logical_or(x, y);
  const out = binaryRaw('add', x, y, dt, alpha);
  const xs = x.shape.slice();
  const ys = y.shape.slice();
  return attach(out, 'AddBackward0', [x, y], [], (g) => [
    sumTo(g, xs),
    sumTo(alpha === 1 ? g : mul(g, alpha), ys),
  ]);
}

/**
 * a - alpha * b, broadcasting.
 *
 * @example
 * ```ts
 * torch.sub(x, y);
 * ```
 */
export function sub(a: Operand, b: Operand, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  if (typeof a === 'object' && typeof b === 'number' && isFloating(a.dtype)) {
    const out = unaryRaw('affine', a, 1, -alpha * b);
    return attach(out, 'SubBackward1', [a], [], (g) => [g]);
  }
  const [x, y, dt] = operands(a, b);
  if (dt === 'bool') {
    throw new Error(
      'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
    );
  }
  const out = binaryRaw('sub', x, y, dt, alpha);
  const xs = x.shape.slice();
  const ys = y.shape.slice();
  return attach(out, 'SubBackward0', [x, y], [], (g) => [sumTo(g, xs), sumTo(mul(g, -alpha), ys)]);
}

/**
 * a * b, broadcasting.
 *
 * @example
 * ```ts
 * x.mul(0.5); torch.mul(x, mask);
 * ```
 */
export function mul(a: Operand, b: Operand): Tensor {
  if (typeof a === 'object' && typeof b === 'number' && isFloating(a.dtype)) {
    const out = unaryRaw('affine', a, b, 0);
    return attach(out, 'MulBackward1', [a], [], (g) => [mul(g, b)]);
  }
  const [x, y, dt] = operands(a, b);
  const out = binaryRaw('mul', x, y, dt);
  const xs = x.shape.slice();
  const ys = y.shape.slice();
  const needX = x.requires_grad;
  const needY = y.requires_grad;
  return attach(out, 'MulBackward0', [x, y], [x, y], (g, [sx, sy]) => [
    needX ? sumTo(mul(g, sy!), xs) : null,
    needY ? sumTo(mul(g, sx!), ys) : null,
  ]);
}

/**
 * a / b (true division: integer operands give float32), broadcasting.
 *
 * @example
 * ```ts
 * x.div(255);
 * ```
 */
export function div(a: Operand, b: Operand): Tensor {
  if (typeof a === 'object' && typeof b === 'number' && isFloating(a.dtype)) {
    const out = unaryRaw('affine', a, 1 / b, 0);
    return attach(out, 'DivBackward1', [a], [], (g) => [div(g, b)]);
  }
  const [x, y, dt] = operands(a, b);
  const out = binaryRaw('div', x, y, floatType(dt));
  const xs = x.shape.slice();
  const ys = y.shape.slice();
  const needX = x.requires_grad;
  const needY = y.requires_grad;
  return attach(out, 'DivBackward0', [x, y], [x, y], (g, [sx, sy]) => [
    needX ? sumTo(div(g, sy!), xs) : null,
    // d(a/b)/db = -a / b^2
    needY ? sumTo(neg(div(mul(g, sx!), mul(sy!, sy!))), ys) : null,
  ]);
}

/**
 * a ** b, broadcasting; `b` may be a number (PyTorch's `pow(Tensor, Scalar)`).
 *
 * @example
 * ```ts
 * x.pow(2);
 * ```
 */
export function pow(a: Operand, b: Operand): Tensor {
  if (typeof a === 'object' && typeof b === 'number') {
    // PyTorch refuses an integral base with a negative integer scalar exponent (the result would
    // truncate to 0 or 1); a tensor exponent is allowed and does truncate.
    if (!isFloating(a.dtype) && Number.isInteger(b) && b < 0) {
      throw new Error('Integers to negative integer powers are not allowed.');
    }
    const out = unaryRaw('pow_scalar', a, b, 0, scalarResultType(a, b));
    return attach(out, 'PowBackward0', [a], [a], (g, [x]) => [
      // d(x^p)/dx = p x^(p-1), zero for p = 0 (PyTorch)
      b === 0 ? mul(g, 0) : mul(g, mul(pow(x!, b - 1), b)),
    ]);
  }
  const [x, y, dt] = operands(a, b);
  const out = binaryRaw('pow', x, y, dt);
  const xs = x.shape.slice();
  const ys = y.shape.slice();
  const needX = x.requires_grad;
  const needY = y.requires_grad;
  return attach(out, 'PowBackward1', [x, y], [x, y, out], (g, [sx, sy, so]) => [
    needX ? sumTo(mul(g, mul(sy!, pow(sx!, sub(sy!, 1)))), xs) : null,
    // d(a^b)/db = a^b log a, defined as 0 where a = 0 and b >= 0 (PyTorch masks it the same way)
    needY ? sumTo(where(logical_and(eq(sx!, 0), ge(sy!, 0)), 0, mul(g, mul(so!, log(sx!)))), ys) : null,
  ]);
}

/**
 * Element weights of a tie-splitting max/min backward for `a` against `b`: 0 where `a` loses
 * (`loses(a, b)`), 0.5 on ties, 1 elsewhere, including wherever either side is NaN.
 */
function winnerWeight(a: Tensor, b: Tensor, loses: 'gt' | 'lt'): Tensor {
  const lost = add(binaryRaw(loses, a, b, 'float32'), mul(binaryRaw('eq', a, b, 'float32'), 0.5));
  return add(mul(lost, -1), 1);
}

/**
 * `maximum` or `minimum`: the elementwise winner. Its backward is PyTorch's (derivatives.yaml,
 * for maximum `where(a == b, grad / 2, grad).masked_fill_(a < b, 0)`): each input gets the gradient
 * where it is not beaten and half of it on ties, summed back to its shape after broadcasting. A
 * NaN compares false both ways, so where one appears both inputs get the full gradient, as in
 * PyTorch.
 */
function elementwiseWinner(a: Tensor, b: Tensor, op: 'maximum' | 'minimum'): Tensor {
  const out = binaryRaw(op, a, b, promoteTypes(a.dtype, b.dtype));
  const loses = op === 'maximum' ? 'lt' : 'gt';
  const as = a.shape.slice();
  const bs = b.shape.slice();
  const name = op === 'maximum' ? 'MaximumBackward0' : 'MinimumBackward0';
  return attach(out, name, [a, b], [a, b], (g, [x, y]) => [
    sumTo(mul(g, winnerWeight(x!, y!, loses)), as),
    sumTo(mul(g, winnerWeight(y!, x!, loses)), bs),
  ]);
}

/**
 * Elementwise maximum (NaN propagates); ties split the gradient equally, as in PyTorch.
 *
 * @example
 * ```ts
 * torch.maximum(x, y);
 * ```
 */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return elementwiseWinner(a, b, 'maximum');
}

/**
 * Elementwise minimum (NaN propagates); ties split the gradient equally.
 *
 * @example
 * ```ts
 * torch.minimum(x, y);
 * ```
 */
export function minimum(a: Tensor, b: Tensor): Tensor {
  return elementwiseWinner(a, b, 'minimum');
}

/** Defines a unary op whose backward needs the input (`x`) or the output (`y`). */
function unaryOp(
  op: UnaryOp,
  name: string,
  grad: ((g: Tensor, x: Tensor, y: Tensor) => Tensor) | null,
  saves: 'x' | 'y' | 'none',
): (x: Tensor) => Tensor {
  return (x: Tensor) => {
    const out = unaryRaw(op, x);
    if (grad === null) return out;
    const saved = saves === 'x' ? [x] : saves === 'y' ? [out] : [];
    return attach(out, name, [x], saved, (g, [s]) => [grad(g, s!, s!)]);
  };
}

const negate = unaryOp('neg', 'NegBackward0', (g) => neg(g), 'none');

/** -x (PyTorch refuses it for bool tensors, whose inverse is `logical_not`). @example `x.neg()` */
export function neg(x: Tensor): Tensor {
  if (x.dtype === 'bool') {
    throw new Error(
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  }
  return negate(x);
}
/** e^x. @example `x.exp()` */
export const exp = unaryOp('exp', 'ExpBackward0', (g, _x, y) => mul(g, y), 'y');
/** Natural log. @example `x.log()` */
export const log = unaryOp('log', 'LogBackward0', (g, x) => div(g, x), 'x');
/** Square root. @example `x.sqrt()` */
export const sqrt = unaryOp('sqrt', 'SqrtBackward0', (g, _x, y) => div(g, mul(y, 2)), 'y');
/** 1 / sqrt(x). @example `x.rsqrt()` */
export const rsqrt = unaryOp('rsqrt', 'RsqrtBackward0', (g, _x, y) => mul(g, mul(pow(y, 3), -0.5)), 'y');
/** |x| (gradient sign(x), 0 at 0). @example `x.abs()` */
export const abs = unaryOp('abs', 'AbsBackward0', (g, x) => mul(g, unaryRaw('sign', x)), 'x');
/** Sign (-1, 0, 1); zero gradient. @example `x.sign()` */
export const sign = unaryOp('sign', 'SignBackward0', (g) => mul(g, 0), 'none');
/** x * x. @example `x.square()` */
export const square = unaryOp('square', 'PowBackward0', (g, x) => mul(g, mul(x, 2)), 'x');
/** 1 / x. @example `x.reciprocal()` */
export const reciprocal = unaryOp(
  'reciprocal',
  'ReciprocalBackward0',
  (g, _x, y) => neg(mul(g, mul(y, y))),
  'y',
);
/** Floor; zero gradient. @example `x.floor()` */
export const floor = unaryOp('floor', 'FloorBackward0', (g) => mul(g, 0), 'none');
/** Ceil; zero gradient. @example `x.ceil()` */
export const ceil = unaryOp('ceil', 'CeilBackward0', (g) => mul(g, 0), 'none');
/** Round half to even; zero gradient. @example `x.round()` */
export const round = unaryOp('round', 'RoundBackward0', (g) => mul(g, 0), 'none');
// The activations' backwards below are one fused kernel each, except while the backward pass is
// recorded (create_graph, grad mode on): then the same formula as differentiable ops, so the
// gradient can be differentiated again (PyTorch's derivatives.yaml defines them through the output
// the same way).

/**
 * Gradient of relu from its output y: g where y > 0, else 0 (relu's second derivative is 0, so the
 * recorded form only needs to pass g through the mask).
 */
export function reluBackward(g: Tensor, y: Tensor): Tensor {
  return is_grad_enabled() ? mul(g, gt(y, 0)) : binaryRaw('relu_backward', g, y, g.dtype);
}

/** max(x, 0). @example `torch.relu(x)` */
export const relu = unaryOp('relu', 'ReluBackward0', (g, _x, y) => reluBackward(g, y), 'y');
/** 1 / (1 + e^-x); gradient g y (1 - y). @example `torch.sigmoid(x)` */
export const sigmoid = unaryOp(
  'sigmoid',
  'SigmoidBackward0',
  (g, _x, y) =>
    is_grad_enabled() ? mul(g, mul(y, sub(1, y))) : binaryRaw('sigmoid_backward', g, y, g.dtype),
  'y',
);
/** Hyperbolic tangent; gradient g (1 - y^2). @example `torch.tanh(x)` */
export const tanh = unaryOp(
  'tanh',
  'TanhBackward0',
  (g, _x, y) => (is_grad_enabled() ? mul(g, sub(1, mul(y, y))) : binaryRaw('tanh_backward', g, y, g.dtype)),
  'y',
);

/**
 * max(x, 0) + negative_slope * min(x, 0).
 *
 * @example
 * ```ts
 * torch.leaky_relu(x, 0.2);
 * ```
 */
export function leaky_relu(x: Tensor, negative_slope = 0.01): Tensor {
  const out = unaryRaw('leaky_relu', x, negative_slope);
  return attach(out, 'LeakyReluBackward0', [x], [x], (g, [s]) => [
    is_grad_enabled()
      ? where(gt(s!, 0), g, mul(g, negative_slope))
      : binaryRaw('leaky_relu_backward', g, s!, g.dtype, negative_slope),
  ]);
}

/**
 * Clamps into [min, max] (either may be omitted); gradient passes where min <= x <= max.
 *
 * @example
 * ```ts
 * x.clamp(0, 1); x.clamp(null, 6);
 * ```
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  const lo = min ?? Number.NEGATIVE_INFINITY;
  const hi = max ?? Number.POSITIVE_INFINITY;
  // The bounds take part in type promotion, as PyTorch's: an int tensor clamped to 0.5 is float32,
  // a bool tensor clamped to integers is int64.
  let dtype = x.dtype;
  for (const bound of [min, max]) {
    if (bound !== undefined && bound !== null) dtype = promoteTypes(dtype, scalarResultType(x, bound));
  }
  const out = unaryRaw('clamp', x, lo, hi, dtype);
  return attach(out, 'ClampBackward1', [x], [x], (g, [s]) => [mul(g, logical_and(ge(s!, lo), le(s!, hi)))]);
}

/** Defines a comparison (bool result, no gradient). */
function compareOp(op: BinaryOp): (a: Operand, b: Operand) => Tensor {
  return (a, b) => {
    const [x, y] = operands(a, b);
    return binaryRaw(op, x, y, 'bool');
  };
}

/** a == b elementwise (bool). @example `pred.eq(target).sum()` */
export const eq = compareOp('eq');
/** a != b elementwise (bool). @example `x.ne(0)` */
export const ne = compareOp('ne');
/** a < b elementwise (bool). @example `x.lt(0)` */
export const lt = compareOp('lt');
/** a <= b elementwise (bool). @example `x.le(0)` */
export const le = compareOp('le');
/** a > b elementwise (bool). @example `x.gt(0)` */
export const gt = compareOp('gt');
/** a >= b elementwise (bool). @example `x.ge(0)` */
export const ge = compareOp('ge');
/** Logical and (bool). @example `a.logical_and(b)` */
export const logical_and = compareOp('logical_and');
/** Logical or (bool). @example `a.logical_or(b)` */
export const logical_or = compareOp('logical_or');

/**
 * Logical not (bool).
 *
 * @example
 * ```ts
 * mask.logical_not();
 * ```
 */
export function logical_not(x: Tensor): Tensor {
  return unaryRaw('logical_not', x, 0, 0, 'bool');
}

/**
 * `condition ? a : b` elementwise, broadcasting all three (`condition` must be bool).
 *
 * @example
 * ```ts
 * torch.where(x.gt(0), x, 0);
 * ```
 */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  if (condition.dtype !== 'bool') {
    throw new TypeError(
      `where expected condition to be a boolean tensor, but got a tensor with dtype ${condition.dtype}`,
    );
  }
  const [x, y, dt] = operands(a, b);
  const backend = backendOf(condition, x, y);
  const shape = broadcastShapes(condition.shape, broadcastShapes(x.shape, y.shape));
  const out = allocTensor(shape, dt, backend);
  backend.where(broadcastView(condition, shape), broadcastView(x, shape), broadcastView(y, shape), out);
  const xs = x.shape.slice();
  const ys = y.shape.slice();
  return attach(out, 'WhereBackward0', [x, y], [condition], (g, [c]) => [
    sumTo(where(c!, g, 0), xs),
    sumTo(where(c!, 0, g), ys),
  ]);
}

/**
 * `value` where `mask` is true, else `x` (PyTorch's `masked_fill`).
 *
 * @example
 * ```ts
 * scores.masked_fill(mask, -Infinity);
 * ```
 */
export function masked_fill(x: Tensor, mask: Tensor, value: number): Tensor {
  return where(mask, value, x);
}

/**
 * `x` converted to `dtype` (itself if it already has it). A float-to-float conversion is
 * differentiable (PyTorch's `ToCopyBackward0`: the gradient is converted back to `x`'s dtype, which
 * `attach` does for every gradient); conversions to or from integers are not.
 *
 * @example
 * ```ts
 * labels.to('float32'); x.to('float64');
 * ```
 */
export function toDType(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = allocTensor(x.shape, dtype, x.storage.backend);
  x.storage.backend.copy(x, out);
  if (!isFloating(x.dtype) || !isFloating(dtype)) return out;
  return attach(out, 'ToCopyBackward0', [x], [], (g) => [g]);
}
