// Elementwise kernels over float32: unary, binary, and their strided (broadcasting) forms.
// Op codes are mirrored in src/ops.ts; a test runs every op against a JS reference, which pins the mapping.
import { at, expv } from './simd';

// ---- unary op codes (out = f(x; a, b)) ----
const U_COPY = 0;
const U_NEG = 1;
const U_ABS = 2;
const U_SQRT = 3;
const U_RSQRT = 4;
const U_EXP = 5;
const U_LOG = 6;
const U_LOG1P = 7;
const U_EXPM1 = 8;
const U_SIGMOID = 9;
const U_TANH = 10;
const U_RELU = 11;
const U_SIGN = 12;
const U_FLOOR = 13;
const U_CEIL = 14;
const U_ROUND = 15;
const U_TRUNC = 16;
const U_RECIPROCAL = 17;
const U_SQUARE = 18;
const U_SIN = 19;
const U_COS = 20;
const U_LOG2 = 21;
const U_EXP2 = 22;
const U_FILL = 30;
const U_AFFINE = 31;
const U_POW_SCALAR = 32;
const U_RPOW_SCALAR = 33;
const U_CLAMP = 34;
const U_LEAKY_RELU = 35;
const U_ELU = 36;
const U_RDIV_SCALAR = 37;

// ---- binary op codes (out = f(x, y; alpha)); codes >= 20 write u8 booleans ----
const B_ADD = 0;
const B_SUB = 1;
const B_MUL = 2;
const B_DIV = 3;
const B_POW = 4;
const B_MAXIMUM = 5;
const B_MINIMUM = 6;
const B_AXPY = 7;
const B_REMAINDER = 8;
const B_ATAN2 = 9;
const B_THRESHOLD_BACKWARD = 10;
const B_SIGMOID_BACKWARD = 11;
const B_TANH_BACKWARD = 12;
const B_LEAKY_RELU_BACKWARD = 13;
const B_EQ = 20;
const B_NE = 21;
const B_LT = 22;
const B_LE = 23;
const B_GT = 24;
const B_GE = 25;

function sigmoidf(x: f32): f32 {
  // 1 / (1 + e^-x) overflows to 0 gracefully for very negative x; e^x / (1 + e^x) would give NaN at -inf.
  return <f32>1 / (<f32>1 + Mathf.exp(-x));
}

export function unaryScalar(op: i32, x: f32, a: f32, b: f32): f32 {
  switch (op) {
    case U_COPY:
      return x;
    case U_NEG:
      return -x;
    case U_ABS:
      return Mathf.abs(x);
    case U_SQRT:
      return Mathf.sqrt(x);
    case U_RSQRT:
      return <f32>1 / Mathf.sqrt(x);
    case U_EXP:
      return Mathf.exp(x);
    case U_LOG:
      return Mathf.log(x);
    case U_LOG1P:
      return Mathf.log1p(x);
    case U_EXPM1:
      return Mathf.expm1(x);
    case U_SIGMOID:
      return sigmoidf(x);
    case U_TANH:
      return Mathf.tanh(x);
    case U_RELU:
      return max<f32>(x, 0);
    case U_SIGN:
      // PyTorch: (0 < x) - (x < 0), so sign(NaN) = 0.
      return <f32>(<i32>(x > 0) - <i32>(x < 0));
    case U_FLOOR:
      return Mathf.floor(x);
    case U_CEIL:
      return Mathf.ceil(x);
    case U_ROUND:
      // torch.round rounds half to even, which is IEEE nearest.
      return nearest<f32>(x);
    case U_TRUNC:
      return Mathf.trunc(x);
    case U_RECIPROCAL:
      return <f32>1 / x;
    case U_SQUARE:
      return x * x;
    case U_SIN:
      return Mathf.sin(x);
    case U_COS:
      return Mathf.cos(x);
    case U_LOG2:
      return Mathf.log2(x);
    case U_EXP2:
      return Mathf.exp2(x);
    case U_FILL:
      return a;
    case U_AFFINE:
      return x * a + b;
    case U_POW_SCALAR:
      return Mathf.pow(x, a);
    case U_RPOW_SCALAR:
      return Mathf.pow(a, x);
    case U_CLAMP:
      // clamp(x, min=a, max=b) = min(max(x, a), b); NaN propagates like PyTorch.
      return min<f32>(max<f32>(x, a), b);
    case U_LEAKY_RELU:
      return x > 0 ? x : x * a;
    case U_ELU:
      return x > 0 ? x : a * Mathf.expm1(x);
    case U_RDIV_SCALAR:
      return a / x;
    default:
      return NaN;
  }
}

/** SIMD form of the cheap unary ops; returns false for ops that have none (they run scalar). */
function unaryVecOk(op: i32): bool {
  return (
    op === U_COPY ||
    op === U_NEG ||
    op === U_ABS ||
    op === U_SQRT ||
    op === U_RELU ||
    op === U_FLOOR ||
    op === U_CEIL ||
    op === U_ROUND ||
    op === U_TRUNC ||
    op === U_SQUARE ||
    op === U_RECIPROCAL ||
    op === U_FILL ||
    op === U_AFFINE ||
    op === U_CLAMP ||
    op === U_RSQRT ||
    op === U_EXP ||
    op === U_SIGMOID
  );
}

function unaryVec(op: i32, x: v128, va: v128, vb: v128): v128 {
  switch (op) {
    case U_NEG:
      return f32x4.neg(x);
    case U_ABS:
      return f32x4.abs(x);
    case U_SQRT:
      return f32x4.sqrt(x);
    case U_RSQRT:
      return f32x4.div(f32x4.splat(1), f32x4.sqrt(x));
    case U_RELU:
      return f32x4.max(x, f32x4.splat(0));
    case U_FLOOR:
      return f32x4.floor(x);
    case U_CEIL:
      return f32x4.ceil(x);
    case U_ROUND:
      return f32x4.nearest(x);
    case U_TRUNC:
      return f32x4.trunc(x);
    case U_SQUARE:
      return f32x4.mul(x, x);
    case U_RECIPROCAL:
      return f32x4.div(f32x4.splat(1), x);
    case U_FILL:
      return va;
    case U_AFFINE:
      return f32x4.add(f32x4.mul(x, va), vb);
    case U_CLAMP:
      return f32x4.min(f32x4.max(x, va), vb);
    case U_EXP:
      return expv(x);
    case U_SIGMOID:
      return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expv(f32x4.neg(x))));
    default:
      return x;
  }
}

/** One row: out[i*so] = f(x[i*sx]) for i < n (strides in elements). */
function unaryRow(op: i32, x: usize, sx: i32, out: usize, so: i32, n: i32, a: f32, b: f32): void {
  let i = 0;
  if (sx === 1 && so === 1 && unaryVecOk(op)) {
    const va = f32x4.splat(a);
    const vb = f32x4.splat(b);
    for (; i + 4 <= n; i += 4) v128.store(at(out, i), unaryVec(op, v128.load(at(x, i)), va, vb));
  }
  for (; i < n; i++) store<f32>(at(out, i * so), unaryScalar(op, load<f32>(at(x, i * sx)), a, b));
}

/** out[i] = f(x[i]) for i < n, contiguous. `out` may equal `x`. */
export function unary(op: i32, x: usize, out: usize, n: i32, a: f32, b: f32): void {
  unaryRow(op, x, 1, out, 1, n, a, b);
}

function binaryScalar(op: i32, x: f32, y: f32, alpha: f32): f32 {
  switch (op) {
    case B_ADD:
      return x + y;
    case B_SUB:
      return x - y;
    case B_MUL:
      return x * y;
    case B_DIV:
      return x / y;
    case B_POW:
      return Mathf.pow(x, y);
    case B_MAXIMUM:
      return max<f32>(x, y);
    case B_MINIMUM:
      return min<f32>(x, y);
    case B_AXPY:
      return x + alpha * y;
    case B_REMAINDER: {
      // Python/PyTorch remainder takes the sign of the divisor: x - floor(x / y) * y.
      const r = x - Mathf.floor(x / y) * y;
      return r;
    }
    case B_ATAN2:
      return Mathf.atan2(x, y);
    case B_THRESHOLD_BACKWARD:
      // torch threshold_backward(grad=x, self=y, threshold=alpha): y <= alpha ? 0 : x
      return y <= alpha ? 0 : x;
    case B_SIGMOID_BACKWARD:
      // d sigmoid = y (1 - y), y = sigmoid output
      return x * y * (<f32>1 - y);
    case B_TANH_BACKWARD:
      return x * (<f32>1 - y * y);
    case B_LEAKY_RELU_BACKWARD:
      // torch leaky_relu_backward(grad=x, self=y, negative_slope=alpha): y > 0 ? x : x * alpha
      return y > 0 ? x : x * alpha;
    default:
      return NaN;
  }
}

function compareScalar(op: i32, x: f32, y: f32): u8 {
  switch (op) {
    case B_EQ:
      return <u8>(x === y);
    case B_NE:
      return <u8>(x !== y);
    case B_LT:
      return <u8>(x < y);
    case B_LE:
      return <u8>(x <= y);
    case B_GT:
      return <u8>(x > y);
    case B_GE:
      return <u8>(x >= y);
    default:
      return 0;
  }
}

function binaryVecOk(op: i32): bool {
  return (
    (op <= B_MINIMUM && op !== B_POW) ||
    op === B_AXPY ||
    (op >= B_THRESHOLD_BACKWARD && op <= B_LEAKY_RELU_BACKWARD)
  );
}

function binaryVec(op: i32, x: v128, y: v128, va: v128): v128 {
  switch (op) {
    case B_ADD:
      return f32x4.add(x, y);
    case B_SUB:
      return f32x4.sub(x, y);
    case B_MUL:
      return f32x4.mul(x, y);
    case B_DIV:
      return f32x4.div(x, y);
    case B_MAXIMUM:
      return f32x4.max(x, y);
    case B_MINIMUM:
      return f32x4.min(x, y);
    case B_AXPY:
      return f32x4.add(x, f32x4.mul(va, y));
    case B_THRESHOLD_BACKWARD:
      return v128.andnot(x, f32x4.le(y, va));
    case B_SIGMOID_BACKWARD:
      return f32x4.mul(f32x4.mul(x, y), f32x4.sub(f32x4.splat(1), y));
    case B_TANH_BACKWARD:
      return f32x4.mul(x, f32x4.sub(f32x4.splat(1), f32x4.mul(y, y)));
    case B_LEAKY_RELU_BACKWARD:
      return v128.bitselect(x, f32x4.mul(x, va), f32x4.gt(y, f32x4.splat(0)));
    default:
      return x;
  }
}

/**
 * One row: out[i*so] = f(x[i*sx], y[i*sy]); strides in elements, 0 = broadcast. Comparison ops write u8.
 */
function binaryRow(
  op: i32,
  x: usize,
  sx: i32,
  y: usize,
  sy: i32,
  out: usize,
  so: i32,
  n: i32,
  alpha: f32,
): void {
  if (op >= B_EQ) {
    for (let i = 0; i < n; i++) {
      store<u8>(out + <usize>(i * so), compareScalar(op, load<f32>(at(x, i * sx)), load<f32>(at(y, i * sy))));
    }
    return;
  }
  let i = 0;
  if (so === 1 && binaryVecOk(op)) {
    const va = f32x4.splat(alpha);
    if (sx === 1 && sy === 1) {
      for (; i + 4 <= n; i += 4)
        v128.store(at(out, i), binaryVec(op, v128.load(at(x, i)), v128.load(at(y, i)), va));
    } else if (sx === 0 && sy === 1) {
      const vx = v128.load32_splat(x);
      for (; i + 4 <= n; i += 4) v128.store(at(out, i), binaryVec(op, vx, v128.load(at(y, i)), va));
    } else if (sx === 1 && sy === 0) {
      const vy = v128.load32_splat(y);
      for (; i + 4 <= n; i += 4) v128.store(at(out, i), binaryVec(op, v128.load(at(x, i)), vy, va));
    }
  }
  for (; i < n; i++) {
    store<f32>(at(out, i * so), binaryScalar(op, load<f32>(at(x, i * sx)), load<f32>(at(y, i * sy)), alpha));
  }
}

/** out[i] = f(x[i], y[i]) for i < n, contiguous (u8 out for comparisons). `out` may alias an input. */
export function binary(op: i32, x: usize, y: usize, out: usize, n: i32, alpha: f32): void {
  binaryRow(op, x, 1, y, 1, out, 1, n, alpha);
}

// ---- strided forms ----
// `meta` points at i32 words: shape[rank], then one stride row of `rank` words per operand (out first).
// Strides are in elements and may be 0 (broadcast). Rows are all index tuples of the first rank-1 dims;
// a call handles rows [r0, r1) so the host can split one op across threads.

/** Element offset of row `r` in the operand whose strides start at word `strideRow` of meta. */
function rowOffset(meta: usize, rank: i32, strideRow: i32, r: i32): i32 {
  let off = 0;
  for (let d = rank - 2; d >= 0; d--) {
    const size = load<i32>(meta + ((<usize>d) << 2));
    const idx = r % size;
    r = r / size;
    off += idx * load<i32>(meta + ((<usize>(strideRow * rank + d)) << 2));
  }
  return off;
}

function innerStride(meta: usize, rank: i32, strideRow: i32): i32 {
  return load<i32>(meta + ((<usize>(strideRow * rank + rank - 1)) << 2));
}

/** Strided unary: meta = shape, outStrides, xStrides. Also the strided copy (op = copy). */
export function unaryStrided(
  op: i32,
  rank: i32,
  meta: usize,
  x: usize,
  out: usize,
  a: f32,
  b: f32,
  r0: i32,
  r1: i32,
): void {
  const n = load<i32>(meta + ((<usize>(rank - 1)) << 2));
  const so = innerStride(meta, rank, 1);
  const sx = innerStride(meta, rank, 2);
  for (let r = r0; r < r1; r++) {
    unaryRow(op, at(x, rowOffset(meta, rank, 2, r)), sx, at(out, rowOffset(meta, rank, 1, r)), so, n, a, b);
  }
}

/** Strided binary: meta = shape, outStrides, xStrides, yStrides. u8 out (byte strides = element strides) for comparisons. */
export function binaryStrided(
  op: i32,
  rank: i32,
  meta: usize,
  x: usize,
  y: usize,
  out: usize,
  alpha: f32,
  r0: i32,
  r1: i32,
): void {
  const n = load<i32>(meta + ((<usize>(rank - 1)) << 2));
  const so = innerStride(meta, rank, 1);
  const sx = innerStride(meta, rank, 2);
  const sy = innerStride(meta, rank, 3);
  const outShift: usize = op >= B_EQ ? 0 : 2;
  for (let r = r0; r < r1; r++) {
    const o = out + ((<usize>rowOffset(meta, rank, 1, r)) << outShift);
    binaryRow(
      op,
      at(x, rowOffset(meta, rank, 2, r)),
      sx,
      at(y, rowOffset(meta, rank, 3, r)),
      sy,
      o,
      so,
      n,
      alpha,
    );
  }
}

/** Strided copy of 1-, 2- or 4-byte elements (any dtype): meta = shape, dstStrides, srcStrides. */
export function copyStrided(
  elemBytes: i32,
  rank: i32,
  meta: usize,
  src: usize,
  dst: usize,
  r0: i32,
  r1: i32,
): void {
  const n = load<i32>(meta + ((<usize>(rank - 1)) << 2));
  const sd = innerStride(meta, rank, 1);
  const ss = innerStride(meta, rank, 2);
  for (let r = r0; r < r1; r++) {
    const d = dst + <usize>(rowOffset(meta, rank, 1, r) * elemBytes);
    const s = src + <usize>(rowOffset(meta, rank, 2, r) * elemBytes);
    if (sd === 1 && ss === 1) {
      memory.copy(d, s, <usize>(n * elemBytes));
    } else if (elemBytes === 4) {
      for (let i = 0; i < n; i++) store<u32>(d + <usize>(i * sd * 4), load<u32>(s + <usize>(i * ss * 4)));
    } else if (elemBytes === 2) {
      for (let i = 0; i < n; i++) store<u16>(d + <usize>(i * sd * 2), load<u16>(s + <usize>(i * ss * 2)));
    } else {
      for (let i = 0; i < n; i++) store<u8>(d + <usize>(i * sd), load<u8>(s + <usize>(i * ss)));
    }
  }
}

// ---- dtype conversions (contiguous) ----
const C_F32_TO_I32 = 0; // truncation toward zero, like tensor.to(torch.int32)
const C_I32_TO_F32 = 1;
const C_U8_TO_F32 = 2;
const C_F32_TO_U8_BOOL = 3; // x !== 0, like tensor.to(torch.bool)
const C_I32_TO_U8_BOOL = 4;
const C_U8_TO_I32 = 5;

export function convert(op: i32, src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i;
    switch (op) {
      case C_F32_TO_I32:
        store<i32>(dst + (o << 2), <i32>load<f32>(src + (o << 2)));
        break;
      case C_I32_TO_F32:
        store<f32>(dst + (o << 2), <f32>load<i32>(src + (o << 2)));
        break;
      case C_U8_TO_F32:
        store<f32>(dst + (o << 2), <f32>load<u8>(src + o));
        break;
      case C_F32_TO_U8_BOOL:
        store<u8>(dst + o, <u8>(load<f32>(src + (o << 2)) !== 0));
        break;
      case C_I32_TO_U8_BOOL:
        store<u8>(dst + o, <u8>(load<i32>(src + (o << 2)) !== 0));
        break;
      case C_U8_TO_I32:
        store<i32>(dst + (o << 2), <i32>load<u8>(src + o));
        break;
    }
  }
}

/** out = cond ? x : y, all contiguous (cond is u8). */
export function where(cond: usize, x: usize, y: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f32>(at(out, i), load<u8>(cond + <usize>i) !== 0 ? load<f32>(at(x, i)) : load<f32>(at(y, i)));
  }
}
