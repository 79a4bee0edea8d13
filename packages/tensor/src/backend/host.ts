/**
 * The plain-TypeScript backend: every kernel as a straightforward loop over typed arrays. It is the
 * readable reference the other backends are tested against, and the fallback they inherit for
 * kernels they do not accelerate (it works on any storage the subclass can expose as a typed array).
 * Every loop computes in JS doubles and stores into the output's typed array, so float32 outputs
 * round once per stored value and float64 outputs are plain double arithmetic.
 */
import type { StorageKind, TypedArray } from '../dtype.js';
import { noteAllocation } from './allocations.js';
import {
  type Backend,
  type BackendName,
  type BatchNormBackwardArgs,
  type BatchNormDims,
  type BatchNormEvalArgs,
  type BatchNormForward,
  type BatchNormTrainArgs,
  type BinaryOp,
  type Blocks,
  type Conv2dGeometry,
  type ConvEpilogue,
  type MatmulSpec,
  type MatrixOperand,
  type Pool2dGeometry,
  type ReduceOp,
  Storage,
  type UnaryOp,
  type View,
} from './backend.js';
import { forEachRow } from './iterate.js';

type Unary = (x: number, p0: number, p1: number) => number;
type Binary = (a: number, b: number, alpha: number) => number;

const UNARY: Record<UnaryOp, Unary> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  sign: (x) => +(x > 0) - +(x < 0), // (0 < x) - (x < 0) as PyTorch computes it: sign(NaN) = 0
  relu: (x) => (x > 0 ? x : x === 0 || x < 0 ? 0 : x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  floor: Math.floor,
  ceil: Math.ceil,
  // PyTorch rounds half to even
  round: (x) => {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  logical_not: (x) => (x === 0 ? 1 : 0),
  leaky_relu: (x, slope) => (x > 0 ? x : x * slope),
  clamp: (x, lo, hi) => (Number.isNaN(x) ? x : Math.min(Math.max(x, lo), hi)),
  pow_scalar: (x, p) => (p === 2 ? x * x : p === 0.5 ? Math.sqrt(x) : x ** p),
  affine: (x, scale, shift) => x * scale + shift,
};

const BINARY: Record<BinaryOp, Binary> = {
  add: (a, b, alpha) => a + alpha * b,
  sub: (a, b, alpha) => a - alpha * b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b)),
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
  logical_and: (a, b) => +(a !== 0 && b !== 0),
  logical_or: (a, b) => +(a !== 0 || b !== 0),
  relu_backward: (g, x) => (x > 0 ? g : 0),
  leaky_relu_backward: (g, x, slope) => (x > 0 ? g : g * slope),
  sigmoid_backward: (g, y) => g * y * (1 - y),
  tanh_backward: (g, y) => g * (1 - y * y),
};

/** The plain-TypeScript backend over host typed arrays. */
export class HostBackend implements Backend {
  readonly name: BackendName = 'js';

  alloc(kind: StorageKind, length: number): Storage {
    const data =
      kind === 'f32'
        ? new Float32Array(length)
        : kind === 'f64'
          ? new Float64Array(length)
          : kind === 'i32'
            ? new Int32Array(length)
            : new Uint8Array(length);
    const storage = new Storage(this, kind, length, data);
    noteAllocation(storage);
    return storage;
  }

  view(storage: Storage): TypedArray {
    return storage.handle as TypedArray;
  }

  fill(dst: View, value: number): void {
    const d = dst.storage.data;
    forEachRow(dst.shape, [dst.strides], [dst.offset], (o, len, s) => {
      for (let i = 0, p = o[0]!; i < len; i++, p += s[0]!) d[p] = value;
    });
  }

  copy(src: View, dst: View): void {
    const a = src.storage.data;
    const d = dst.storage.data;
    const toBool = dst.storage.kind === 'u8' && src.storage.kind !== 'u8';
    forEachRow(dst.shape, [src.strides, dst.strides], [src.offset, dst.offset], (o, len, s) => {
      let p = o[0]!;
      let q = o[1]!;
      const sa = s[0]!;
      const sd = s[1]!;
      if (toBool) for (let i = 0; i < len; i++, p += sa, q += sd) d[q] = a[p] !== 0 ? 1 : 0;
      else for (let i = 0; i < len; i++, p += sa, q += sd) d[q] = a[p]!;
    });
  }

  unary(op: UnaryOp, x: View, out: View, p0 = 0, p1 = 0): void {
    const f = UNARY[op];
    const a = x.storage.data;
    const d = out.storage.data;
    forEachRow(out.shape, [x.strides, out.strides], [x.offset, out.offset], (o, len, s) => {
      let p = o[0]!;
      let q = o[1]!;
      for (let i = 0; i < len; i++, p += s[0]!, q += s[1]!) d[q] = f(a[p]!, p0, p1);
    });
  }

  binary(op: BinaryOp, a: View, b: View, out: View, alpha = 1): void {
    const f = BINARY[op];
    const x = a.storage.data;
    const y = b.storage.data;
    const d = out.storage.data;
    forEachRow(
      out.shape,
      [a.strides, b.strides, out.strides],
      [a.offset, b.offset, out.offset],
      (o, len, s) => {
        let p = o[0]!;
        let q = o[1]!;
        let r = o[2]!;
        for (let i = 0; i < len; i++, p += s[0]!, q += s[1]!, r += s[2]!) d[r] = f(x[p]!, y[q]!, alpha);
      },
    );
  }

  where(cond: View, a: View, b: View, out: View): void {
    const c = cond.storage.data;
    const x = a.storage.data;
    const y = b.storage.data;
    const d = out.storage.data;
    forEachRow(
      out.shape,
      [cond.strides, a.strides, b.strides, out.strides],
      [cond.offset, a.offset, b.offset, out.offset],
      (o, len, s) => {
        let pc = o[0]!;
        let p = o[1]!;
        let q = o[2]!;
        let r = o[3]!;
        for (let i = 0; i < len; i++, pc += s[0]!, p += s[1]!, q += s[2]!, r += s[3]!) {
          d[r] = c[pc] !== 0 ? x[p]! : y[q]!;
        }
      },
    );
  }

  reduce(op: ReduceOp, x: Storage, xOffset: number, { outer, n, inner }: Blocks, out: Storage): void {
    const a = x.data;
    const d = out.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let p = xOffset + o * n * inner + i;
        let acc: number;
        let arg = 0;
        if (op === 'sum' || op === 'prod') {
          acc = op === 'sum' ? 0 : 1;
          for (let r = 0; r < n; r++, p += inner) acc = op === 'sum' ? acc + a[p]! : acc * a[p]!;
        } else {
          const wantMax = op === 'max' || op === 'argmax';
          acc = a[p]!;
          // NaN propagates and wins, as in PyTorch's max/argmax
          for (let r = 1; r < n && !Number.isNaN(acc); r++) {
            p += inner;
            const v = a[p]!;
            if (Number.isNaN(v) || (wantMax ? v > acc : v < acc)) {
              acc = v;
              arg = r;
            }
          }
        }
        d[o * inner + i] = op === 'argmax' || op === 'argmin' ? arg : acc;
      }
    }
  }

  matmul(a: MatrixOperand, b: MatrixOperand, out: Storage, { batch, m, k, n, bias }: MatmulSpec): void {
    const x = a.storage.data;
    const y = b.storage.data;
    const d = out.data;
    const bd = bias?.data;
    const row = new Float64Array(n);
    // a float64 product is the double accumulation itself; float32 rounds it once per output
    const round = out.kind === 'f32' ? Math.fround : (v: number) => v;
    for (let bi = 0; bi < batch; bi++) {
      const ao = a.offset + bi * a.batchStride;
      const bo = b.offset + bi * b.batchStride;
      for (let i = 0; i < m; i++) {
        row.fill(0);
        for (let p = 0; p < k; p++) {
          const av = x[ao + i * a.rowStride + p * a.colStride]!;
          if (av === 0) continue;
          const bp = bo + p * b.rowStride;
          for (let j = 0; j < n; j++) row[j]! += av * y[bp + j * b.colStride]!;
        }
        const base = (bi * m + i) * n;
        // rounded to float32 before the bias is added, as addmm's GEMM epilogue does
        if (bd) for (let j = 0; j < n; j++) d[base + j] = round(row[j]!) + bd[j]!;
        else for (let j = 0; j < n; j++) d[base + j] = row[j]!;
      }
    }
  }

  softmax(x: Storage, out: Storage, { outer, n, inner }: Blocks, log: boolean): void {
    const a = x.data;
    const d = out.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let max = Number.NEGATIVE_INFINITY;
        for (let r = 0; r < n; r++) max = Math.max(max, a[base + r * inner]!);
        let sum = 0;
        for (let r = 0; r < n; r++) sum += Math.exp(a[base + r * inner]! - max);
        const logSum = Math.log(sum);
        for (let r = 0; r < n; r++) {
          const z = a[base + r * inner]! - max;
          d[base + r * inner] = log ? z - logSum : Math.exp(z) / sum;
        }
      }
    }
  }

  softmaxBackward(
    grad: Storage,
    y: Storage,
    gradIn: Storage,
    { outer, n, inner }: Blocks,
    log: boolean,
  ): void {
    const gd = grad.data;
    const yd = y.data;
    const d = gradIn.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let s = 0;
        for (let r = 0; r < n; r++) {
          const p = base + r * inner;
          s += log ? gd[p]! : gd[p]! * yd[p]!;
        }
        for (let r = 0; r < n; r++) {
          const p = base + r * inner;
          d[p] = log ? gd[p]! - Math.exp(yd[p]!) * s : yd[p]! * (gd[p]! - s);
        }
      }
    }
  }

  /** Applies y = (x - mean[c]) * invstd[c] * w[c] + b[c] over [n, c, s]. */
  private normalize(
    { x, y, dims: { n, c, s }, weight, bias }: BatchNormForward,
    mean: ArrayLike<number>,
    invstd: ArrayLike<number>,
  ): void {
    const xd = x.data;
    const yd = y.data;
    const w = weight?.data;
    const b = bias?.data;
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < c; ch++) {
        const scale = invstd[ch]! * (w ? w[ch]! : 1);
        const shift = b ? b[ch]! : 0;
        const base = (i * c + ch) * s;
        for (let k = 0; k < s; k++) yd[base + k] = (xd[base + k]! - mean[ch]!) * scale + shift;
      }
    }
  }

  /** Per-channel sums over n and s of f(index). */
  private channelSums({ n, c, s }: BatchNormDims, f: (p: number, ch: number) => number): Float64Array {
    const out = new Float64Array(c);
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < c; ch++) {
        const base = (i * c + ch) * s;
        let acc = 0;
        for (let k = 0; k < s; k++) acc += f(base + k, ch);
        out[ch]! += acc;
      }
    }
    return out;
  }

  batchNormTrain(args: BatchNormTrainArgs): void {
    const { x, dims, saveMean, saveInvstd, running, eps } = args;
    const xd = x.data;
    const count = dims.n * dims.s;
    const mean = this.channelSums(dims, (p) => xd[p]!).map((v) => v / count);
    const variance = this.channelSums(dims, (p, ch) => (xd[p]! - mean[ch]!) ** 2).map((v) => v / count);
    const invstd = variance.map((v) => 1 / Math.sqrt(v + eps));
    saveMean.data.set(mean);
    saveInvstd.data.set(invstd);
    this.normalize(args, saveMean.data, saveInvstd.data);
    if (running) {
      const rm = running.mean.data;
      const rv = running.var.data;
      const m = running.momentum;
      for (let ch = 0; ch < dims.c; ch++) {
        rm[ch] = (1 - m) * rm[ch]! + m * mean[ch]!;
        rv[ch] = (1 - m) * rv[ch]! + (m * variance[ch]! * count) / (count - 1);
      }
    }
  }

  batchNormEval(args: BatchNormEvalArgs): void {
    const { mean, variance, eps } = args;
    const invstd = Array.from(variance.data, (v) => 1 / Math.sqrt(v + eps));
    this.normalize(args, mean.data, invstd);
  }

  batchNormBackward(args: BatchNormBackwardArgs): void {
    const { dy, x, dims, weight, mean, invstd, dx, dweight, dbias, training } = args;
    const g = dy.data;
    const xd = x.data;
    const m = mean.data;
    const is = invstd.data;
    const w = weight?.data;
    const sumDy = this.channelSums(dims, (p) => g[p]!);
    const sumDyXhat = this.channelSums(dims, (p, ch) => g[p]! * (xd[p]! - m[ch]!) * is[ch]!);
    dweight?.data.set(sumDyXhat);
    dbias?.data.set(sumDy);
    if (!dx) return;
    const out = dx.data;
    const count = dims.n * dims.s;
    const { n, c, s } = dims;
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < c; ch++) {
        const scale = is[ch]! * (w ? w[ch]! : 1);
        const meanDy = sumDy[ch]! / count;
        const meanDyXhat = sumDyXhat[ch]! / count;
        const base = (i * c + ch) * s;
        for (let k = 0; k < s; k++) {
          const p = base + k;
          out[p] = training
            ? scale * (g[p]! - meanDy - (xd[p]! - m[ch]!) * is[ch]! * meanDyXhat)
            : scale * g[p]!;
        }
      }
    }
  }

  conv2d(x: Storage, weight: Storage, out: Storage, g: Conv2dGeometry, { bias, relu }: ConvEpilogue): void {
    const xd = x.data;
    const wd = weight.data;
    const bd = bias?.data;
    // each output starts at its bias and sums its taps in (ic, ky, kx) order, in double precision
    const acc = new Float64Array(out.length);
    if (bd) {
      const plane = g.oh * g.ow;
      for (let i = 0; i < acc.length; i++) acc[i] = bd[Math.floor(i / plane) % g.o]!;
    }
    this.convPairs(g, (xi, wi, oi) => {
      acc[oi]! += xd[xi]! * wd[wi]!;
    });
    if (relu) for (let i = 0; i < acc.length; i++) acc[i] = UNARY.relu(acc[i]!, 0, 0);
    out.data.set(acc);
  }

  /** Visits every (input index, weight index, output index) triple of a convolution once. */
  private convPairs(g: Conv2dGeometry, visit: (xi: number, wi: number, oi: number) => void): void {
    const cg = g.c / g.groups;
    const og = g.o / g.groups;
    for (let n = 0; n < g.n; n++) {
      for (let oc = 0; oc < g.o; oc++) {
        const grp = Math.floor(oc / og);
        for (let oy = 0; oy < g.oh; oy++) {
          for (let ox = 0; ox < g.ow; ox++) {
            const oi = ((n * g.o + oc) * g.oh + oy) * g.ow + ox;
            for (let ic = 0; ic < cg; ic++) {
              const c = grp * cg + ic;
              for (let ky = 0; ky < g.kh; ky++) {
                const iy = oy * g.stride[0] - g.padding[0] + ky * g.dilation[0];
                if (iy < 0 || iy >= g.h) continue;
                for (let kx = 0; kx < g.kw; kx++) {
                  const ix = ox * g.stride[1] - g.padding[1] + kx * g.dilation[1];
                  if (ix < 0 || ix >= g.w) continue;
                  visit(((n * g.c + c) * g.h + iy) * g.w + ix, ((oc * cg + ic) * g.kh + ky) * g.kw + kx, oi);
                }
              }
            }
          }
        }
      }
    }
  }

  conv2dBackwardInput(gradOut: Storage, weight: Storage, gradIn: Storage, g: Conv2dGeometry): void {
    this.convGrad(g, gradOut, weight, gradIn, 'input');
  }

  conv2dBackwardWeight(x: Storage, gradOut: Storage, gradWeight: Storage, g: Conv2dGeometry): void {
    this.convGrad(g, gradOut, x, gradWeight, 'weight');
  }

  /**
   * A convolution operand's gradient: each output gradient times the other operand's tap, summed
   * (in double precision) at the input index (input gradient) or the weight index (weight gradient).
   */
  private convGrad(
    g: Conv2dGeometry,
    gradOut: Storage,
    other: Storage,
    grad: Storage,
    wrt: 'input' | 'weight',
  ): void {
    const gy = gradOut.data;
    const od = other.data;
    const acc = new Float64Array(grad.length);
    if (wrt === 'input') {
      this.convPairs(g, (xi, wi, oi) => {
        acc[xi]! += gy[oi]! * od[wi]!;
      });
    } else {
      this.convPairs(g, (xi, wi, oi) => {
        acc[wi]! += gy[oi]! * od[xi]!;
      });
    }
    grad.data.set(acc);
  }

  /** Visits each pooling window: `visit(plane, outIndex, rows, cols)` with in-bounds input coordinates. */
  private windows(
    g: Pool2dGeometry,
    visit: (plane: number, oi: number, y0: number, x0: number) => void,
  ): void {
    for (let p = 0; p < g.n * g.c; p++) {
      for (let oy = 0; oy < g.oh; oy++) {
        for (let ox = 0; ox < g.ow; ox++) {
          visit(
            p,
            (p * g.oh + oy) * g.ow + ox,
            oy * g.stride[0] - g.padding[0],
            ox * g.stride[1] - g.padding[1],
          );
        }
      }
    }
  }

  maxPool2d(x: Storage, out: Storage, indices: Storage, g: Pool2dGeometry): void {
    const xd = x.data;
    const od = out.data;
    const id = indices.data;
    this.windows(g, (p, oi, y0, x0) => {
      let best = Number.NEGATIVE_INFINITY;
      let arg = -1;
      for (let ky = 0; ky < g.kernel[0]; ky++) {
        const iy = y0 + ky * g.dilation[0];
        if (iy < 0 || iy >= g.h) continue;
        for (let kx = 0; kx < g.kernel[1]; kx++) {
          const ix = x0 + kx * g.dilation[1];
          if (ix < 0 || ix >= g.w) continue;
          const v = xd[(p * g.h + iy) * g.w + ix]!;
          if (v > best || Number.isNaN(v) || arg < 0) {
            best = v;
            arg = iy * g.w + ix;
            if (Number.isNaN(v)) break;
          }
        }
      }
      od[oi] = best;
      id[oi] = arg;
    });
  }

  maxPool2dBackward(gradOut: Storage, indices: Storage, gradIn: Storage, g: Pool2dGeometry): void {
    const gy = gradOut.data;
    const id = indices.data;
    const gx = gradIn.data;
    gx.fill(0);
    const plane = g.oh * g.ow;
    for (let i = 0; i < gy.length; i++) {
      const p = Math.floor(i / plane);
      gx[p * g.h * g.w + id[i]!]! += gy[i]!;
    }
  }

  /** The input-bounds-clipped window and PyTorch's divisor for average pooling. */
  private avgWindow(g: Pool2dGeometry, y0: number, x0: number) {
    const y1 = Math.min(y0 + g.kernel[0], g.h + g.padding[0]);
    const x1 = Math.min(x0 + g.kernel[1], g.w + g.padding[1]);
    const divisor = g.countIncludePad
      ? (y1 - y0) * (x1 - x0)
      : (Math.min(y1, g.h) - Math.max(y0, 0)) * (Math.min(x1, g.w) - Math.max(x0, 0));
    return {
      ya: Math.max(y0, 0),
      yb: Math.min(y1, g.h),
      xa: Math.max(x0, 0),
      xb: Math.min(x1, g.w),
      divisor,
    };
  }

  avgPool2d(x: Storage, out: Storage, g: Pool2dGeometry): void {
    const xd = x.data;
    const od = out.data;
    this.windows(g, (p, oi, y0, x0) => {
      const w = this.avgWindow(g, y0, x0);
      let sum = 0;
      for (let iy = w.ya; iy < w.yb; iy++)
        for (let ix = w.xa; ix < w.xb; ix++) sum += xd[(p * g.h + iy) * g.w + ix]!;
      od[oi] = sum / w.divisor;
    });
  }

  avgPool2dBackward(gradOut: Storage, gradIn: Storage, g: Pool2dGeometry): void {
    const gy = gradOut.data;
    const gx = gradIn.data;
    gx.fill(0);
    this.windows(g, (p, oi, y0, x0) => {
      const w = this.avgWindow(g, y0, x0);
      const v = gy[oi]! / w.divisor;
      for (let iy = w.ya; iy < w.yb; iy++)
        for (let ix = w.xa; ix < w.xb; ix++) gx[(p * g.h + iy) * g.w + ix]! += v;
    });
  }
}
