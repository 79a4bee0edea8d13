import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, put, randArray, randInt, rng } from '../test/helpers.js';
import {
  BINARY_OPS,
  type BinaryOp,
  contiguousStrides,
  type Kernels,
  loadKernels,
  UNARY_OPS,
  type UnaryOp,
} from './index.js';

const f = Math.fround;
const A = 0.3;
const B = 0.7;

/** JS references with the scalar parameters a = A, b = B. */
const UNARY_REF: Record<UnaryOp, (x: number) => number> = {
  copy: (x) => x,
  neg: (x) => -x,
  abs: Math.abs,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  relu: (x) => (Number.isNaN(x) ? x : Math.max(x, 0)),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: (x) => {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r; // half to even
  },
  trunc: Math.trunc,
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  sin: Math.sin,
  cos: Math.cos,
  log2: Math.log2,
  exp2: (x) => 2 ** x,
  fill: () => A,
  affine: (x) => f(x * f(A)) + f(B),
  pow_scalar: (x) => x ** f(A),
  rpow_scalar: (x) => f(A) ** x,
  clamp: (x) => Math.min(Math.max(x, f(A)), f(B)),
  leaky_relu: (x) => (x > 0 ? x : x * f(A)),
  elu: (x) => (x > 0 ? x : f(A) * Math.expm1(x)),
  rdiv_scalar: (x) => f(A) / x,
};

const BINARY_REF: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => x ** y,
  maximum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.max(x, y)),
  minimum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.min(x, y)),
  axpy: (x, y) => x + f(A) * y,
  remainder: (x, y) => x - Math.floor(x / y) * y,
  atan2: Math.atan2,
  threshold_backward: (x, y) => (y <= f(A) ? 0 : x),
  sigmoid_backward: (x, y) => x * y * (1 - y),
  tanh_backward: (x, y) => x * (1 - y * y),
  leaky_relu_backward: (x, y) => (y > 0 ? x : x * f(A)),
  eq: (x, y) => +(x === y),
  ne: (x, y) => +(x !== y),
  lt: (x, y) => +(x < y),
  le: (x, y) => +(x <= y),
  gt: (x, y) => +(x > y),
  ge: (x, y) => +(x >= y),
};

/** Inputs inside each op's domain, with special values mixed in. */
function unaryInput(op: UnaryOp, r: () => number, n: number): Float32Array {
  const positive = ['sqrt', 'rsqrt', 'log', 'log2', 'pow_scalar'].includes(op);
  const x = randArray(r, n, positive ? 0.01 : -4, 4);
  if (op === 'round' || op === 'floor' || op === 'ceil' || op === 'trunc') {
    for (let i = 0; i < n; i += 3) x[i] = Math.round(x[i]! * 2) / 2; // exact halves
  }
  if (n > 5) {
    x[1] = 0;
    x[4] = Number.NaN;
  }
  return x;
}

let k: Kernels;
beforeAll(() => {
  k = loadKernels({ threads: 1 });
});

describe('unary', () => {
  for (const op of Object.keys(UNARY_OPS) as UnaryOp[]) {
    it(`${op} matches the reference on every SIMD tail length`, () => {
      const r = rng(UNARY_OPS[op] + 1);
      for (const n of [1, 3, 4, 7, 17, 64]) {
        const x = unaryInput(op, r, n);
        const px = put(k, x);
        const po = k.alloc(4 * n);
        k.unary(op, px, po, n, A, B);
        const want = Array.from(x, (v) => f(UNARY_REF[op](v)));
        expectClose(k.readF32(po, n), want, 4e-6, 1e-6, `${op} n=${n}`);
        k.unary(op, px, px, n, A, B); // in place
        expectClose(k.readF32(px, n), want, 4e-6, 1e-6, `${op} in-place n=${n}`);
        k.free(px);
        k.free(po);
      }
    });
  }
});

describe('vectorised exp', () => {
  it('stays within about 1 ulp over the whole float range, subnormal results and specials included', () => {
    const n = 20000;
    const x = Float32Array.from({ length: n }, (_, i) => -110 + (200 * i) / n);
    const special = Float32Array.from([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      -0,
      88.72,
      88.73,
    ]);
    const px = put(k, x);
    const ps = put(k, special);
    k.unary('exp', px, px, n);
    k.unary('exp', ps, ps, special.length);
    // 2.5e-7 relative is 2 ulp; below FLT_MIN the spacing is absolute (2^-149).
    expectClose(
      k.readF32(px, n),
      Array.from(x, (v) => f(Math.exp(v))),
      2.5e-7,
      2 ** -148,
      'exp',
    );
    expect(Array.from(k.readF32(ps, special.length))).toEqual([
      Number.POSITIVE_INFINITY,
      0,
      Number.NaN,
      1,
      f(Math.exp(f(88.72))),
      Number.POSITIVE_INFINITY,
    ]);
    k.free(px);
    k.free(ps);
  });
});

function binaryInputs(op: BinaryOp, r: () => number, n: number): [Float32Array, Float32Array] {
  const x = randArray(r, n, op === 'pow' ? 0.1 : -3, 3);
  const y = randArray(r, n, -3, 3);
  for (let i = 0; i < n; i += 4) y[i] = x[i]!; // equal pairs for the comparisons
  if (op === 'threshold_backward') for (let i = 1; i < n; i += 5) y[i] = f(A);
  if (n > 6) x[5] = Number.NaN;
  return [x, y];
}

describe('binary', () => {
  for (const op of Object.keys(BINARY_OPS) as BinaryOp[]) {
    it(`${op} matches the reference, contiguous`, () => {
      const r = rng(100 + BINARY_OPS[op]);
      const cmp = BINARY_OPS[op] >= BINARY_OPS.eq;
      for (const n of [1, 3, 4, 9, 33]) {
        const [x, y] = binaryInputs(op, r, n);
        const px = put(k, x);
        const py = put(k, y);
        const po = k.alloc(4 * n);
        k.binary(op, px, py, po, n, A);
        const got = cmp ? k.readU8(po, n) : k.readF32(po, n);
        const want = Array.from(x, (v, i) => f(BINARY_REF[op](v, y[i]!)));
        expectClose(got, want, 4e-6, 1e-6, `${op} n=${n}`);
        for (const p of [px, py, po]) k.free(p);
      }
    });
  }
});

/** Reference strided binary over an output shape with per-operand strides. */
function refStrided(
  shape: number[],
  fn: (x: number, y: number) => number,
  x: Float32Array,
  xs: number[],
  y: Float32Array,
  ys: number[],
): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let lin = 0; lin < n; lin++) {
    let rem = lin;
    let ox = 0;
    let oy = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const i = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      ox += i * xs[d]!;
      oy += i * ys[d]!;
    }
    out.push(f(fn(x[ox]!, y[oy]!)));
  }
  return out;
}

/** Random shape of rank 1..5 and, per operand, strides that broadcast some dims or walk a permutation. */
function randomLayout(r: () => number): {
  shape: number[];
  xs: number[];
  ys: number[];
  xLen: number;
  yLen: number;
} {
  const rank = randInt(r, 1, 5);
  const shape = Array.from({ length: rank }, () => randInt(r, 1, 7));
  const layout = () => {
    const dims = shape.map((n) => (r() < 0.3 ? 1 : n)); // broadcast some dims
    const order = dims.map((_, i) => i);
    if (r() < 0.5) order.sort(() => r() - 0.5); // stored in a permuted order
    const strides = new Array<number>(rank).fill(0);
    let s = 1;
    for (let j = rank - 1; j >= 0; j--) {
      const d = order[j]!;
      strides[d] = dims[d] === 1 ? 0 : s;
      s *= dims[d]!;
    }
    return { strides, len: s };
  };
  const lx = layout();
  const ly = layout();
  return { shape, xs: lx.strides, ys: ly.strides, xLen: lx.len, yLen: ly.len };
}

describe('binaryStrided', () => {
  it('broadcasts and walks permuted operands like the reference, for every op', () => {
    const r = rng(5);
    for (let t = 0; t < 120; t++) {
      const op = (Object.keys(BINARY_OPS) as BinaryOp[])[t % Object.keys(BINARY_OPS).length]!;
      const { shape, xs, ys, xLen, yLen } = randomLayout(r);
      const x = randArray(r, xLen, 0.1, 3);
      const y = randArray(r, yLen, -3, 3);
      const px = put(k, x);
      const py = put(k, y);
      const n = shape.reduce((a, b) => a * b, 1);
      const po = k.alloc(4 * n);
      k.binaryStrided(op, shape, px, xs, py, ys, po, undefined, A);
      const cmp = BINARY_OPS[op] >= BINARY_OPS.eq;
      const got = cmp ? k.readU8(po, n) : k.readF32(po, n);
      expectClose(got, refStrided(shape, BINARY_REF[op], x, xs, y, ys), 4e-6, 1e-6, `${op} ${shape}`);
      for (const p of [px, py, po]) k.free(p);
    }
  });

  it('writes through output strides (in-place add into a transposed view)', () => {
    const x = Float32Array.from({ length: 12 }, (_, i) => i);
    const px = put(k, x);
    const py = put(k, Float32Array.from([10, 20, 30]));
    // x viewed as its transpose: shape [4, 3], strides [1, 4]; add y along the last dim.
    k.binaryStrided('add', [4, 3], px, [1, 4], py, [0, 1], px, [1, 4]);
    const got = k.readF32(px, 12);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 3; j++) expect(got[i + 4 * j]).toBe(i + 4 * j + 10 * (j + 1));
  });

  it('rejects a stride list of the wrong rank', () => {
    expect(() => k.binaryStrided('add', [2, 3], 0, [3, 1], 0, [1], 0)).toThrow(/stride list has 1/);
  });
});

describe('unaryStrided and copyStrided', () => {
  it('make permuted and expanded views contiguous', () => {
    const r = rng(9);
    for (let t = 0; t < 40; t++) {
      const { shape, xs, xLen } = randomLayout(r);
      const x = randArray(r, xLen);
      const px = put(k, x);
      const n = shape.reduce((a, b) => a * b, 1);
      const po = k.alloc(4 * n);
      const want = refStrided(shape, (v) => v, x, xs, x, xs);
      k.copyStrided(shape, px, xs, po);
      expect(Array.from(k.readF32(po, n))).toEqual(want);
      k.unaryStrided('neg', shape, px, xs, po);
      expect(Array.from(k.readF32(po, n))).toEqual(want.map((v) => -v));
      k.free(px);
      k.free(po);
    }
  });

  it('copies bytes and int32s exactly', () => {
    const bytes = Uint8Array.from({ length: 6 }, (_, i) => i + 1);
    const pb = put(k, bytes);
    const po = k.alloc(6);
    k.copyStrided([2, 3], pb, [1, 2], po, contiguousStrides([2, 3]), 1);
    expect(Array.from(k.readU8(po, 6))).toEqual([1, 3, 5, 2, 4, 6]);
    const ints = Int32Array.from([0x7fc00001, -5, 7, 9]); // a NaN bit pattern must survive
    const pi = put(k, ints);
    const pj = k.alloc(16);
    k.copyStrided([2, 2], pi, [1, 2], pj);
    expect(Array.from(k.readI32(pj, 4))).toEqual([0x7fc00001, 7, -5, 9]);
  });
});

describe('convert and where', () => {
  it('converts between float32, int32 and bool like tensor.to()', () => {
    const x = Float32Array.from([1.7, -1.7, 0, -0, 3e9, Number.NaN, 0.5]);
    const px = put(k, x);
    const pi = k.alloc(4 * 7);
    k.convert('f32_to_i32', px, pi, 7);
    expect(Array.from(k.readI32(pi, 7)).slice(0, 4)).toEqual([1, -1, 0, 0]);
    const pb = k.alloc(7);
    k.convert('f32_to_bool', px, pb, 7);
    expect(Array.from(k.readU8(pb, 7))).toEqual([1, 1, 0, 0, 1, 1, 1]);
    const pf = k.alloc(4 * 7);
    k.convert('u8_to_f32', pb, pf, 7);
    expect(Array.from(k.readF32(pf, 7))).toEqual([1, 1, 0, 0, 1, 1, 1]);
    k.convert('i32_to_f32', pi, pf, 4);
    expect(Array.from(k.readF32(pf, 4))).toEqual([1, -1, 0, 0]);
    k.convert('i32_to_bool', pi, pb, 4);
    expect(Array.from(k.readU8(pb, 4))).toEqual([1, 1, 0, 0]);
    k.convert('u8_to_i32', pb, pi, 4);
    expect(Array.from(k.readI32(pi, 4))).toEqual([1, 1, 0, 0]);
  });

  it('selects by a bool mask', () => {
    const pc = put(k, Uint8Array.from([1, 0, 1, 0, 0]));
    const px = put(k, Float32Array.from([1, 2, 3, 4, 5]));
    const py = put(k, Float32Array.from([-1, -2, -3, -4, -5]));
    const po = k.alloc(20);
    k.where(pc, px, py, po, 5);
    expect(Array.from(k.readF32(po, 5))).toEqual([1, -2, 3, -4, -5]);
  });
});
