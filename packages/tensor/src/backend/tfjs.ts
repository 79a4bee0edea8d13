/**
 * The TensorFlow.js backend: host-side storage, computed by tfjs-core ops on whichever tfjs backend
 * is active (`@tensorflow/tfjs-backend-cpu` in Node). It is the portable reference the wasm backend
 * is differentially tested against, so it deliberately shares no arithmetic with the other backends
 * where tfjs has the op; geometry tfjs lacks (grouped or dilated conv gradients, padded/dilated,
 * ceil-mode or rectangular max pooling, pooling gradients) falls back to the plain-TypeScript loops.
 *
 * tfjs is loaded lazily: in Node through `require` (its ESM build cannot be side-effect imported by
 * bare Node, and its CommonJS build registers the cpu kernels on require; it prints a banner on
 * first use); in a browser, the page provides it as the global `tf` (with the backend it wants).
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { StorageKind, TypedArray } from '../dtype.js';
import { contiguousStrides as contiguous, numel as count } from '../shape.js';
import {
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
  isDense as dense,
  type MatmulSpec,
  type MatrixOperand,
  type Pool2dGeometry,
  type ReduceOp,
  type Storage,
  type UnaryOp,
  type View,
} from './backend.js';
import { HostBackend } from './host.js';

type Tf = typeof TF;

type NodeModule = { createRequire(url: string): (id: string) => unknown };

function loadTf(): Tf {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const nodeModule = proc?.getBuiltinModule?.('node:module') as NodeModule | undefined;
  if (nodeModule) {
    const require = nodeModule.createRequire(import.meta.url);
    const tf = require('@tensorflow/tfjs-core') as Tf;
    require('@tensorflow/tfjs-backend-cpu');
    return tf;
  }
  const global = (globalThis as { tf?: Tf }).tf;
  if (!global) {
    throw new Error(
      "The tfjs backend needs TensorFlow.js: load it on the page as the global 'tf' (with a backend)",
    );
  }
  return global;
}

/** A dense row-major view of a whole storage with the given shape. */
function whole(storage: Storage, shape: number[]): View {
  return { storage, shape, strides: contiguous(shape), offset: 0 };
}

/** tfjs ops on host storage. */
export class TfjsBackend extends HostBackend {
  override readonly name: BackendName = 'tfjs';
  private readonly tf: Tf;

  constructor() {
    super();
    this.tf = loadTf();
  }

  /**
   * Host storage, as the plain-TypeScript backend, except float64: tfjs computes in float32 only
   * (its 'float32' is its widest float), so a float64 tensor here would silently lose precision.
   */
  override alloc(kind: StorageKind, length: number): Storage {
    if (kind === 'f64') {
      throw new TypeError(
        "The tfjs backend has no float64 (TensorFlow.js computes in float32): use set_backend('wasm') or " +
          "set_backend('js') for float64 tensors, or convert with .float()",
      );
    }
    return super.alloc(kind, length);
  }

  /** A tfjs float32 tensor with the (dense) values of a view. */
  private input(v: View): TF.Tensor {
    const n = count(v.shape);
    let data: TypedArray;
    if (dense(v)) data = v.storage.data.subarray(v.offset, v.offset + n);
    else {
      const tmp = this.alloc(v.storage.kind, n);
      super.copy(v, whole(tmp, [...v.shape]));
      data = tmp.data;
    }
    return this.tf.tensor(Float32Array.from(data), [...v.shape], 'float32');
  }

  /** Writes a tfjs result into `out` (dense or strided), then frees every tfjs tensor. */
  private output(out: View, make: () => TF.Tensor): void {
    const values = this.tf.tidy(make).dataSync();
    const n = count(out.shape);
    if (dense(out)) {
      out.storage.data.set(values.subarray(0, n) as ArrayLike<number>, out.offset);
      return;
    }
    const tmp = this.alloc(out.storage.kind, n);
    tmp.data.set(values as ArrayLike<number>);
    super.copy(whole(tmp, [...out.shape]), out);
  }

  override unary(op: UnaryOp, x: View, out: View, p0 = 0, p1 = 0): void {
    const tf = this.tf;
    const f: Partial<Record<UnaryOp, (t: TF.Tensor) => TF.Tensor>> = {
      neg: tf.neg,
      exp: tf.exp,
      log: tf.log,
      sqrt: tf.sqrt,
      rsqrt: tf.rsqrt,
      abs: tf.abs,
      sign: tf.sign,
      relu: tf.relu,
      sigmoid: tf.sigmoid,
      tanh: tf.tanh,
      square: tf.square,
      reciprocal: tf.reciprocal,
      floor: tf.floor,
      ceil: tf.ceil,
      round: tf.round,
      leaky_relu: (t) => tf.leakyRelu(t, p0),
      clamp: (t) => tf.minimum(tf.maximum(t, p0), p1),
      pow_scalar: (t) => tf.pow(t, tf.scalar(p0)),
      affine: (t) => tf.add(tf.mul(t, p0), p1),
    };
    const fn = f[op];
    if (!fn || x.storage.kind !== 'f32' || out.storage.kind !== 'f32') {
      super.unary(op, x, out, p0, p1);
      return;
    }
    this.output(out, () => fn(this.input(x)));
  }

  override binary(op: BinaryOp, a: View, b: View, out: View, alpha = 1): void {
    const tf = this.tf;
    const f: Partial<Record<BinaryOp, (x: TF.Tensor, y: TF.Tensor) => TF.Tensor>> = {
      add: (x, y) => tf.add(x, alpha === 1 ? y : tf.mul(y, alpha)),
      sub: (x, y) => tf.sub(x, alpha === 1 ? y : tf.mul(y, alpha)),
      mul: tf.mul,
      div: tf.div,
      pow: tf.pow,
      maximum: tf.maximum,
      minimum: tf.minimum,
      eq: tf.equal,
      ne: tf.notEqual,
      lt: tf.less,
      le: tf.lessEqual,
      gt: tf.greater,
      ge: tf.greaterEqual,
      relu_backward: (g, y) => tf.where(tf.greater(y, 0), g, tf.zerosLike(g)),
      leaky_relu_backward: (g, y) => tf.where(tf.greater(y, 0), g, tf.mul(g, alpha)),
      sigmoid_backward: (g, y) => tf.mul(g, tf.mul(y, tf.sub(1, y))),
      tanh_backward: (g, y) => tf.mul(g, tf.sub(1, tf.square(y))),
    };
    const fn = f[op];
    if (!fn || a.storage.kind !== 'f32' || b.storage.kind !== 'f32') {
      super.binary(op, a, b, out, alpha);
      return;
    }
    this.output(out, () => fn(this.input(a), this.input(b)));
  }

  override where(cond: View, a: View, b: View, out: View): void {
    if (a.storage.kind !== 'f32' || b.storage.kind !== 'f32') {
      super.where(cond, a, b, out);
      return;
    }
    const tf = this.tf;
    this.output(out, () => tf.where(tf.cast(this.input(cond), 'bool'), this.input(a), this.input(b)));
  }

  override reduce(op: ReduceOp, x: Storage, xOffset: number, blocks: Blocks, out: Storage): void {
    const { outer, n, inner } = blocks;
    if (x.kind !== 'f32' || n === 0) {
      super.reduce(op, x, xOffset, blocks, out);
      return;
    }
    const tf = this.tf;
    const view: View = { ...whole(x, [outer, n, inner]), offset: xOffset };
    const f: Record<ReduceOp, (t: TF.Tensor) => TF.Tensor> = {
      sum: (t) => tf.sum(t, 1),
      prod: (t) => tf.prod(t, 1),
      max: (t) => tf.max(t, 1),
      min: (t) => tf.min(t, 1),
      argmax: (t) => tf.argMax(t, 1),
      argmin: (t) => tf.argMin(t, 1),
    };
    this.output(whole(out, [outer, inner]), () => f[op](this.input(view)));
  }

  override matmul(a: MatrixOperand, b: MatrixOperand, out: Storage, spec: MatmulSpec): void {
    const { batch, m, k, n, bias } = spec;
    const asView = (o: MatrixOperand, r: number, c: number): View => ({
      storage: o.storage,
      shape: [batch, r, c],
      strides: [o.batchStride, o.rowStride, o.colStride],
      offset: o.offset,
    });
    this.output(whole(out, [batch, m, n]), () => {
      const y = this.tf.matMul(
        this.input(asView(a, m, k)) as TF.Tensor3D,
        this.input(asView(b, k, n)) as TF.Tensor3D,
      );
      return bias ? this.tf.add(y, this.input(whole(bias, [n]))) : y;
    });
  }

  override softmax(x: Storage, out: Storage, { outer, n, inner }: Blocks, log: boolean): void {
    const tf = this.tf;
    const shape = [outer, n, inner];
    this.output(whole(out, shape), () => {
      const last = tf.transpose(this.input(whole(x, shape)), [0, 2, 1]);
      return tf.transpose(log ? tf.logSoftmax(last) : tf.softmax(last), [0, 2, 1]);
    });
  }

  override softmaxBackward(grad: Storage, y: Storage, gradIn: Storage, b: Blocks, log: boolean): void {
    const tf = this.tf;
    const shape = [b.outer, b.n, b.inner];
    this.output(whole(gradIn, shape), () => {
      const g = this.input(whole(grad, shape));
      const yt = this.input(whole(y, shape));
      return log
        ? tf.sub(g, tf.mul(tf.exp(yt), tf.sum(g, 1, true)))
        : tf.mul(yt, tf.sub(g, tf.sum(tf.mul(g, yt), 1, true)));
    });
  }

  /** A [n, c, s] batch-norm operand. */
  private bn(st: Storage, d: BatchNormDims): TF.Tensor {
    return this.input(whole(st, [d.n, d.c, d.s]));
  }

  /** A per-channel vector broadcastable against a [n, c, s] operand (`fill` where absent). */
  private channel(st: Storage | null, d: BatchNormDims, fill: number): TF.Tensor {
    if (!st) return this.tf.fill([1, d.c, 1], fill);
    return this.input(whole(st, [1, d.c, 1]));
  }

  private vectorOut(st: Storage, d: BatchNormDims, make: () => TF.Tensor): void {
    this.output(whole(st, [d.c]), () => this.tf.reshape(make(), [d.c]));
  }

  override batchNormTrain(args: BatchNormTrainArgs): void {
    const { x, dims, saveMean, saveInvstd, running, eps } = args;
    const tf = this.tf;
    const variance = this.alloc('f32', dims.c);
    this.vectorOut(saveMean, dims, () => tf.moments(this.bn(x, dims), [0, 2], true).mean);
    this.vectorOut(variance, dims, () => tf.moments(this.bn(x, dims), [0, 2], true).variance);
    this.vectorOut(saveInvstd, dims, () => tf.rsqrt(tf.add(this.channel(variance, dims, 1), eps)));
    this.affine(args, saveMean, saveInvstd);
    if (running) {
      // running stats use the unbiased variance: var * count / (count - 1)
      const count = dims.n * dims.s;
      const m = saveMean.data;
      const v = variance.data;
      const rm = running.mean.data;
      const rv = running.var.data;
      const k = running.momentum;
      for (let c = 0; c < dims.c; c++) {
        rm[c] = (1 - k) * rm[c]! + k * m[c]!;
        rv[c] = (1 - k) * rv[c]! + (k * v[c]! * count) / (count - 1);
      }
    }
  }

  /** y = (x - mean) * invstd * w + b with per-channel storages. */
  private affine({ x, y, dims, weight, bias }: BatchNormForward, mean: Storage, invstd: Storage): void {
    const tf = this.tf;
    this.output(whole(y, [dims.n, dims.c, dims.s]), () =>
      tf.add(
        tf.mul(
          tf.mul(tf.sub(this.bn(x, dims), this.channel(mean, dims, 0)), this.channel(invstd, dims, 1)),
          this.channel(weight, dims, 1),
        ),
        this.channel(bias, dims, 0),
      ),
    );
  }

  override batchNormEval(args: BatchNormEvalArgs): void {
    const { dims, mean, variance, eps } = args;
    const invstd = this.alloc('f32', dims.c);
    this.vectorOut(invstd, dims, () => this.tf.rsqrt(this.tf.add(this.channel(variance, dims, 1), eps)));
    this.affine(args, mean, invstd);
  }

  override batchNormBackward(args: BatchNormBackwardArgs): void {
    const { dy, x, dims, weight, mean, invstd, dx, dweight, dbias, training } = args;
    const tf = this.tf;
    const xhat = () =>
      tf.mul(tf.sub(this.bn(x, dims), this.channel(mean, dims, 0)), this.channel(invstd, dims, 1));
    if (dweight) this.vectorOut(dweight, dims, () => tf.sum(tf.mul(this.bn(dy, dims), xhat()), [0, 2]));
    if (dbias) this.vectorOut(dbias, dims, () => tf.sum(this.bn(dy, dims), [0, 2]));
    if (!dx) return;
    this.output(whole(dx, [dims.n, dims.c, dims.s]), () => {
      const g = this.bn(dy, dims);
      const scale = tf.mul(this.channel(invstd, dims, 1), this.channel(weight, dims, 1));
      if (!training) return tf.mul(g, scale);
      const h = xhat();
      const centered = tf.sub(
        tf.sub(g, tf.mean(g, [0, 2], true)),
        tf.mul(h, tf.mean(tf.mul(g, h), [0, 2], true)),
      );
      return tf.mul(scale, centered);
    });
  }

  /** A dense NCHW (or OIHW) storage as a tfjs tensor with its axes permuted. */
  private permuted(s: Storage, shape: number[], perm: number[]): TF.Tensor4D {
    return this.tf.transpose(this.input(whole(s, shape)), perm) as TF.Tensor4D;
  }

  /** NCHW storage as an NHWC tfjs tensor. */
  private nhwc(s: Storage, shape: number[]): TF.Tensor4D {
    return this.permuted(s, shape, [0, 2, 3, 1]);
  }

  /** OIHW weights as HWIO. */
  private hwio(s: Storage, g: Conv2dGeometry): TF.Tensor4D {
    return this.permuted(s, [g.o, g.c / g.groups, g.kh, g.kw], [2, 3, 1, 0]);
  }

  private nchwOut(out: Storage, shape: number[], make: () => TF.Tensor): void {
    this.output(whole(out, shape), () => this.tf.transpose(make(), [0, 3, 1, 2]));
  }

  private pads(g: {
    padding: [number, number];
  }): [[number, number], [number, number], [number, number], [number, number]] {
    return [
      [0, 0],
      [g.padding[0], g.padding[0]],
      [g.padding[1], g.padding[1]],
      [0, 0],
    ];
  }

  override conv2d(x: Storage, weight: Storage, out: Storage, g: Conv2dGeometry, e: ConvEpilogue): void {
    const { bias, relu } = e;
    if (g.groups !== 1) {
      super.conv2d(x, weight, out, g, e);
      return;
    }
    const tf = this.tf;
    this.nchwOut(out, [g.n, g.o, g.oh, g.ow], () => {
      const y = tf.conv2d(
        this.nhwc(x, [g.n, g.c, g.h, g.w]),
        this.hwio(weight, g),
        g.stride,
        this.pads(g),
        'NHWC',
        g.dilation,
      );
      const z = bias ? tf.add(y, this.input(whole(bias, [g.o]))) : y;
      return relu ? tf.relu(z) : z;
    });
  }

  override conv2dBackwardInput(gradOut: Storage, weight: Storage, gradIn: Storage, g: Conv2dGeometry): void {
    if (g.groups !== 1 || g.dilation[0] !== 1 || g.dilation[1] !== 1) {
      super.conv2dBackwardInput(gradOut, weight, gradIn, g);
      return;
    }
    this.nchwOut(gradIn, [g.n, g.c, g.h, g.w], () =>
      this.tf.conv2dTranspose(
        this.nhwc(gradOut, [g.n, g.o, g.oh, g.ow]),
        this.hwio(weight, g),
        [g.n, g.h, g.w, g.c],
        g.stride,
        this.pads(g),
      ),
    );
  }

  override conv2dBackwardWeight(x: Storage, gradOut: Storage, gradWeight: Storage, g: Conv2dGeometry): void {
    if (g.groups !== 1 || g.dilation[0] !== 1 || g.dilation[1] !== 1) {
      super.conv2dBackwardWeight(x, gradOut, gradWeight, g);
      return;
    }
    const tf = this.tf;
    this.output(whole(gradWeight, [g.o, g.c, g.kh, g.kw]), () => {
      const hwio = tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x: this.nhwc(x, [g.n, g.c, g.h, g.w]), dy: this.nhwc(gradOut, [g.n, g.o, g.oh, g.ow]) },
          { strides: g.stride, pad: this.pads(g), dataFormat: 'NHWC', filterShape: [g.kh, g.kw, g.c, g.o] },
        ) as TF.Tensor;
      return tf.transpose(hwio, [3, 2, 0, 1]);
    });
  }

  /** Whether tfjs pooling matches PyTorch's geometry here (no padding, dilation or ceil-mode windows). */
  private plainPool(g: Pool2dGeometry): boolean {
    return (
      g.padding[0] === 0 &&
      g.padding[1] === 0 &&
      g.dilation[0] === 1 &&
      g.dilation[1] === 1 &&
      g.oh === Math.floor((g.h - g.kernel[0]) / g.stride[0]) + 1 &&
      g.ow === Math.floor((g.w - g.kernel[1]) / g.stride[1]) + 1
    );
  }

  override maxPool2d(x: Storage, out: Storage, indices: Storage, g: Pool2dGeometry): void {
    // tfjs-backend-cpu 4.22's MaxPoolWithArgmax mis-strides rectangular windows: square ones only
    const square = g.kernel[0] === g.kernel[1] && g.stride[0] === g.stride[1];
    if (!this.plainPool(g) || !square) {
      super.maxPool2d(x, out, indices, g);
      return;
    }
    const tf = this.tf;
    const shape = [g.n, g.c, g.oh, g.ow];
    let idx: Float32Array | Int32Array = new Int32Array(0);
    this.nchwOut(out, shape, () => {
      const r = tf.maxPoolWithArgmax(this.nhwc(x, [g.n, g.c, g.h, g.w]), g.kernel, g.stride, 0);
      idx = tf.transpose(r.indexes, [0, 3, 1, 2]).dataSync() as Float32Array;
      return r.result;
    });
    // tfjs indexes (y * w + x) * channels + c within an image; PyTorch wants y * w + x per plane
    const dst = indices.data;
    for (let i = 0; i < idx.length; i++) dst[i] = Math.floor(idx[i]! / g.c);
  }

  override avgPool2d(x: Storage, out: Storage, g: Pool2dGeometry): void {
    if (!this.plainPool(g)) {
      super.avgPool2d(x, out, g);
      return;
    }
    this.nchwOut(out, [g.n, g.c, g.oh, g.ow], () =>
      this.tf.avgPool(this.nhwc(x, [g.n, g.c, g.h, g.w]), g.kernel, g.stride, 0),
    );
  }
}
