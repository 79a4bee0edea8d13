// Single-precision GEMM, BLIS-style: C = alpha * op(A) op(B) + beta * C (+ bias) (then ReLU).
// Loops: jc (NC columns) > pc (KC depth, B block packed) > ic (MC rows, A block packed) > jr (NR) > ir (MR),
// and a register-blocked MR x NR = 2 x 16 microkernel (8 f32x4 accumulators + 4 B vectors + 1 A splat
// fit the 16 SIMD registers V8 uses; 6x8 and larger spilled in the probe). Packing makes the microkernel
// read both operands sequentially whatever their strides, so transposes cost only the packing.
// All pointers are byte addresses; leading dimensions and strides are in elements. No globals: every
// call gets its own workspace, so worker instances over the same shared memory never collide.
import { at, madd } from './simd';

export const MR = 2;
export const NR = 16;
export const KC = 256;
export const MC = 128;
export const NC = 512;

export const FLAG_BIAS_ROW = 1; // add bias[i] to row i (conv: one bias per output channel)
export const FLAG_BIAS_COL = 2; // add bias[j] to column j (linear layer: x W^T + b)
export const FLAG_RELU = 4; // max(., 0) after everything else

const PA_BYTES: usize = MC * KC * 4;
const PB_BYTES: usize = KC * NC * 4;
const TILE_BYTES: usize = 256;

/** Bytes of workspace one sgemm call needs (one per thread). */
export function gemmWorkspaceBytes(): usize {
  return PA_BYTES + PB_BYTES + TILE_BYTES;
}
export function wsPackA(ws: usize): usize {
  return ws;
}
export function wsPackB(ws: usize): usize {
  return ws + PA_BYTES;
}
export function wsTile(ws: usize): usize {
  return ws + PA_BYTES + PB_BYTES;
}

/** Packs rows [0, mc) x depth [0, kc) of A(i, k) = A[i*rsA + k*csA] into MR-row panels, k-major, zero-padded. */
export function packA(mc: i32, kc: i32, a: usize, rsA: i32, csA: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const r0 = at(a, ir * rsA);
    const has1 = ir + 1 < mc;
    const r1 = has1 ? at(a, (ir + 1) * rsA) : r0;
    let k = 0;
    if (csA === 1 && has1) {
      // Interleave two contiguous rows four steps at a time: r0[k] r1[k] r0[k+1] r1[k+1] ...
      for (; k + 4 <= kc; k += 4) {
        const x = v128.load(at(r0, k));
        const y = v128.load(at(r1, k));
        v128.store(dst, v128.shuffle<f32>(x, y, 0, 4, 1, 5));
        v128.store(dst, v128.shuffle<f32>(x, y, 2, 6, 3, 7), 16);
        dst += 32;
      }
    }
    for (; k < kc; k++) {
      store<f32>(dst, load<f32>(at(r0, k * csA)));
      store<f32>(dst, has1 ? load<f32>(at(r1, k * csA)) : 0, 4);
      dst += MR * 4;
    }
  }
}

/** Packs depth [0, kc) x columns [0, nc) of B(k, j) = B[k*rsB + j*csB] into NR-column panels, zero-padded. */
export function packB(kc: i32, nc: i32, b: usize, rsB: i32, csB: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    if (nr === NR && csB === 1) {
      let src = at(b, jr);
      const step = (<usize>rsB) << 2;
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        v128.store(dst, v128.load(src, 32), 32);
        v128.store(dst, v128.load(src, 48), 48);
        src += step;
        dst += NR * 4;
      }
    } else if (rsB === 1 && nr === NR) {
      // Transposed B: column j is contiguous in k. Four columns by four steps per 4x4 transpose.
      for (let j = 0; j < NR; j += 4) {
        const c0 = at(b, (jr + j) * csB);
        const c1 = at(b, (jr + j + 1) * csB);
        const c2 = at(b, (jr + j + 2) * csB);
        const c3 = at(b, (jr + j + 3) * csB);
        let d = dst + ((<usize>j) << 2);
        let k = 0;
        for (; k + 4 <= kc; k += 4) {
          const x0 = v128.load(at(c0, k));
          const x1 = v128.load(at(c1, k));
          const x2 = v128.load(at(c2, k));
          const x3 = v128.load(at(c3, k));
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          v128.store(d, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), NR * 4);
          v128.store(d, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), NR * 8);
          v128.store(d, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), NR * 12);
          d += NR * 16;
        }
        for (; k < kc; k++) {
          store<f32>(d, load<f32>(at(c0, k)));
          store<f32>(d, load<f32>(at(c1, k)), 4);
          store<f32>(d, load<f32>(at(c2, k)), 8);
          store<f32>(d, load<f32>(at(c3, k)), 12);
          d += NR * 4;
        }
      }
      dst += (<usize>(kc * NR)) << 2;
    } else {
      // Column at a time (edge panels, general strides); with rsB === 1 this reads memory sequentially.
      for (let j = 0; j < NR; j++) {
        let d = dst + ((<usize>j) << 2);
        if (j < nr) {
          const col = at(b, (jr + j) * csB);
          for (let k = 0; k < kc; k++) {
            store<f32>(d, load<f32>(at(col, k * rsB)));
            d += NR * 4;
          }
        } else {
          for (let k = 0; k < kc; k++) {
            store<f32>(d, 0);
            d += NR * 4;
          }
        }
      }
      dst += (<usize>(kc * NR)) << 2;
    }
  }
}

/**
 * Final value of one C element from its accumulated product `acc`: the first depth block applies beta
 * and the bias, later blocks add on, the last applies ReLU. beta === 0 never reads C (BLAS semantics:
 * NaN garbage in an uninitialised C must not leak through 0 * NaN).
 */
function epilogue(acc: f32, c: f32, alpha: f32, beta: f32, bias: f32, first: bool, relu: bool): f32 {
  let r = acc * alpha;
  if (first) {
    if (beta !== 0) r += beta * c;
    r += bias;
  } else {
    r += c;
  }
  return relu ? max<f32>(r, 0) : r;
}

function epilogueVec(acc: v128, c: usize, alpha: v128, beta: f32, bias: v128, first: bool, relu: bool): void {
  let r = f32x4.mul(acc, alpha);
  if (first) {
    if (beta !== 0) r = madd(v128.load(c), f32x4.splat(beta), r);
    r = f32x4.add(r, bias);
  } else {
    r = f32x4.add(r, v128.load(c));
  }
  if (relu) r = f32x4.max(r, f32x4.splat(0));
  v128.store(c, r);
}

function biasAt(bias: usize, flags: i32, i: i32, j: i32): f32 {
  if (flags & FLAG_BIAS_ROW) return load<f32>(at(bias, i));
  if (flags & FLAG_BIAS_COL) return load<f32>(at(bias, j));
  return 0;
}

function biasVec(bias: usize, flags: i32, i: i32, j: i32): v128 {
  if (flags & FLAG_BIAS_ROW) return v128.load32_splat(at(bias, i));
  if (flags & FLAG_BIAS_COL) return v128.load(at(bias, j));
  return f32x4.splat(0);
}

/**
 * C tile (mr x nr at c, row stride ldc) from kc steps of an MR-row A panel and an NR-column B panel.
 * `bias` points at the bias of this tile's first row (FLAG_BIAS_ROW) or first column (FLAG_BIAS_COL).
 */
function microkernel(
  kc: i32,
  pa: usize,
  pb: usize,
  c: usize,
  ldc: i32,
  mr: i32,
  nr: i32,
  alpha: f32,
  beta: f32,
  first: bool,
  last: bool,
  flags: i32,
  bias: usize,
  tile: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c02 = f32x4.splat(0);
  let c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c12 = f32x4.splat(0);
  let c13 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const b2 = v128.load(pb, 32);
    const b3 = v128.load(pb, 48);
    const a0 = v128.load32_splat(pa);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    c02 = madd(a0, b2, c02);
    c03 = madd(a0, b3, c03);
    const a1 = v128.load32_splat(pa, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    c12 = madd(a1, b2, c12);
    c13 = madd(a1, b3, c13);
    pa += MR * 4;
    pb += NR * 4;
  }
  const relu = last && (flags & FLAG_RELU) !== 0;
  if (mr === MR && nr === NR) {
    const va = f32x4.splat(alpha);
    const ldcb = (<usize>ldc) << 2;
    epilogueVec(c00, c, va, beta, biasVec(bias, flags, 0, 0), first, relu);
    epilogueVec(c01, c + 16, va, beta, biasVec(bias, flags, 0, 4), first, relu);
    epilogueVec(c02, c + 32, va, beta, biasVec(bias, flags, 0, 8), first, relu);
    epilogueVec(c03, c + 48, va, beta, biasVec(bias, flags, 0, 12), first, relu);
    const c1 = c + ldcb;
    epilogueVec(c10, c1, va, beta, biasVec(bias, flags, 1, 0), first, relu);
    epilogueVec(c11, c1 + 16, va, beta, biasVec(bias, flags, 1, 4), first, relu);
    epilogueVec(c12, c1 + 32, va, beta, biasVec(bias, flags, 1, 8), first, relu);
    epilogueVec(c13, c1 + 48, va, beta, biasVec(bias, flags, 1, 12), first, relu);
    return;
  }
  // Edge tile: spill the accumulators, then merge only the valid mr x nr corner.
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c02, 32);
  v128.store(tile, c03, 48);
  v128.store(tile, c10, 64);
  v128.store(tile, c11, 80);
  v128.store(tile, c12, 96);
  v128.store(tile, c13, 112);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const p = at(c, i * ldc + j);
      const acc = load<f32>(at(tile, i * NR + j));
      store<f32>(p, epilogue(acc, load<f32>(p), alpha, beta, biasAt(bias, flags, i, j), first, relu));
    }
  }
}

/**
 * mc x nc block of C from packed A (mc x kc) and packed B (kc x nc).
 * `bias` points at the bias of the block's first row or column (per flags).
 */
export function macroKernel(
  mc: i32,
  nc: i32,
  kc: i32,
  pa: usize,
  pb: usize,
  c: usize,
  ldc: i32,
  alpha: f32,
  beta: f32,
  first: bool,
  last: bool,
  flags: i32,
  bias: usize,
  tile: usize,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const pbj = at(pb, jr * kc);
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir);
      const bias0 = flags & FLAG_BIAS_ROW ? at(bias, ir) : flags & FLAG_BIAS_COL ? at(bias, jr) : 0;
      microkernel(
        kc,
        at(pa, ir * kc),
        pbj,
        at(c, ir * ldc + jr),
        ldc,
        mr,
        nr,
        alpha,
        beta,
        first,
        last,
        flags,
        bias0,
        tile,
      );
    }
  }
}

/** The whole GEMM when K === 0 (no products): C = beta*C + bias, then ReLU. */
function scaleOnly(M: i32, N: i32, beta: f32, c: usize, ldc: i32, flags: i32, bias: usize): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const p = at(c, i * ldc + j);
      store<f32>(
        p,
        epilogue(0, load<f32>(p), 1, beta, biasAt(bias, flags, i, j), true, (flags & FLAG_RELU) !== 0),
      );
    }
  }
}

/**
 * Row-major BLAS-style sgemm: C[M,N] = alpha * op(A) op(B) + beta * C, op(X) = X or X^T, then
 * + bias (flags) and ReLU (flags). lda/ldb/ldc are the row strides of A, B, C as stored.
 * `ws` is gemmWorkspaceBytes() of scratch owned by the calling thread.
 */
export function sgemm(
  transA: i32,
  transB: i32,
  M: i32,
  N: i32,
  K: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
  bias: usize,
  flags: i32,
  ws: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    scaleOnly(M, N, beta, c, ldc, flags, bias);
    return;
  }
  const rsA = transA ? 1 : lda;
  const csA = transA ? lda : 1;
  const rsB = transB ? 1 : ldb;
  const csB = transB ? ldb : 1;
  const pa = wsPackA(ws);
  const pb = wsPackB(ws);
  const tile = wsTile(ws);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB(kc, nc, at(b, pc * rsB + jc * csB), rsB, csB, pb);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(mc, kc, at(a, ic * rsA + pc * csA), rsA, csA, pa);
        const bias0 = flags & FLAG_BIAS_ROW ? at(bias, ic) : flags & FLAG_BIAS_COL ? at(bias, jc) : 0;
        macroKernel(
          mc,
          nc,
          kc,
          pa,
          pb,
          at(c, ic * ldc + jc),
          ldc,
          alpha,
          beta,
          pc === 0,
          pc + kc >= K,
          flags,
          bias0,
          tile,
        );
      }
    }
  }
}
